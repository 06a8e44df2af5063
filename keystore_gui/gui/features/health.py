"""The Health panel: the core's health report for the current keystore, and a badge on each tab.

The report runs off the GUI thread on a snapshot of the entry list, again whenever a tab's undo
stack moves. Clicking a finding selects its entry.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.health import Finding, Severity, check_store, worst
from ...core.model import Keystore, StoreType
from .. import icons
from ..operations import run_in_background

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from ..tab import KeystoreTab

SEVERITY_ICONS = {
    Severity.ERROR: "expired",
    Severity.WARNING: "expiring",
    Severity.INFO: "not-yet-valid",
}
ALIAS_ROLE = Qt.ItemDataRole.UserRole


Version = tuple[int, StoreType, str | None, int]


def _version(tab: KeystoreTab) -> Version:
    """What the report depends on: the entries (through the undo stack), format, password and
    the expiry warning (a preference)."""
    return (
        tab.undo_stack.index(),
        tab.store.store_type,
        tab.store.password,
        tab.model.warning_days,
    )


def badge_text(findings: list[Finding]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    if not errors and not warnings:
        return "Healthy: no warnings"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return "Health: " + ", ".join(parts)


class HealthPanel(QDockWidget):
    def __init__(self, window: MainWindow) -> None:
        super().__init__("Health", window)
        self.setObjectName("health-panel")
        self.window_ = window
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Severity", "Entry", "Finding", "What to do"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setColumnWidth(0, 90)
        self.list.setColumnWidth(1, 140)
        self.list.setColumnWidth(2, 420)
        self.list.itemActivated.connect(self._go_to)
        self.list.itemClicked.connect(self._go_to)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.list)
        self.setWidget(body)

        self._findings: weakref.WeakKeyDictionary[KeystoreTab, list[Finding]] = (
            weakref.WeakKeyDictionary()
        )
        self._checked_at: weakref.WeakKeyDictionary[KeystoreTab, Version] = (
            weakref.WeakKeyDictionary()
        )
        self._hooked: weakref.WeakSet[KeystoreTab] = weakref.WeakSet()
        self._running: weakref.WeakSet[KeystoreTab] = weakref.WeakSet()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        window.state_changed.connect(self._timer.start)

    def findings(self, tab: KeystoreTab) -> list[Finding] | None:
        return self._findings.get(tab)

    # --- checking ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Check every tab whose store changed since it was last checked; show the current one."""
        for tab in self.window_.tabs():
            if tab not in self._hooked:
                self._hooked.add(tab)
                tab.saved.connect(self._timer.start)  # Save As may change format and password
            version = _version(tab)
            if self._checked_at.get(tab) != version and tab not in self._running:
                self._check(tab, version)
        self._show(self.window_.current_tab())

    def _check(self, tab: KeystoreTab, version: Version) -> None:
        snapshot = Keystore(tab.store.store_type, list(tab.store.entries), tab.store.password)
        days = tab.model.warning_days  # the preference, as the tree shows it
        self._running.add(tab)
        ref = weakref.ref(tab)

        def done(findings: list[Finding]) -> None:
            checked = ref()
            if checked is None or not shiboken6.isValid(self) or not shiboken6.isValid(checked):
                return  # the window (or the tab) closed while the check ran
            self._running.discard(checked)
            self._findings[checked] = findings
            self._checked_at[checked] = version
            self._badge(checked, findings)
            self.refresh()

        def failed(_exc: BaseException) -> None:
            checked = ref()
            if checked is not None:
                self._running.discard(checked)
                self._checked_at[checked] = version

        run_in_background(
            None,
            lambda: check_store(snapshot, warning_days=days),
            on_success=done,
            on_failure=failed,
            label="Checking keystore health…",
        )

    # --- showing -----------------------------------------------------------------------------
    def _badge(self, tab: KeystoreTab, findings: list[Finding]) -> None:
        index = self.window_.tab_widget.indexOf(tab)
        if index < 0:
            return
        level = worst(f for f in findings if f.severity >= Severity.WARNING)
        bar = self.window_.tab_widget
        bar.setTabIcon(
            index, icons.status_icon(SEVERITY_ICONS[level]) if level else icons.status_icon("valid")
        )
        tip = str(tab.path) if tab.path else tab.display_name
        bar.setTabToolTip(index, f"{tip}\n{badge_text(findings)}")

    def _show(self, tab: KeystoreTab | None) -> None:
        findings = self._findings.get(tab) if tab is not None else None
        self.list.clear()
        if tab is None:
            self.summary.setText("No keystore open.")
            return
        if findings is None:
            self.summary.setText("Checking…")
            return
        self.summary.setText(badge_text(findings) if findings else "No findings.")
        for finding in findings:
            item = QTreeWidgetItem(
                [finding.severity.label, finding.alias or "", finding.message, finding.advice]
            )
            item.setIcon(0, icons.status_icon(SEVERITY_ICONS[finding.severity]))
            item.setData(0, ALIAS_ROLE, finding.alias)
            for column in (2, 3):
                item.setToolTip(column, item.text(column))
            self.list.addTopLevelItem(item)

    def _go_to(self, item: QTreeWidgetItem) -> None:
        tab = self.window_.current_tab()
        alias = item.data(0, ALIAS_ROLE)
        if tab is None or not alias:
            return
        entry = tab.store.find(alias)
        if entry is not None:
            tab.select_entry(entry)


def install(window: MainWindow) -> None:
    panel = HealthPanel(window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel)
    window.health_panel = panel  # type: ignore[attr-defined]
    toggle: QAction = panel.toggleViewAction()
    toggle.setText("&Health panel")
    toggle.setShortcut(QKeySequence("Ctrl+Shift+H"))
    window.menu("view").addAction(toggle)
    window.actions_by_name["health_panel"] = toggle
