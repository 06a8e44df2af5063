"""The window survives many more Qt calls than there are references to None and True/False."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

import keystore_gui.gui  # noqa: F401  (applies the guard, as every GUI import does)


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_emits_do_not_drain_singletons(qapp) -> None:
    widget, emitter = QWidget(), _Emitter()
    for _ in range(5_000):
        widget.setEnabled(True)
        qapp.processEvents()
        emitter.fired.emit()
    if sys.version_info < (3, 12):
        for singleton in (None, True, False):
            assert sys.getrefcount(singleton) > 1 << 39
