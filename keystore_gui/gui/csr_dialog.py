"""Generate CSR: the request for a key entry, with its subject, alternative names and usages taken
from the certificate and editable, a signature algorithm the key can make, PEM or DER."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core import certbuild as cb
from ..core.errors import KeystoreError
from ..core.keygen import SignatureAlgorithm, signature_algorithms_for, spec_of_key
from ..core.model import Certificate
from .shown import ProblemLabel, shown, shown_lines


@dataclass
class CsrRequest:
    subject: x509.Name
    choices: cb.ExtensionChoices
    signature: SignatureAlgorithm
    der: bool

    def build(self, key: CertificateIssuerPrivateKeyTypes) -> bytes:
        """The signed request, PEM or DER (slow for big keys: run it off the GUI thread)."""
        csr = cb.build_csr(key, self.subject, self.choices.request_extensions(), self.signature)
        encoding = serialization.Encoding.DER if self.der else serialization.Encoding.PEM
        return csr.public_bytes(encoding)


class CsrDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, alias: str, cert: Certificate) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Generate CSR for '{shown(alias)}'")
        self._result: CsrRequest | None = None
        parsed = cert.x509
        choices = (
            cb.ExtensionChoices.from_extensions(parsed.extensions)
            if parsed is not None
            else cb.ExtensionChoices()
        )
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.signature = QComboBox()
        for sig in signature_algorithms_for(spec_of_key(cert.public_key())):
            self.signature.addItem(sig.name, sig)
        form.addRow("Signature algorithm:", self.signature)
        # Shown with control and reordering characters escaped; left as shown, the request
        # carries the certificate's own subject and names.
        self._own_subject = (shown(cb.format_dn(cert.subject_name)), cert.subject_name)
        self._own_sans = (
            shown_lines("\n".join(choices.subject_alt_names)),
            choices.subject_alt_names,
        )
        self.subject = QLineEdit(self._own_subject[0])
        self.subject.textChanged.connect(lambda _t: self._validate())
        form.addRow("Subject:", self.subject)
        self.sans = QPlainTextEdit(self._own_sans[0])
        self.sans.setPlaceholderText("dns:www.example.com\nip:10.0.0.1")
        self.sans.setMaximumHeight(90)
        self.sans.textChanged.connect(self._validate)
        form.addRow("Alternative names\n(one a line):", self.sans)

        self.key_usage = self._checks(
            layout, "Key usage", cb.KEY_USAGES, choices.key_usage or frozenset()
        )
        self.extended_usage = self._checks(
            layout, "Extended key usage", cb.EXTENDED_KEY_USAGES, choices.extended_key_usage or ()
        )
        self._ca = choices.basic_constraints

        encoding = QWidget()
        row = QHBoxLayout(encoding)
        row.setContentsMargins(0, 0, 0, 0)
        self.pem = QRadioButton("PEM")
        self.pem.setChecked(True)
        self.der = QRadioButton("DER")
        row.addWidget(self.pem)
        row.addWidget(self.der)
        row.addStretch()
        form_bottom = QFormLayout()
        form_bottom.addRow("Encoding:", encoding)
        layout.addLayout(form_bottom)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save request…")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        geometry = QSettings().value("dialogs/csr")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._validate()

    def _checks(
        self, layout: QVBoxLayout, title: str, names: Iterable[str], ticked: Container[str]
    ) -> dict[str, QCheckBox]:
        """A box of check boxes, three a row; none ticked leaves the extension out."""
        box = QGroupBox(f"{title} (none ticked: left out)")
        grid = QGridLayout(box)
        checks: dict[str, QCheckBox] = {}
        for i, name in enumerate(names):
            check = QCheckBox(name)
            check.setChecked(name in ticked)
            check.toggled.connect(lambda _on: self._validate())
            grid.addWidget(check, i // 3, i % 3)
            checks[name] = check
        layout.addWidget(box)
        return checks

    def _request(self) -> CsrRequest:
        """The request as typed; a :class:`KeystoreError` names what is wrong."""
        shown_subject, own_subject = self._own_subject
        text = self.subject.text()
        subject = own_subject if text == shown_subject else cb.parse_dn(text)
        ticked = frozenset(n for n, b in self.key_usage.items() if b.isChecked())
        extended = tuple(n for n, b in self.extended_usage.items() if b.isChecked())
        sans = [line.strip() for line in self.sans.toPlainText().splitlines() if line.strip()]
        shown_sans, own_sans = self._own_sans
        choices = cb.ExtensionChoices(
            subject_alt_names=list(own_sans)
            if self.sans.toPlainText() == shown_sans
            else [cb.format_general_name(cb.parse_general_name(s)) for s in sans],
            key_usage=ticked or None,
            extended_key_usage=extended or None,
            basic_constraints=self._ca,
            subject_key_identifier=False,
            authority_key_identifier=False,
        )
        choices.check()
        return CsrRequest(subject, choices, self.signature.currentData(), self.der.isChecked())

    def _validate(self) -> None:
        try:
            self._request()
        except KeystoreError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            self.ok_button.setEnabled(False)
            return
        self.problem.hide()
        self.ok_button.setEnabled(True)

    def accept(self) -> None:
        try:
            self._result = self._request()
        except KeystoreError:
            return
        QSettings().setValue("dialogs/csr", self.saveGeometry())
        super().accept()

    def result_value(self) -> CsrRequest:
        assert self._result is not None
        return self._result
