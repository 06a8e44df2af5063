"""The expiry-warning preference drives the tree and the Health panel, in open tabs too."""

from __future__ import annotations

from keystore_gui.gui.features import desktop
from keystore_gui.gui.features.health import HealthPanel
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.model import column_index
from keystore_gui.gui.preferences import PreferencesDialog
from keystore_gui.gui.settings import Settings

from .conftest import sample_store

STATUS = column_index("status")


def _server_status(tab) -> str:  # type: ignore[no-untyped-def]
    row = next(r for r in range(tab.proxy.rowCount()) if tab.proxy.index(r, 0).data() == "server")
    return tab.proxy.index(row, STATUS).data()


def _codes(panel: HealthPanel, tab) -> set[str] | None:  # type: ignore[no-untyped-def]
    findings = panel.findings(tab)
    return None if findings is None else {f.code for f in findings}


def test_new_tabs_and_open_tabs_follow_the_preference(qtbot, window: MainWindow, monkeypatch):  # type: ignore[no-untyped-def]
    Settings(window.settings).expiry_warning_days = 5  # the server certificate has 10 days left
    tab = window.add_store_tab(sample_store(), None)
    panel = window.findChild(HealthPanel)
    assert panel is not None
    assert _server_status(tab) == "valid"
    qtbot.waitUntil(lambda: _codes(panel, tab) is not None, timeout=20_000)
    assert "expiring" not in (_codes(panel, tab) or set())
    tab.tree.expandAll()

    class Answered(PreferencesDialog):
        def exec(self) -> int:
            self.expiry_days.setValue(60)
            return 1

    monkeypatch.setattr(desktop, "PreferencesDialog", Answered)
    window.actions_by_name["preferences"].trigger()
    assert Settings(window.settings).expiry_warning_days == 60
    assert _server_status(tab).startswith("expires in ")
    assert tab.tree.isExpanded(tab.proxy.index(3, 0))  # updated in place, not reset
    qtbot.waitUntil(lambda: "expiring" in (_codes(panel, tab) or set()), timeout=20_000)
