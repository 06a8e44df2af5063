"""``keystore-gui [FILE...]``: the application around the main window.

- :class:`KeystoreApplication` names the app (settings location, ``.desktop`` file, icon) and turns
  macOS ``QFileOpenEvent`` (a double-clicked document) into ``window.open_paths``.
- A second ``keystore-gui FILE`` hands FILE to the running window (:mod:`.single_instance`) unless
  ``--new-instance`` is given or the setting is off.
- The colour scheme follows the desktop (:mod:`.theme`).
- Python's garbage collector runs on the GUI thread only (:mod:`.collector`): in a worker it
  destroyed Qt objects outside their thread.
- ``--version`` prints and exits without touching a display. ``--smoke-test`` (hidden, for the
  packaging checks) is :mod:`.smoke`.
- Without a usable Qt platform plugin it says which system packages to install
  (:mod:`.qt_start`) instead of Qt's own abort message.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from functools import partial
from typing import Protocol

from PySide6.QtCore import QEvent, QTimer, qInstallMessageHandler
from PySide6.QtGui import QFileOpenEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from .. import __version__
from .qt_start import create_application
from .smoke import note_qt_problem, run_smoke_test
from .theme import ColorSchemeFollower

APP_NAME = "keystore-gui"
DISPLAY_NAME = "Keystore GUI"
ORGANIZATION = "keystore-gui"
DESKTOP_FILE_NAME = "keystore-gui"  # resources/desktop/keystore-gui.desktop
INSTANCE_NAME_ENV = "KEYSTORE_GUI_INSTANCE"  # overrides the per-user socket name (tests)

SWITCH_INTERVAL_S = 0.0005
"""How long a Python thread runs before another waiting for the interpreter gets a turn."""
EXIT_OK = 0
EXIT_FAILURE = 1


class PathOpener(Protocol):
    def open_paths(self, paths: list[str]) -> None: ...


class KeystoreApplication(QApplication):
    """The QApplication with the app's identity and document-open handling."""

    def __init__(self, argv: Sequence[str]) -> None:
        super().__init__(list(argv))
        # Every Python call Qt makes from the GUI thread (several per row when a view lays out)
        # takes the interpreter's lock; with a worker busy in Python, each waits for the
        # worker's turn to end, 5 ms by default: laying out 10,000 rows took 1.3 s instead of
        # 0.05 s. Short turns cap that wait (0.2 s), at a small cost to the worker.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self.setApplicationName(APP_NAME)
        self.setApplicationDisplayName(DISPLAY_NAME)
        self.setOrganizationName(ORGANIZATION)
        self.setApplicationVersion(__version__)
        QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)
        from .icons import app_icon

        self.setWindowIcon(app_icon())
        from .collector import GuiThreadCollector

        self.collector = GuiThreadCollector(self)
        self._window: PathOpener | None = None
        self._pending: list[str] = []
        self.color_scheme_follower: ColorSchemeFollower | None = None

    def set_window(self, window: PathOpener) -> None:
        """The window that opens files; files asked for before it existed open now."""
        self._window = window
        if self._pending:
            pending, self._pending = self._pending, []
            self.open_paths(pending)

    def open_paths(self, paths: list[str]) -> None:
        """Open ``paths`` in the window and bring it to the front (a hand-off or a FileOpen)."""
        if self._window is None:
            self._pending.extend(paths)
            return
        if isinstance(self._window, QWidget):
            _raise_window(self._window)
        if paths:
            self._window.open_paths(list(paths))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file() or event.url().toLocalFile()
            if path:
                self.open_paths([path])
            return True
        return super().event(event)


def _raise_window(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keystore-gui",
        description="Open JKS, JCEKS and PKCS#12 keystores and certificate files in a window.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="keystores to open in tabs")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--new-instance",
        action="store_true",
        help="start a new window even if the app is already running",
    )
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smoke-hold", action="store_true", help=argparse.SUPPRESS)
    return parser


# Qt's own command-line options, passed through to QApplication (-style fusion, -platform ...);
# Qt accepts them with one dash or two, and "-style=fusion" too.
QT_OPTIONS_WITH_VALUE = frozenset(
    [
        "platform",
        "platformpluginpath",
        "platformtheme",
        "plugin",
        "qwindowgeometry",
        "qwindowicon",
        "qwindowtitle",
        "session",
        "style",
        "stylesheet",
        "display",
        "geometry",
        "title",
        "name",
        "qmljsdebugger",
    ]
)
QT_FLAGS = frozenset({"reverse", "widgetcount", "nograb", "dograb", "sync"})


def split_qt_options(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """(Qt's options with their values, the rest); ``--`` ends options, as usual."""
    qt: list[str] = []
    ours: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            ours += [arg, *rest]
            break
        name = arg.lstrip("-").split("=", 1)[0] if arg.startswith("-") else ""
        if name in QT_FLAGS:
            qt.append(arg)
        elif name in QT_OPTIONS_WITH_VALUE:
            qt.append(arg)
            if "=" not in arg and rest:
                qt.append(rest.pop(0))
        else:
            ours.append(arg)
    return qt, ours


def create_window(*, defer_features: bool = False) -> QWidget:
    from .main_window import MainWindow
    from .settings import Settings

    return MainWindow(Settings().qsettings, defer_features=defer_features)


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    qt_args, own_args = split_qt_options(args_in)
    # --help, --version and usage errors end here, before Qt needs a display.
    args = parser.parse_intermixed_args(own_args)
    qt_problems: list[str] = []
    on_message = partial(note_qt_problem, qt_problems) if args.smoke_test else None
    app = create_application(
        lambda: KeystoreApplication([sys.argv[0] if sys.argv else APP_NAME, *qt_args]), on_message
    )
    if args.smoke_test:
        qInstallMessageHandler(lambda kind, _ctx, text: note_qt_problem(qt_problems, kind, text))
        return run_smoke_test(app, create_window(), args.files, qt_problems, hold=args.smoke_hold)

    from .settings import Settings
    from .single_instance import InstanceServer, send_to_running_instance, server_name

    settings = Settings()
    if settings.single_instance and not args.new_instance:
        name = os.environ.get(INSTANCE_NAME_ENV) or server_name()
        if send_to_running_instance(args.files, name):
            return EXIT_OK
        server = InstanceServer(name, app)
        server.listen()
        server.paths_received.connect(app.open_paths)
    app.color_scheme_follower = ColorSchemeFollower(app, settings.color_scheme)

    # With files to open, their tabs come first and the menus' features right after (their
    # imports would delay the first tab by a third).
    window = create_window(defer_features=bool(args.files))
    window.show()
    app.set_window(window)  # type: ignore[arg-type]
    if args.files:
        files = list(args.files)
        window.opener.settled.connect(window.install_features_soon)  # type: ignore[attr-defined]
        QTimer.singleShot(0, lambda: app.open_paths(files))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
