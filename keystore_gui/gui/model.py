"""The entry tree: one ``QAbstractItemModel`` over plain Python nodes.

Top-level rows are the store's entries; under a private-key entry, its certificate chain (leaf
first), one row per certificate. Nodes are cheap: a row's cells are computed the first time the
view asks for them and cached, so a store of 100,000 certificates opens without parsing any
certificate that is not on screen. Every structural change is bracketed with ``begin…``/``end…``.

Size: one Qt model adapter; its lazy rows, batches, sorted inserts and clock work on one tree.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QWidget

from ..core.errors import AliasError
from ..core.io import walk_store
from ..core.model import Certificate, Entry, EntryKind, Keystore
from ..core.order import natural_order
from ..core.pacing import give_way, gui_busy
from ..core.quickview import row_fields, summary
from ..core.rules import DEFAULT_WARNING_DAYS, Status, validity_status
from . import icons
from .shown import shown, shown_tip
from .theme import status_colour

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2
CERT_ROLE = Qt.ItemDataRole.UserRole + 3
STATUS_ROLE = Qt.ItemDataRole.UserRole + 4

FETCH_BATCH = 10_000
"""Top-level rows handed to the view at a time: a view lays out every row it is given, so a
store of 100,000 entries is shown 10,000 at a time as the user scrolls (filtering takes all)."""
FIRST_BATCH = 1_000
"""Top-level rows the view gets for its first paint: a few screenfuls, so that a large store
shows without laying out 10,000 rows first; the tab asks for a whole batch once painted."""
LONGEST_ALIASES = 40
"""How many of the longest aliases the alias column is sized by (their text widths differ)."""
SYNC_SORT_ROWS = 2_000
"""Up to this many entries a sort that needs certificates parses them on the GUI thread."""
SYNC_INDEX_ROWS = 500
"""Up to this many entries the filter reads certificates on the GUI thread as it needs them;
beyond, it matches aliases until the search index is built in a worker."""
CLOCK_MS = 30_000
"""How often statuses are checked against the clock (an open tab can stay open for days)."""


class SortKind(Enum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    visible: bool = True
    sort: SortKind = SortKind.TEXT
    width: int = 140


COLUMNS: tuple[Column, ...] = (
    Column("alias", "Alias", width=140),
    Column("kind", "Kind", width=110),
    Column("algorithm", "Algorithm", width=105),
    Column("subject", "Subject CN", width=150),
    Column("issuer", "Issuer CN", width=150),
    Column("expires", "Expires", sort=SortKind.DATE, width=85),
    Column("status", "Status", sort=SortKind.NUMBER, width=150),
    Column("not_before", "Valid from", visible=False, sort=SortKind.DATE, width=100),
    Column("serial", "Serial", visible=False, width=200),
    Column("sha256", "SHA-256", visible=False, width=300),
)
COLUMN_IDS = tuple(c.id for c in COLUMNS)
_COLUMN_COUNT = len(COLUMNS)
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
LEAF_FLAGS = _ROW_FLAGS | Qt.ItemFlag.ItemNeverHasChildren
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_PRIVATE_KEY = EntryKind.PRIVATE_KEY
_OWN_ALGORITHM = (EntryKind.SECRET_KEY, EntryKind.PUBLIC_KEY)
"""Kinds whose Algorithm column describes their own key, not a certificate's."""


_FILE_TEXT_COLUMNS = (0, 2, 3, 4)
"""Alias, algorithm, subject and issuer: texts a file decides, shown escaped (gui/shown.py)."""


def column_index(column_id: str) -> int:
    return COLUMN_IDS.index(column_id)


KIND_TEXT = {
    EntryKind.PRIVATE_KEY: "Key pair",
    EntryKind.TRUSTED_CERT: "Trusted cert",
    EntryKind.SECRET_KEY: "Secret key",
    EntryKind.PUBLIC_KEY: "Public key",
}
SHADOWED_TEXT = "Duplicate"
"""The kind shown for an entry Java never sees: a later one has its alias (``Entry.shadowed``)."""
LOOSE_TEXT = "Not trusted"
"""The kind shown for a loose certificate (``Entry.loose``): a PKCS#12 file holds it untrusted."""


def _icon_kind(node: Node) -> str:
    entry = node.entry
    if not node.is_entry or entry is None or entry.loose:
        return "certificate"
    return entry.kind.value


@dataclass
class Cells:
    """What a row shows, computed once."""

    texts: list[str]
    sort_keys: list[Any]
    status: Status
    tooltip: str


class Node:
    """A row: a top-level entry (``cert`` is its first certificate) or a certificate of a chain."""

    __slots__ = ("_children", "cells", "cert", "entry", "haystack", "parent", "row")

    def __init__(
        self, parent: Node | None, row: int, entry: Entry | None, cert: Certificate | None
    ) -> None:
        self.parent = parent
        self.row = row
        self.entry = entry
        self.cert = cert
        self._children: list[Node] | None = None
        self.cells: Cells | None = None
        self.haystack: str | None = None

    @property
    def is_entry(self) -> bool:
        return self.parent is not None and self.parent.parent is None

    def child_count(self) -> int:
        if self._children is None:
            entry = self.entry
            if entry is None or entry.kind is not _PRIVATE_KEY or not self.is_entry:
                return 0
        return len(self.children)

    @property
    def children(self) -> list[Node]:
        """Created on first use and kept: the count the view saw is what edits bracket."""
        if self._children is None:
            entry = self.entry
            if self.is_entry and entry is not None and entry.kind is EntryKind.PRIVATE_KEY:
                self._children = [Node(self, i, entry, c) for i, c in enumerate(entry.chain)]
            else:
                self._children = []
        return self._children

    def set_children(self, children: list[Node] | None) -> None:
        self._children = children

    def forget(self) -> None:
        """Drop cached cells (after an edit)."""
        self.cells = None
        self.haystack = None


class EntryModel(QAbstractItemModel):
    def __init__(
        self,
        store: Keystore,
        parent: QObject | None = None,
        *,
        now: dt.datetime | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        warning_days: int = DEFAULT_WARNING_DAYS,
        batch: int | None = None,
        first_batch: int | None = None,
        hints: ModelHints | None = None,
    ) -> None:
        """``hints``: what :func:`model_hints` worked out in the worker that read ``store``."""
        super().__init__(parent)
        self.store = store
        self._fixed_now = now is not None
        """Tests pass a fixed ``now``; otherwise statuses follow ``clock``."""
        self._time = clock
        self.now = now or clock()
        self.warning_days = warning_days
        if not self._fixed_now:
            self._clock = QTimer(self)
            self._clock.setInterval(CLOCK_MS)
            self._clock.timeout.connect(self.refresh_now)
            self._clock.start()
        self._root = Node(None, 0, None, None)
        self._top: list[Node | None] = [None] * len(store.entries)
        """One slot per entry, in the store's order; a node is made when first asked for."""
        self.batch = FETCH_BATCH if batch is None else batch
        first = FIRST_BATCH if first_batch is None else first_batch
        self._fetched = min(len(self._top), self.batch, first)
        """Top-level rows the view has been given so far (see :meth:`fetch_next`)."""
        self._cert_text: dict[Certificate, str] = {}
        self._entry_texts: list[str] | None = None
        self._alias_texts: list[str] | None = None
        self.index_built = len(store.entries) <= SYNC_INDEX_ROWS
        """Whether the filter may read every certificate's search text: a large store's are
        prepared off the GUI thread (:meth:`search_index_job`), and until then the filter
        matches aliases only."""
        self._generation = 0
        """Bumped by every edit of the entries, so a search index made before is not used."""
        self._has_chains: tuple[int, bool] = (-1, False)
        self._longest: tuple[tuple[int, int], list[str]] = ((-1, 0), [])
        self._in_alias_order: tuple[int, Qt.SortOrder] | None = None
        """(generation, order) while the entries are known to be in natural alias order."""
        if hints is not None:
            self._has_chains = (0, hints.has_chains)
            self._longest = ((0, LONGEST_ALIASES), hints.longest_aliases)
            if hints.alias_descending is not None:
                descending = Qt.SortOrder.DescendingOrder
                order = descending if hints.alias_descending else Qt.SortOrder.AscendingOrder
                self._in_alias_order = (0, order)
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None
        """The view's sort (column, order): rows added later take their place in it."""

    def _entries_changed(self) -> None:
        self._entry_texts = None
        self._alias_texts = None
        self._generation += 1
        if not self._fixed_now:
            # what is added now (a key generated a minute ago) is judged by the time now
            self.now = self._time()

    def refresh_now(self, now: dt.datetime | None = None) -> list[Node]:
        """Move ``now`` to the current time (or ``now``) and update the rows whose status
        changes with it (not yet valid → valid → expiring → expired); returns those rows."""
        self.now = now or self._time()
        changed: list[Node] = []
        for node in self._top:
            if node is None:
                continue
            for row in [node, *(node._children or [])]:
                cells, cert = row.cells, row.cert
                if cells is None or cert is None or cells.status is Status.NONE:
                    continue
                not_before, not_after = cells.sort_keys[7], cells.sort_keys[5]
                status, text, days = validity_status(
                    not_before, not_after, self.now, self.warning_days
                )
                if (status, text, days) != (cells.status, cells.texts[6], cells.sort_keys[6]):
                    row.cells = None
                    changed.append(row)
        for row in changed:
            self.dataChanged.emit(
                self.createIndex(row.row, 0, row),
                self.createIndex(row.row, len(COLUMNS) - 1, row),
            )
        return changed

    def _make_top(self, row: int) -> Node:
        entry = self.store.entries[row]
        node = Node(self._root, row, entry, _first(entry))
        self._top[row] = node
        return node

    def top(self, row: int) -> Node:
        return self._top[row] or self._make_top(row)

    def _all_top(self) -> list[Node]:
        return [n or self._make_top(i) for i, n in enumerate(self._top)]

    # --- navigation (called for every row on screen: kept lean) ------------------------------
    def node(self, index: Index) -> Node:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, Node)
        return node

    def node_at(self, row: int, parent: Index) -> Node:
        if parent.isValid():
            return parent.internalPointer().children[row]  # type: ignore[no-any-return]
        return self._top[row] or self._make_top(row)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not 0 <= column < _COLUMN_COUNT or row < 0:
            return QModelIndex()
        if parent.isValid():
            if parent.column() != 0:
                return QModelIndex()
            children = parent.internalPointer().children
            if row >= len(children):
                return QModelIndex()
            return self.createIndex(row, column, children[row])
        if row >= self._fetched:
            return QModelIndex()
        return self.createIndex(row, column, self._top[row] or self._make_top(row))

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = index.internalPointer().parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return self._fetched
        if parent.column() != 0:
            return 0
        return parent.internalPointer().child_count()  # type: ignore[no-any-return]

    # Qt's canFetchMore/fetchMore are left at "nothing more": a tree view asks for more at every
    # layout, and the rows it gets make it lay out again, so it would take every row, a batch
    # per turn of the event loop, each laid out with all the rows before it (on 100,000 entries,
    # stalls growing to a quarter of a second). The tab asks for the next batch instead, when
    # the first rows have painted and when the user scrolls to the end.
    def has_more(self) -> bool:
        """Whether some entries are not in the view yet."""
        return self._fetched < len(self._top)

    def fetch_next(self) -> None:
        """Give the view the next batch of rows."""
        self._fetch_to(min(len(self._top), self._fetched + self.batch))

    def fetch_all(self) -> None:
        """Give the view every row (before filtering, or to show a row not fetched yet)."""
        self._fetch_to(len(self._top))

    def _fetch_to(self, count: int) -> None:
        if count > self._fetched:
            gui_busy()  # the view lays out the new rows next: passes in workers pause
            self.beginInsertRows(QModelIndex(), self._fetched, count - 1)
            self._fetched = count
            self.endInsertRows()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._top)  # rows not fetched yet count: the view then fetches them
        if parent.column() != 0:
            return False
        return parent.internalPointer().child_count() > 0  # type: ignore[no-any-return]

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        # Telling the view which rows never have children spares it a hasChildren() per row.
        node = index.internalPointer()
        if node.parent is self._root and node.entry.kind is _PRIVATE_KEY:
            return _ROW_FLAGS
        return LEAF_FLAGS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return COLUMNS[section].title
        return None

    # --- data --------------------------------------------------------------------------------
    def entry_index(self, entry: Entry, column: int = 0) -> QModelIndex:
        node = self._entry_node(entry)
        if node is None:
            return QModelIndex()
        if node.row >= self._fetched:
            self._fetch_to(node.row + 1)
        return self.createIndex(node.row, column, node)

    def _entry_node(self, entry: Entry) -> Node | None:
        for row, candidate in enumerate(self.store.entries):
            if candidate is entry:
                return self.top(row)
        return None

    def cells(self, node: Node) -> Cells:
        if node.cells is None:
            node.cells = self._compute_cells(node)
        return node.cells

    def _compute_cells(self, node: Node) -> Cells:
        entry, cert = node.entry, node.cert
        assert entry is not None
        texts = [""] * len(COLUMNS)
        keys: list[Any] = [""] * len(COLUMNS)
        status, tooltip = Status.NONE, ""
        if node.is_entry:
            texts[0] = entry.alias
            texts[1] = LOOSE_TEXT if entry.loose else KIND_TEXT[entry.kind]
            if entry.shadowed:
                texts[1] = SHADOWED_TEXT
        else:
            texts[0] = f"certificate {node.row + 1}"
            texts[1] = "Certificate"
        keys[0], keys[1] = texts[0].lower(), texts[1]
        try:
            if cert is None or entry.kind in _OWN_ALGORITHM:
                texts[2] = entry.algorithm_description  # not the certificate's key
            if cert is not None:
                row = row_fields(cert)
                if not texts[2]:
                    texts[2] = row.key
                texts[3], texts[4] = row.subject_cn, row.issuer_cn
                not_after, not_before = row.not_after, row.not_before
                texts[5] = not_after.date().isoformat()
                status, texts[6], days = validity_status(
                    not_before, not_after, self.now, self.warning_days
                )
                texts[7] = not_before.date().isoformat()
                texts[8] = format(row.serial, "X")
                texts[9] = cert.sha256.upper()
                keys[5], keys[6], keys[7], keys[8] = not_after, days, not_before, row.serial
                tooltip = row.subject
        except Exception as exc:
            texts[3] = f"unreadable certificate: {exc}"
        for i in (2, 3, 4, 9):
            keys[i] = texts[i].lower()
        for i in _FILE_TEXT_COLUMNS:  # shown escaped; sorted and filtered as the file has it
            texts[i] = shown(texts[i])
        return Cells(texts, keys, status, tooltip)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(node).texts[column]
        if role == Qt.ItemDataRole.DecorationRole:
            if column == 1:
                return icons.kind_icon(_icon_kind(node))
            if column == 6:
                status = self.cells(node).status
                return icons.status_icon(status.value) if status is not Status.NONE else None
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 6:
                status = self.cells(node).status
                # A shade per scheme: the light-mode colours are unreadable on a dark base.
                return status_colour(status.value) if status is not Status.NONE else None
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            cells = self.cells(node)
            if column == 6 and cells.status is not Status.NONE:
                return f"{cells.texts[6]} (not after {cells.texts[5]})"
            if column == 4 and node.cert is not None and cells.tooltip:
                return shown_tip(shown(node.cert.issuer))
            if column == 2:
                return shown_tip(cells.texts[2]) or None
            return shown_tip(shown(cells.tooltip)) or None
        if role == SORT_ROLE:
            return self.cells(node).sort_keys[column]
        if role == STATUS_ROLE:
            return self.cells(node).status.value
        if role == ENTRY_ROLE:
            return node.entry
        if role == CERT_ROLE:
            return node.cert
        return None

    def search_text(self, node: Node) -> str:
        if not self.index_built:  # aliases only, never a certificate parsed on the GUI thread
            return node.entry.alias.lower() if node.is_entry and node.entry is not None else ""
        if node.haystack is None:
            cert = node.cert
            text = ""
            if cert is not None:
                text = self._text_of(cert)
            if node.is_entry and node.entry is not None:
                text = node.entry.alias.lower() + "\n" + text
            node.haystack = text
        return node.haystack

    def search_index_job(self) -> Callable[[], SearchIndex]:
        """A function for a worker thread that prepares the filter's search texts from a
        snapshot of the entries (it touches no node and no Qt object); hand its result to
        :meth:`add_search_index` on the GUI thread."""
        generation = self._generation
        snapshot = list(self.store.entries)  # the worker reads these; an edit bumps generation

        def job() -> SearchIndex:
            texts: dict[Certificate, str] = {}
            per_entry: list[str] = []
            for entry in snapshot:
                give_way()
                alias, parts = entry.alias, []
                for cert in list(entry.chain):
                    text = texts.get(cert)
                    if text is None:
                        text = texts[cert] = certificate_search_text(cert)
                    parts.append(text)
                per_entry.append(alias.lower() + "\n" + "\n".join(parts))
            return SearchIndex(generation, texts, per_entry)

        return lambda: walk_store(job)

    def add_search_index(self, index: SearchIndex) -> None:
        if self._cert_text:
            for cert, text in index.cert_texts.items():
                self._cert_text.setdefault(cert, text)
        else:
            self._cert_text = index.cert_texts
        if index.generation == self._generation:
            self._entry_texts = index.entry_texts
        self.index_built = True

    def _text_of(self, cert: Certificate) -> str:
        text = self._cert_text.get(cert)
        if text is None:
            text = self._cert_text[cert] = certificate_search_text(cert)
        return text

    def entry_alias_texts(self) -> list[str]:
        """Per entry: its alias in lower case, what the filter matches before the index is
        built (cached until the rows change)."""
        if self._alias_texts is None:
            self._alias_texts = [e.alias.lower() for e in self.store.entries]
        return self._alias_texts

    def entry_search_texts(self) -> list[str]:
        """Per entry: its alias and every certificate of its chain, for deciding in one pass
        which rows a filter text keeps (cached until the rows change). Before the index is
        built this parses every certificate: the filter asks :meth:`entry_alias_texts` then."""
        if self._entry_texts is None:
            text_of = self._text_of
            self._entry_texts = [
                e.alias.lower() + "\n" + "\n".join(text_of(c) for c in e.chain)
                for e in self.store.entries
            ]
        return self._entry_texts

    def entry_expired(self) -> list[bool]:
        """Per top-level row: is its (first) certificate expired."""
        return [self.status_of(self.top(r)) is Status.EXPIRED for r in range(self._fetched)]

    def longest_aliases(self, count: int = LONGEST_ALIASES) -> list[str]:
        """The ``count`` longest aliases, for sizing the alias column (worked out once per edit:
        on 100,000 entries a search takes ~40 ms, and the columns are fitted at every resize)."""
        if self._longest[0] != (self._generation, count):
            found = _longest_aliases(self.store.entries, count)
            self._longest = ((self._generation, count), found)
        return self._longest[1]

    @property
    def has_chains(self) -> bool:
        """Whether any row has children (a private-key entry with a chain); asked at every
        change of rows, so it is worked out once per edit."""
        if self._has_chains[0] != self._generation:
            found = _has_chains(self.store.entries)
            self._has_chains = (self._generation, found)
        return self._has_chains[1]

    def status_of(self, node: Node) -> Status:
        return self.cells(node).status

    # --- sorting -----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the entries (chains keep their leaf → root order)."""
        if not 0 <= column < len(COLUMNS):
            self._sorted_by = None
            return
        self._sorted_by = (column, order)
        if column == 0 and self._in_alias_order == (self._generation, order):
            return  # as the store was read (sorted in the worker that read it)
        if column == 0:
            entries = self.store.entries
            if len(entries) > SYNC_SORT_ROWS:
                self._sort_by_alias_later(order)
            else:
                self._reorder(_alias_order([e.alias for e in entries], order))
            return
        if column >= 2 and len(self._top) > SYNC_SORT_ROWS and self._cells_missing():
            self._sort_later(column, order)
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_nodes = [(self.node(i), i.column()) for i in old]
        nodes = self._all_top()

        def key(node: Node) -> tuple[bool, Any]:
            value = self.cells(node).sort_keys[column]
            return (True, 0) if value == "" else (False, value)

        nodes.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._entries_changed()
        self._top = list(nodes)
        self._renumber(0)
        self.store.entries[:] = [n.entry for n in nodes if n.entry is not None]
        self.changePersistentIndexList(
            old,
            [
                self.createIndex(n.row, c, n) if n.row < self._fetched else QModelIndex()
                for n, c in old_nodes
            ],
        )
        self.layoutChanged.emit()

    def _reorder(self, rows: list[int]) -> None:
        """Put the entry at row ``rows[i]`` at row ``i``."""
        if rows == list(range(len(rows))):
            return  # already in this order (as a store just sorted by its opener)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_nodes = [(self.node(i), i.column()) for i in old]
        self._entries_changed()
        entries, top = self.store.entries, self._top
        self.store.entries[:] = [entries[r] for r in rows]
        self._top = [top[r] for r in rows]
        self._renumber(0)
        self.changePersistentIndexList(
            old,
            [
                self.createIndex(n.row, c, n) if n.row < self._fetched else QModelIndex()
                for n, c in old_nodes
            ],
        )
        self.layoutChanged.emit()

    def _sort_by_alias_later(self, order: Qt.SortOrder) -> None:
        """Many aliases are put in order in a worker (100,000: ~0.05 s); the GUI thread only
        moves the rows."""
        from . import operations

        generation = self._generation
        aliases = [e.alias for e in self.store.entries]

        def done(rows: list[int]) -> None:
            if generation == self._generation and self._sorted_by == (0, order):
                self._reorder(rows)

        parent = QObject.parent(self)
        operations.run_in_background(
            parent if isinstance(parent, QWidget) else None,
            lambda: _alias_order(aliases, order),
            on_success=done,
            label="Sorting…",
        )

    def _cells_missing(self) -> bool:
        return any(n is None or n.cells is None for n in self._top)

    def _sort_later(self, column: int, order: Qt.SortOrder) -> None:
        """Parse what the sort needs in a worker (on 100,000 entries, seconds), then sort."""
        from . import operations

        generation = self._generation
        entries = list(self.store.entries)
        root = self._root

        def job() -> list[Cells]:
            # throwaway nodes: the model's own are only ever made on the GUI thread
            def cells(row: int, entry: Entry) -> Cells:
                give_way()
                return self._compute_cells(Node(root, row, entry, _first(entry)))

            return walk_store(lambda: [cells(i, e) for i, e in enumerate(entries)])

        def done(cells: list[Cells]) -> None:
            if generation != self._generation:
                return  # the entries changed meanwhile; sorting again will start over
            for row, computed in enumerate(cells):
                node = self.top(row)
                if node.cells is None:
                    node.cells = computed
            self.sort(column, order)

        parent = QObject.parent(self)  # parent(index) above is the model's tree parent
        operations.run_in_background(
            parent if isinstance(parent, QWidget) else None,
            job,
            on_success=done,
            label="Sorting…",
        )

    def _renumber(self, start: int) -> None:
        top = self._top
        for row in range(start, len(top)):
            node = top[row]
            if node is not None:
                node.row = row

    # --- edits -------------------------------------------------------------------------------
    def insert_entries(self, placed: Iterable[tuple[int, Entry]]) -> None:
        """Insert entries at the given rows (ascending), adding them to the store."""
        for row, entry in sorted(placed, key=lambda p: p[0]):
            row = min(row, len(self._top))
            self.store.entries.insert(row, entry)  # back where it was, even under a shared alias
            self._entries_changed()
            if row > self._fetched:  # beyond what the view has: it gets it with a later fetch
                self._top.insert(row, None)
                self._renumber(row)
                continue
            self.beginInsertRows(QModelIndex(), row, row)
            self._top.insert(row, None)
            self._fetched += 1
            self._renumber(row)
            self.endInsertRows()
        self.reshadow()
        self._keep_sorted()

    def shadow_marks(self) -> dict[int, bool]:
        return {id(e): e.shadowed for e in self.store.entries}

    def reshadow(self, before: dict[int, bool] | None = None) -> None:
        """Recompute which of the entries sharing an alias Java would not use, and redraw
        those whose mark changed since ``before`` (:meth:`shadow_marks`; default: now)."""
        before = self.shadow_marks() if before is None else before
        self.store.mark_shadowed()
        for entry in self.store.entries:
            if before.get(id(entry)) != entry.shadowed:
                self.entry_changed(entry)

    def append_entries(self, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        aliases = [e.alias for e in entries]
        for entry in entries:
            if self.store.find(entry.alias) is not None or aliases.count(entry.alias) > 1:
                raise AliasError(f"alias '{entry.alias}' is already in use")
        self.fetch_all()
        self._entries_changed()
        first = len(self._top)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self.store.entries.extend(entries)
        self._top.extend([None] * len(entries))
        self._fetched = len(self._top)
        self.endInsertRows()
        self._keep_sorted()

    def _keep_sorted(self) -> None:
        """Move inserted rows to their place in the active sort (the proxy leaves sorting to
        this model, so nothing else would)."""
        if self._sorted_by is not None:
            self.sort(*self._sorted_by)

    def remove_entries(self, entries: Iterable[Entry]) -> list[tuple[int, Entry]]:
        """Remove entries; returns ``(row, entry)`` pairs (ascending) to put them back."""
        wanted = {id(e) for e in entries}
        removed = [(r, e) for r, e in enumerate(self.store.entries) if id(e) in wanted]
        for row, _entry in reversed(removed):
            self._entries_changed()
            shown = row < self._fetched
            if shown:
                self.beginRemoveRows(QModelIndex(), row, row)
            del self._top[row]
            del self.store.entries[row]
            self._renumber(row)
            if shown:
                self._fetched -= 1
                self.endRemoveRows()
        self.reshadow()
        return removed

    def entry_changed(self, entry: Entry) -> None:
        """Show an entry's new alias, key or chain."""
        node = self._entry_node(entry)
        if node is None:
            return
        self._entries_changed()
        index = self.createIndex(node.row, 0, node)
        old_count = node.child_count()
        if old_count:
            self.beginRemoveRows(index, 0, old_count - 1)
            node.set_children([])
            self.endRemoveRows()
        node.cert = _first(entry)
        node.set_children(None)
        fresh_count = node.child_count()
        if fresh_count:
            fresh = node.children
            node.set_children([])
            self.beginInsertRows(index, 0, fresh_count - 1)
            node.set_children(fresh)
            self.endInsertRows()
        node.forget()
        self.dataChanged.emit(index, self.createIndex(node.row, len(COLUMNS) - 1, node))

    def set_warning_days(self, days: int) -> None:
        """Flag certificates expiring within ``days``, updating only the rows that change
        (selection and expanded chains stay)."""
        self.warning_days = days
        self.refresh_now(self.now if self._fixed_now else None)


@dataclass(frozen=True)
class ModelHints:
    """What a model would otherwise work out over every entry on the GUI thread (on 100,000
    entries, tens of milliseconds each), prepared by the worker that read the store."""

    alias_descending: bool | None
    """The entries are in natural alias order, descending if ``True``; ``None``: not sorted."""
    longest_aliases: list[str]
    has_chains: bool


def model_hints(store: Keystore, alias_descending: bool | None) -> ModelHints:
    """Hints for a model of ``store`` (it touches no Qt object: for a worker thread)."""
    entries = store.entries
    return ModelHints(
        alias_descending, _longest_aliases(entries, LONGEST_ALIASES), _has_chains(entries)
    )


def _longest_aliases(entries: Sequence[Entry], count: int) -> list[str]:
    return heapq.nlargest(count, (e.alias for e in entries), key=len)


def _has_chains(entries: Sequence[Entry]) -> bool:
    return any(e.kind is _PRIVATE_KEY and e.chain for e in entries)


@dataclass
class SearchIndex:
    """What the filter matches, prepared off the GUI thread."""

    generation: int
    cert_texts: dict[Certificate, str]
    entry_texts: list[str]


def _alias_order(aliases: list[str], order: Qt.SortOrder) -> list[int]:
    """The rows in natural alias order."""
    return natural_order(aliases, descending=order == Qt.SortOrder.DescendingOrder)


def certificate_search_text(cert: Certificate) -> str:
    """What the filter box matches in a certificate: subject, issuer, serial (hex and decimal),
    fingerprints; read from the DER as listings read it (no parsed certificate is kept)."""
    fields = summary(cert)
    serial = fields["serial"]
    if not serial:  # a certificate nothing reads: its fingerprints only
        return f"{cert.sha1}\n{cert.sha256}".lower()
    parts = [fields["subject"], fields["issuer"], serial, str(int(serial, 16)), cert.sha1]
    return "\n".join([*parts, fields["sha256"]]).lower()


def _first(entry: Entry) -> Certificate | None:
    return entry.chain[0] if entry.chain else None
