"""The key generation actions in the main window: a small PKI built without leaving the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from keystore_gui.core import certbuild as cb
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.keygen import parse_key_spec
from keystore_gui.core.model import Entry, Keystore, StoreType
from keystore_gui.gui import operations
from keystore_gui.gui.csr_dialog import CsrDialog
from keystore_gui.gui.features import keygen as feature
from keystore_gui.gui.generate_dialog import GenerateKeyPairDialog
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.password_dialog import PasswordDialog
from tests.tools import openssl, requires_openssl


def open_dialog(window: MainWindow, qtbot: QtBot) -> GenerateKeyPairDialog:
    window.actions_by_name["generate_key_pair"].trigger()
    dialog = window.findChild(GenerateKeyPairDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def generate(
    window: MainWindow,
    qtbot: QtBot,
    cn: str,
    *,
    template: str,
    issuer: str | None = None,
    key: str = "EC",
) -> Entry:
    tab = window.current_tab()
    before = list(tab.store) if tab else []
    dialog = open_dialog(window, qtbot)
    dialog.key_type.setCurrentIndex(dialog.key_type.findText(key))
    qtbot.keyClicks(dialog.dn_fields["CN"], cn)
    dialog.template.setCurrentIndex(dialog.template.findText(template))
    if issuer is not None:
        dialog.issuer.setCurrentIndex(dialog.issuer.findText(issuer, Qt.MatchFlag.MatchStartsWith))
    assert dialog.ok_button.isEnabled(), dialog.summary.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    tab = window.current_tab()
    assert tab is not None
    qtbot.waitUntil(lambda: len(tab.store) == len(before) + 1, timeout=20_000)
    return next(e for e in tab.store if e not in before)


def test_actions_are_in_the_menus(window: MainWindow) -> None:
    action = window.actions_by_name["generate_key_pair"]
    assert action.shortcut() == QKeySequence("Ctrl+G")
    assert action in window.menu("tools").actions()
    for name in ("generate_csr", "import_ca_reply", "renew"):
        assert window.actions_by_name[name] in window.menu("entry").actions()
        assert not window.actions_by_name[name].isEnabled()  # nothing selected


@requires_openssl
def test_build_a_pki_in_the_app(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    root = generate(window, qtbot, "Root CA", template="CA")  # opens a new keystore
    tab = window.current_tab()
    assert tab is not None and tab.path is None
    inter = generate(window, qtbot, "Intermediate CA", template="CA", issuer="root ca")
    server = generate(
        window, qtbot, "www.example.com", template="TLS server", issuer="intermediate ca"
    )
    assert [e.alias for e in tab.store] == ["intermediate ca", "root ca", "www.example.com"]
    assert server.chain[1:] == inter.chain and inter.chain[1:] == root.chain
    for name, cert in (("root", root.chain[0]), ("intermediate", inter.chain[0])):
        (tmp_path / f"{name}.pem").write_text(cert.pem)
    (tmp_path / "server.pem").write_text(server.chain[0].pem)
    out = openssl(
        "verify", "-CAfile", str(tmp_path / "root.pem"), "-untrusted",
        str(tmp_path / "intermediate.pem"), "-purpose", "sslserver", str(tmp_path / "server.pem"),
    )  # fmt: skip
    assert "server.pem: OK" in out.stdout
    tab.undo_stack.undo()
    assert [e.alias for e in tab.store] == ["intermediate ca", "root ca"]


def test_rsa_4096_does_not_freeze_the_window(window: MainWindow, qtbot: QtBot) -> None:
    busy_ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: busy_ticks.append(operations.running()))
    dialog = open_dialog(window, qtbot)
    dialog.key_size.setCurrentIndex(dialog.key_size.findText("4096 bits"))
    qtbot.keyClicks(dialog.dn_fields["CN"], "big")
    timer.start()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.busy_indicator.busy
    tab = window.current_tab()
    assert tab is not None
    qtbot.waitUntil(lambda: len(tab.store) == 1, timeout=60_000)
    timer.stop()
    # the event loop kept running while the key was being made in the worker
    assert any(busy_ticks), busy_ticks
    assert tab.store.entries[0].algorithm_description == "RSA 4096"


@pytest.fixture
def server_tab(window: MainWindow) -> tuple[Keystore, Entry, cb.Issuer]:
    """A JKS tab with a CA key entry and a self-signed server key entry."""
    spec = parse_key_spec("ec:p-256")
    ca_key = spec.generate()
    ca_chain = cb.issue(
        cb.NewCertificate(
            cb.parse_dn("CN=Tab CA"), cb.Validity.from_period(5, "years"), cb.template("ca")
        ),
        ca_key,
    )
    key = spec.generate()
    chain = cb.issue(
        cb.NewCertificate(
            cb.parse_dn("CN=api.example.com"),
            cb.Validity.default(),
            cb.template("tls-server", common_name="api.example.com"),
        ),
        key,
    )
    ca = cb.new_key_entry("tab-ca", ca_key, ca_chain)
    server = cb.new_key_entry("api", key, chain)
    store = Keystore(StoreType.JKS, [ca, server], password="changeit")
    tab = window.add_store_tab(store, None)
    tab.select_entry(server)
    return store, server, cb.Issuer.from_entry(ca)


@requires_openssl
def test_generate_csr(
    window: MainWindow,
    qtbot: QtBot,
    server_tab: tuple[Keystore, Entry, cb.Issuer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "api.csr"
    monkeypatch.setattr(feature.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    action = window.actions_by_name["generate_csr"]
    assert action.isEnabled()
    action.trigger()
    dialog = window.findChild(CsrDialog)
    assert dialog is not None  # subject, names and usages from the certificate: keep them
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    result = openssl("req", "-in", str(out), "-verify", "-noout", "-text")
    assert "verify OK" in result.stdout + result.stderr
    assert "DNS:api.example.com" in result.stdout


def test_import_ca_reply(
    window: MainWindow,
    qtbot: QtBot,
    server_tab: tuple[Keystore, Entry, cb.Issuer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, server, issuer = server_tab
    old_chain = list(server.chain)
    csr = cb.load_csr(cb.csr_for_entry(server))
    signed = cb.sign_csr(csr, issuer, cb.Validity.from_period(30))
    reply = tmp_path / "reply.p7b"
    reply.write_bytes(cb.encode_chain(list(reversed(signed)), "reply.p7b"))
    monkeypatch.setattr(feature.QFileDialog, "getOpenFileName", lambda *a, **k: (str(reply), ""))
    window.actions_by_name["import_ca_reply"].trigger()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
    assert server.chain == signed
    tab = window.current_tab()
    assert tab is not None and tab.is_modified()
    tab.undo_stack.undo()
    assert server.chain == old_chain

    errors: list[str] = []
    monkeypatch.setattr(feature.msgbox, "error", lambda _p, _t, text, *a: errors.append(text))
    stranger = tmp_path / "stranger.pem"
    stranger.write_text(issuer.certificate.pem)
    monkeypatch.setattr(feature.QFileDialog, "getOpenFileName", lambda *a, **k: (str(stranger), ""))
    window.actions_by_name["import_ca_reply"].trigger()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
    assert errors == ["the reply has no certificate for the key of entry 'api'"]
    assert server.chain == old_chain


def test_renew(
    window: MainWindow,
    qtbot: QtBot,
    server_tab: tuple[Keystore, Entry, cb.Issuer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, server, _ = server_tab
    old = server.chain[0]
    monkeypatch.setattr(feature.QInputDialog, "getInt", lambda *a, **k: (30, True))
    window.actions_by_name["renew"].trigger()
    qtbot.waitUntil(lambda: server.chain[0] != old, timeout=10_000)
    new = server.chain[0]
    assert new.subject_name == old.subject_name and new.public_key() == old.public_key()
    assert (new.not_after - new.not_before).days == 30


def test_sign_csr(
    window: MainWindow,
    qtbot: QtBot,
    server_tab: tuple[Keystore, Entry, cb.Issuer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = parse_key_spec("ed25519").generate()
    request = tmp_path / "client.csr"
    csr = cb.build_csr(key, cb.parse_dn("CN=client"))
    request.write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    out = tmp_path / "client.pem"
    monkeypatch.setattr(feature.QFileDialog, "getOpenFileName", lambda *a, **k: (str(request), ""))
    monkeypatch.setattr(feature.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    store, _, _ = server_tab
    window.actions_by_name["sign_csr"].trigger()
    qtbot.waitUntil(lambda: window.findChild(GenerateKeyPairDialog) is not None, timeout=10_000)
    dialog = window.findChild(GenerateKeyPairDialog)
    assert dialog is not None
    assert dialog.issuer.currentText() == "tab-ca (Untitled)"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    chain = cb.read_certificates(out.read_bytes())
    assert [c.common_name() for c in chain] == ["client", "Tab CA"]
    assert len(store) == 2  # signing adds nothing to the store


def test_issuer_with_a_key_password_of_its_own(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """A CA whose key is sealed under its own password is offered, and asked for when used."""
    key = parse_key_spec("ec:p-256").generate()
    chain = cb.issue(
        cb.NewCertificate(cb.parse_dn("CN=Sealed CA"), cb.Validity.default(), cb.template("ca")),
        key,
    )
    path = tmp_path / "ca.jks"
    save_keystore(
        Keystore(StoreType.JKS, [cb.new_key_entry("sealed-ca", key, chain, "capass")], "changeit"),
        path,
    )
    store = read_keystore(path, "changeit")
    assert store.get("sealed-ca").is_locked
    window.add_store_tab(store, path)
    dialog = open_dialog(window, qtbot)
    qtbot.keyClicks(dialog.dn_fields["CN"], "leaf")
    assert dialog.issuer.itemText(1) == "sealed-ca (ca.jks), key password needed"
    dialog.issuer.setCurrentIndex(1)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(PasswordDialog) is not None, timeout=10_000)
    prompt = window.findChild(PasswordDialog)
    assert prompt is not None
    qtbot.keyClicks(prompt.password_edit, "capass")
    prompt.accept()
    qtbot.waitUntil(lambda: len(store) == 2, timeout=10_000)
    leaf = store.get("leaf")
    assert leaf is not None
    assert [c.common_name() for c in leaf.chain] == ["leaf", "Sealed CA"]
