"""The Health panel: the core's health report for the current keystore, and a badge on each tab.

The report runs off the GUI thread on a snapshot of the entry list, again whenever a tab's undo
stack moves. Clicking a finding selects its entry.
"""

from __future__ import annotations

import weakref
from functools import cache
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QSizePolicy,
    QStyle,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.health import Finding, Severity, check_store, worst
from ...core.health_groups import FindingGroup, concerns_entries, group_findings
from ...core.io import walk_store
from ...core.model import Keystore, StoreType
from .. import icons
from ..operations import run_in_background
from ..shown import shown, shown_tip

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from ..tab import KeystoreTab

SEVERITY_ICONS = {
    Severity.ERROR: "expired",
    Severity.WARNING: "expiring",
}
ALIAS_ROLE = Qt.ItemDataRole.UserRole
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1


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


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' if count != 1 else ''}"


def _entries(count: int) -> str:
    return f"{count:,} entr{'ies' if count != 1 else 'y'}"


def badge_text(findings: list[Finding]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    if not errors and not warnings:
        return "Healthy: no warnings"
    parts = []
    if errors:
        parts.append(_plural(errors, "error"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    return "Health: " + ", ".join(parts)


@cache
def severity_icon(severity: Severity) -> QIcon:
    if severity is Severity.INFO:
        return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
    return icons.status_icon(SEVERITY_ICONS[severity])


class HealthPanel(QDockWidget):
    """A one-line summary of the current keystore's health that unfolds into its findings.

    Hidden while no keystore is open; unfolds by itself only when a keystore has errors.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__("Health", window)
        self.setObjectName("health-panel")
        self.window_ = window
        self.wanted = True
        """Whether the user wants the panel (View > Health panel); it shows only with a tab."""
        self.summary = QToolButton()
        self.summary.setCheckable(True)
        self.summary.setAutoRaise(True)
        self.summary.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.summary.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.summary.setStyleSheet("QToolButton { text-align: left; padding: 2px 4px; }")
        self.summary.setToolTip("Show or hide the findings")
        self.summary.toggled.connect(self.set_expanded)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Severity", "Entry", "Finding", "What to do"])
        self.list.setAlternatingRowColors(True)
        self.list.setColumnWidth(0, 110)
        self.list.setColumnWidth(1, 140)
        self.list.setColumnWidth(2, 420)
        self.list.itemActivated.connect(self._go_to)
        self.list.itemClicked.connect(self._go_to)
        self.list.itemExpanded.connect(self._fill_group)
        self.list.hide()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.setWidget(body)
        self._body = body
        self._groups: list[FindingGroup] = []
        self._unfolded: weakref.WeakSet[KeystoreTab] = weakref.WeakSet()
        """Tabs whose errors already unfolded the panel once: it does not insist."""
        self.set_expanded(False)

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
        window.state_changed.connect(self.follow_tabs)

    @property
    def pending(self) -> bool:
        """A re-check is scheduled or running."""
        return self._timer.isActive() or len(self._running) > 0

    @property
    def expanded(self) -> bool:
        return self.summary.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        if self.summary.isChecked() != expanded:
            self.summary.setChecked(expanded)  # comes back here through toggled
            return
        self.list.setVisible(expanded)
        self.summary.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        strip = self.summary.sizeHint().height() + 6
        self._body.setMaximumHeight(16_777_215 if expanded else strip)
        if expanded:
            self.window_.resizeDocks(
                [self], [max(140, self.window_.height() // 4)], Qt.Orientation.Vertical
            )

    def user_toggled(self, visible: bool) -> None:
        """View > Health panel: the user's wish, kept while tabs come and go."""
        self.wanted = visible
        self.follow_tabs()

    def follow_tabs(self) -> None:
        self.setVisible(self.wanted and self.window_.current_tab() is not None)

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
            lambda: walk_store(lambda: check_store(snapshot, warning_days=days)),
            on_success=done,
            on_failure=failed,
            label="Checking keystore health…",
        )

    # --- showing -----------------------------------------------------------------------------
    def _badge(self, tab: KeystoreTab, findings: list[Finding]) -> None:
        index = self.window_.tab_widget.indexOf(tab)
        if index < 0:
            return
        concerning = [f for f in findings if concerns_entries(f)]
        level = worst(f for f in concerning if f.severity >= Severity.WARNING)
        bar = self.window_.tab_widget
        bar.setTabIcon(
            index, icons.status_icon(SEVERITY_ICONS[level]) if level else icons.status_icon("valid")
        )
        bar.setTabToolTip(index, shown_tip(f"{tab.path_text}\n{badge_text(concerning)}"))

    def _show(self, tab: KeystoreTab | None) -> None:
        findings = self._findings.get(tab) if tab is not None else None
        self.list.clear()
        self._groups = []
        if tab is None:
            self.summary.setText("No keystore open.")
            self.summary.setIcon(QIcon())
            return
        if findings is None:
            self.summary.setText("Checking…")
            return
        level = worst(findings)
        self.summary.setIcon(
            severity_icon(level) if level is not None else icons.status_icon("valid")
        )
        count = _plural(len(findings), "finding")
        self.summary.setText(f"{badge_text(findings)} — {count}" if findings else "No findings.")
        self._groups = group_findings(findings, warning_days=tab.model.warning_days)
        for number, group in enumerate(self._groups):
            if len(group.findings) == 1:
                self.list.addTopLevelItem(self._finding_item(group.findings[0]))
                continue
            item = QTreeWidgetItem(
                [
                    group.severity.label,
                    _entries(len(group.findings)),
                    *_shown(group.title, group.advice),
                ]
            )
            item.setIcon(0, severity_icon(group.severity))
            item.setData(0, GROUP_ROLE, number)
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            self.list.addTopLevelItem(item)
        if level is Severity.ERROR and tab not in self._unfolded:
            self._unfolded.add(tab)
            self.set_expanded(True)

    def _finding_item(self, finding: Finding) -> QTreeWidgetItem:
        texts = _shown(finding.alias or "", finding.message, finding.advice)
        item = QTreeWidgetItem([finding.severity.label, *texts])
        item.setIcon(0, severity_icon(finding.severity))
        item.setData(0, ALIAS_ROLE, finding.alias)  # the entry it names, as the store has it
        for column in (2, 3):
            item.setToolTip(column, shown_tip(item.text(column)))
        return item

    def _fill_group(self, item: QTreeWidgetItem) -> None:
        """A group's findings are made when it is first unfolded (there may be thousands)."""
        number = item.data(0, GROUP_ROLE)
        if number is None or item.childCount():
            return
        item.addChildren([self._finding_item(f) for f in self._groups[number].findings])

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
    toggle.triggered.connect(panel.user_toggled)
    toggle.setText("&Health panel")
    toggle.setShortcut(QKeySequence("Ctrl+Shift+H"))
    window.menu("view").addAction(toggle)
    window.actions_by_name["health_panel"] = toggle
    panel.follow_tabs()


def _shown(*texts: str) -> list[str]:
    """Findings name aliases and subjects: shown escaped, one line each."""
    return [shown(text) for text in texts]
