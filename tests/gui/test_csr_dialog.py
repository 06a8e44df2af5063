"""Entry → Generate CSR…: the dialog starts from the certificate, every field is editable and
checked as typed, and openssl accepts what it writes, PEM or DER."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from keystore_gui.gui.csr_dialog import CsrDialog
from keystore_gui.gui.features import keygen as feature
from keystore_gui.gui.main_window import MainWindow
from tests.gui.conftest import sample_store
from tests.tools import openssl, requires_openssl

pytestmark = [requires_openssl, pytest.mark.openssl]


def open_csr(window: MainWindow, qtbot: QtBot) -> CsrDialog:
    tab = window.add_store_tab(sample_store(), None)
    tab.select_entry(tab.store.get("server"))
    window.actions_by_name["generate_csr"].trigger()
    dialog = window.findChild(CsrDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_fields_come_from_the_certificate_and_are_checked(window: MainWindow, qtbot: QtBot) -> None:
    dialog = open_csr(window, qtbot)
    assert dialog.subject.text() == "CN=server"
    assert dialog.sans.toPlainText() == "dns:server.example.com"
    assert [dialog.signature.itemText(i) for i in range(dialog.signature.count())] == [
        "SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA",
    ]  # fmt: skip
    dialog.subject.setText("CN=server, C=Lanka")
    assert not dialog.ok_button.isEnabled()
    assert "C" in dialog.problem.text() and dialog.problem.isVisible()
    dialog.subject.setText("CN=api.example.com, O=Example, C=LK")
    assert dialog.ok_button.isEnabled()
    dialog.sans.setPlainText("dns:api.example.com\nnot a name")
    assert not dialog.ok_button.isEnabled()
    dialog.reject()


@pytest.mark.parametrize("der", [False, True], ids=["pem", "der"])
def test_the_request_written_verifies_with_what_was_typed(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, der: bool
) -> None:
    out = tmp_path / ("api.der" if der else "api.csr")
    monkeypatch.setattr(feature.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    dialog = open_csr(window, qtbot)
    dialog.subject.setText("CN=api.example.com, O=Example, C=LK")
    dialog.sans.setPlainText("dns:api.example.com\nip:10.0.0.1")
    dialog.key_usage["digitalSignature"].setChecked(True)
    dialog.extended_usage["serverAuth"].setChecked(True)
    dialog.signature.setCurrentIndex(dialog.signature.findText("SHA384withECDSA"))
    dialog.der.setChecked(der)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    form = ["-inform", "DER"] if der else []
    text = openssl("req", *form, "-in", str(out), "-verify", "-noout", "-text")
    shown = text.stdout + text.stderr
    assert "verify OK" in shown
    assert "Subject: C = LK, O = Example, CN = api.example.com" in shown
    assert "DNS:api.example.com, IP Address:10.0.0.1" in shown
    assert "ecdsa-with-SHA384" in shown and "TLS Web Server Authentication" in shown
    assert "Digital Signature" in shown
