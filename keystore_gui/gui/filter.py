"""Filtering and sorting the entry tree through ``QSortFilterProxyModel``'s own machinery.

The filter text matches alias, subject, issuer, serial (hex or decimal) and fingerprints
(with or without colons); a match on a chain certificate keeps its entry visible (recursive
filtering). "Hide expired" is an outside criterion applied in ``filterAcceptsRow``; a change of
criterion is bracketed with ``beginFilterChange``/``endFilterChange(Rows)`` (Qt 6.10's
replacement for ``invalidateRowsFilter``). Sorting is delegated to the source model, which sorts its entry
nodes by the column's sort key once instead of asking for two cells per comparison.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from .model import SORT_ROLE, EntryModel, Status

Index = QModelIndex | QPersistentModelIndex


class EntryFilter(QSortFilterProxyModel):
    def __init__(self, source: EntryModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._needles: tuple[str, ...] = ()
        self._hide_expired = False
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setSortRole(SORT_ROLE)
        self.setSourceModel(source)

    @property
    def text(self) -> str:
        return self._needles[0] if self._needles else ""

    def set_text(self, text: str) -> None:
        needle = text.strip().lower()
        needles: tuple[str, ...] = ()
        if needle:
            compact = needle.replace(":", "").replace(" ", "")
            needles = (needle, compact) if compact and compact != needle else (needle,)
        if needles != self._needles:
            self.beginFilterChange()
            self._needles = needles
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def hide_expired(self) -> bool:
        return self._hide_expired

    def set_hide_expired(self, hide: bool) -> None:
        if hide != self._hide_expired:
            self.beginFilterChange()
            self._hide_expired = hide
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self._source
        parent = model.node(source_parent)
        node = parent.children[source_row]
        if self._hide_expired:
            entry_node = node if node.is_entry else parent
            if model.status_of(entry_node) is Status.EXPIRED:
                return False
        if not self._needles:
            return True
        haystack = model.search_text(node)
        return any(n in haystack for n in self._needles)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)
