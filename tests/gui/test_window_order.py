"""Entries are listed by alias in natural order unless the user sorts otherwise."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.core.order import natural_key
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.model import COLUMN_IDS, SYNC_SORT_ROWS

from .conftest import make_cert


def bulk_store(numbers: list[int]) -> Keystore:
    cert = Certificate.from_x509(make_cert("bulk")[0])
    return Keystore(
        StoreType.JKS,
        [Entry(f"bulk-{n}", EntryKind.TRUSTED_CERT, [cert]) for n in numbers],
    )


def shown(window: MainWindow) -> list[str]:
    tab = window.current_tab()
    assert tab is not None
    return [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())]


def test_natural_key_orders_numbers_as_numbers() -> None:
    names = ["bulk-10", "Bulk-2", "bulk-1", "bulk-01299", "bulk-1298", "alpha"]
    assert sorted(names, key=natural_key) == [
        "alpha",
        "bulk-1",
        "Bulk-2",
        "bulk-10",
        "bulk-1298",
        "bulk-01299",
    ]


def test_entries_are_sorted_by_alias_and_the_users_sort_is_remembered(
    qtbot: QtBot, window: MainWindow, settings: QSettings
) -> None:
    window.add_store_tab(bulk_store([1299, 2, 10, 1]), "/srv/a.jks")
    assert shown(window) == ["bulk-1", "bulk-2", "bulk-10", "bulk-1299"]

    tab = window.current_tab()
    assert tab is not None
    tab.tree.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown(window) == ["bulk-1299", "bulk-10", "bulk-2", "bulk-1"]
    again = MainWindow(settings)  # the next run
    try:
        again.add_store_tab(bulk_store([2, 10, 1]), "/srv/b.jks")
        assert shown(again) == ["bulk-10", "bulk-2", "bulk-1"]
        header = again.current_tab().tree.header()  # type: ignore[union-attr]
        assert header.sortIndicatorSection() == COLUMN_IDS.index("alias")
    finally:
        again.close()
        again.deleteLater()


def test_a_big_store_is_sorted_without_making_every_row(qtbot: QtBot, window: MainWindow) -> None:
    count = SYNC_SORT_ROWS + 500
    tab = window.add_store_tab(bulk_store(list(range(count, 0, -1))), "/srv/big.jks")
    qtbot.waitUntil(lambda: tab.proxy.index(0, 0).data() == "bulk-1", timeout=20_000)
    assert tab.proxy.index(9, 0).data() == "bulk-10"
    made = sum(node is not None for node in tab.model._top)
    assert made < count // 2  # rows are still made only when the view asks for them


def test_a_file_is_put_in_alias_order_where_it_is_read(
    qtbot: QtBot, window: MainWindow, settings: QSettings, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from keystore_gui.core.io import save_keystore
    from keystore_gui.gui import tab as tab_module

    assert tab_module.alias_order(settings) is False  # nothing chosen yet: by alias
    path = tmp_path / "bulk.jks"
    store = bulk_store([10, 2, 1])
    store.password = "changeit"
    save_keystore(store, path)
    shown_to_tab: list[list[str]] = []
    add = window.add_store_tab

    def add_store_tab(store: Keystore, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown_to_tab.append([e.alias for e in store.entries])
        return add(store, *args, **kwargs)

    monkeypatch.setattr(window, "add_store_tab", add_store_tab)
    window.open_paths([path])
    qtbot.waitUntil(lambda: bool(shown_to_tab), timeout=20_000)
    assert shown_to_tab == [["bulk-1", "bulk-2", "bulk-10"]]  # the worker sorted it

    tab = window.current_tab()
    assert tab is not None
    tab.tree.sortByColumn(COLUMN_IDS.index("expires"), Qt.SortOrder.AscendingOrder)
    assert tab_module.alias_order(settings) is None
    tab.tree.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert tab_module.alias_order(settings) is True
