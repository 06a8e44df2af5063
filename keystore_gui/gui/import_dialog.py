"""Import certificates from files or the clipboard, and export a selection's certificates.

:class:`ImportDialog` lists every certificate found (subject, issuer, expiry, fingerprint), each
checkable, with the alias it gets and what happens to it in the target (the same rules as a copy:
already present certificates are skipped, taken aliases renamed or replaced).
:class:`ExportDialog` asks for a format and a file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import KeystoreError
from ..core.io import read_bytes
from ..core.model import Entry, Keystore
from ..core.truststore import (
    Action,
    Candidate,
    CopyPlan,
    candidates_from_file,
    certificates_of,
    plan_copy,
)
from . import msgbox, operations
from .copy_dialog import (
    ok_cancel,
    outcome_item,
    preview_table,
    read_only_item,
    short_fingerprint,
)
from .shown import plain_label, shown, shown_tip

CERT_FILTER = "Certificates (*.pem *.crt *.cer *.der *.p7b *.p7c);;All files (*)"


@dataclass
class ImportRequest:
    plan: CopyPlan


class ImportDialog(QDialog):
    COLUMNS = ("Subject", "Issuer", "Expires", "SHA-256", "Alias", "What happens")

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        target: Keystore,
        target_name: str,
        certificates: Sequence[Candidate] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import Certificates into {target_name}")
        self._target = target
        self._candidates: list[Candidate] = []
        self._checked: list[bool] = []
        self._plan: CopyPlan | None = None
        self._result: ImportRequest | None = None
        self._filling = False

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.add_files = QPushButton("Add Files…")
        self.add_files.clicked.connect(self._browse)
        self.paste = QPushButton("Paste from Clipboard")
        self.paste.clicked.connect(self.paste_clipboard)
        row.addWidget(self.add_files)
        row.addWidget(self.paste)
        row.addStretch(1)
        layout.addLayout(row)
        self.table = preview_table(self.COLUMNS, self.COLUMNS.index("What happens"))
        self.table.itemChanged.connect(self._item_changed)
        layout.addWidget(self.table, 1)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = ok_cancel(self, "Import")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(self.buttons)
        self._add(list(certificates))
        self._replan()
        self.resize(1000, 460)

    # --- sources -----------------------------------------------------------------------------
    def add_data(self, data: bytes, origin: str) -> None:
        """Add the certificates of ``data`` (a file's or the clipboard's content)."""
        try:
            candidates = candidates_from_file(data, origin)
        except KeystoreError as exc:
            self.summary.setText(shown(f"{origin}: {exc}"))
            return
        self._add(candidates)
        self._replan()

    def add_file(self, path: str) -> None:
        """Add the certificates of the file at ``path``, read and parsed off the GUI thread."""
        name = os.path.basename(path)

        def read() -> list[Candidate]:
            data = read_bytes(path)
            try:
                return candidates_from_file(data, name)
            except KeystoreError as exc:
                raise KeystoreError(f"{name}: {exc}") from None

        def added(candidates: list[Candidate]) -> None:
            self._add(candidates)
            self._replan()

        operations.run_in_background(
            self,
            read,
            on_success=added,
            on_failure=lambda exc: self.summary.setText(shown(operations.describe(exc))),
            label=f"Reading {name}…",
        )

    def paste_clipboard(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasText():
            self.summary.setText("The clipboard holds no text.")
            return
        self.add_data(mime.text().encode("utf-8", "replace"), "clipboard")

    def _browse(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Certificate files", "", CERT_FILTER)
        for path in paths:
            self.add_file(path)

    def _add(self, candidates: Sequence[Candidate]) -> None:
        known = {c.cert.sha256 for c in self._candidates}
        for cand in candidates:
            if cand.cert.sha256 in known:
                continue
            known.add(cand.cert.sha256)
            self._candidates.append(cand)
            self._checked.append(True)

    # --- preview -----------------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if item.column() == 0:
            self._checked[item.row()] = item.checkState() == Qt.CheckState.Checked
        elif item.column() == 4 and item.text() != shown(self._candidates[item.row()].alias):
            self._candidates[item.row()].alias = item.text().strip()  # as shown: unchanged
        self._replan()

    def _replan(self) -> None:
        chosen = [c for c, on in zip(self._candidates, self._checked, strict=True) if on]
        self._plan = plan_copy(chosen, self._target)
        steps = {id(s.candidate): s for s in self._plan.steps}
        self._filling = True
        try:
            self.table.setRowCount(len(self._candidates))
            for row, cand in enumerate(self._candidates):
                cert = cand.cert
                subject = QTableWidgetItem(shown(cert.common_name()))
                subject.setFlags(
                    (subject.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    & ~Qt.ItemFlag.ItemIsEditable
                )
                subject.setCheckState(
                    Qt.CheckState.Checked if self._checked[row] else Qt.CheckState.Unchecked
                )
                subject.setToolTip(shown_tip(f"{shown(cert.subject)}\nfrom {shown(cand.origin)}"))
                issuer = read_only_item(cert.common_name("issuer"), cert.issuer)
                expires = read_only_item(cert.not_after.strftime("%Y-%m-%d"))
                fingerprint = read_only_item(short_fingerprint(cert.sha256), cert.sha256)
                step = steps.get(id(cand))
                outcome = outcome_item(
                    step.description if step else "not imported", step.action if step else None
                )
                alias = QTableWidgetItem(shown(cand.alias))
                for col, item in enumerate((subject, issuer, expires, fingerprint, alias, outcome)):
                    self.table.setItem(row, col, item)
        finally:
            self._filling = False
        writes = len(self._plan.writes)
        present = sum(s.action is Action.PRESENT for s in self._plan.steps)
        text = f"{len(self._candidates)} certificate(s) found, {writes} to import"
        if present:
            text += f", {present} already present (skipped)"
        if self._plan.problems:
            text += ". " + "; ".join(self._plan.problems)
        elif not self._candidates:
            text = "Add certificate files (PEM, DER, PKCS#7) or paste PEM text."
        self.summary.setText(shown(text))
        self.ok_button.setEnabled(writes > 0 and not self._plan.problems)

    def set_checked(self, row: int, checked: bool) -> None:
        item = self.table.item(row, 0)
        assert item is not None
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def accept(self) -> None:
        if self._plan is None or self._plan.problems or not self._plan.writes:
            return
        self._result = ImportRequest(self._plan)
        super().accept()

    def result_request(self) -> ImportRequest | None:
        return self._result


# --- export ----------------------------------------------------------------------------------

EXPORT_FORMATS = (
    ("pem", "PEM bundle (one file)", ".pem"),
    ("pem-each", "PEM, one file per certificate", ".pem"),
    ("der", "DER (one certificate)", ".cer"),
    ("pkcs7", "PKCS#7 bundle", ".p7b"),
)


@dataclass
class ExportRequest:
    fmt: str
    """``pem``, ``pem-each``, ``der`` or ``pkcs7``."""
    chain: bool
    path: str
    """The file, or for ``pem-each`` the folder."""


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, entries: Sequence[Entry]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Certificates")
        self._entries = list(entries)
        self._result: ExportRequest | None = None
        layout = QVBoxLayout(self)
        self.radios: dict[str, QRadioButton] = {}
        for key, label, _ in EXPORT_FORMATS:
            radio = QRadioButton(label)
            radio.toggled.connect(self._update)
            self.radios[key] = radio
            layout.addWidget(radio)
        self.chain = QCheckBox("Each entry's whole chain, not only its own certificate")
        self.chain.toggled.connect(self._update)
        layout.addWidget(self.chain)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.textChanged.connect(self._update)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(QLabel("Save to:"))
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.radios["pem"].setChecked(True)
        self.resize(520, 0)
        self._confirmed = ""  # a file the file dialog already asked about replacing

    @property
    def fmt(self) -> str:
        return next(k for k, r in self.radios.items() if r.isChecked())

    def _count(self) -> int:
        try:
            return len(certificates_of(self._entries, chain=self.chain.isChecked()))
        except KeystoreError:
            return 0

    def _problem(self) -> str | None:
        count = self._count()
        if count == 0:
            return "The selection has no certificate."
        if self.fmt == "der" and count != 1:
            return f"A DER file holds one certificate; {count} are selected."
        path = self.path.text().strip()
        if not path:
            return "Choose where to save."
        if self.fmt == "pem-each":
            if not os.path.isdir(path):
                return "For one file per certificate, choose a folder."
        elif not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            return f"No such folder: {shown(os.path.dirname(path))}"
        return None

    def _update(self) -> None:
        self.radios["der"].setEnabled(self._count() == 1)
        problem = self._problem()
        self.summary.setText(problem or f"{self._count()} certificate(s) will be written.")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(problem is None)

    def _browse(self) -> None:
        if self.fmt == "pem-each":
            path = QFileDialog.getExistingDirectory(self, "Folder for the certificates")
        else:
            suffix = next(s for k, _, s in EXPORT_FORMATS if k == self.fmt)
            path, _ = QFileDialog.getSaveFileName(
                self, "Export certificates", f"certificates{suffix}", CERT_FILTER
            )
        if path:
            self._confirmed = path
            self.path.setText(path)

    def accept(self) -> None:
        if self._problem() is not None:
            return
        path = self.path.text().strip()
        if (
            self.fmt != "pem-each"
            and path != self._confirmed
            and os.path.lexists(path)
            and not msgbox.question(
                self,
                "Export certificates",
                f"{shown(os.path.basename(path))} already exists. Replace it?",
                yes_text="Replace",
            )
        ):
            return
        self._result = ExportRequest(self.fmt, self.chain.isChecked(), self.path.text().strip())
        super().accept()

    def result_request(self) -> ExportRequest | None:
        return self._result
