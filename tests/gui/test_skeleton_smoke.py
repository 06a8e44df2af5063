from __future__ import annotations

from keystore_gui.gui.tab import KeystoreTab

from .conftest import sample_store


def test_window_shows_a_store(qtbot, window) -> None:
    tab = window.add_store_tab(sample_store(), None)
    assert isinstance(tab, KeystoreTab)
    assert window.current_tab() is tab
    assert window.tabs() == [tab]
    assert tab.proxy.rowCount() == 4
    window.show()
    qtbot.waitExposed(window)
    tab.select_entry(tab.store.entries[0])
    assert tab.selected_entries() == [tab.store.entries[0]]
    window.grab().save("/tmp/gui-smoke.png")
