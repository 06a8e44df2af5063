"""The Qt window: a thin layer over :mod:`keystore_gui.core`.

PySide6 6.12.0 on CPython 3.11 releases one reference to ``None`` too many on every call of a
C++ method that returns ``void`` (``setEnabled``, ``processEvents``…) and one to ``True``/``False``
on every ``Signal.emit``; after a few thousand calls CPython aborts with "deallocating None".
CPython 3.12 made these objects immortal, so the bug is harmless there. On older Pythons, give
them a reference count no session can drain, before any Qt object exists.
"""

from __future__ import annotations

import ctypes
import sys

if sys.version_info < (3, 12):  # pragma: no branch
    for _singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_singleton)).value += 1 << 40
