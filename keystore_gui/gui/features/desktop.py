"""Desktop behaviour of the window: Help > About, Preferences, and noticing files changed on disk.

Another program (keytool, a deployment script) may rewrite a keystore while it is open here. Each
tab's file is watched; when its content really changes (not a mere touch, not this app's own
save) the user chooses: reload it, or keep the version shown. Unsaved changes are never replaced
without that choice, and the question says when there are some.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from ...core.io import read_keystore
from ...core.model import Keystore
from .. import msgbox, operations
from ..about import AboutDialog
from ..icons import icon
from ..preferences import PreferencesDialog, apply_preferences
from ..settings import Settings
from ..shown import shown

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from ..tab import KeystoreTab

SETTLE_MS = 300  # a save is several file events (write, rename); judge once they stop


def install(window: MainWindow) -> None:
    about = window.actions_by_name.get("about")
    if about is None:
        about = window.add_action("help", "about", "&About Keystore GUI", lambda: None)
    about.triggered.disconnect()
    about.triggered.connect(lambda _checked=False: show_about(window))
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about_qt = window.add_action("help", "about_qt", "About &Qt", QApplication.aboutQt)
    about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)

    prefs = window.add_action(
        "tools", "preferences", "&Preferences…", lambda: show_preferences(window), "Ctrl+,"
    )
    prefs.setMenuRole(QAction.MenuRole.PreferencesRole)

    window.disk_watcher = DiskWatcher(window)  # type: ignore[attr-defined]
    # After every feature has added its actions (they install one after another).
    QTimer.singleShot(0, window, lambda: give_actions_icons(window))


# Window actions (by name) and the icon each shows in menus.
ACTION_ICONS = {
    "new": "action-new",
    "open": "action-open",
    "open_folder": "action-open",
    "save": "action-save",
    "save_as": "action-save",
    "rename": "action-rename",
    "delete": "action-delete",
    "export_certificate": "action-export",
    "export_certificates": "action-export",
    "import_certificates": "action-import",
    "import_ca_reply": "action-import",
    "copy_pem": "action-copy",
    "copy_certificates": "action-copy",
    "copy_to_truststore": "entry-trusted-cert",
    "generate_key_pair": "action-generate-key",
    "details": "action-details",
    "health_panel": "action-verify",
}


def give_actions_icons(window: MainWindow) -> None:
    for name, icon_name in ACTION_ICONS.items():
        action = window.actions_by_name.get(name)
        if action is not None and action.icon().isNull():
            action.setIcon(icon(icon_name))


def show_about(window: MainWindow) -> None:
    dialog = AboutDialog(parent=window)
    dialog.exec()
    dialog.deleteLater()


def show_preferences(window: MainWindow) -> None:
    settings = Settings(window.settings)
    dialog = PreferencesDialog(settings=settings, parent=window)
    if dialog.exec():
        apply_preferences(dialog.result_value(), settings)
        window.settings_changed()
    dialog.deleteLater()


def file_digest(path: Path) -> bytes | None:
    """SHA-256 of the file's content, or ``None`` if it is gone or unreadable."""
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None


class DiskWatcher(QObject):
    """Watches every open tab's file and asks Reload / Keep when another program changes it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._file_changed)
        self._known: dict[KeystoreTab, bytes | None] = {}
        self._pending: set[KeystoreTab] = set()
        self._asking = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.check_pending)
        window.state_changed.connect(self.sync)
        self.sync()

    @property
    def settling(self) -> bool:
        """File events came in and are being let settle before they are judged."""
        return self._settle.isActive()

    def watched_tabs(self) -> list[KeystoreTab]:
        return list(self._known)

    def sync(self) -> None:
        """Watch the files of tabs just opened (or saved under a new name); forget closed ones."""
        open_tabs = {t for t in self._window.tabs() if t.path is not None}
        for tab in list(self._known):
            if tab not in open_tabs:
                del self._known[tab]
                self._pending.discard(tab)
        for tab in open_tabs:
            if tab not in self._known:
                # what the opener read; reading a large store again here would stall the window
                known = tab.file_digest
                self._known[tab] = known if known is not None else file_digest(self._path(tab))
                tab.saved.connect(lambda t=tab: self._rebaseline(t))
        wanted = {str(self._path(t)) for t in self._known}
        watched = set(self._watcher.files())
        if watched - wanted:
            self._watcher.removePaths(sorted(watched - wanted))
        missing = [p for p in sorted(wanted - watched) if Path(p).exists()]
        if missing:
            self._watcher.addPaths(missing)

    def _path(self, tab: KeystoreTab) -> Path:
        assert tab.path is not None
        return Path(tab.path).absolute()

    def _rebaseline(self, tab: KeystoreTab) -> None:
        """This app just wrote the file: what is on disk now is what the tab shows."""
        if tab in self._known:
            self._known[tab] = file_digest(self._path(tab))
        self.sync()

    def _file_changed(self, path: str) -> None:
        for tab in self._known:
            if str(self._path(tab)) == path:
                self._pending.add(tab)
        # A file replaced by rename is no longer watched: watch the new one.
        if path not in self._watcher.files() and Path(path).exists():
            self._watcher.addPath(path)
        self._settle.start()

    def check_pending(self) -> None:
        """Judge the files that changed once events have settled (also called by tests)."""
        if self._asking:
            return
        while self._pending:
            tab = self._pending.pop()
            if tab not in self._known:
                continue
            if getattr(tab, "saving", False):
                self._pending.add(tab)  # our own save is in flight; look again after it
                self._settle.start()
                return
            path = self._path(tab)
            now = file_digest(path)
            if now == self._known[tab]:
                continue
            self._known[tab] = now
            self._asking = True
            try:
                self._ask(tab, path, now)
            finally:
                self._asking = False
        self.sync()

    def _ask(self, tab: KeystoreTab, path: Path, digest: bytes | None) -> None:
        title = "File changed on disk"
        if digest is None:
            msgbox.information(
                self._window,
                "File removed",
                f"{shown(path.name)} was deleted or moved by another program.\n\n"
                "Its entries stay open here; Save writes them back to the file.",
            )
            return
        if tab.is_modified():
            text = (
                f"{path.name} was changed on disk by another program, and you have unsaved "
                "changes to it here.\n\nReload discards your changes and shows the file as it "
                "is now. Cancel keeps your version; saving it asks before replacing the file on disk."
            )
            yes = "Reload and Discard My Changes"
        else:
            text = (
                f"{path.name} was changed on disk by another program.\n\nReload shows the file "
                "as it is now. Cancel keeps the version shown here."
            )
            yes = "Reload"
        if msgbox.question(self._window, title, text, yes_text=yes):
            self.reload(tab)

    def reload(self, tab: KeystoreTab) -> None:
        """Read the tab's file again (off the GUI thread) and show it in place of the tab."""
        path = self._path(tab)
        password = tab.store.password

        def work() -> Keystore:
            return read_keystore(path, password)

        def loaded(result: object) -> None:
            assert isinstance(result, Keystore)
            self._replace(tab, result)

        def failed(exc: BaseException) -> None:
            msgbox.error(
                self._window,
                "Reload failed",
                f"{shown(path.name)} could not be read again: {operations.describe(exc)}",
                "The tab keeps the version it showed. Close it and open the file to try again.",
            )

        operations.run_in_background(
            self._window, work, on_success=loaded, on_failure=failed, label=f"Reloading {path.name}"
        )

    def _replace(self, old: KeystoreTab, store: Keystore) -> None:
        window = self._window
        tabs = window.tab_widget
        index = tabs.indexOf(old)
        if index < 0:
            return  # closed meanwhile
        self._known.pop(old, None)
        self._pending.discard(old)
        new = window.add_store_tab(store, old.path)
        tabs.tabBar().moveTab(tabs.indexOf(new), index)
        tabs.removeTab(tabs.indexOf(old))
        window.undo_group.removeStack(old.undo_stack)
        old.deleteLater()
        tabs.setCurrentWidget(new)
        self.sync()
        window.statusBar().showMessage(f"Reloaded {shown(self._path(new).name)}", 5000)
