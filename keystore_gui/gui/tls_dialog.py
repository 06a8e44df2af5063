"""Tools > Examine TLS server: connect, draw what the server sent, say why Java refuses it, fix it.

Thin over :mod:`keystore_gui.core.tls` (the connection, run off the GUI thread through
:mod:`.operations` and cancellable) and :mod:`keystore_gui.core.tlsdiag` (the judgement). The fix
goes through the copy-to-truststore dialog (its preview, one undo step into an open tab); the
dialog then judges the same sent chain again with the truststore as it now is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.chain import Severity, TrustSource, certificates_source
from ..core.errors import KeystoreError
from ..core.io import write_output_file
from ..core.model import Certificate, Keystore, StoreType
from ..core.tls import DEFAULT_TIMEOUT, Cancelled, Handshake, connect, parse_target
from ..core.tls import proxy_from_environment as environment_proxy
from ..core.tlsdiag import Diagnosis, Finding, diagnose, sent_chain_pem
from ..core.trustsources import open_store_sources
from ..core.truststore import sanitise_alias, trusted_entry
from . import operations
from .chain_view import link_item, paint_banner, path_tree, text_colour, verdict_banner
from .settings import Settings
from .shown import plain_label, shown, shown_html, shown_tip
from .trust_sources import TrustSourcesBox


@dataclass(frozen=True)
class AddRequest:
    """What "Add … to …" asks the copy dialog to add, and into which open tab (if any)."""

    certificates: tuple[Certificate, ...]
    target: Keystore | None


class ExamineTlsDialog(QDialog):
    """Examine a TLS server as a Java client would see it."""

    examined = Signal()
    """A result (or an error) is shown."""

    def __init__(
        self,
        *,
        open_stores: Sequence[tuple[str, Keystore]] = (),
        settings: Settings | None = None,
        add_to_truststore: Callable[[ExamineTlsDialog, AddRequest], None] | None = None,
        open_as_tab: Callable[[Keystore, str], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``add_to_truststore`` opens the copy dialog for the request (the window's copy
        feature); ``open_as_tab`` shows a store in a new tab. Without them the buttons hide."""
        super().__init__(parent)
        self.setWindowTitle("Examine TLS Server")
        self.resize(1060, 620)
        self._settings = settings
        self._open_stores = list(open_stores)
        self._add_to_truststore = add_to_truststore
        self._open_as_tab = open_as_tab
        self._cancel: threading.Event | None = None
        self._extra: list[TrustSource] = []
        """Truststores changed by "Add …" that are not among the ticked sources."""
        self.handshake: Handshake | None = None
        self.diagnosis: Diagnosis | None = None

        self.target_edit = QLineEdit(settings.tls_target if settings is not None else "")
        self.target_edit.setPlaceholderText("host:port, e.g. partner.example.com:443 or [::1]:8443")
        self.target_edit.returnPressed.connect(self.examine)
        self.servername_edit = QLineEdit()
        self.servername_edit.setPlaceholderText("as the host")
        self.servername_edit.setToolTip("The name sent in the handshake (SNI) and checked")
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(0.5, 300)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setValue(DEFAULT_TIMEOUT)
        self.timeout_spin.setSuffix(" s")
        self.examine_button = QPushButton("Examine")
        self.examine_button.setDefault(True)
        self.examine_button.clicked.connect(self.examine)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(QLabel("Server:"))
        row.addWidget(self.target_edit, 3)
        row.addWidget(QLabel("Name (SNI):"))
        row.addWidget(self.servername_edit, 1)
        row.addWidget(QLabel("Timeout:"))
        row.addWidget(self.timeout_spin)
        row.addWidget(self.examine_button)
        row.addWidget(self.cancel_button)

        self.status_label = QLabel("Enter a server and press Examine.")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict_label = QLabel()
        self.verdict_label.hide()
        self.hostname_label = QLabel()
        self.hostname_label.setWordWrap(True)
        self.hostname_label.hide()
        self.banner = verdict_banner(self.verdict_label, self.status_label, self.hostname_label)

        self.source_box = TrustSourcesBox(open_stores=open_stores, settings=settings, parent=self)
        self.source_box.changed.connect(self.rejudge)

        self.tree = path_tree()
        path_box = QGroupBox("Path: root at the top, the server's certificate at the bottom")
        QVBoxLayout(path_box).addWidget(self.tree)

        self.findings = QTextBrowser()
        self.findings.setOpenLinks(False)
        self.fix_label = plain_label()
        self.fix_label.setWordWrap(True)
        findings_box = QGroupBox("Findings")
        findings_layout = QVBoxLayout(findings_box)
        findings_layout.addWidget(self.findings, 1)
        findings_layout.addWidget(self.fix_label)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(path_box)
        right.addWidget(findings_box)
        right.setSizes([260, 220])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.source_box)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 800])
        splitter.setChildrenCollapsible(False)

        self.add_button = QPushButton("Add to Truststore…")
        self.add_button.clicked.connect(self.add_fix)
        self.add_button.setVisible(add_to_truststore is not None)
        self.open_button = QPushButton("Open Sent Certificates as New Tab")
        self.open_button.clicked.connect(self.open_sent)
        self.open_button.setVisible(open_as_tab is not None)
        self.save_button = QPushButton("Save Chain as PEM…")
        self.save_button.clicked.connect(self.save_chain)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_button)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.save_button)
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self._paint_banner(None)
        self._update_buttons()

    # --- connecting ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._cancel is not None

    def examine(self) -> None:
        """Connect off the GUI thread; the result arrives through :meth:`_examined`."""
        if self.busy:
            return
        try:
            target = parse_target(self.target_edit.text())
        except KeystoreError as exc:
            self._failed(exc)
            return
        if self._settings is not None:
            self._settings.tls_target = str(target)
        servername = self.servername_edit.text().strip() or None
        timeout = self.timeout_spin.value()
        cancel = threading.Event()
        self._cancel = cancel
        proxy = environment_proxy(target)
        via = f" via proxy {proxy}" if proxy is not None else ""
        self.status_label.setText(f"Connecting to {target}{via}…")
        self._set_busy(True)

        def work() -> Handshake:
            return connect(
                target, servername=servername, timeout=timeout, proxy=proxy, cancel=cancel
            )

        def done(handshake: Handshake) -> None:
            if self._cancel is cancel:
                self._finish()
                self._examined(handshake)

        def failed(exc: BaseException) -> None:
            if self._cancel is cancel:
                self._finish()
                self._failed(exc)

        operations.run_in_background(
            self, work, on_success=done, on_failure=failed, label=f"Examining {target}…"
        )

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._finish()
            self.status_label.setText("Cancelled.")
            self.examined.emit()

    def _finish(self) -> None:
        self._cancel = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.examine_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.target_edit.setReadOnly(busy)

    def done(self, result: int) -> None:
        if self._cancel is not None:
            self._cancel.set()
        super().done(result)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        self.handshake = None
        self.diagnosis = None
        self._extra = []
        self.tree.clear()
        self.findings.clear()
        self.fix_label.clear()
        self.verdict_label.hide()
        self.hostname_label.hide()
        self.status_label.setText(operations.describe(exc))
        self._paint_banner(Severity.ERROR)
        self._update_buttons()
        self.examined.emit()

    def _examined(self, handshake: Handshake) -> None:
        self.handshake = handshake
        self._extra = []
        self.rejudge()
        self.examined.emit()

    # --- judging -------------------------------------------------------------------------------
    def rejudge(self) -> None:
        """Judge the recorded chain again with the ticked sources (no new connection)."""
        if self.handshake is None:
            return
        chosen = [*self.source_box.chosen_sources(), *self._extra]
        trusted = [s for s in chosen if s.anchors]
        helpers = [s for s in chosen if not s.anchors]
        helpers += [
            certificates_source(
                (c for _, c in store.certificates()), f"open tab {name}", trusted=False
            )
            for name, store in self._open_stores
        ]
        self.diagnosis = diagnose(self.handshake, trusted, helpers)
        self._draw(self.diagnosis)

    def _paint_banner(self, level: Severity | None) -> None:
        if level is None:
            self.banner.setStyleSheet("")
        else:
            paint_banner(self.banner, self.verdict_label, level)

    def _draw(self, diagnosis: Diagnosis) -> None:
        shake = diagnosis.handshake
        level = Severity.OK if diagnosis.accepted else Severity.ERROR
        if diagnosis.accepted and diagnosis.findings:
            level = Severity.WARNING
        self.verdict_label.setText(
            f"{shake.target}: trusted — a Java client with these sources accepts it"
            if diagnosis.accepted
            else f"{shake.target}: NOT trusted — a Java client with these sources refuses it"
        )
        self.verdict_label.show()
        how = f"{shake.protocol}, {shake.cipher}"
        if shake.proxy is not None:
            how += f", via proxy {shake.proxy}"
        if shake.servername:
            how += f", SNI {shake.servername}"
        sent = len(shake.sent)
        self.status_label.setText(shown(f"{how}; the server sent {sent} certificate(s)"))
        check = diagnosis.hostname
        names = ", ".join(check.covered) or "no name"  # what the server's certificate says
        self.hostname_label.setText(
            shown(
                f"Hostname '{check.name}' {'matches' if check.ok else 'does NOT match'} "
                f"the certificate's names: {names}"
            )
        )
        self.hostname_label.setStyleSheet(
            "" if check.ok else f"color: {text_colour(Severity.ERROR).name()}"
        )
        self.hostname_label.show()
        self._paint_banner(level)
        self._draw_path(diagnosis)
        self._draw_findings(diagnosis)
        self._update_buttons()

    def _draw_path(self, diagnosis: Diagnosis) -> None:
        self.tree.clear()
        marks: dict[str, Severity] = {}
        for finding in diagnosis.findings:
            if finding.certificate is not None:
                sha = finding.certificate.sha256
                marks[sha] = max(marks.get(sha, Severity.OK), finding.severity)
        parent: QTreeWidget | QTreeWidgetItem = self.tree
        last: QTreeWidgetItem | None = None
        for link in reversed(diagnosis.path):
            cert = link.certificate
            sent = diagnosis.sent_order.get(cert.sha256)
            severity = max(link.severity, marks.get(cert.sha256, Severity.OK))
            source = link.source
            if sent is not None:
                source = f"sent by the server (#{sent})" + (
                    f"; also in {link.source}" if link.anchor else ""
                )
            elif not link.anchor:
                source += " — not sent by the server"
                severity = Severity.ERROR
            item = link_item(parent, cert, severity, link.reason, source)
            parent = item
            last = item
        self.tree.expandAll()
        if last is not None:
            self.tree.setCurrentItem(last)

    def _draw_findings(self, diagnosis: Diagnosis) -> None:
        self.findings.setHtml("".join(_finding_html(f) for f in diagnosis.findings))
        fix = diagnosis.fix
        if diagnosis.accepted:
            self.fix_label.setText("Nothing to fix.")
        elif fix.add:
            self.fix_label.setText(f"Fix: {shown(fix.reason)}.")
        else:
            self.fix_label.setText(f"No truststore change: {shown(fix.reason)}.")

    # --- actions -------------------------------------------------------------------------------
    def _truststore_tab(self) -> tuple[str, Keystore] | None:
        """The first ticked open truststore: where "Add" proposes to add."""
        ticked = {s.label for s in self.source_box.chosen_sources()}
        for offer in open_store_sources(self._open_stores):
            if offer.truststore and offer.label in ticked:
                return offer.name, offer.store
        return None

    def _to_add(self) -> tuple[Certificate, ...]:
        """The suggested fix, else the intermediates found in files or tabs (a workaround)."""
        if self.diagnosis is None or self.diagnosis.trusted:
            return ()
        return self.diagnosis.fix.add or self.diagnosis.fix.workaround

    def _update_buttons(self) -> None:
        diagnosis = self.diagnosis
        has_chain = self.handshake is not None
        self.open_button.setEnabled(has_chain)
        self.save_button.setEnabled(has_chain)
        certs = self._to_add()
        self.add_button.setEnabled(bool(certs))
        self.add_button.setToolTip(shown_tip(shown(diagnosis.fix.reason)) if diagnosis else "")
        if not certs:
            self.add_button.setText("Add to Truststore…")
            return
        name = f"'{certs[0].common_name()}'" if len(certs) == 1 else f"{len(certs)} certificates"
        tab = self._truststore_tab()
        self.add_button.setText(shown(f"Add {name} to {tab[0] if tab else 'a truststore'}…"))

    def add_fix(self) -> None:
        certs = self._to_add()
        if not certs or self._add_to_truststore is None:
            return
        tab = self._truststore_tab()
        self._add_to_truststore(self, AddRequest(certs, tab[1] if tab else None))

    def truststore_changed(self, label: str, store: Keystore) -> None:
        """The copy into ``store`` is done: judge again with it as a trust source."""
        source = certificates_source((c for _, c in store.certificates()), label, trusted=True)
        self._extra = [s for s in self._extra if s.label != label] + [source]
        self.rejudge()

    def open_sent(self) -> None:
        if self.handshake is None or self._open_as_tab is None:
            return
        self._open_as_tab(
            sent_store(self.handshake), f"Certificates sent by {self.handshake.target}"
        )

    def save_chain(self) -> None:
        if self.handshake is None:
            return
        host = self.handshake.target.host.replace(":", "_")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save Chain as PEM", f"{host}-chain.pem", "PEM files (*.pem *.crt);;All files (*)"
        )
        if not path:
            return
        data = sent_chain_pem(self.handshake.sent)
        count = len(self.handshake.sent)
        operations.run_in_background(
            self,
            lambda: write_output_file(path, data, overwrite=True),  # the file dialog asked
            on_success=lambda _r: self.status_label.setText(
                f"Saved the {count} sent certificate(s) to {path}"
            ),
            on_failure=lambda exc: self.status_label.setText(
                f"Not saved: {operations.describe(exc)}"
            ),
            label=f"Saving {path}…",
        )


def _finding_html(finding: Finding) -> str:
    """One finding: a coloured mark, its code and sentence, then the advice."""
    colour = text_colour(finding.severity).name()
    return (
        f"<p><span style='color:{colour}'>&#9679;</span> <b>{finding.code}</b>: "
        f"{shown_html(finding.message)}<br>&nbsp;&nbsp;&nbsp;&rarr; {shown_html(finding.advice)}</p>"
    )


def sent_store(handshake: Handshake) -> Keystore:
    """The sent certificates as trusted entries of a new (unsaved) PKCS#12 store."""
    store = Keystore(StoreType.PKCS12)
    for cert in handshake.sent:
        store.add(trusted_entry(store.unique_alias(sanitise_alias(cert.common_name())), cert))
    return store
