"""The main window: a start page, then one tab per open keystore.

Features hook in without editing this file: each module in :mod:`keystore_gui.gui.features` has
``install(window)``, which adds its actions (with shortcuts) to ``window.menu(key)``. The tree's
context menu is built from the "entry" menu's actions.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from ..core.model import Keystore, StoreType
from ..core.trustsources import JAVA_CACERTS_PASSWORD, java_cacerts_path
from . import features, msgbox, operations
from .model import ModelHints
from .opening import Opener, OpenRequest
from .settings import Settings
from .shown import shown_tip
from .start_page import StartPage
from .tab import KeystoreTab, folder_hints, same_file_key

MENU_TITLES = {
    "file": "&File",
    "edit": "&Edit",
    "entry": "E&ntry",
    "tools": "&Tools",
    "view": "&View",
    "help": "&Help",
}

RECENT_KEY = "recentFiles"
GEOMETRY_KEY = "mainWindow/geometry"
STATE_KEY = "mainWindow/state"
MAX_RECENT = 10

TAB_MENU = (
    "save",
    "save_as",
    "set_store_password",
    "close_tab",
    None,
    "new",
    "open",
    "open_folder",
    "open_cacerts",
)
"""The tab bar's context menu; the tree's is the Entry menu (entry actions only)."""

OPEN_FILTERS = ";;".join(
    [
        "Keystores and certificates (*.jks *.ks *.keystore *.truststore *.jceks *.p12 *.pfx "
        "*.bks *.pem *.crt *.cer *.der *.p7b *.p7c cacerts)",
        "Java keystores, JKS (*.jks *.ks *.keystore *.truststore cacerts)",
        "Java keystores, JCEKS (*.jceks)",
        "PKCS#12 (*.p12 *.pfx)",
        "BouncyCastle keystores (*.bks *.uber)",
        "Certificates (*.pem *.crt *.cer *.der *.p7b *.p7c)",
        "All files (*)",
    ]
)


class BusyIndicator(QWidget):
    """An indeterminate progress bar and label in the status bar while work runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(120)
        self.bar.setMaximumHeight(14)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self._labels: list[str] = []
        self.hide()

    def push(self, label: str) -> None:
        self._labels.append(label)
        self._update()

    def pop(self) -> None:
        if self._labels:
            self._labels.pop(0)
        self._update()

    @property
    def busy(self) -> bool:
        return bool(self._labels)

    def _update(self) -> None:
        self.label.setText(self._labels[-1] if self._labels else "")
        self.setVisible(bool(self._labels))


class MainWindow(QMainWindow):
    state_changed = Signal()
    """The current tab, its selection or its modified state changed: actions update."""

    def __init__(self, settings: QSettings | None = None, *, defer_features: bool = False) -> None:
        """``defer_features``: features wait for :meth:`install_features_soon` (a file first)."""
        super().__init__()
        self.settings = settings if settings is not None else QSettings()
        self.setWindowTitle("Keystore GUI")
        self.setAcceptDrops(True)
        self.resize(1280, 760)
        self._menus: dict[str, QMenu] = {}
        self.actions_by_name: dict[str, QAction] = {}

        self.busy_indicator = BusyIndicator()
        self.statusBar().addPermanentWidget(self.busy_indicator)

        self.stack = QStackedWidget()
        self.start_page = StartPage()
        self.tab_widget = QTabWidget()
        self.tab_widget.setTabsClosable(True)
        self.tab_widget.setMovable(True)
        self.tab_widget.setDocumentMode(True)
        self.tab_widget.tabCloseRequested.connect(lambda i: self.close_tab(self.tab_at(i)))
        self.tab_widget.currentChanged.connect(self._current_changed)
        self.tab_widget.tabBar().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tab_widget.tabBar().customContextMenuRequested.connect(self._tab_menu)
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.tab_widget)
        self.setCentralWidget(self.stack)

        self.undo_group = QUndoGroup(self)
        self.opener = Opener(self)

        for key, title in MENU_TITLES.items():
            self._menus[key] = self.menuBar().addMenu(title)
        self._build_actions()
        self.start_page.open_clicked.connect(self.open_dialog)
        self.start_page.open_folder_clicked.connect(self.open_folder_dialog)
        self.start_page.new_clicked.connect(self.new_keystore)
        self.start_page.cacerts_clicked.connect(self.open_java_cacerts)
        self.start_page.recent_clicked.connect(lambda p: self.open_paths([p]))
        self.start_page.set_cacerts(self.java_cacerts())
        self._refresh_recent()

        self._pending_features = features.feature_modules()
        self._features_loading = False
        self._after_features: list[Callable[[], object]] = []
        if not defer_features:
            self.install_features()

        geometry = self.settings.value(GEOMETRY_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._update_actions()

    def install_features(self, *, soon: bool = False) -> None:
        """Install the feature modules not installed yet: all now, or (``soon``) one at a time
        with the event loop running between them, so that none holds the GUI thread for long."""
        while self._pending_features:
            importlib.import_module(self._pending_features.pop(0)).install(self)
            self._update_actions()
            if soon and self._pending_features:
                QTimer.singleShot(features.PAUSE_MS, self, lambda: self.install_features(soon=True))
                return
        waiting, self._after_features = self._after_features, []
        for slot in waiting:
            slot()

    def when_features_installed(self, slot: Callable[[], object]) -> None:
        """Call ``slot`` once every feature is installed (now if they are)."""
        if self._pending_features:
            self._after_features.append(slot)
        else:
            slot()

    def install_features_soon(self) -> None:  # a slot for Opener.settled
        """Install the features once the current tab's rows show (its first paint; at once if
        it is not on screen), after a worker has imported what they use of the core."""
        tab = self.current_tab()
        if tab is not None and not tab.rows_on_screen and tab.isVisible():
            tab.when_rows_shown(self.install_features_soon)
            return
        if self._pending_features and not self._features_loading:
            self._features_loading = True
            operations.run_in_background(
                None,
                features.import_core,
                on_success=lambda _none: self.install_features(soon=True),
                label="Loading the menus…",
            )

    # --- contract ----------------------------------------------------------------------------
    def menu(self, key: str) -> QMenu:
        return self._menus[key]

    def current_tab(self) -> KeystoreTab | None:
        widget = self.tab_widget.currentWidget()
        return widget if isinstance(widget, KeystoreTab) else None

    def tabs(self) -> list[KeystoreTab]:
        return [self.tab_at(i) for i in range(self.tab_widget.count())]

    def tab_at(self, index: int) -> KeystoreTab:
        widget = self.tab_widget.widget(index)
        assert isinstance(widget, KeystoreTab)
        return widget

    def open_paths(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Open each file in a tab (off the GUI thread, asking for passwords as needed); a
        folder opens every keystore in it, as File > Open folder does."""
        chosen = [Path(p) for p in paths]
        for folder in (p for p in chosen if p.is_dir()):
            self.opener.open_folder(folder)
        self.opener.open_files([p for p in chosen if not p.is_dir()])

    def add_store_tab(
        self,
        store: Keystore,
        path: str | os.PathLike[str] | None,
        *,
        notice: str | None = None,
        digest: bytes | None = None,
        hints: ModelHints | None = None,
    ) -> KeystoreTab:
        tab = KeystoreTab(
            store,
            Path(path) if path is not None else None,
            settings=self.settings,
            notice=notice,
            hints=hints,
        )
        tab.file_digest = digest
        tab.entry_menu = self.menu("entry")
        tab.title_changed.connect(self._retitle)
        tab.selection_changed.connect(self._update_actions)
        tab.modified_changed.connect(self._update_actions)
        tab.saved.connect(lambda: self._saved(tab))
        self.undo_group.addStack(tab.undo_stack)
        self.tab_widget.addTab(tab, tab.title())
        self._retitle()
        self.tab_widget.setCurrentWidget(tab)
        self.stack.setCurrentWidget(self.tab_widget)
        tab.restore_splitter()
        # a worker beside the first paints and the features' installs would stretch them:
        # each Python call of the GUI thread waits for the lock every Python thread needs
        tab.when_rows_shown(
            lambda: self.when_features_installed(
                lambda: tab.start_indexing() if shiboken6.isValid(tab) else None
            )
        )
        if tab.path is not None:
            self.add_recent(tab.path)
        self._update_actions()
        return tab

    def tab_for_path(self, path: Path) -> KeystoreTab | None:
        wanted = same_file_key(path)
        return next((t for t in self.tabs() if t.path and same_file_key(t.path) == wanted), None)

    def settings_changed(self) -> None:
        """Apply changed preferences to the open tabs (and let features re-check them)."""
        days = Settings(self.settings).expiry_warning_days
        for tab in self.tabs():
            if tab.model.warning_days != days:
                tab.model.set_warning_days(days)
        self.state_changed.emit()

    # --- actions -----------------------------------------------------------------------------
    def add_action(
        self,
        menu_key: str,
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        tip: str | None = None,
    ) -> QAction:
        """Make an action with a shortcut and put it in a menu (and keep it by ``name``)."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu(menu_key).addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        add = self.add_action
        SK = QKeySequence.StandardKey
        add("file", "new", "&New keystore", self.new_keystore, SK.New)
        add("file", "open", "&Open…", self.open_dialog, SK.Open)
        add("file", "open_folder", "Open &folder…", self.open_folder_dialog, "Ctrl+Shift+O")
        add(
            "file",
            "open_cacerts",
            "Open the &Java CA certificates",
            self.open_java_cacerts,
            "Ctrl+Shift+J",
        )
        self.recent_menu = self.menu("file").addMenu("&Recent files")
        self.menu("file").addSeparator()
        add("file", "save", "&Save", self.save_current, SK.Save)
        add("file", "save_as", "Save &as…", self.save_current_as, "Ctrl+Shift+S")
        add("file", "close_tab", "&Close", self.close_current_tab, "Ctrl+W")
        self.menu("file").addSeparator()
        quit_action = add("file", "quit", "&Quit", self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.menu("edit").addAction(undo)
        self.menu("edit").addAction(redo)
        self.actions_by_name["undo"] = undo
        self.actions_by_name["redo"] = redo
        self.menu("edit").addSeparator()
        add("edit", "find", "&Filter…", self.focus_filter, SK.Find)

        hide = add("view", "hide_expired", "Hide &expired entries", lambda: None, "Ctrl+Shift+E")
        hide.setCheckable(True)
        hide.toggled.connect(self._hide_expired)
        details = add("view", "details", "&Details pane", lambda: None, "F4")
        details.setCheckable(True)
        details.setChecked(True)
        details.toggled.connect(self._show_details)

        add("help", "about", "&About Keystore GUI", self.about)

    def _update_actions(self) -> None:
        tab = self.current_tab()
        for name in ("save", "save_as", "close_tab", "find", "hide_expired", "details"):
            self.actions_by_name[name].setEnabled(tab is not None)
        if tab is not None:
            self.actions_by_name["hide_expired"].setChecked(tab.hide_expired_box.isChecked())
            self.actions_by_name["details"].setChecked(not tab.details.isHidden())
        self.state_changed.emit()

    def _current_changed(self, _index: int) -> None:
        tab = self.current_tab()
        self.undo_group.setActiveStack(tab.undo_stack if tab else None)  # type: ignore[arg-type]
        self.stack.setCurrentWidget(self.tab_widget if tab else self.start_page)
        self._update_title()
        self._update_actions()

    def _update_title(self) -> None:
        tab = self.current_tab()
        if tab is None:
            self.setWindowTitle("Keystore GUI")
            self.setWindowFilePath("")
        else:
            self.setWindowTitle(f"{tab.title()} — Keystore GUI")

    def _retitle(self) -> None:
        """Title every tab, telling files of the same name apart by their folders."""
        tabs = self.tabs()
        for tab, hint in zip(tabs, folder_hints([t.path for t in tabs]), strict=True):
            tab.folder_hint = hint
            index = self.tab_widget.indexOf(tab)
            self.tab_widget.setTabText(index, tab.title())
            self.tab_widget.setTabToolTip(index, shown_tip(tab.path_text))
        self._update_title()

    def _saved(self, tab: KeystoreTab) -> None:
        if tab.path is not None:
            self.add_recent(tab.path)
        self.statusBar().showMessage(f"Saved {tab.path}", 5000)

    def _tab_menu(self, pos: QPoint) -> None:
        bar = self.tab_widget.tabBar()
        index = bar.tabAt(pos)
        if index < 0:
            return
        self.tab_widget.setCurrentIndex(index)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addActions(self.context_actions(TAB_MENU))
        menu.popup(bar.mapToGlobal(pos))

    def context_actions(self, names: Iterable[str | None]) -> list[QAction]:
        """The named actions (``None`` for a separator), skipping names no feature installed."""
        out: list[QAction] = []
        for name in names:
            if name is None:
                separator = QAction(self)
                separator.setSeparator(True)
                out.append(separator)
            elif name in self.actions_by_name:
                out.append(self.actions_by_name[name])
        return out

    # --- file --------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Open keystore", self._last_folder(), OPEN_FILTERS
        )
        if names:
            self.open_paths(names)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Open every keystore in a folder", self._last_folder()
        )
        if folder:
            self.opener.open_folder(Path(folder))

    def java_cacerts(self) -> Path | None:
        return java_cacerts_path()

    def open_java_cacerts(self) -> None:
        path = self.java_cacerts()
        if path is None:
            msgbox.error(
                self,
                "Java CA certificates",
                "no Java CA certificates file found: set JAVA_HOME or install a JDK",
            )
            return
        self.opener.open([OpenRequest(path, candidates=(JAVA_CACERTS_PASSWORD,))])

    def new_keystore(self) -> None:
        self.add_store_tab(Keystore(StoreType.PKCS12), None)

    def save_current(self) -> None:
        from . import saving  # at the first save, not at start-up

        tab = self.current_tab()
        if tab is not None:
            saving.save(tab)

    def save_current_as(self) -> None:
        from . import saving

        tab = self.current_tab()
        if tab is not None:
            saving.save_as(tab)

    def focus_filter(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.filter_edit.setFocus()
            tab.filter_edit.selectAll()

    def _hide_expired(self, on: bool) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.hide_expired_box.setChecked(on)

    def _show_details(self, on: bool) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.details.setVisible(on)

    def about(self) -> None:
        from .. import __version__

        msgbox.information(
            self,
            "About Keystore GUI",
            f"Keystore GUI {__version__}\nJKS, JCEKS and PKCS#12 keystores, with the same core "
            "as keystore-cli.",
        )

    def _last_folder(self) -> str:
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # --- recent files ------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent(self, path: Path) -> None:
        name = str(path.resolve())
        recent = [name] + [p for p in self.recent_files() if p != name]
        self.settings.setValue(RECENT_KEY, recent[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        recent = self.recent_files()
        self.recent_menu.clear()
        for i, name in enumerate(recent):
            action = self.recent_menu.addAction(f"&{(i + 1) % 10} {name}")
            action.setShortcut(QKeySequence(f"Alt+Shift+{(i + 1) % 10}"))
            action.triggered.connect(lambda _c=False, n=name: self.open_paths([n]))
        self.recent_menu.setEnabled(bool(recent))
        self.start_page.set_recent(recent)

    # --- closing -----------------------------------------------------------------------------
    def close_current_tab(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            self.close_tab(tab)

    def close_tab(self, tab: KeystoreTab, then: Callable[[], None] | None = None) -> None:
        """Close ``tab``, asking Save / Discard / Cancel if it is modified; ``then()`` after."""
        from . import saving

        def remove() -> None:
            self._remove_tab(tab)
            if then is not None:
                then()

        if not tab.is_modified():
            remove()
            return
        self.tab_widget.setCurrentWidget(tab)
        choice = msgbox.ask_save(self, tab.display_name)
        if choice is msgbox.SaveChoice.DISCARD:
            remove()
        elif choice is msgbox.SaveChoice.SAVE:
            saving.save(tab, on_done=lambda ok: remove() if ok else None)

    def _remove_tab(self, tab: KeystoreTab) -> None:
        index = self.tab_widget.indexOf(tab)
        if index >= 0:
            self.tab_widget.removeTab(index)
        self.undo_group.removeStack(tab.undo_stack)
        tab.deleteLater()
        self._retitle()

    def closeEvent(self, event: QCloseEvent) -> None:
        modified = [t for t in self.tabs() if t.is_modified()]
        if modified:
            event.ignore()
            self._confirm_quit(modified)
            return
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.settings.sync()
        event.accept()

    def _confirm_quit(self, modified: list[KeystoreTab]) -> None:
        """Ask about every modified tab first (Cancel on any keeps everything open), then save
        the ones to save, then close the window."""
        to_save: list[KeystoreTab] = []
        for tab in modified:
            self.tab_widget.setCurrentWidget(tab)
            choice = msgbox.ask_save(self, tab.display_name)
            if choice is msgbox.SaveChoice.CANCEL:
                return
            if choice is msgbox.SaveChoice.SAVE:
                to_save.append(tab)
        self._save_then_quit(to_save)

    def _save_then_quit(self, remaining: list[KeystoreTab]) -> None:
        from . import saving

        if remaining:
            saving.save(
                remaining[0], on_done=lambda ok: self._save_then_quit(remaining[1:]) if ok else None
            )
            return
        for tab in self.tabs():
            self._remove_tab(tab)
        # Qt ignores close() while this window's close event is still being handled (a
        # Discard answered inside it): close once the event loop is back.
        QTimer.singleShot(0, self, self.close)

    # --- drag and drop -----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        self.open_paths(Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile())
        event.acceptProposedAction()
