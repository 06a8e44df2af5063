"""One open keystore: filter bar, entry tree, details pane, undo stack and saving."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..core import pacing
from ..core.errors import WrongPasswordError
from ..core.model import Certificate, Entry, Keystore
from ..core.rules import DEFAULT_WARNING_DAYS
from . import operations
from .columns import ColumnFitter
from .details import DetailsPane
from .filter import EntryFilter
from .model import COLUMNS, EntryModel, ModelHints, SearchIndex
from .password_dialog import PasswordDialog
from .settings import Settings
from .shown import shown

HEADER_KEY = "tree/header"
SORT_KEY = "tree/sort"
"""The sort column and order, beside the header's state: read before a tab exists (a store read
in a worker is put in alias order there)."""
SPLITTER_KEY = "tab/splitter"
_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
    }
)
UNSHOWN_DELAY_MS = 200
"""What waits for a tab's rows to show starts this long after the tab, if it is not on screen."""


class KeystoreTab(QWidget):
    """A keystore in the window. ``path`` is ``None`` until a new store is first saved."""

    modified_changed = Signal(bool)
    title_changed = Signal()
    selection_changed = Signal()
    saved = Signal()
    rows_shown = Signal()
    """The first rows painted, then the batch after them: what can wait for that starts
    (:attr:`rows_on_screen` is then true)."""

    def __init__(
        self,
        store: Keystore,
        path: str | Path | None,
        *,
        settings: QSettings | None = None,
        notice: str | None = None,
        hints: ModelHints | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``hints``: worked out with ``store`` in the worker that read it (see
        :func:`~.model.model_hints`)."""
        super().__init__(parent)
        self.store = store
        self.path = Path(path) if path is not None else None
        self.settings = settings
        self.folder_hint = ""
        """Set by the window when another tab shows a file of the same name: the folder(s)
        that tell them apart, shown in the title."""
        days = (
            Settings(settings).expiry_warning_days if settings is not None else DEFAULT_WARNING_DAYS
        )
        self.model = EntryModel(store, self, warning_days=days, hints=hints)
        self.painted = False
        """Whether the tree painted (its first rows)."""
        self.rows_on_screen = False
        """Whether the first rows and the batch after them painted (see :attr:`rows_shown`)."""
        self.proxy = EntryFilter(self.model, self)
        self.undo_stack = QUndoStack(self)
        self.saving = False
        self.file_digest: bytes | None = None
        """SHA-256 of the file as the opener read it (off the GUI thread), if it was read."""
        self.search_ready = not store.entries
        """Whether the filter's search texts are prepared (see :meth:`start_indexing`)."""
        self.backed_up: set[Path] = set()
        """Files this tab already saved over in this session: only the first save makes a .bak."""

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.notice_label = QLabel(notice or "")
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(
            "background: #fefcbf; color: #744210; border: 1px solid #ecc94b; padding: 4px;"
        )
        self.notice_label.setVisible(bool(notice))
        layout.addWidget(self.notice_label)

        bar = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(
            "Filter by alias, subject, issuer, serial or fingerprint"
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.installEventFilter(self)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.filter_edit.textChanged.connect(self._update_count)
        self.hide_expired_box = QCheckBox("Hide &expired")
        self.hide_expired_box.toggled.connect(self.proxy.set_hide_expired)
        self.hide_expired_box.toggled.connect(self._update_count)
        self.count_label = QLabel()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.hide_expired_box)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.viewport().installEventFilter(self)
        header = self.tree.header()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        for i, column in enumerate(COLUMNS):
            header.resizeSection(i, column.width)
            header.setSectionHidden(i, not column.visible)
        # By alias unless the user chose otherwise (the header's state remembers it).
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.tree.setSortingEnabled(True)
        self._restore_layout()
        self.columns = ColumnFitter(
            self.tree,
            aliases=self.model.longest_aliases,
            status_texts=lambda: [f"expires in {self.model.warning_days} days"],
        )
        header.sectionMoved.connect(self._save_header)
        header.sectionResized.connect(self._save_header)
        header.sortIndicatorChanged.connect(self._save_header)
        self.tree.selectionModel().selectionChanged.connect(self._selection_changed)
        self.splitter.addWidget(self.tree)
        self.details = DetailsPane()
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.splitterMoved.connect(self._save_splitter)
        layout.addWidget(self.splitter, 1)

        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self._update_count()
        self.entry_menu: QMenu | None = None

    # --- contract ----------------------------------------------------------------------------
    def selected_entries(self) -> list[Entry]:
        """Entries of the selected rows (a selected chain certificate selects its entry)."""
        seen: dict[int, Entry] = {}
        rows = self.tree.selectionModel().selectedRows(0)
        rows.sort(key=lambda i: (self._entry_row(i), i.parent().isValid(), i.row()))
        for index in rows:
            node = self.model.node(self.proxy.mapToSource(index))
            if node.entry is not None:
                seen.setdefault(id(node.entry), node.entry)
        return list(seen.values())

    def _entry_row(self, index: QModelIndex) -> int:
        return index.parent().row() if index.parent().isValid() else index.row()

    def current_certificate(self) -> Certificate | None:
        """The certificate of the current row (a chain member, or the entry's own)."""
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        return self.model.node(self.proxy.mapToSource(index)).cert

    def add_entries(self, entries: Sequence[Entry], text: str) -> None:
        """Add entries as one undoable change and select the first."""
        from .undo import AddEntries  # the undo commands load with the first edit

        self.undo_stack.push(AddEntries(self.model, entries, text))
        if entries:
            self.select_entry(entries[0])

    def refresh_entry(self, entry: Entry) -> None:
        """Show what changed in ``entry`` (its key, chain or alias)."""
        self.model.entry_changed(entry)
        if self.details_entry() is entry:
            self._selection_changed()

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def select_entry(self, entry: Entry) -> None:
        source = self.model.entry_index(entry)
        if not source.isValid():
            return
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            self.filter_edit.clear()
            self.hide_expired_box.setChecked(False)
            index = self.proxy.mapFromSource(self.model.entry_index(entry))
        self.tree.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.tree.scrollTo(index)

    def start_indexing(self) -> None:
        """Prepare the filter's search text for every certificate off the GUI thread, so the
        first keystroke in the filter box doesn't parse the whole store."""
        if not self.store.entries:
            self.search_ready = True
            return
        self.search_ready = False

        def done(index: SearchIndex) -> None:
            self.model.add_search_index(index)
            self.search_ready = True
            self.proxy.index_ready()

        operations.run_in_background(
            self, self.model.search_index_job(), on_success=done, label="Preparing the filter…"
        )

    # --- title -------------------------------------------------------------------------------
    @property
    def display_name(self) -> str:
        """The file's name as every title and message shows it (escaped: gui/shown.py)."""
        return shown(self.path.name) if self.path is not None else "Untitled"

    @property
    def path_text(self) -> str:
        """The file's whole path as its tooltips show it (escaped), or the display name."""
        return shown(str(self.path)) if self.path is not None else self.display_name

    @property
    def label(self) -> str:
        """The tab's name as its tab shows it (the folder too when names clash), without the
        unsaved-changes mark: what every dialog calls this tab."""
        return self.display_name + (f" — {shown(self.folder_hint)}" if self.folder_hint else "")

    def title(self) -> str:
        return self.label + (" *" if self.is_modified() else "")

    def set_notice(self, text: str | None) -> None:
        self.notice_label.setText(text or "")
        self.notice_label.setVisible(bool(text))

    def _clean_changed(self, _clean: bool) -> None:
        self.modified_changed.emit(self.is_modified())
        self.title_changed.emit()

    def _update_count(self) -> None:
        total = len(self.store.entries)
        filtering = bool(self.proxy.text) or self.proxy.hide_expired
        shown = self.proxy.rowCount() if filtering else total
        noun = "entry" if total == 1 else "entries"
        text = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
        self.count_label.setText(text)

    # --- selection and details -------------------------------------------------------------
    def details_entry(self) -> Entry | None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        return self.model.node(self.proxy.mapToSource(index)).entry

    def _selection_changed(self) -> None:
        index = self.tree.currentIndex()
        if index.isValid() and self.tree.selectionModel().isSelected(index):
            node = self.model.node(self.proxy.mapToSource(index))
            self.details.show_entry(node.entry, node.cert)
        else:
            self.details.show_nothing()
        self.selection_changed.emit()

    # --- menus -------------------------------------------------------------------------------
    def _tree_menu(self, pos: QPoint) -> None:
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def context_menu(self) -> QMenu:
        """The Entry menu's actions (features add theirs there): what applies to entries."""
        menu = QMenu(self)
        if self.entry_menu is not None:
            menu.addActions(self.entry_menu.actions())
        return menu

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        header = self.tree.header()
        for i, column in enumerate(COLUMNS):
            action = QAction(column.title, menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.setEnabled(i != 0)
            action.toggled.connect(lambda on, i=i: self.set_column_visible(i, on))
            menu.addAction(action)
        menu.popup(header.mapToGlobal(pos))

    def set_column_visible(self, column: int, visible: bool) -> None:
        self.tree.header().setSectionHidden(column, not visible)
        if visible and self.tree.header().sectionSize(column) < 30:
            self.tree.header().resizeSection(column, COLUMNS[column].width)
        self._save_header()

    def _save_header(self) -> None:
        if self.settings is not None:
            header = self.tree.header()
            self.settings.setValue(HEADER_KEY, header.saveState())
            order = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            self.settings.setValue(SORT_KEY, f"{header.sortIndicatorSection()} {int(order)}")

    def _save_splitter(self) -> None:
        if self.settings is not None:
            self.settings.setValue(SPLITTER_KEY, self.splitter.saveState())

    def _restore_layout(self) -> None:
        if self.settings is None:
            return
        state = self.settings.value(HEADER_KEY)
        if state is not None:
            self.tree.header().restoreState(state)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _INPUT:
            pacing.user_active()  # passes over the store in workers pause a moment
        elif kind == QEvent.Type.Paint and watched is self.tree.viewport():  # not the filter box
            pacing.gui_busy()  # and while the rows paint: a paint asks the model for every cell
            if self.rows_on_screen:
                return False
            if not self.painted:
                self.painted = True
                QTimer.singleShot(0, self, self._after_first_paint)
            elif self.model.rowCount() > self.model.batch or not self.model.has_more():
                self.rows_on_screen = True
                QTimer.singleShot(0, self, self._after_second_paint)
        return False

    def _after_first_paint(self) -> None:
        """The first rows show: the view gets a whole batch now, and more as it scrolls."""
        self.tree.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.model.fetch_next()
        self.tree.doItemsLayout()  # now, not in the next paint, which would then paint twice

    def when_rows_shown(self, slot: Callable[[], object]) -> None:
        """Call ``slot`` once :attr:`rows_shown` is emitted: now if it was, a moment later if
        the tab is not on screen (it may never paint)."""
        if self.rows_on_screen:
            slot()
        elif self.isVisible():
            self.rows_shown.connect(slot, Qt.ConnectionType.SingleShotConnection)
        else:
            QTimer.singleShot(UNSHOWN_DELAY_MS, self, slot)

    def _after_second_paint(self) -> None:
        # one block of work at a time on the GUI thread: what waited starts once laying out
        # the second batch is done (a worker beside it would stretch it with lock hand-overs)
        self.rows_shown.emit()

    def _scrolled(self, value: int) -> None:
        if value == self.tree.verticalScrollBar().maximum() and self.model.has_more():
            self.model.fetch_next()

    def restore_splitter(self) -> None:
        state = self.settings.value(SPLITTER_KEY) if self.settings is not None else None
        if state is None or not self.splitter.restoreState(state):
            self.splitter.setSizes([750, 250])

    # --- keys sealed under their own password ------------------------------------------------
    def unlock_entry(self, entry: Entry, then: Callable[[], object]) -> None:
        """Make ``entry``'s key usable, asking for its password if the store's doesn't open it;
        ``then()`` runs once it is unlocked (not at all if the user cancels)."""
        if not entry.is_locked:
            then()
            return
        store = self.store

        def with_store_password() -> bool:
            if store.password is None:
                return False
            try:
                store.unlock(entry)
            except Exception:
                return False
            return True

        def after_first(ok: bool) -> None:
            if ok:
                self.refresh_entry(entry)
                then()
            else:
                self._ask_key_password(entry, then, None)

        operations.run_in_background(
            self, with_store_password, on_success=after_first, label=f"Unlocking {entry.alias}…"
        )

    def _ask_key_password(
        self, entry: Entry, then: Callable[[], object], error: str | None
    ) -> None:
        dialog = PasswordDialog(
            self,
            title="Key password",
            prompt=f"Entry '{shown(entry.alias)}' in {self.display_name} has a key password of its own. "
            "Type it to continue.",
            error=error,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            assert dialog.result_value is not None
            password = dialog.result_value.password

            def work() -> None:
                self.store.unlock(entry, password)

            def failed(exc: BaseException) -> None:
                if isinstance(exc, WrongPasswordError):
                    self._ask_key_password(
                        entry, then, f"Wrong password for entry '{entry.alias}'. Try again."
                    )
                else:
                    operations.report_failure(self, "Unlocking", exc)

            def done(_: object) -> None:
                self.refresh_entry(entry)
                then()

            operations.run_in_background(
                self, work, on_success=done, on_failure=failed, label=f"Unlocking {entry.alias}…"
            )

        dialog.accepted.connect(accepted)
        dialog.open()


def alias_order(settings: QSettings | None) -> bool | None:
    """How a tab opened now will be sorted by alias: ``False`` ascending (the default), ``True``
    descending, ``None`` when the user sorts by another column."""
    value = settings.value(SORT_KEY) if settings is not None else None
    if value is None:
        return False
    column, _, descending = str(value).partition(" ")
    return descending == "1" if column == "0" else None


def folder_hints(paths: list[Path | None]) -> list[str]:
    """For each path, the fewest trailing folders that tell it from other paths with the same
    file name (as editors title their tabs), or "" when its name is unique."""
    hints = [""] * len(paths)
    groups: dict[str, list[int]] = {}
    for i, path in enumerate(paths):
        if path is not None:
            groups.setdefault(path.name, []).append(i)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        folders = [paths[i].parent.parts for i in rows]  # type: ignore[union-attr]
        for i, own in zip(rows, folders, strict=True):
            others = [f for f in folders if f is not own]
            depth = next(
                (d for d in range(1, len(own)) if all(f[-d:] != own[-d:] for f in others)),
                len(own),
            )
            hints[i] = "/".join(p for p in own[-depth:] if p != "/") or "/"
    return hints


def same_file_key(path: Path) -> str:
    """What tells two paths of one file apart from paths of different files (resolved)."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path)
