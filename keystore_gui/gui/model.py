"""The entry tree: one ``QAbstractItemModel`` over plain Python nodes.

Top-level rows are the store's entries; under a private-key entry, its certificate chain (leaf
first), one row per certificate. Nodes are cheap: a row's cells are computed the first time the
view asks for them and cached, so a store of 100,000 certificates opens without parsing any
certificate that is not on screen. Every structural change is bracketed with ``begin…``/``end…``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from ..core.model import Certificate, Entry, EntryKind, Keystore
from . import icons

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2
CERT_ROLE = Qt.ItemDataRole.UserRole + 3
STATUS_ROLE = Qt.ItemDataRole.UserRole + 4

DEFAULT_WARNING_DAYS = 30


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
    Column("alias", "Alias", width=220),
    Column("kind", "Kind", width=150),
    Column("algorithm", "Algorithm", width=120),
    Column("subject", "Subject CN", width=200),
    Column("issuer", "Issuer CN", width=200),
    Column("expires", "Expires", sort=SortKind.DATE, width=100),
    Column("status", "Status", sort=SortKind.NUMBER, width=150),
    Column("not_before", "Valid from", visible=False, sort=SortKind.DATE, width=100),
    Column("serial", "Serial", visible=False, width=200),
    Column("sha256", "SHA-256", visible=False, width=300),
)
COLUMN_IDS = tuple(c.id for c in COLUMNS)


def column_index(column_id: str) -> int:
    return COLUMN_IDS.index(column_id)


class Status(Enum):
    NONE = ""
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"


STATUS_COLOURS = {
    Status.VALID: QColor("#2f855a"),
    Status.EXPIRING: QColor("#c05621"),
    Status.EXPIRED: QColor("#c53030"),
    Status.NOT_YET_VALID: QColor("#4a5568"),
}

KIND_TEXT = {
    EntryKind.PRIVATE_KEY: "Private key",
    EntryKind.TRUSTED_CERT: "Trusted certificate",
    EntryKind.SECRET_KEY: "Secret key",
}


def certificate_status(
    cert: Certificate, now: dt.datetime, warning_days: int = DEFAULT_WARNING_DAYS
) -> tuple[Status, str, int]:
    """The status, its text (``expires in 12 days``) and the days left (negative once expired)."""
    days = (cert.not_after - now).days
    if now < cert.not_before:
        return Status.NOT_YET_VALID, "not yet valid", days
    if cert.not_after < now:
        return Status.EXPIRED, "expired", days
    if days <= warning_days:
        if days == 0:
            return Status.EXPIRING, "expires today", days
        return Status.EXPIRING, f"expires in {days} day{'s' if days != 1 else ''}", days
    return Status.VALID, "valid", days


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


def search_text(node: Node) -> str:
    """Everything the filter box matches: alias, subject, issuer, serial, fingerprints."""
    parts: list[str] = []
    if node.is_entry and node.entry is not None:
        parts.append(node.entry.alias)
    cert = node.cert
    if cert is not None:
        try:
            parts += [
                cert.subject,
                cert.issuer,
                format(cert.serial, "x"),
                str(cert.serial),
                cert.sha1,
                cert.sha256,
            ]
        except Exception:
            parts.append(cert.sha256)
    return "\n".join(parts).lower()


class EntryModel(QAbstractItemModel):
    def __init__(
        self,
        store: Keystore,
        parent: QObject | None = None,
        *,
        now: dt.datetime | None = None,
        warning_days: int = DEFAULT_WARNING_DAYS,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.now = now or dt.datetime.now(dt.UTC)
        self.warning_days = warning_days
        self._root = Node(None, 0, None, None)
        self._root.set_children(self._entry_nodes(store.entries, 0))

    def _entry_nodes(self, entries: Sequence[Entry], first_row: int) -> list[Node]:
        root = self._root
        return [
            Node(root, first_row + i, e, e.chain[0] if e.chain else None)
            for i, e in enumerate(entries)
        ]

    # --- navigation --------------------------------------------------------------------------
    def node(self, index: Index) -> Node:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, Node)
        return node

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self.node(parent).children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self.node(index)
        up = node.parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self.node(parent)
        if node is self._root:
            return len(node.children)
        return node.child_count()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

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
        return QModelIndex() if node is None else self.createIndex(node.row, column, node)

    def _entry_node(self, entry: Entry) -> Node | None:
        for node in self._root.children:
            if node.entry is entry:
                return node
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
            texts[1] = KIND_TEXT[entry.kind]
        else:
            texts[0] = f"certificate {node.row + 1}"
            texts[1] = "Certificate"
        keys[0], keys[1] = texts[0].lower(), texts[1]
        try:
            if node.is_entry:
                texts[2] = entry.algorithm_description
            elif cert is not None:
                texts[2] = cert.key_description
            if cert is not None:
                texts[3] = cert.common_name("subject")
                texts[4] = cert.common_name("issuer")
                not_after = cert.not_after
                texts[5] = not_after.date().isoformat()
                status, texts[6], days = certificate_status(cert, self.now, self.warning_days)
                texts[7] = cert.not_before.date().isoformat()
                serial = cert.serial
                texts[8] = format(serial, "X")
                texts[9] = cert.sha256.upper()
                keys[5], keys[6], keys[7], keys[8] = not_after, days, cert.not_before, serial
                tooltip = cert.subject
        except Exception as exc:
            texts[3] = f"unreadable certificate: {exc}"
        for i in (2, 3, 4, 9):
            keys[i] = texts[i].lower()
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
                return icons.kind_icon(node.entry.kind.value if node.is_entry else "certificate")  # type: ignore[union-attr]
            if column == 6:
                status = self.cells(node).status
                return icons.status_icon(status.value) if status is not Status.NONE else None
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 6:
                return STATUS_COLOURS.get(self.cells(node).status)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            cells = self.cells(node)
            if column == 6 and cells.status is not Status.NONE:
                return f"{cells.texts[6]} (not after {cells.texts[5]})"
            return cells.tooltip or None
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
        if node.haystack is None:
            node.haystack = search_text(node)
        return node.haystack

    def status_of(self, node: Node) -> Status:
        return self.cells(node).status

    # --- sorting -----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the entries (chains keep their leaf → root order)."""
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_nodes = [(self.node(i), i.column()) for i in old]
        nodes = self._root.children

        def key(node: Node) -> tuple[bool, Any]:
            if column == 0 and node.entry is not None:
                return (False, node.entry.alias.lower())  # needs no certificate parsed
            value = self.cells(node).sort_keys[column]
            return (True, 0) if value == "" else (False, value)

        nodes.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._renumber(0)
        self.store.entries[:] = [n.entry for n in nodes if n.entry is not None]
        self.changePersistentIndexList(old, [self.createIndex(n.row, c, n) for n, c in old_nodes])
        self.layoutChanged.emit()

    def _renumber(self, start: int) -> None:
        for row, node in enumerate(self._root.children[start:], start):
            node.row = row

    # --- edits -------------------------------------------------------------------------------
    def insert_entries(self, placed: Iterable[tuple[int, Entry]]) -> None:
        """Insert entries at the given rows (ascending), adding them to the store."""
        for row, entry in sorted(placed, key=lambda p: p[0]):
            row = min(row, len(self._root.children))
            self.store.add(entry, row)
            self.beginInsertRows(QModelIndex(), row, row)
            self._root.children.insert(row, Node(self._root, row, entry, _first(entry)))
            self._renumber(row)
            self.endInsertRows()

    def append_entries(self, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        aliases = [e.alias for e in entries]
        for entry in entries:
            if self.store.find(entry.alias) is not None or aliases.count(entry.alias) > 1:
                from ..core.errors import AliasError

                raise AliasError(f"alias '{entry.alias}' is already in use")
        first = len(self._root.children)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self.store.entries.extend(entries)
        self._root.children.extend(self._entry_nodes(entries, first))
        self.endInsertRows()

    def remove_entries(self, entries: Iterable[Entry]) -> list[tuple[int, Entry]]:
        """Remove entries; returns ``(row, entry)`` pairs (ascending) to put them back."""
        wanted = {id(e) for e in entries}
        removed = [(n.row, n.entry) for n in self._root.children if id(n.entry) in wanted]
        for row, entry in reversed(removed):
            assert entry is not None
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._root.children[row]
            self.store.entries.remove(entry)
            self._renumber(row)
            self.endRemoveRows()
        return [(r, e) for r, e in removed if e is not None]

    def entry_changed(self, entry: Entry) -> None:
        """Show an entry's new alias, key or chain."""
        node = self._entry_node(entry)
        if node is None:
            return
        index = self.createIndex(node.row, 0, node)
        old_count = len(node.children)
        if old_count:
            self.beginRemoveRows(index, 0, old_count - 1)
            node.set_children([])
            self.endRemoveRows()
        node.cert = _first(entry)
        node.set_children(None)
        fresh = node.children
        if fresh:
            node.set_children([])
            self.beginInsertRows(index, 0, len(fresh) - 1)
            node.set_children(fresh)
            self.endInsertRows()
        node.forget()
        self.dataChanged.emit(index, self.createIndex(node.row, len(COLUMNS) - 1, node))

    def set_warning_days(self, days: int) -> None:
        self.warning_days = days
        self.beginResetModel()
        for node in self._root.children:
            node.forget()
            node.set_children(None)
        self.endResetModel()


def _first(entry: Entry) -> Certificate | None:
    return entry.chain[0] if entry.chain else None
