"""The Qt binding keeps its references to None, True and False balanced.

PySide6 6.12.0 releases one too many on every call of a C++ method returning ``void`` and on every
``Signal.emit``; on Python 3.11, where these objects are not immortal, a session then aborts with
"deallocating None". pyproject.toml excludes that release; this test catches any like it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_and_emits_keep_singleton_references(qapp) -> None:
    widget, emitter = QWidget(), _Emitter()
    before = {repr(s): sys.getrefcount(s) for s in (None, True, False)}
    for _ in range(2_000):
        widget.setEnabled(True)
        emitter.fired.emit(True)
        emitter.fired.emit(False)
    qapp.processEvents()
    after = {repr(s): sys.getrefcount(s) for s in (None, True, False)}
    assert all(after[k] >= before[k] - 50 for k in before), (before, after)
