"""The Generate Key Pair dialog: key type, subject, validity, extensions, issuer and alias.

The dialog only gathers and checks choices; :meth:`GenerateKeyPairResult.generate` does the slow
work and is meant to run off the GUI thread. The same dialog signs a certificate request
(``csr=...``): the subject then comes from the request and there is no key, alias or password.

Size: one dialog of four linked tabs, each field checked as it is typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography import x509
from PySide6.QtCore import QDateTime, QSettings, QTimeZone
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import certbuild as cb
from ..core.errors import KeystoreError
from ..core.keygen import (
    DEFAULT_EC,
    DEFAULT_RSA,
    DSA_SIZES,
    EC_CURVES,
    RSA_SIZES,
    KeyAlgorithm,
    KeySpec,
    SignatureAlgorithm,
    signature_algorithms_for,
    spec_of_key,
)
from ..core.model import Entry
from .shown import ProblemLabel, shown

GEOMETRY_KEY = "generateDialog/geometry"
STANDARD_FIELDS = ("CN", "O", "OU", "L", "ST", "C", "E")
DN_ORDER = ("CN", "OU", "O", "L", "ST", "C", "E")
FIELD_LABELS = {
    "CN": "Common name (CN)",
    "O": "Organization (O)",
    "OU": "Organizational unit (OU)",
    "L": "Locality (L)",
    "ST": "State or province (ST)",
    "C": "Country (C)",
    "E": "E-mail (E)",
}
EKU_CHOICES = (
    "serverAuth",
    "clientAuth",
    "codeSigning",
    "emailProtection",
    "timeStamping",
    "OCSPSigning",
)


@dataclass(frozen=True)
class IssuerChoice:
    """A CA private-key entry the user may sign with; ``label`` says where it lives. Its key may
    still be sealed under a password of its own: the caller unlocks it before generating."""

    label: str
    entry: Entry

    @property
    def certificate(self) -> cb.Certificate:
        return self.entry.chain[0]


@dataclass(frozen=True)
class GenerateKeyPairResult:
    """What the user chose; ``key_spec`` and ``alias`` are ``None`` when signing a request."""

    key_spec: KeySpec | None
    request: cb.NewCertificate
    issuer_entry: Entry | None
    alias: str | None
    entry_password: str | None

    def issuer(self) -> cb.Issuer | None:
        """The CA to sign with (its key must be unlocked by now), or ``None`` for self-signed."""
        return cb.Issuer.from_entry(self.issuer_entry) if self.issuer_entry is not None else None

    def generate(self) -> Entry:
        """Make the key and its chain: slow for RSA-4096 and DSA, so call it off the GUI thread."""
        assert self.key_spec is not None and self.alias is not None
        return cb.generate_key_entry(
            self.alias, self.key_spec, self.request, self.issuer(), self.entry_password
        )

    def sign(self, csr: x509.CertificateSigningRequest) -> list[cb.Certificate]:
        issuer = self.issuer()
        assert issuer is not None
        return cb.sign_csr(
            csr, issuer, self.request.validity, self.request.extensions, self.request.signature
        )


def _error_label() -> QLabel:
    label = ProblemLabel()
    label.hide()
    return label


def _show_error(label: QLabel, reason: str | None) -> None:
    label.setText(reason or "")
    label.setVisible(bool(reason))


def _with_error(field: QWidget, error: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return box


def _check_grid(layout: QGridLayout, names: Sequence[str]) -> dict[str, QCheckBox]:
    """A check box per name, two a row from the top of ``layout``."""
    checks: dict[str, QCheckBox] = {}
    for i, name in enumerate(names):
        checks[name] = QCheckBox(name)
        layout.addWidget(checks[name], i // 2, i % 2)
    return checks


class _AttributeRow:
    """An extra DN attribute the user added: type (any known key or an OID) and value."""

    def __init__(
        self, on_change: Callable[[], None], on_remove: Callable[[_AttributeRow], None]
    ) -> None:
        self.key = QComboBox()
        self.key.setEditable(True)
        self.key.addItems([a.key for a in cb.NAME_ATTRIBUTES if a.key not in STANDARD_FIELDS])
        self.key.setToolTip("An attribute name such as STREET or DC, or a dotted OID")
        self.value = QLineEdit()
        self.remove = QPushButton("Remove")
        self.error = _error_label()
        self.key.currentTextChanged.connect(lambda _text: on_change())
        self.value.textChanged.connect(lambda _text: on_change())
        self.remove.clicked.connect(lambda: on_remove(self))


class GenerateKeyPairDialog(QDialog):
    def __init__(
        self,
        *,
        parent: QWidget | None = None,
        issuers: Sequence[IssuerChoice] = (),
        existing_aliases: Sequence[str] = (),
        has_entry_passwords: bool = False,
        ascii_passwords: bool = False,
        case_insensitive_aliases: bool = True,
        csr: x509.CertificateSigningRequest | None = None,
        default_issuer: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._issuers = list(issuers)
        self._aliases = {a.lower() if case_insensitive_aliases else a for a in existing_aliases}
        self._case_insensitive = case_insensitive_aliases
        self._has_entry_passwords = has_entry_passwords and csr is None
        self._ascii_passwords = ascii_passwords
        self._csr = csr
        self._alias_edited = False
        self._offered_san: str | None = None
        self._extra_rows: list[_AttributeRow] = []
        self._result: GenerateKeyPairResult | None = None
        self._updating = False
        self._signature_chosen = False
        self._template_usages: frozenset[str] = frozenset()
        self._touched: set[str] = set()
        """Required fields the user has typed in: only those say they are missing."""
        self.setWindowTitle("Sign Certificate Request" if csr is not None else "Generate Key Pair")

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_key_box())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_subject_tab(), "&Subject")
        self.tabs.addTab(self._build_validity_tab(), "&Validity")
        self.tabs.addTab(self._build_extensions_tab(), "E&xtensions")
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self._build_entry_box())
        self.summary = ProblemLabel()
        layout.addWidget(self.summary)
        self.needed = QLabel()
        """What required fields the user has not filled in yet: in the ordinary text colour."""
        self.needed.setWordWrap(True)
        self.needed.hide()
        layout.addWidget(self.needed)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Sign" if csr is not None else "Generate")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        if default_issuer is not None:
            index = self.issuer.findText(default_issuer)
            if index >= 0:
                self.issuer.setCurrentIndex(index)
        if csr is not None:
            self._fill_from_csr(csr)
        self._refresh_signatures()
        self.validate()
        hint = self.sizeHint()
        self.resize(max(hint.width(), 700), min(hint.height(), 760))
        self._restore_geometry()

    # --- building ------------------------------------------------------------------------------
    def _build_key_box(self) -> QWidget:
        box = QGroupBox("Key")
        form = QFormLayout(box)
        # What the certificate is for comes first: it fills in the extensions.
        self.template = QComboBox()
        self.template.addItem("(none: set the extensions by hand)", "")
        for name in cb.TEMPLATES:
            self.template.addItem(cb.TEMPLATE_LABELS[name], name)
        self.template.setToolTip("Fills in the Extensions tab; every value stays editable")
        form.addRow("Te&mplate:", self.template)
        row = QHBoxLayout()
        self.key_type = QComboBox()
        for algorithm in KeyAlgorithm:
            self.key_type.addItem(str(algorithm), algorithm)
        self.key_size = QComboBox()
        row.addWidget(self.key_type)
        row.addWidget(self.key_size, 1)
        self.key_row = QWidget()
        self.key_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Key type:", self.key_row)
        self.signature = QComboBox()
        form.addRow("Si&gnature algorithm:", self.signature)
        self.key_type.currentIndexChanged.connect(self._key_type_changed)
        self.key_size.currentIndexChanged.connect(self._key_size_changed)
        self.signature.currentIndexChanged.connect(lambda _i: self.validate())
        self.signature.activated.connect(self._signature_activated)
        self._fill_sizes(KeyAlgorithm.RSA)
        if self._csr is not None:
            self.key_row.setEnabled(False)
            self.key_row.setToolTip("The key comes from the request")
        return box

    def _build_subject_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.dn_form = QFormLayout()
        self.dn_fields: dict[str, QLineEdit] = {}
        self.dn_errors: dict[str, QLabel] = {}
        placeholders = {
            "CN": "www.example.com",
            "C": "two letters, e.g. LK",
            "E": "ops@example.com",
        }
        for key in STANDARD_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(placeholders.get(key, ""))
            error = _error_label()
            self.dn_fields[key] = edit
            self.dn_errors[key] = error
            self.dn_form.addRow(FIELD_LABELS[key] + ":", _with_error(edit, error))
            edit.textChanged.connect(self._dn_changed)
            edit.textEdited.connect(lambda _t: self._touch("dn"))
        layout.addLayout(self.dn_form)
        self.add_attribute = QPushButton("&Add attribute…")
        self.add_attribute.clicked.connect(lambda: self._add_attribute_row().value.setFocus())
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_attribute)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        self.dn_preview = QLineEdit()
        self.dn_preview.setReadOnly(True)
        self.dn_preview.setPlaceholderText("—")
        self.dn_preview.setToolTip("The subject as RFC 4514 text; select to copy")
        self.dn_preview_error = _error_label()
        preview = QFormLayout()
        preview.addRow("Distinguished name:", _with_error(self.dn_preview, self.dn_preview_error))
        layout.addLayout(preview)
        layout.addStretch(1)
        return page

    def _build_validity_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        now = QDateTime.currentDateTimeUtc()
        self.start = QDateTimeEdit(now)
        self.start.setTimeZone(QTimeZone.utc())
        self.start.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.start.setCalendarPopup(True)
        form.addRow("S&tart:", self.start)
        self.use_period = QRadioButton("&Period")
        self.use_end = QRadioButton("&End date")
        self.use_period.setChecked(True)
        group = QButtonGroup(page)
        group.addButton(self.use_period)
        group.addButton(self.use_end)
        period_row = QHBoxLayout()
        self.period = QSpinBox()
        self.period.setRange(1, 9999)
        self.period.setValue(cb.DEFAULT_PERIOD[0])
        self.period_unit = QComboBox()
        self.period_unit.addItems(list(cb.PERIOD_UNITS))
        self.period_unit.setCurrentText(cb.DEFAULT_PERIOD[1])
        period_row.addWidget(self.period)
        period_row.addWidget(self.period_unit)
        period_row.addStretch(1)
        form.addRow(self.use_period, period_row)
        self.end = QDateTimeEdit(now.addYears(1))
        self.end.setTimeZone(QTimeZone.utc())
        self.end.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.end.setCalendarPopup(True)
        self.end.setEnabled(False)
        form.addRow(self.use_end, self.end)
        self.validity_summary = QLabel()
        self.validity_error = _error_label()
        form.addRow("Valid:", _with_error(self.validity_summary, self.validity_error))
        self.use_end.toggled.connect(self._validity_mode_changed)
        for signal in (
            self.start.dateTimeChanged,
            self.end.dateTimeChanged,
            self.period.valueChanged,
            self.period_unit.currentIndexChanged,
        ):
            signal.connect(lambda *_a: self.validate())
        return page

    def _build_extensions_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        top.addStretch(1)
        self.ski = QCheckBox("Subject key identifier")
        self.aki = QCheckBox("Authority key identifier")
        self.ski.setChecked(True)
        self.aki.setChecked(True)
        top.addWidget(self.ski)
        top.addWidget(self.aki)
        layout.addLayout(top)

        grid = QGridLayout()
        self.san_box = QGroupBox("Subject alternative names")
        san_layout = QVBoxLayout(self.san_box)
        self.san = QPlainTextEdit()
        self.san.setPlaceholderText(
            "one per line: dns:www.example.com, ip:10.0.0.1,\nemail:ops@example.com, uri:https://…"
        )
        self.san.setTabChangesFocus(True)
        self.san_critical = QCheckBox("Critical")
        self.san_error = _error_label()
        san_layout.addWidget(self.san)
        san_layout.addWidget(self.san_error)
        san_layout.addWidget(self.san_critical)
        grid.addWidget(self.san_box, 0, 0)

        self.ku_box = QGroupBox("Key usage")
        self.ku_box.setCheckable(True)
        ku_layout = QGridLayout(self.ku_box)
        self.ku_checks = _check_grid(ku_layout, cb.KEY_USAGES)
        self.ku_critical = QCheckBox("Critical")
        self.ku_error = _error_label()
        ku_layout.addWidget(self.ku_critical, 5, 0)
        ku_layout.addWidget(self.ku_error, 6, 0, 1, 2)
        grid.addWidget(self.ku_box, 0, 1)

        self.eku_box = QGroupBox("Extended key usage")
        self.eku_box.setCheckable(True)
        eku_layout = QGridLayout(self.eku_box)
        self.eku_checks = _check_grid(eku_layout, EKU_CHOICES)
        self.eku_other = QLineEdit()
        self.eku_other.setPlaceholderText("other OIDs, comma-separated")
        eku_layout.addWidget(self.eku_other, 3, 0, 1, 2)
        self.eku_critical = QCheckBox("Critical")
        self.eku_error = _error_label()
        eku_layout.addWidget(self.eku_critical, 4, 0)
        eku_layout.addWidget(self.eku_error, 5, 0, 1, 2)
        grid.addWidget(self.eku_box, 1, 0)

        self.bc_box = QGroupBox("Basic constraints")
        self.bc_box.setCheckable(True)
        bc_layout = QFormLayout(self.bc_box)
        self.bc_ca = QCheckBox("Certificate authority (CA)")
        self.bc_path = QSpinBox()
        self.bc_path.setRange(-1, 99)
        self.bc_path.setSpecialValueText("unlimited")
        self.bc_path.setValue(-1)
        self.bc_critical = QCheckBox("Critical")
        self.bc_error = _error_label()
        bc_layout.addRow(self.bc_ca)
        bc_layout.addRow("Path length:", self.bc_path)
        bc_layout.addRow(self.bc_critical)
        bc_layout.addRow(self.bc_error)
        grid.addWidget(self.bc_box, 1, 1)
        layout.addLayout(grid, 1)

        self.template.currentIndexChanged.connect(lambda _i: self.apply_template())
        self.san.textChanged.connect(self.validate)
        self.eku_other.textChanged.connect(lambda _t: self.validate())
        self.bc_path.valueChanged.connect(lambda _v: self.validate())
        for widget in (
            self.san_critical, self.ku_box, self.ku_critical, self.eku_box, self.eku_critical,
            self.bc_box, self.bc_ca, self.bc_critical, self.ski, self.aki,
            *self.ku_checks.values(), *self.eku_checks.values(),
        ):  # fmt: skip
            widget.toggled.connect(lambda _on: self.validate())  # type: ignore[attr-defined]
        self._set_choices(cb.ExtensionChoices())
        return page

    def _build_entry_box(self) -> QWidget:
        box = QGroupBox("Entry" if self._csr is None else "Signed by")
        form = QFormLayout(box)
        self.issuer = QComboBox()
        if self._csr is None:
            self.issuer.addItem("Self-signed", None)
        for choice in self._issuers:
            self.issuer.addItem(choice.label, choice)
        self.issuer_error = _error_label()
        form.addRow("&Issuer:", _with_error(self.issuer, self.issuer_error))
        self.issuer.currentIndexChanged.connect(self._issuer_changed)
        self.alias = QLineEdit()
        self.alias_error = _error_label()
        self.alias.textEdited.connect(self._alias_edited_by_user)
        self.alias.textEdited.connect(lambda _t: self._touch("alias"))
        self.alias.textChanged.connect(lambda _t: self.validate())
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: the store password")
        self.password_repeat = QLineEdit()
        self.password_repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_error = _error_label()
        self.password.textChanged.connect(lambda _t: self.validate())
        self.password_repeat.textChanged.connect(lambda _t: self.validate())
        if self._csr is None:
            form.addRow("A&lias:", _with_error(self.alias, self.alias_error))
        if self._has_entry_passwords:
            form.addRow("Entry &password:", self.password)
            form.addRow("&Repeat password:", _with_error(self.password_repeat, self.password_error))
        return box

    def _add_attribute_row(self, key: str = "STREET", value: str = "") -> _AttributeRow:
        row = _AttributeRow(self._dn_changed, self._remove_attribute_row)
        row.key.setCurrentText(key)
        row.value.setText(value)
        line = QHBoxLayout()
        line.addWidget(row.key)
        line.addWidget(row.value, 1)
        line.addWidget(row.remove)
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(line)
        outer.addWidget(row.error)
        self.dn_form.addRow("Attribute:", holder)
        self._extra_rows.append(row)
        self._dn_changed()
        return row

    def _remove_attribute_row(self, row: _AttributeRow) -> None:
        index = self._extra_rows.index(row)
        self._extra_rows.remove(row)
        self.dn_form.removeRow(len(STANDARD_FIELDS) + index)
        self._dn_changed()

    # --- reactions -----------------------------------------------------------------------------
    def _fill_sizes(self, algorithm: KeyAlgorithm) -> None:
        self.key_size.blockSignals(True)
        self.key_size.clear()
        if algorithm is KeyAlgorithm.RSA:
            for size in RSA_SIZES:
                self.key_size.addItem(f"{size} bits", KeySpec(algorithm, size=size))
            self.key_size.setCurrentIndex(RSA_SIZES.index(DEFAULT_RSA.size or 0))
        elif algorithm is KeyAlgorithm.DSA:
            for size in DSA_SIZES:
                self.key_size.addItem(f"{size} bits", KeySpec(algorithm, size=size))
        elif algorithm is KeyAlgorithm.EC:
            for curve in EC_CURVES:
                self.key_size.addItem(curve, KeySpec(algorithm, curve=curve))
            self.key_size.setCurrentIndex(EC_CURVES.index(DEFAULT_EC.curve or ""))
        else:
            self.key_size.addItem("fixed size", KeySpec(algorithm))
        self.key_size.setEnabled(self.key_size.count() > 1)
        self.key_size.blockSignals(False)

    def _key_type_changed(self) -> None:
        self._fill_sizes(KeyAlgorithm(self.key_type.currentData()))
        self._key_size_changed()

    def _key_size_changed(self) -> None:
        self._refresh_signatures()
        name = self.template.currentData()
        if name and self._ticked_usages() == self._template_usages:
            # the template's key usage depends on the key (keyEncipherment for RSA only); other
            # extensions, and usages the user changed, stay as they are
            usages = cb.template(name, self.key_spec().algorithm).key_usage or frozenset()
            self._template_usages = usages
            self._updating = True
            for usage, check in self.ku_checks.items():
                check.setChecked(usage in usages)
            self._updating = False
        self.validate()

    def _ticked_usages(self) -> frozenset[str]:
        return frozenset(n for n, c in self.ku_checks.items() if c.isChecked())

    def _issuer_changed(self) -> None:
        self._refresh_signatures()
        self.validate()

    def _signer_spec(self) -> KeySpec:
        choice = self.issuer.currentData()
        if isinstance(choice, IssuerChoice):
            return spec_of_key(choice.certificate.public_key())
        return self.key_spec()

    def _refresh_signatures(self) -> None:
        current = self.signature.currentText()
        self.signature.blockSignals(True)
        self.signature.clear()
        for sig in signature_algorithms_for(self._signer_spec()):
            self.signature.addItem(sig.name, sig)
        index = self.signature.findText(current) if self._signature_chosen else 0
        self.signature.setCurrentIndex(max(index, 0))
        self.signature.blockSignals(False)

    def _signature_activated(self, _index: int) -> None:
        self._signature_chosen = True

    def _validity_mode_changed(self, use_end: bool) -> None:
        self.end.setEnabled(use_end)
        self.period.setEnabled(not use_end)
        self.period_unit.setEnabled(not use_end)
        self.validate()

    def _alias_edited_by_user(self, _text: str) -> None:
        self._alias_edited = True

    def _dn_changed(self) -> None:
        if self._updating:
            return
        cn = self.dn_fields["CN"].text().strip()
        if not self._alias_edited and self._csr is None:
            self.alias.setText(self._default_alias(cn))
        self._offer_cn_as_san(cn)
        self.validate()

    def _offer_cn_as_san(self, cn: str) -> None:
        """Keep the first SAN following the CN while it is the one the CN offered."""
        if self.template.currentData() not in ("tls-server", "tls-client"):
            return
        lines = [line for line in self.san.toPlainText().splitlines() if line.strip()]
        offered = cb.name_as_san(cn) if cn else None
        if lines and self._offered_san is not None and lines[0].strip() == self._offered_san:
            lines = lines[1:]
        elif self._offered_san is None and offered is None:
            return
        if offered is not None and offered not in lines:
            lines.insert(0, offered)
        self._offered_san = offered
        self.san.setPlainText("\n".join(lines))

    def _default_alias(self, cn: str) -> str:
        wanted = (cn.lower() if self._case_insensitive else cn) or "mykey"
        candidate, n = wanted, 1
        while self._alias_taken(candidate):
            n += 1
            candidate = f"{wanted}-{n}"
        return candidate

    def _alias_taken(self, alias: str) -> bool:
        return (alias.lower() if self._case_insensitive else alias) in self._aliases

    def apply_template(self) -> None:
        """Fill the extensions from the chosen template (the CN offered as first SAN)."""
        name = self.template.currentData()
        if not name:
            return
        cn = self.dn_fields["CN"].text().strip() or None
        choices = cb.template(name, self.key_spec().algorithm, cn)
        self._offered_san = choices.subject_alt_names[0] if choices.subject_alt_names else None
        self._template_usages = choices.key_usage or frozenset()
        self._set_choices(choices)
        self.validate()

    def _set_choices(self, choices: cb.ExtensionChoices) -> None:
        self._updating = True
        try:
            self.san.setPlainText("\n".join(choices.subject_alt_names))
            self.san_critical.setChecked(choices.san_critical)
            self.ku_box.setChecked(choices.key_usage is not None)
            for name, check in self.ku_checks.items():
                check.setChecked(name in (choices.key_usage or ()))
            self.ku_critical.setChecked(choices.key_usage_critical)
            ekus = choices.extended_key_usage or ()
            self.eku_box.setChecked(choices.extended_key_usage is not None)
            for name, check in self.eku_checks.items():
                check.setChecked(name in ekus)
            self.eku_other.setText(", ".join(e for e in ekus if e not in EKU_CHOICES))
            self.eku_critical.setChecked(choices.extended_key_usage_critical)
            bc = choices.basic_constraints
            self.bc_box.setChecked(bc is not None)
            self.bc_ca.setChecked(bc is not None and bc.ca)
            path = bc.path_length if bc is not None else None
            self.bc_path.setValue(-1 if path is None else path)
            self.bc_critical.setChecked(choices.basic_constraints_critical)
            self.ski.setChecked(choices.subject_key_identifier)
            self.aki.setChecked(choices.authority_key_identifier)
        finally:
            self._updating = False

    def _fill_from_csr(self, csr: x509.CertificateSigningRequest) -> None:
        pairs = cb.name_pairs(csr.subject)
        self._updating = True
        try:
            for key, value in pairs:  # read-only, shown escaped: the request's own name is used
                if key in self.dn_fields and not self.dn_fields[key].text():
                    self.dn_fields[key].setText(shown(value))
                else:
                    self._add_attribute_row(key, shown(value))
        finally:
            self._updating = False
        for edit in self.dn_fields.values():
            edit.setReadOnly(True)
        for row in self._extra_rows:
            row.value.setReadOnly(True)
            row.key.setEnabled(False)
            row.remove.setEnabled(False)
        self.add_attribute.setEnabled(False)
        try:
            spec = spec_of_key(csr.public_key())
        except KeystoreError:
            spec = None  # shown as the request's key anyway: the key row is disabled
        if spec is not None:
            self.key_type.setCurrentIndex(self.key_type.findText(str(spec.algorithm)))
            index = self.key_size.findText(spec.curve or f"{spec.size} bits")
            if index >= 0:
                self.key_size.setCurrentIndex(index)
        self._set_choices(cb.csr_choices(csr))

    # --- reading the form ----------------------------------------------------------------------
    def key_spec(self) -> KeySpec:
        spec = self.key_size.currentData()
        assert isinstance(spec, KeySpec)
        return spec

    def dn_pairs(self) -> list[tuple[str, str]]:
        """The subject in reading order: CN, OU, O, L, ST, C as keytool writes it, then E and
        the added attributes."""
        pairs = [
            (k, self.dn_fields[k].text().strip())
            for k in DN_ORDER
            if self.dn_fields[k].text().strip()
        ]
        pairs += [(r.key.currentText().strip(), r.value.text()) for r in self._extra_rows]
        return pairs

    def extension_choices(self) -> cb.ExtensionChoices:
        sans = [line.strip() for line in self.san.toPlainText().splitlines() if line.strip()]
        ekus: tuple[str, ...] | None = None
        if self.eku_box.isChecked():
            others = [o.strip() for o in self.eku_other.text().split(",") if o.strip()]
            ekus = (*(n for n, c in self.eku_checks.items() if c.isChecked()), *others)
        bc = None
        if self.bc_box.isChecked():
            path = self.bc_path.value()
            bc = cb.BasicConstraintsChoice(self.bc_ca.isChecked(), None if path < 0 else path)
        return cb.ExtensionChoices(
            subject_alt_names=sans,
            san_critical=self.san_critical.isChecked(),
            key_usage=self._ticked_usages() if self.ku_box.isChecked() else None,
            key_usage_critical=self.ku_critical.isChecked(),
            extended_key_usage=ekus,
            extended_key_usage_critical=self.eku_critical.isChecked(),
            basic_constraints=bc,
            basic_constraints_critical=self.bc_critical.isChecked(),
            subject_key_identifier=self.ski.isChecked(),
            authority_key_identifier=self.aki.isChecked(),
        )

    def validity(self) -> cb.Validity:
        start = _to_datetime(self.start.dateTime())
        if self.use_end.isChecked():
            return cb.Validity.between(start, _to_datetime(self.end.dateTime()))
        return cb.Validity.from_period(self.period.value(), self.period_unit.currentText(), start)

    # --- validation ----------------------------------------------------------------------------
    def validate(self) -> bool:
        """Check every field, show each reason next to its field; OK only when all are fine."""
        if self._updating:
            return False
        problems: list[str] = []

        def report(label: QLabel, reason: str | None) -> None:
            _show_error(label, reason)
            if reason:
                problems.append(reason)

        required: list[str] = []
        """What is missing from fields the user has not typed in yet: said, but not in red."""
        name: x509.Name | None = None
        for key, edit in self.dn_fields.items():
            text = edit.text().strip()
            report(self.dn_errors[key], cb.check_attribute(key, text) if text else None)
        for row in self._extra_rows:
            report(row.error, cb.check_attribute(row.key.currentText(), row.value.text()))
        if not problems:
            try:
                if not self._csr and not self.dn_fields["CN"].text().strip():
                    raise cb.CertificateInputError("a common name (CN) is needed")
                name = self._csr.subject if self._csr else cb.name_from_pairs(self.dn_pairs())
            except KeystoreError as exc:
                if "dn" in self._touched:
                    report(self.dn_preview_error, str(exc))
                else:
                    self.dn_preview_error.setText(str(exc))
                    required.append("a common name (CN)")
            else:
                _show_error(self.dn_preview_error, None)
        else:
            _show_error(self.dn_preview_error, None)
        self.dn_preview.setText(shown(cb.format_dn(name)) if name is not None else "")
        self.dn_preview.setCursorPosition(0)

        issuer = self.issuer_choice()
        try:
            validity = self.validity()
            if issuer is not None:
                validity = validity.within(issuer.certificate)
        except KeystoreError as exc:
            report(self.validity_error, str(exc))
            self.validity_summary.setText("—")
        else:
            _show_error(self.validity_error, None)
            days = (validity.not_after - validity.not_before).days
            text = (
                f"{validity.not_before:%Y-%m-%d %H:%M} to {validity.not_after:%Y-%m-%d %H:%M} UTC "
                f"({days} days)"
            )
            if issuer is not None and validity.not_after == issuer.certificate.not_after:
                text += ", ending with the CA"
            self.validity_summary.setText(text)

        choices = self.extension_choices()
        self._report_extensions(choices, report)

        issuer_reason = None
        if self._csr is not None and issuer is None:
            issuer_reason = "no CA entry to sign with is open"
        elif issuer is not None:
            try:
                cb.check_ca_can_issue(issuer.certificate, choices, issuer.entry.alias)
            except KeystoreError as exc:
                issuer_reason = str(exc)
        report(self.issuer_error, issuer_reason)

        if self._csr is None:
            alias_problem = self._alias_problem()
            if alias_problem and not self.alias.text() and "alias" not in self._touched:
                _show_error(self.alias_error, None)
                required.append("an alias")
            else:
                report(self.alias_error, alias_problem)
        if self._has_entry_passwords:
            password_reason = None
            if self._ascii_passwords and not self.password.text().isascii():
                password_reason = "this keystore type needs an ASCII password"
            elif self.password.text() != self.password_repeat.text():
                password_reason = "the two passwords differ"
            report(self.password_error, password_reason)

        self.summary.setText(problems[0] if problems else "")
        still = "Still needed: " + " and ".join(required) if required and not problems else ""
        self.needed.setText(still)
        self.needed.setVisible(bool(still))
        ok = not problems and not required
        self.ok_button.setEnabled(ok)
        return ok

    def _report_extensions(
        self, choices: cb.ExtensionChoices, report: Callable[[QLabel, str | None], None]
    ) -> None:
        parts = choices.problems_by_part()
        for label, part in (
            (self.san_error, "san"),
            (self.ku_error, "key_usage"),
            (self.eku_error, "extended_key_usage"),
            (self.bc_error, "basic_constraints"),
        ):
            report(label, parts[part][0] if parts[part] else None)

    def _touch(self, field: str) -> None:
        if field not in self._touched:
            self._touched.add(field)
            self.validate()

    def _alias_problem(self) -> str | None:
        alias = self.alias.text()
        problem = cb.alias_problem(alias)
        if problem is None and self._alias_taken(alias):
            problem = f"alias '{alias}' is already in use"
        return problem

    def issuer_choice(self) -> IssuerChoice | None:
        data = self.issuer.currentData()
        return data if isinstance(data, IssuerChoice) else None

    # --- result --------------------------------------------------------------------------------
    def accept(self) -> None:
        if not self.validate():
            return
        choice = self.issuer_choice()
        sig = self.signature.currentData()
        assert isinstance(sig, SignatureAlgorithm)
        if self._csr is not None:
            subject = self._csr.subject
        else:
            subject = cb.name_from_pairs(self.dn_pairs())
        request = cb.NewCertificate(subject, self.validity(), self.extension_choices(), sig)
        self._result = GenerateKeyPairResult(
            key_spec=self.key_spec() if self._csr is None else None,
            request=request,
            issuer_entry=choice.entry if choice is not None else None,
            alias=self.alias.text() if self._csr is None else None,
            entry_password=(self.password.text() or None) if self._has_entry_passwords else None,
        )
        self._save_geometry()
        super().accept()

    def reject(self) -> None:
        self._save_geometry()
        super().reject()

    def result_value(self) -> GenerateKeyPairResult:
        """The user's choices; only after the dialog was accepted."""
        assert self._result is not None, "the dialog was not accepted"
        return self._result

    def _settings(self) -> QSettings:
        """The window's settings when it has its own, else the application's."""
        parent = self.parentWidget()
        own = getattr(parent.window(), "settings", None) if parent is not None else None
        return own if isinstance(own, QSettings) else QSettings()

    def _restore_geometry(self) -> None:
        geometry = self._settings().value(GEOMETRY_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _save_geometry(self) -> None:
        self._settings().setValue(GEOMETRY_KEY, self.saveGeometry())


def _to_datetime(value: QDateTime) -> dt.datetime:
    return dt.datetime.fromtimestamp(value.toSecsSinceEpoch(), dt.UTC)
