"""The Generate Key Pair dialog, driven as a user would: typing, picking, pressing Generate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from PySide6.QtCore import QDateTime, QSettings, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from keystore_gui.core import certbuild as cb
from keystore_gui.core.keygen import KeyAlgorithm, parse_key_spec
from keystore_gui.core.model import Entry
from keystore_gui.gui.generate_dialog import GenerateKeyPairDialog, IssuerChoice


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> Iterator[None]:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield


@pytest.fixture(scope="module")
def root_ca() -> Entry:
    key = parse_key_spec("ec:p-384").generate()
    chain = cb.issue(
        cb.NewCertificate(
            cb.parse_dn("CN=Example Root CA, O=Example, C=LK"),
            cb.Validity.from_period(10, "years"),
            cb.template("ca"),
        ),
        key,
    )
    return cb.new_key_entry("rootca", key, chain)


def make_dialog(qtbot: QtBot, **kwargs: object) -> GenerateKeyPairDialog:
    dialog = GenerateKeyPairDialog(**kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def pick(combo: object, text: str) -> None:
    index = combo.findText(text)  # type: ignore[attr-defined]
    assert index >= 0, text
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def test_defaults(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    assert dialog.key_spec().label == "RSA 3072"
    assert dialog.signature.currentText() == "SHA256withRSA"
    assert "SHA256withRSA/PSS" in [
        dialog.signature.itemText(i) for i in range(dialog.signature.count())
    ]
    pick(dialog.key_type, "EC")
    assert dialog.key_spec().label == "EC P-256"
    assert dialog.signature.currentText() == "SHA256withECDSA"
    pick(dialog.key_size, "P-521")
    assert dialog.signature.currentText() == "SHA512withECDSA"
    pick(dialog.key_type, "Ed25519")
    assert [dialog.signature.itemText(i) for i in range(dialog.signature.count())] == ["Ed25519"]
    assert not dialog.key_size.isEnabled()
    validity = dialog.validity()
    assert 365 <= (validity.not_after - validity.not_before).days <= 366
    # nothing typed yet: the common name is missing and Generate is off
    assert not dialog.ok_button.isEnabled()
    assert dialog.dn_preview_error.text() == "a common name (CN) is needed"


def test_type_a_dn_pick_a_template_and_generate(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, existing_aliases=["www.example.com"])
    pick(dialog.key_type, "EC")
    qtbot.keyClicks(dialog.dn_fields["CN"], "www.example.com")
    qtbot.keyClicks(dialog.dn_fields["O"], "Example, Inc.")
    qtbot.keyClicks(dialog.dn_fields["C"], "Lanka")
    assert dialog.dn_errors["C"].isVisible()
    assert dialog.dn_errors["C"].text() == (
        "C must be a two-letter country code such as LK or US, not 'Lanka'"
    )
    assert not dialog.ok_button.isEnabled()
    dialog.dn_fields["C"].clear()
    qtbot.keyClicks(dialog.dn_fields["C"], "lk")
    assert not dialog.dn_errors["C"].isVisible()
    assert dialog.dn_preview.text() == r"CN=www.example.com,O=Example\, Inc.,C=LK"
    assert dialog.alias.text() == "www.example.com-2"

    dialog.tabs.setCurrentIndex(2)
    pick(dialog.template, "TLS server")
    assert dialog.san.toPlainText() == "dns:www.example.com"
    assert dialog.ku_checks["digitalSignature"].isChecked()
    assert not dialog.ku_checks["keyEncipherment"].isChecked()  # not for an EC key
    assert dialog.eku_checks["serverAuth"].isChecked()
    qtbot.keyClick(dialog.san, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.san, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.san, "ip:10.0.0.1")
    dialog.eku_checks["clientAuth"].click()
    assert dialog.ok_button.isEnabled(), dialog.summary.text()

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == GenerateKeyPairDialog.DialogCode.Accepted
    result = dialog.result_value()
    assert result.alias == "www.example.com-2"
    assert result.issuer_entry is None
    entry = result.generate()
    cert = entry.chain[0].x509
    assert cert is not None
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(n.value) for n in san] == ["www.example.com", "10.0.0.1"]
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert not eku.critical
    assert [o.dotted_string for o in eku.value] == ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).critical


def test_changing_the_key_keeps_edited_extensions(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.dn_fields["CN"], "www.example.com")
    pick(dialog.template, "TLS server")
    assert dialog.ku_checks["keyEncipherment"].isChecked()  # RSA, the default
    dialog.san.appendPlainText("dns:alt.example.com")
    pick(dialog.key_type, "EC")
    assert not dialog.ku_checks["keyEncipherment"].isChecked()
    assert dialog.san.toPlainText() == "dns:www.example.com\ndns:alt.example.com"
    dialog.ku_checks["keyAgreement"].setChecked(True)
    pick(dialog.key_type, "RSA")
    assert dialog.ku_checks["keyAgreement"].isChecked()  # the user's choice stays
    assert not dialog.ku_checks["keyEncipherment"].isChecked()


def test_cn_follows_into_the_san_and_alias(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    pick(dialog.template, "TLS server")
    qtbot.keyClicks(dialog.dn_fields["CN"], "api.example.com")
    assert dialog.san.toPlainText() == "dns:api.example.com"
    assert dialog.alias.text() == "api.example.com"
    qtbot.keyClicks(dialog.alias, "-prod")
    qtbot.keyClicks(dialog.dn_fields["CN"], "x")
    assert dialog.san.toPlainText() == "dns:api.example.comx"
    assert dialog.alias.text() == "api.example.com-prod"  # edited by hand: kept


def test_every_field_explains_itself(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, existing_aliases=["taken"], has_entry_passwords=True)
    qtbot.keyClicks(dialog.dn_fields["CN"], "host")
    qtbot.keyClicks(dialog.dn_fields["E"], "not-mail")
    assert dialog.dn_errors["E"].text() == "'not-mail' is not an e-mail address"
    dialog.dn_fields["E"].clear()

    dialog.san.setPlainText("dns:ok.example.com\ndns:bad name")
    assert dialog.san_error.text() == "'bad name' is not a DNS name"
    dialog.san.setPlainText("")

    dialog.bc_box.setChecked(True)
    dialog.bc_path.setValue(2)
    assert dialog.bc_error.text() == "a path length needs the CA flag"
    dialog.bc_ca.setChecked(True)
    assert dialog.bc_error.text() == ""
    dialog.ku_box.setChecked(True)
    dialog.ku_checks["digitalSignature"].setChecked(True)
    assert dialog.ku_error.text() == "a CA certificate needs the keyCertSign key usage"
    dialog.ku_box.setChecked(False)

    dialog.alias.clear()
    qtbot.keyClicks(dialog.alias, "TAKEN")
    assert dialog.alias_error.text() == "alias 'TAKEN' is already in use"
    dialog.alias.setText("smile \U0001f600")
    assert dialog.alias_error.text() == (
        "keystores cannot hold characters such as emoji in an alias"
    )
    dialog.alias.clear()
    qtbot.keyClicks(dialog.alias, "fresh")

    qtbot.keyClicks(dialog.password, "secret")
    qtbot.keyClicks(dialog.password_repeat, "secreT")
    assert dialog.password_error.text() == "the two passwords differ"
    assert not dialog.ok_button.isEnabled()
    dialog.password_repeat.clear()
    qtbot.keyClicks(dialog.password_repeat, "secret")

    dialog.use_end.setChecked(True)
    dialog.end.setDateTime(dialog.start.dateTime().addDays(-1))
    assert dialog.validity_error.text() == "the end of validity must come after its start"
    dialog.end.setDateTime(dialog.start.dateTime().addDays(30))
    assert dialog.ok_button.isEnabled(), dialog.summary.text()
    dialog.accept()
    result = dialog.result_value()
    assert result.entry_password == "secret"
    assert (result.request.validity.not_after - result.request.validity.not_before).days == 30


def test_jceks_passwords_are_ascii(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_entry_passwords=True, ascii_passwords=True)
    qtbot.keyClicks(dialog.dn_fields["CN"], "k")
    dialog.password.setText("pässword")
    dialog.password_repeat.setText("pässword")
    assert dialog.password_error.text() == "this keystore type needs an ASCII password"
    assert not dialog.ok_button.isEnabled()


def test_add_any_attribute(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.dn_fields["CN"], "svc")
    qtbot.mouseClick(dialog.add_attribute, Qt.MouseButton.LeftButton)
    row = dialog._extra_rows[0]
    row.key.setCurrentText("2.5.4.5")
    qtbot.keyClicks(row.value, "42")
    assert dialog.dn_preview.text() == "CN=svc,SERIALNUMBER=42"
    row.key.setCurrentText("NOPE")
    assert row.error.text() == "unknown name attribute 'NOPE'"
    qtbot.mouseClick(row.remove, Qt.MouseButton.LeftButton)
    assert dialog.dn_preview.text() == "CN=svc"
    assert dialog.ok_button.isEnabled()


def test_signed_by_a_ca(qtbot: QtBot, root_ca: Entry) -> None:
    dialog = make_dialog(qtbot, issuers=[IssuerChoice("rootca (pki.jks)", root_ca)])
    pick(dialog.key_type, "Ed25519")
    qtbot.keyClicks(dialog.dn_fields["CN"], "Intermediate CA")
    pick(dialog.template, "CA")
    pick(dialog.issuer, "rootca (pki.jks)")
    # the signature follows the issuer's P-384 key, not the new Ed25519 key
    assert dialog.signature.currentText() == "SHA384withECDSA"
    dialog.period.setValue(20)
    assert dialog.validity_summary.text().endswith(", ending with the CA")
    dialog.start.setDateTime(dialog.start.dateTime().addYears(11))
    assert "expires on" in dialog.validity_error.text()
    assert "before this certificate would start" in dialog.validity_error.text()
    dialog.start.setDateTime(dialog.start.dateTime().addYears(-11))
    assert dialog.ok_button.isEnabled(), dialog.summary.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    entry = dialog.result_value().generate()
    assert [c.common_name() for c in entry.chain] == ["Intermediate CA", "Example Root CA"]
    assert entry.chain[0].not_after == root_ca.chain[0].not_after
    cb.Issuer.from_entry(entry)  # a CA in its turn


def test_sign_a_request(qtbot: QtBot, root_ca: Entry) -> None:
    key = parse_key_spec("ec:p-256").generate()
    csr = cb.build_csr(
        key,
        cb.parse_dn("CN=client.example.com, OU=B, O=Example, OU=A, STREET=Main St"),
        cb.template("tls-client", KeyAlgorithm.EC, "client.example.com").request_extensions(),
    )
    dialog = make_dialog(qtbot, issuers=[IssuerChoice("rootca", root_ca)], csr=csr)
    assert dialog.windowTitle() == "Sign Certificate Request"
    assert dialog.dn_fields["CN"].isReadOnly()
    assert dialog.dn_preview.text() == "CN=client.example.com,OU=B,O=Example,OU=A,STREET=Main St"
    assert dialog.dn_preview.text() == cb.format_dn(csr.subject)
    assert dialog.eku_checks["clientAuth"].isChecked()
    assert dialog.ok_button.text() == "Sign"
    dialog.period.setValue(90)
    pick(dialog.period_unit, "days")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    chain = dialog.result_value().sign(csr)
    assert chain[0].subject_name == csr.subject
    assert chain[0].issuer_name == root_ca.chain[0].subject_name
    assert (chain[0].not_after - chain[0].not_before).days == 90


def test_sign_a_request_needs_a_ca(qtbot: QtBot) -> None:
    key = parse_key_spec("ec:p-256").generate()
    csr = cb.build_csr(key, cb.parse_dn("CN=x"))
    dialog = make_dialog(qtbot, csr=csr)
    assert dialog.issuer_error.text() == "no CA entry to sign with is open"
    assert not dialog.ok_button.isEnabled()


def test_start_in_the_future(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.dn_fields["CN"], "later")
    dialog.start.setDateTime(QDateTime.currentDateTimeUtc().addMonths(1))
    dialog.accept()
    validity = dialog.result_value().request.validity
    assert validity.not_before.year >= 2000
    assert 365 <= (validity.not_after - validity.not_before).days <= 366


def test_the_template_comes_first_and_an_empty_form_is_not_red(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    dialog.show()
    qtbot.waitExposed(dialog)
    # What the certificate is for is chosen before anything else, not on the third tab.
    assert not dialog.tabs.isAncestorOf(dialog.template)
    assert dialog.template.mapTo(dialog, dialog.template.rect().topLeft()).y() < dialog.tabs.y()
    # Nothing typed yet: what is required is said, in plain text, and nothing is in red.
    red = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()
           and label.text() and "color" in label.styleSheet()]  # fmt: skip
    assert red == []
    assert dialog.needed.text() == "Still needed: a common name (CN) and an alias"
    assert dialog.needed.styleSheet() == "" and not dialog.summary.text()
    assert not dialog.ok_button.isEnabled()
    # Once the user has typed in a field, its error shows.
    qtbot.keyClicks(dialog.dn_fields["CN"], "x")
    qtbot.keyClick(dialog.dn_fields["CN"], Qt.Key.Key_Backspace)
    assert dialog.dn_preview_error.isVisible()
    assert dialog.dn_preview_error.text() == "a common name (CN) is needed"
