"""Grab the README's screenshots of the main window, light and dark, offscreen:

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py STORE PASSWORD_ENV

STORE is opened with the password in environment variable PASSWORD_ENV; the first private-key
entry is selected so the details pane shows. Writes light.png and dark.png next to this file.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from keystore_gui.core.io import read_keystore
from keystore_gui.core.model import EntryKind
from keystore_gui.gui.app import KeystoreApplication
from keystore_gui.gui.theme import ColorSchemeFollower

HERE = Path(__file__).resolve().parent
HIDDEN_COLUMNS = ("algorithm", "issuer")


def settle(app: QApplication) -> None:
    """Let background work (health checks, chain building) finish and the window repaint."""
    from keystore_gui.gui import operations

    quiet_until = time.monotonic() + 0.5  # checks start after short debounce timers
    deadline = time.monotonic() + 30
    while (operations.running() or time.monotonic() < quiet_until) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def grab(app: QApplication, store_path: str, password: str, scheme: str, out: Path) -> None:
    from keystore_gui.gui.main_window import MainWindow
    from keystore_gui.gui.model import COLUMNS

    column_names = [c.id for c in COLUMNS]
    follower = ColorSchemeFollower(app, scheme)
    with tempfile.TemporaryDirectory() as scratch:
        settings = QSettings(str(Path(scratch) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.resize(1440, 760)
        window.show()
        tab = window.add_store_tab(read_keystore(store_path, password), store_path)
        for name in HIDDEN_COLUMNS:  # room for Expires and Status next to the details pane
            tab.set_column_visible(column_names.index(name), False)
        key = next((e for e in tab.store.entries if e.kind is EntryKind.PRIVATE_KEY), None)
        if key is not None:
            tab.select_entry(key)
        settle(app)
        window.grab().save(str(out))
        window.close()
        window.deleteLater()
        app.processEvents()
    follower.deleteLater()


def main() -> int:
    store_path, password_env = sys.argv[1], sys.argv[2]
    app = KeystoreApplication(sys.argv[:1])
    password = os.environ[password_env]
    grab(app, store_path, password, "light", HERE / "light.png")
    grab(app, store_path, password, "dark", HERE / "dark.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
