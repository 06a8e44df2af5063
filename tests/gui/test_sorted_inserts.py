"""Rows added while the tree is sorted take their place in the sort."""

from __future__ import annotations

from PySide6.QtCore import Qt

from keystore_gui.core.model import Entry
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.model import column_index

from .conftest import sample_store


def _aliases(tab) -> list[str]:  # type: ignore[no-untyped-def]
    return [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())]


def test_added_rows_keep_the_active_sort(qtbot, window: MainWindow, qtmodeltester) -> None:
    tab = window.add_store_tab(sample_store(), None)
    tab.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert _aliases(tab) == ["future-partner", "old-partner", "root-ca", "server"]
    root = tab.store.get("root-ca")
    tab.add_entries([Entry("aaa-copy", root.kind, list(root.chain))], "Copy")
    assert _aliases(tab) == ["aaa-copy", "future-partner", "old-partner", "root-ca", "server"]
    tab.undo_stack.undo()
    tab.tree.sortByColumn(column_index("expires"), Qt.SortOrder.DescendingOrder)
    tab.undo_stack.redo()  # put back while sorted by another column
    assert sorted(_aliases(tab)[:2]) == ["aaa-copy", "root-ca"]  # the ten-year certificates
    qtmodeltester.check(tab.model)
