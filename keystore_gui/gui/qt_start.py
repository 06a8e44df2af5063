"""Create the QApplication, or say in plain words why no window can open.

Without a usable platform plugin Qt aborts with "no Qt platform plugin could be initialized.
Reinstalling the application may fix this problem" — and, for X11, a hint about libxcb-cursor0
whatever the real cause. :func:`create_application` listens to Qt's messages while the
application is made; on Qt's fatal message it prints what is wrong instead (missing system
libraries with the ``apt-get`` and ``dnf`` packages that provide them, or no display) and exits 1;
when stderr is no terminal (a menu or a double-click started it), in a zenity, kdialog or
xmessage window as well.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QLibraryInfo, QMessageLogContext, QtMsgType, qInstallMessageHandler

T = TypeVar("T")
MessageSink = Callable[[QtMsgType, str], None]

PREFIX = "keystore-gui: cannot open a window"
NO_DISPLAY = "could not connect to display"


def _print_to_stderr(kind: QtMsgType, text: str) -> None:
    if kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
        print(text, file=sys.stderr)


def create_application(factory: Callable[[], T], on_message: MessageSink | None = None) -> T:
    """``factory()`` (which makes the QApplication); Qt's messages meanwhile go to
    ``on_message`` (default: stderr) once it succeeded, or are explained if it fails."""
    sink = on_message or _print_to_stderr
    messages: list[tuple[QtMsgType, str]] = []

    def handler(kind: QtMsgType, _context: QMessageLogContext, text: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            why = explain([t for _k, t in messages] + [text])
            sys.stderr.write(why + "\n")
            sys.stderr.flush()
            if not sys.stderr.isatty():
                show_without_qt(why)
            os._exit(1)  # Qt aborts after a fatal message; leave without a core dump
        messages.append((kind, text))

    qInstallMessageHandler(handler)
    try:
        app = factory()
    finally:
        qInstallMessageHandler(None)
    for kind, text in messages:
        sink(kind, text)
    return app


def explain(qt_messages: list[str]) -> str:
    """What to tell the user when no platform plugin started, from Qt's messages."""
    from .system_libs import install_advice, missing_sonames, xcb_plugin_files  # seldom needed

    plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    missing = missing_sonames(xcb_plugin_files(Path(plugins)))
    display = os.environ.get("DISPLAY", "")
    lines: list[str] = []
    if missing:
        lines.append(
            f"{PREFIX}: Qt's X11 platform needs system libraries that are missing "
            f"({', '.join(missing)}). Install them:\n{install_advice(missing)}"
        )
    if any(m.startswith(NO_DISPLAY) for m in qt_messages):
        if not display:
            lines.append(
                f"{PREFIX}: no display (DISPLAY is not set). Start it in a desktop session; "
                "keystore-cli works without one."
            )
        else:
            lines.append(f"{PREFIX}: cannot connect to the X display {display!r}.")
    if not lines:
        *warnings, fatal = qt_messages
        _, _, available = fatal.partition("Available platform plugins are:")
        said = "; ".join(m.strip() for m in warnings if m.strip())
        lines.append(
            f"{PREFIX}: no Qt platform plugin could be started "
            f"(QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', '')!r}): {said}"
            + (f" (available: {available.strip().rstrip('.')})" if available.strip() else "")
        )
    return "\n".join(lines)


# Started from a menu or a file manager, nobody reads stderr: say it in a window drawn by a tool
# that needs no Qt, if the desktop has one and a display is there to show it on.
DIALOG_TOOLS = (
    ("zenity", ("--error", "--no-markup", "--title", "Keystore GUI", "--text")),
    ("kdialog", ("--title", "Keystore GUI", "--error")),
    ("xmessage", ("-center",)),
)


def show_without_qt(text: str) -> None:
    """Show ``text`` with the first of zenity, kdialog or xmessage found (none: nothing)."""
    import shutil
    import subprocess

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return
    for tool, args in DIALOG_TOOLS:
        path = shutil.which(tool)
        if path is not None:
            subprocess.Popen(
                [path, *args, text],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
            return
