"""Export key pair: the format (PKCS#12, legacy PKCS#12, one PEM, the nginx/Apache files), where,
and the password that protects the key (typed twice), or a plain key after a warning."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.keypair_export import ExportFormat, split_names
from . import msgbox
from .shown import ProblemLabel, shown
from .theme import error_style

FORMATS: list[tuple[str, ExportFormat, bool]] = [
    ("PKCS#12 (AES-256, PBKDF2)", ExportFormat.PKCS12, False),
    ("PKCS#12, legacy 3DES (old Windows, macOS and Java)", ExportFormat.PKCS12, True),
    ("PEM: key and chain in one file (HAProxy)", ExportFormat.PEM, False),
    ("PEM files for nginx and Apache (key, certificate, chain)", ExportFormat.PEM_SPLIT, False),
]
_SUFFIX = {ExportFormat.PKCS12: ".p12", ExportFormat.PEM: ".pem", ExportFormat.PEM_SPLIT: ""}
UNENCRYPTED_WARNING = (
    "The private key will be written unencrypted: anyone who can read the file can use it. "
    "It is created readable by you only (mode 0600)."
)


@dataclass
class ExportKeyPairResult:
    fmt: ExportFormat
    legacy: bool
    path: str
    password: str | None
    overwrite: bool


class ExportKeyPairDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, alias: str, folder: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export Key Pair '{shown(alias)}'")
        self._alias = alias
        self._result: ExportKeyPairResult | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.format_combo = QComboBox()
        for label, fmt, legacy in FORMATS:
            self.format_combo.addItem(label, (fmt, legacy))
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        form.addRow("Format:", self.format_combo)
        self.path_edit = QLineEdit(os.path.join(folder, f"{_safe_name(alias)}.p12"))
        self.path_edit.textChanged.connect(lambda _t: self._validate())
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path_edit, 1)
        row_layout.addWidget(browse)
        form.addRow("File:", row)
        self.files_label = QLabel()
        self.files_label.setWordWrap(True)
        form.addRow("", self.files_label)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.password_edit, self.confirm_edit):
            edit.textChanged.connect(lambda _t: self._validate())
        form.addRow("Password:", self.password_edit)
        form.addRow("Repeat:", self.confirm_edit)
        self.no_encrypt = QCheckBox("Do not encrypt the private key")
        self.no_encrypt.toggled.connect(lambda _on: self._validate())
        form.addRow("", self.no_encrypt)
        self.overwrite = QCheckBox("Replace existing files")
        form.addRow("", self.overwrite)
        self.warning = QLabel(UNENCRYPTED_WARNING)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(error_style())
        layout.addWidget(self.warning)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        layout.addStretch()
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.resize(560, 320)
        geometry = QSettings().value("dialogs/export_keypair")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._format_changed()

    def choice(self) -> tuple[ExportFormat, bool]:
        fmt, legacy = self.format_combo.currentData()
        return fmt, legacy

    def _format_changed(self) -> None:
        fmt, _legacy = self.choice()
        path = self.path_edit.text()
        if path:
            base = str(Path(path).with_suffix("")) if Path(path).suffix else path
            self.path_edit.setText(base + _SUFFIX[fmt])
        self.no_encrypt.setEnabled(fmt is not ExportFormat.PKCS12)
        if fmt is ExportFormat.PKCS12:
            self.no_encrypt.setChecked(False)
        self._validate()

    def _browse(self) -> None:
        fmt, _legacy = self.choice()
        filters = {
            ExportFormat.PKCS12: "PKCS#12 (*.p12 *.pfx)",
            ExportFormat.PEM: "PEM (*.pem)",
            ExportFormat.PEM_SPLIT: "PEM files, named after this (*)",
        }[fmt]
        name, _ = QFileDialog.getSaveFileName(
            self, "Export key pair", self.path_edit.text(), filters
        )
        if name:
            self.path_edit.setText(name)
            self.overwrite.setChecked(fmt is not ExportFormat.PEM_SPLIT)  # the file dialog asked

    def _problem(self) -> str | None:
        if not self.path_edit.text().strip():
            return "Choose where to write."
        if self.no_encrypt.isChecked():
            return None
        if not self.password_edit.text():
            return "Type a password for the exported key."
        if self.password_edit.text() != self.confirm_edit.text():
            return "The two passwords differ."
        return None

    def _validate(self) -> None:
        fmt, _legacy = self.choice()
        plain = self.no_encrypt.isChecked()
        for edit in (self.password_edit, self.confirm_edit):
            edit.setEnabled(not plain)
        self.warning.setVisible(plain)
        path = self.path_edit.text().strip()
        if fmt is ExportFormat.PEM_SPLIT and path:
            names = split_names(path)
            self.files_label.setText(
                "Writes "
                + ", ".join(names[p].name for p in ("key", "cert", "chain", "fullchain"))
                + f" in {names['key'].parent}"
            )
            self.files_label.show()
        else:
            self.files_label.hide()
        problem = self._problem()
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None and bool(path))
        self.ok_button.setEnabled(problem is None)

    def accept(self) -> None:
        if self._problem() is not None:
            return
        plain = self.no_encrypt.isChecked()
        if plain and not msgbox.question(
            self,
            "Export an unencrypted key",
            f"Write the private key of '{shown(self._alias)}' without a password? {UNENCRYPTED_WARNING}",
            yes_text="Write unencrypted",
        ):
            return
        fmt, legacy = self.choice()
        self._result = ExportKeyPairResult(
            fmt,
            legacy,
            self.path_edit.text().strip(),
            None if plain else self.password_edit.text(),
            self.overwrite.isChecked(),
        )
        self._clear()
        super().accept()

    def reject(self) -> None:
        self._clear()
        super().reject()

    def _clear(self) -> None:
        self.password_edit.clear()
        self.confirm_edit.clear()
        QSettings().setValue("dialogs/export_keypair", self.saveGeometry())

    def result_value(self) -> ExportKeyPairResult:
        assert self._result is not None
        return self._result


def _safe_name(alias: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in alias) or "key"
