"""One codec module per format family; each registers itself with :mod:`..formats`."""

from __future__ import annotations

import importlib

_MODULES = ("certfiles", "jks", "pkcs12")
_loaded = False


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for name in _MODULES:
        importlib.import_module(f"{__name__}.{name}")
    _loaded = True
