"""The Trust chain view of one entry, and the "Issued by" tree of a whole keystore.

Both are thin: the core (:mod:`keystore_gui.core.chain`) builds and judges the path; these
dialogs choose the trust sources, draw the result, and append fetched certificates to an entry's
chain as one undoable change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDateTime, QSize, Qt, QTimeZone
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.chain import (
    IssuedBy,
    IssuerNode,
    Link,
    Purpose,
    Severity,
    TrustSource,
    Verdict,
    complete_chain,
    display_name,
    is_self_signed,
    verify_entry,
)
from ..core.model import Certificate, Entry, EntryKind, Keystore
from ..core.rules import DEFAULT_WARNING_DAYS
from .settings import Settings
from .shown import shown, shown_html, shown_tip
from .theme import is_dark, status_colour
from .trust_sources import TrustSourcesBox
from .undo import AppendChainCommand

BACKGROUNDS = {  # (light mode, dark mode)
    Severity.OK: ("#e8f5e9", "#1d3a24"),
    Severity.WARNING: ("#fff8e1", "#3d3212"),
    Severity.ERROR: ("#ffebee", "#4a1f1f"),
}
_STATUS = {Severity.OK: "valid", Severity.WARNING: "expiring", Severity.ERROR: "expired"}


def text_colour(severity: Severity) -> QColor:
    """A shade of green, amber or red readable on the current background."""
    return status_colour(_STATUS[severity])


SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 1
FETCH_TIP = (
    "Read certificate files or stores; certificates that signed the top of this chain are "
    "appended to the entry's chain"
)

PURPOSES = {
    Purpose.ANY: "Any purpose",
    Purpose.TLS_SERVER: "TLS server",
    Purpose.TLS_CLIENT: "TLS client",
}


def mark_icon(severity: Severity, size: int = 14) -> QIcon:
    """A filled circle: green, amber or red."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QBrush(text_colour(severity)))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def path_tree() -> QTreeWidget:
    """A tree that draws a path root first, one nested row per certificate: the certificate,
    its status and where it came from."""
    tree = QTreeWidget()
    tree.setColumnCount(3)
    tree.setHeaderLabels(["Certificate", "Status", "Source"])
    tree.setIconSize(QSize(14, 14))
    tree.setUniformRowHeights(True)
    tree.setRootIsDecorated(False)
    tree.setItemsExpandable(False)
    tree.setStyleSheet("QTreeView::branch { image: none; }")
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    tree.setColumnWidth(0, 230)
    return tree


def link_item(
    parent: QTreeWidget | QTreeWidgetItem,
    cert: Certificate,
    severity: Severity,
    status: str,
    source: str,
) -> QTreeWidgetItem:
    """One row of a :func:`path_tree`, with its green, amber or red mark."""
    item = QTreeWidgetItem(parent)
    item.setText(0, shown(cert.common_name()))
    item.setToolTip(0, shown_tip(f"{shown(display_name(cert))}\nSHA-256 {cert.sha256}"))
    item.setIcon(0, mark_icon(severity))
    item.setText(1, shown(status))
    item.setToolTip(1, shown_tip(shown(status)))
    item.setText(2, shown(source))
    item.setData(0, SEVERITY_ROLE, int(severity))
    if severity is Severity.ERROR:
        item.setForeground(1, QBrush(text_colour(Severity.ERROR)))
    item.setExpanded(True)
    return item


def verdict_banner(verdict: QLabel, *lines: QLabel) -> QFrame:
    """The framed banner of a verdict: ``verdict`` as its large bold headline (word-wrapped),
    then ``lines``; coloured by :func:`paint_banner`. They are plain text: they name
    certificates and files."""
    verdict.setWordWrap(True)
    font = QFont(verdict.font())
    font.setPointSizeF(font.pointSizeF() * 1.2)
    font.setBold(True)
    verdict.setFont(font)
    banner = QFrame()
    banner.setObjectName("verdictBanner")
    banner.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(banner)
    for label in (verdict, *lines):
        label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(label)
    return banner


def paint_banner(banner: QFrame, label: QLabel, level: Severity) -> None:
    """Colour a verdict banner (object name ``verdictBanner``) and its headline."""
    banner.setStyleSheet(
        f"#verdictBanner {{ background: {BACKGROUNDS[level][int(is_dark())]}; "
        f"border: 1px solid {text_colour(level).name()}; border-radius: 4px; }}"
    )
    label.setStyleSheet(f"color: {text_colour(level).name()}")


class TrustChainDialog(QDialog):
    """Does the entry's certificate chain to something trusted, and if not, why not."""

    def __init__(
        self,
        *,
        entry: Entry,
        store: Keystore,
        open_stores: Sequence[tuple[str, Keystore]] = (),
        undo_stack: QUndoStack | None = None,
        on_entry_changed: Callable[[Entry], None] | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """With ``settings``, the files and bundles the user ticks are remembered there and
        ticked again the next time (files that are gone are skipped)."""
        super().__init__(parent)
        self.entry = entry
        self.store = store
        self.undo_stack = undo_stack
        self.on_entry_changed = on_entry_changed
        self.verdict: Verdict | None = None
        self._used: list[str] = []
        self.setWindowTitle(f"Trust Chain of '{shown(entry.alias)}'")
        self.resize(1000, 540)

        self.verdict_label = QLabel()
        self.used_label = QLabel()
        self.used_label.setWordWrap(True)
        self.web_pki_label = QLabel()
        self.web_pki_label.setWordWrap(True)
        self.banner = verdict_banner(self.verdict_label, self.used_label, self.web_pki_label)

        self.source_box = TrustSourcesBox(
            open_stores=open_stores, checking=store, settings=settings, parent=self
        )
        self.sources = self.source_box.sources
        self.source_error = self.source_box.source_error
        self.purpose = QComboBox()
        for purpose, title in PURPOSES.items():
            self.purpose.addItem(title, purpose.value)
        self.at_edit = QDateTimeEdit(QDateTime.currentDateTimeUtc())
        self.at_edit.setTimeZone(QTimeZone.utc())
        self.at_edit.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.at_edit.setCalendarPopup(True)
        self.source_box.form.addRow("Purpose:", self.purpose)
        self.source_box.form.addRow("Check at:", self.at_edit)

        self.tree = path_tree()
        self.tree.currentItemChanged.connect(self._show_details)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(60)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        path_box = QGroupBox("Path: root at the top, this entry at the bottom")
        path_layout = QVBoxLayout(path_box)
        path_layout.addWidget(self.tree, 1)
        path_layout.addWidget(self.details)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.source_box)
        splitter.addWidget(path_box)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 740])
        splitter.setChildrenCollapsible(False)

        self.fetch_button = QPushButton("Fetch Missing Certificates…")
        self.fetch_button.setToolTip(FETCH_TIP)
        self.fetch_button.clicked.connect(self.fetch_missing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.fetch_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self.source_box.changed.connect(self.refresh)
        self.purpose.currentIndexChanged.connect(self.refresh)
        self.at_edit.dateTimeChanged.connect(self.refresh)
        self.refresh()

    # --- sources -------------------------------------------------------------------------------
    def add_truststore(self) -> None:
        self.source_box.add_truststore()

    def add_intermediates(self) -> None:
        self.source_box.add_intermediates()

    def chosen_sources(self) -> list[TrustSource]:
        return self.source_box.chosen_sources()

    # --- verdict -------------------------------------------------------------------------------
    def check_time(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.at_edit.dateTime().toSecsSinceEpoch(), dt.UTC)

    def refresh(self) -> None:
        purpose = Purpose(self.purpose.currentData())
        sources = self.chosen_sources()
        self._used = [source.label for source in sources]
        self.verdict = verify_entry(
            self.entry,
            sources,
            store=self.store,
            at=self.check_time(),
            purpose=purpose,
        )
        self._draw(self.verdict)

    def _draw(self, verdict: Verdict) -> None:
        worst = max((link.severity for link in verdict.path), default=Severity.OK)
        level = worst if verdict.trusted else Severity.ERROR
        self.verdict_label.setText(shown(verdict.summary))
        self.used_label.setText(
            "Checked against " + ", ".join(shown(used) for used in self._used)
            if self._used
            else "No trust source is ticked"
        )
        paint_banner(self.banner, self.verdict_label, level)
        web = verdict.web_pki
        self.web_pki_label.setText(f"Web PKI: {shown(web.message)}" if web is not None else "")
        self.web_pki_label.setVisible(web is not None)

        self.tree.clear()
        parent: QTreeWidget | QTreeWidgetItem = self.tree
        last: QTreeWidgetItem | None = None
        for link in reversed(verdict.path):
            item = link_item(parent, link.certificate, link.severity, link.reason, link.source)
            item.setData(0, Qt.ItemDataRole.UserRole, verdict.path.index(link))
            parent = item
            last = item
        self.tree.expandAll()
        if last is not None:
            self.tree.setCurrentItem(last)
        top = verdict.path[-1] if verdict.path else None
        # Only a missing issuer can be fetched: a path that ends in a self-signed certificate
        # (trusted or not) is complete.
        can_fetch = top is not None and not top.anchor and not is_self_signed(top.certificate)
        self.fetch_button.setEnabled(can_fetch)
        self.fetch_button.setToolTip(
            FETCH_TIP if can_fetch else "The chain is complete: it ends in a self-signed root"
        )

    def _show_details(self, current: QTreeWidgetItem | None, _previous: object = None) -> None:
        if current is None or self.verdict is None:
            self.details.clear()
            return
        link: Link = self.verdict.path[int(current.data(0, Qt.ItemDataRole.UserRole))]
        cert = link.certificate
        lines = [
            f"<b>{shown_html(display_name(cert))}</b>",
            f"Issuer: {shown_html(cert.issuer)}",
            f"From {shown_html(link.source)}" + (" — trust anchor" if link.anchor else ""),
        ]
        lines += [
            f"<span style='color:{text_colour(p.severity).name()}'>• {shown_html(p.text)}</span>"
            for p in link.problems
        ]
        lines.append(f"SHA-256: {cert.sha256}")
        self.details.setText("<br>".join(lines))

    # --- fetching missing certificates ---------------------------------------------------------
    def fetch_missing(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Fetch Missing Certificates",
            "",
            "Certificates and stores (*.pem *.crt *.cer *.der *.p7b *.p7c *.jks *.p12 *.pfx);;"
            "All files (*)",
        )
        if paths:
            self._read_all(paths, [])

    def _read_all(self, paths: Sequence[str], offered: list[Certificate]) -> None:
        """Read ``paths`` one after another off the GUI thread, then look for missing issuers
        among their certificates; stops at a file that cannot be read or is cancelled."""
        if not paths:
            self._fetched(offered)
            return

        def read(store: Keystore | None) -> None:
            if store is not None:
                self._read_all(paths[1:], offered + [cert for _, cert in store.certificates()])

        self.source_box.read_later(paths[0], read)

    def _fetched(self, offered: list[Certificate]) -> None:
        if self.verdict is None or not self.verdict.path:
            return
        chain = [link.certificate for link in self.verdict.path]
        found = complete_chain(chain, offered)
        if not found:
            top = self.verdict.path[-1].certificate
            self.source_box.show_error(
                f"No certificate in those files signed '{shown(top.common_name())}' "
                f"(its issuer is '{shown(top.issuer)}')."
            )
            return
        self.source_box.show_error("")
        if self.entry.kind is EntryKind.PRIVATE_KEY and self._chain_is_path():
            self._append(found)
        else:
            source = TrustSource("fetched certificates", (), tuple(found))
            item = self.source_box.add_choice("Fetched certificates (not trusted)", lambda: source)
            self.source_box.set_checked(item, True)
        self.refresh()

    def _chain_is_path(self) -> bool:
        """True when the entry's chain is the start of the drawn path, so appending extends it."""
        assert self.verdict is not None
        path = [link.certificate for link in self.verdict.path]
        return path[: len(self.entry.chain)] == self.entry.chain

    def _append(self, certs: Sequence[Certificate]) -> None:
        command = AppendChainCommand(self.entry, certs, self._entry_changed)
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()

    def _entry_changed(self, entry: Entry) -> None:
        if self.on_entry_changed is not None:
            self.on_entry_changed(entry)
        if self.isVisible():
            self.refresh()


class IssuedByDialog(QDialog):
    """Every certificate of a keystore nested under the certificate that signed it."""

    def __init__(self, *, grouped: IssuedBy, title: str, parent: QWidget | None = None) -> None:
        """``grouped`` comes from :func:`keystore_gui.core.chain.issued_by` (run it off the GUI
        thread for a big store: it verifies a signature per certificate)."""
        super().__init__(parent)
        self.setWindowTitle(f"Issued by — {shown(title)}")
        self.resize(760, 480)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Certificate", "Entries", "Expires", "Note"])
        self.tree.setColumnWidth(0, 280)
        self.tree.setColumnWidth(1, 180)
        self.tree.setColumnWidth(2, 100)
        self.tree.setIconSize(QSize(14, 14))
        now = dt.datetime.now(dt.UTC)
        for node in grouped.roots:
            self._add(self.tree, node, "self-signed root", now)
        for node in grouped.orphans:
            self._add(
                self.tree,
                node,
                f"issuer '{shown(node.certificate.issuer)}' is not in this store",
                now,
            )
        self.tree.expandAll()
        legend = QLabel(
            "Links are found by signature: a certificate sits under the certificate whose key "
            "signed it. Top-level entries are self-signed roots, or certificates whose issuer "
            "is missing from this keystore."
        )
        legend.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(legend)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)

    def _add(
        self,
        parent: QTreeWidget | QTreeWidgetItem,
        node: IssuerNode,
        note: str,
        now: dt.datetime,
    ) -> None:
        cert = node.certificate
        item = QTreeWidgetItem(parent)
        item.setText(0, shown(cert.common_name()))
        item.setToolTip(0, shown_tip(shown(cert.subject)))
        item.setText(1, shown(node.label))
        item.setText(2, cert.not_after.date().isoformat())
        item.setText(3, note)
        if cert.not_after < now:
            severity = Severity.ERROR
        elif (note and not node.self_signed) or cert.not_after < now + dt.timedelta(
            days=DEFAULT_WARNING_DAYS
        ):
            severity = Severity.WARNING
        else:
            severity = Severity.OK
        item.setIcon(0, mark_icon(severity))
        for child in node.children:
            self._add(item, child, "", now)
