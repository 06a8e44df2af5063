"""One codec module per format family; each registers itself with :mod:`..formats`.

Modules are imported only when a format they handle is first needed: listing a JKS does not pay
for importing the PKCS#12 machinery, nor a PEM file for pyjks (``keystore-cli`` starts fast).
"""

from __future__ import annotations

import importlib

from ..model import StoreType

_MODULES = ("certfiles", "javaks", "jks", "pkcs12")
_MODULE_FOR: dict[StoreType, str] = {
    StoreType.PEM: "certfiles",
    StoreType.DER: "certfiles",
    StoreType.PKCS7: "certfiles",
    StoreType.PKIPATH: "certfiles",
    StoreType.JKS: "javaks",
    StoreType.JCEKS: "javaks",
    StoreType.BKS: "jks",
    StoreType.UBER: "jks",
    StoreType.PKCS12: "pkcs12",
}
_loaded = False


def load_for(store_type: StoreType) -> None:
    """Import the module that handles ``store_type`` (all of them if none is known to)."""
    name = _MODULE_FOR.get(store_type)
    if name is None:
        load_all()
    else:
        importlib.import_module(f"{__name__}.{name}")


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for name in _MODULES:
        importlib.import_module(f"{__name__}.{name}")
    _loaded = True
