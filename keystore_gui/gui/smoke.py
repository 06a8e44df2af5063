"""``keystore-gui --smoke-test [--smoke-hold] FILE...``: the packaging checks' view of the app.

Opens the files (keystore passwords from ``KEYSTORE_GUI_SMOKE_PASSWORD``) as tabs in the real
window and checks that the window is exposed and every tab shows its entries; any Qt warning (a
missing plugin, an icon that does not load) fails it too. Exit status 0, or 1 on any failure.

It prints ``keystore-gui smoke test: drawn (N s of CPU)`` once the window's first paint has reached
the display (the start-up benchmark times this line; N is the process's CPU time until then). With ``--smoke-hold`` it then prints
``keystore-gui smoke test: ready WINID WIDTHxHEIGHT`` and keeps the window up until a line (or
end of file) arrives on standard input, so a checker can grab the screen and then let it quit.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, QSocketNotifier, QTimer, QtMsgType
from PySide6.QtWidgets import QApplication, QWidget

from .. import __version__

SMOKE_PASSWORD_ENV = "KEYSTORE_GUI_SMOKE_PASSWORD"
SETTLE_MS = 200
EXPOSE_TIMEOUT_S = 30.0
EXIT_OK = 0
EXIT_FAILURE = 1

# What the offscreen platform says on every show(); not a problem of the app.
HARMLESS_QT_MESSAGES = ("This plugin does not support propagateSizeHints",)


def note_qt_problem(problems: list[str], kind: QtMsgType, text: str) -> None:
    if kind == QtMsgType.QtDebugMsg or kind == QtMsgType.QtInfoMsg:
        return
    if not text.startswith(HARMLESS_QT_MESSAGES):
        problems.append(f"Qt: {text}")


def say(line: str) -> None:
    print(f"keystore-gui smoke test: {line}", flush=True)


class _FirstPaint(QObject):
    """Says ``drawn`` once, after the window's first paint has been flushed."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            QTimer.singleShot(0, lambda: say(f"drawn ({time.process_time():.2f} s of CPU)"))
        return False


def run_smoke_test(
    app: QApplication,
    window: QWidget,
    paths: Sequence[str],
    qt_problems: list[str] | None = None,
    *,
    hold: bool = False,
) -> int:
    """Open ``paths`` in ``window``, check it, and exit (see the module's description)."""
    from ..core.errors import KeystoreError
    from ..core.io import read_keystore

    failures: list[str] = qt_problems if qt_problems is not None else []
    previous_hook = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        failures.append(f"{kind.__name__}: {value}")
        app.exit(EXIT_FAILURE)

    sys.excepthook = hook
    stdin_watch: list[QSocketNotifier] = []
    try:
        _FirstPaint(window)
        window.show()
        opened = 0
        for path in paths:
            try:
                store = read_keystore(path, os.environ.get(SMOKE_PASSWORD_ENV))
            except KeystoreError as exc:
                failures.append(f"{path}: {exc}")
                continue
            window.add_store_tab(store, path)  # type: ignore[attr-defined]
            opened += 1
        deadline = time.monotonic() + EXPOSE_TIMEOUT_S

        def check() -> None:
            handle = window.windowHandle()
            if (handle is None or not handle.isExposed()) and time.monotonic() < deadline:
                QTimer.singleShot(50, check)
                return
            if handle is None or not handle.isExposed():
                failures.append(f"the window was not shown within {EXPOSE_TIMEOUT_S:.0f} s")
            tabs = window.tabs()  # type: ignore[attr-defined]
            if len(tabs) != opened:
                failures.append(f"{opened} file(s) opened but {len(tabs)} tab(s) shown")
            for tab in tabs:
                if tab.store.entries and tab.model.rowCount() == 0:
                    failures.append(f"{tab.path}: the tab shows no entries")
            if failures or not hold:
                app.exit(EXIT_FAILURE if failures else EXIT_OK)
                return
            size = window.size()
            say(f"ready {int(window.winId()):#x} {size.width()}x{size.height()}")
            stdin_watch.append(_on_stdin(lambda: app.exit(EXIT_OK)))

        _after_settling(check)
        status = app.exec()
        window.close()
    finally:
        sys.excepthook = previous_hook
    for failure in failures:
        print(f"keystore-gui: smoke test: {failure}", file=sys.stderr)
    if status == EXIT_OK and not failures:
        print(f"keystore-gui {__version__}: smoke test passed ({len(paths)} file(s) opened)")
        return EXIT_OK
    return EXIT_FAILURE


def _on_stdin(fn: Callable[[], None]) -> QSocketNotifier:
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(fn)
    return notifier


def _after_settling(fn: Callable[[], None]) -> None:
    """Call ``fn`` once pending events (painting, queued signals) have been handled."""
    QTimer.singleShot(SETTLE_MS, fn)
