"""The Health panel: findings of the current keystore, a badge per tab, click to select."""

from __future__ import annotations

from keystore_gui.core.health import Severity
from keystore_gui.core.model import Entry
from keystore_gui.gui import saving
from keystore_gui.gui.features.health import HealthPanel
from keystore_gui.gui.main_window import MainWindow

from .conftest import sample_store


def panel_of(window: MainWindow) -> HealthPanel:
    panel = window.findChild(HealthPanel)
    assert panel is not None
    return panel


def test_findings_fill_the_panel_and_badge_the_tab(qtbot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    panel = panel_of(window)
    qtbot.waitUntil(lambda: panel.findings(tab) is not None, timeout=20_000)
    findings = panel.findings(tab)
    assert findings is not None
    codes = {f.code for f in findings}
    assert {"expired", "expiring", "not-yet-valid", "default-password"} <= codes
    assert panel.list.topLevelItemCount() == len({(f.severity, f.code) for f in findings})
    assert findings[0].severity is Severity.ERROR
    index = window.tab_widget.indexOf(tab)
    assert not window.tab_widget.tabIcon(index).isNull()
    assert "error" in window.tab_widget.tabToolTip(index)


def test_clicking_a_finding_selects_its_entry(qtbot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    panel = panel_of(window)
    qtbot.waitUntil(lambda: panel.list.topLevelItemCount() > 0, timeout=20_000)
    item = next(
        panel.list.topLevelItem(i)
        for i in range(panel.list.topLevelItemCount())
        if panel.list.topLevelItem(i).text(1) == "old-partner"
    )
    panel.list.itemClicked.emit(item, 0)
    assert [e.alias for e in tab.selected_entries()] == ["old-partner"]


def test_an_edit_runs_the_report_again(qtbot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    panel = panel_of(window)
    qtbot.waitUntil(lambda: panel.findings(tab) is not None, timeout=20_000)
    before = panel.findings(tab)
    root = tab.store.get("root-ca")
    tab.add_entries([Entry("root-copy", root.kind, list(root.chain))], "Add a copy")
    qtbot.waitUntil(lambda: panel.findings(tab) is not before, timeout=20_000)
    assert "duplicate-certificate" in {f.code for f in panel.findings(tab) or []}


def test_save_as_another_format_runs_the_report_again(qtbot, window: MainWindow, tmp_path) -> None:
    from keystore_gui.core.model import StoreType

    tab = window.add_store_tab(sample_store(), None)
    panel = panel_of(window)
    qtbot.waitUntil(lambda: panel.findings(tab) is not None, timeout=10_000)
    assert "proprietary-format" in {f.code for f in panel.findings(tab) or []}
    done: list[bool] = []
    saving.write(
        tab, tmp_path / "server.p12", StoreType.PKCS12, "N3w-pass-word", on_done=done.append
    )
    qtbot.waitUntil(lambda: done == [True], timeout=20_000)
    qtbot.waitUntil(
        lambda: "proprietary-format" not in {f.code for f in panel.findings(tab) or []},
        timeout=10_000,
    )
    assert "default-password" not in {f.code for f in panel.findings(tab) or []}
