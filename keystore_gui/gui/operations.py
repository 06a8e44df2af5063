"""Slow work off the GUI thread: one helper, used for every open, save and key operation.

``run_in_background`` runs ``fn`` in the global ``QThreadPool`` and calls ``on_success(result)``
or ``on_failure(exception)`` back on the GUI thread through a queued signal. The worker never
touches a widget. While it runs, the window's busy indicator (if the parent's window has one)
shows ``label``. A result for a parent widget deleted in the meantime is dropped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget

from ..core.errors import KeystoreError
from . import msgbox

log = logging.getLogger(__name__)


class BusyIndicator(Protocol):
    def push(self, label: str) -> None: ...
    def pop(self) -> None: ...


class Operation(QObject):
    """Carries one result from the worker thread back to the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        parent: QWidget | None,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None,
        label: str,
    ) -> None:
        super().__init__()
        self._parent = parent
        self._on_success = on_success
        self._on_failure = on_failure
        self.label = label
        self._indicator = _indicator_for(parent)
        self.succeeded.connect(self._finish_ok)
        self.failed.connect(self._finish_failed)

    def start(self) -> None:
        _RUNNING.add(self)
        if self._indicator is not None:
            self._indicator.push(self.label)

    def _done(self) -> None:
        _RUNNING.discard(self)
        if self._indicator is not None and shiboken6.isValid(self._indicator):
            self._indicator.pop()

    def _parent_gone(self) -> bool:
        """The widget that asked was closed and deleted while the work ran."""
        return self._parent is not None and not shiboken6.isValid(self._parent)

    @Slot(object)
    def _finish_ok(self, result: object) -> None:
        self._done()
        if not self._parent_gone():
            self._on_success(result)

    @Slot(object)
    def _finish_failed(self, exc: BaseException) -> None:
        self._done()
        if self._parent_gone():
            return
        if self._on_failure is not None:
            self._on_failure(exc)
        else:
            report_failure(self._parent, self.label, exc)


class _Runnable(QRunnable):
    def __init__(self, op: Operation, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._op = op
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:
            if not isinstance(exc, KeystoreError):
                log.exception("%s failed", self._op.label)
            self._deliver(self._op.failed, exc)
        else:
            self._deliver(self._op.succeeded, result)

    @staticmethod
    def _deliver(signal: Any, value: object) -> None:
        # The application may have quit while the work ran: nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


_RUNNING: set[Operation] = set()


def run_in_background(
    parent: QWidget | None,
    fn: Callable[[], Any],
    *,
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None] | None = None,
    label: str = "Working…",
) -> Operation:
    """Run ``fn()`` in a worker thread; deliver its result or exception on the GUI thread.

    Without ``on_failure``, a failure is shown in a message box (the core's one-line message).
    """
    op = Operation(parent, on_success, on_failure, label)
    op.start()
    QThreadPool.globalInstance().start(_Runnable(op, fn))
    return op


def running() -> int:
    """How many operations have not delivered their result yet."""
    return len(_RUNNING)


def describe(exc: BaseException) -> str:
    """The one line a user sees for ``exc``."""
    if isinstance(exc, KeystoreError):
        return str(exc)
    return f"unexpected error: {type(exc).__name__}: {exc}"


def report_failure(parent: QWidget | None, label: str, exc: BaseException) -> None:
    title = label.rstrip("…. ") + " failed" if label else "Error"
    msgbox.error(parent, title, describe(exc))


def _indicator_for(parent: QWidget | None) -> BusyIndicator | None:
    if parent is None:
        return None
    window = parent.window()
    indicator = getattr(window, "busy_indicator", None)
    return indicator if indicator is not None else None
