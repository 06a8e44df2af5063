"""Entry → Import key pair… and key files dropped on a tab: the chain is previewed with the
key-match check before anything changes, and the import is one undoable step."""

from __future__ import annotations

import hashlib
import stat
import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from keystore_gui.core.model import EntryKind
from keystore_gui.gui import export_keypair_dialog
from keystore_gui.gui.export_keypair_dialog import ExportKeyPairDialog
from keystore_gui.gui.features.keypair import KeyPairFeature
from keystore_gui.gui.import_keypair_dialog import ImportKeyPairDialog
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.tab import KeystoreTab
from tests.gui.conftest import sample_store
from tests.keypair_pki import KEY_PASSWORD, KeyPki, key_pki
from tests.tools import genkeypair, openssl, requires_keytool, requires_openssl

pytestmark = [requires_openssl, pytest.mark.openssl]
__all__ = ["key_pki"]


def open_import(window: MainWindow, qtbot: QtBot) -> ImportKeyPairDialog:
    window.actions_by_name["import_key_pair"].trigger()
    dialog = window.findChild(ImportKeyPairDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def preview_texts(dialog: ImportKeyPairDialog) -> list[list[str]]:
    return [
        [dialog.preview.topLevelItem(i).text(c) for c in (0, 3)]
        for i in range(dialog.preview.topLevelItemCount())
    ]


def test_import_an_encrypted_key_with_its_chain_and_undo(
    window: MainWindow, qtbot: QtBot, key_pki: KeyPki
) -> None:
    tab = window.add_store_tab(sample_store(), None)
    dialog = open_import(window, qtbot)
    case = key_pki.case("rsa-pkcs1-aes.pem")
    dialog.add_certificate_file(str(case.fullchain))
    qtbot.waitUntil(lambda: dialog.cert_list.count() == 1)
    dialog.set_source(str(case.path))
    qtbot.waitUntil(lambda: dialog.password_edit.isEnabled())
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.password_edit, "wrong")
    qtbot.waitUntil(lambda: "wrong password" in dialog.status.text(), timeout=10_000)
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, KEY_PASSWORD)
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)
    assert preview_texts(dialog) == [
        ["localhost rsa", "✔ key matches"],
        ["  ↳ Example Issuing CA", "✔ signed localhost rsa"],
        ["    ↳ Example Root CA", "✔ signed Example Issuing CA"],
    ]
    assert dialog.alias_edit.text() == "localhost rsa"
    assert not dialog.replace_check.isVisible()
    before = list(tab.store.entries)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    entry = tab.store.find("localhost rsa")
    assert entry is not None and entry.kind is EntryKind.PRIVATE_KEY and len(entry.chain) == 3
    assert tab.is_modified()
    tab.undo_stack.undo()
    assert tab.store.entries == before


def test_a_key_that_does_not_match_is_refused_before_anything_is_written(
    window: MainWindow, qtbot: QtBot, key_pki: KeyPki
) -> None:
    tab = window.add_store_tab(sample_store(), None)
    dialog = open_import(window, qtbot)
    dialog.add_certificate_file(str(key_pki.leaves["rsa"].cert))
    dialog.set_source(str(key_pki.case("ec-sec1.pem").path))
    qtbot.waitUntil(lambda: "does not belong" in dialog.status.text(), timeout=10_000)
    assert dialog.status.text() == (
        "the key does not belong to this certificate ('O=Example,CN=localhost rsa')"
    )
    assert not dialog.ok_button.isEnabled() and dialog.preview.topLevelItemCount() == 0
    dialog.reject()
    assert len(tab.store) == 4 and not tab.is_modified()


def test_replace_swaps_the_key_pair_and_undo_brings_the_old_one_back(
    window: MainWindow, qtbot: QtBot, key_pki: KeyPki
) -> None:
    tab = window.add_store_tab(sample_store(), None)
    old = tab.store.get("server")
    dialog = open_import(window, qtbot)
    dialog.set_source(str(key_pki.case("combined.pem").path))
    qtbot.waitUntil(lambda: dialog.password_edit.isEnabled())
    assert dialog.cert_list.item(0).text() == "3 certificate(s) in the key file"
    qtbot.keyClicks(dialog.password_edit, KEY_PASSWORD)
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)
    dialog.alias_edit.clear()
    qtbot.keyClicks(dialog.alias_edit, "server")
    assert dialog.replace_check.isVisible() and not dialog.ok_button.isEnabled()
    assert "already in use" in dialog.status.text()
    dialog.replace_check.setChecked(True)
    assert dialog.ok_button.isEnabled()
    assert dialog.status.text().startswith("'server' replaces a key pair with a chain of 3")
    dialog.accept()
    assert len(tab.store) == 4 and old not in tab.store.entries
    assert tab.store.get("server").chain[0].common_name() == "localhost rsa"
    tab.undo_stack.undo()
    assert tab.store.get("server") is old and len(tab.store) == 4


def test_key_file_dropped_on_a_tab_opens_the_import(
    window: MainWindow, qtbot: QtBot, key_pki: KeyPki
) -> None:
    tab = window.add_store_tab(sample_store(), None)
    window.show()
    qtbot.waitExposed(window)
    case = key_pki.case("ec-sec1.pem")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(case.path)), QUrl.fromLocalFile(str(case.fullchain))])
    viewport = tab.tree.viewport()
    drop = QDropEvent(
        QPointF(viewport.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    feature = window.findChild(KeyPairFeature)
    assert feature is not None
    # what Qt's drag machinery delivers to the tab's tree viewport
    assert feature.eventFilter(viewport, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: window.findChild(ImportKeyPairDialog) is not None, timeout=10_000)
    dialog = window.findChild(ImportKeyPairDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)
    assert Path(dialog.source_edit.text()) == case.path
    assert preview_texts(dialog)[0] == ["localhost ec", "✔ key matches"]
    dialog.reject()


# --- export ------------------------------------------------------------------------------------


def open_export(window: MainWindow, qtbot: QtBot, tab: KeystoreTab) -> ExportKeyPairDialog:
    tab.select_entry(tab.store.get("server"))
    action = window.actions_by_name["export_key_pair"]
    assert action.isEnabled()
    action.trigger()
    dialog = window.findChild(ExportKeyPairDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_export_pkcs12_needs_the_password_twice(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    tab = window.add_store_tab(sample_store(), tmp_path / "server.jks")
    dialog = open_export(window, qtbot, tab)
    assert dialog.path_edit.text() == str(tmp_path / "server.p12")
    assert not dialog.no_encrypt.isEnabled() and not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.password_edit, "s3cret")
    qtbot.keyClicks(dialog.confirm_edit, "s3cre")
    assert dialog.problem.text() == "The two passwords differ."
    qtbot.keyClicks(dialog.confirm_edit, "t")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    out = tmp_path / "server.p12"
    qtbot.waitUntil(out.exists, timeout=20_000)
    info = openssl("pkcs12", "-in", str(out), "-info", "-noout", passin="s3cret")
    assert "AES-256-CBC" in info.stdout + info.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_unencrypted_pem_files_only_after_a_warning(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answer = [False]

    def question(_parent: object, _title: str, text: str, **_kw: object) -> bool:
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(export_keypair_dialog.msgbox, "question", question)
    tab = window.add_store_tab(sample_store(), tmp_path / "server.jks")
    dialog = open_export(window, qtbot, tab)
    dialog.format_combo.setCurrentIndex(3)  # PEM files for nginx and Apache
    assert dialog.path_edit.text() == str(tmp_path / "server")
    assert dialog.files_label.text() == (
        f"Writes server.key, server.crt, server.chain.pem, server.fullchain.pem in {tmp_path}"
    )
    assert not dialog.warning.isVisible()
    dialog.no_encrypt.setChecked(True)
    assert dialog.warning.isVisible() and dialog.ok_button.isEnabled()
    dialog.accept()
    assert "without a password" in asked[0] and dialog.isVisible()  # declined: still open
    answer[0] = True
    dialog.accept()
    key = tmp_path / "server.key"
    qtbot.waitUntil(lambda: (tmp_path / "server.fullchain.pem").exists(), timeout=20_000)
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "server.fullchain.pem").read_text().count("BEGIN CERTIFICATE") == 2


@requires_keytool
def test_a_key_with_its_own_password_asks_for_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """A JKS made with ``keytool -keypass`` other than the store password: the store opens with
    its password, and the key waits for its own instead of failing the whole source."""
    source = tmp_path / "server.jks"
    for alias in ("own", "shared"):
        genkeypair(
            source, "JKS", alias, f"CN={alias}", "-keyalg", "EC",
            storepass="store-pass", keypass="key-pass" if alias == "own" else "store-pass",
        )  # fmt: skip
    tab = window.add_store_tab(sample_store(), None)
    dialog = open_import(window, qtbot)
    dialog.set_source(str(source))
    qtbot.waitUntil(lambda: dialog.password_edit.isEnabled())
    assert not dialog.key_password_edit.isVisible()
    qtbot.keyClicks(dialog.password_edit, "store-pass")
    qtbot.waitUntil(lambda: "password of their own" in dialog.status.text() or
                    "password of its own" in dialog.status.text(), timeout=10_000)  # fmt: skip
    assert dialog.entry_combo.count() == 3  # all, own, shared
    assert dialog.key_password_edit.isVisible() and not dialog.ok_button.isEnabled()
    assert "'own'" in dialog.status.text() and "'shared'" not in dialog.status.text()
    dialog.entry_combo.setCurrentIndex(dialog.entry_combo.findData("shared"))
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)  # the store password opened it
    assert not dialog.key_password_edit.isVisible()
    dialog.entry_combo.setCurrentIndex(dialog.entry_combo.findData("own"))
    assert dialog.key_password_edit.isVisible() and not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.key_password_edit, "wrong")
    qtbot.waitUntil(lambda: "wrong key password" in dialog.status.text(), timeout=10_000)
    dialog.key_password_edit.clear()
    qtbot.keyClicks(dialog.key_password_edit, "key-pass")
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)
    opened = dialog._from_store
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, "store-pass")  # opened anew: its keys locked again
    qtbot.waitUntil(lambda: dialog._from_store is not opened, timeout=10_000)
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)  # the key password applied again
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    entry = tab.store.find("own")
    assert entry is not None and entry.kind is EntryKind.PRIVATE_KEY and entry.key is not None
    assert entry.key_password is None  # the new entry takes this store's password


def test_of_two_keys_under_one_alias_the_one_java_uses_is_imported(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """An old JKS with two key pairs under 'k': keytool uses the later one, and so does the
    import; the earlier one's own password is not asked for."""
    entries = []
    for name, keypass in (("unused", "other-pass"), ("used", "store-pass")):
        single = tmp_path / f"{name}.jks"
        genkeypair(single, "JKS", "k", f"CN={name}", "-keyalg", "EC",
                   storepass="store-pass", keypass=keypass)  # fmt: skip
        entries.append(single.read_bytes()[12:-20])  # after magic, version and count; no digest
    body = b"\xfe\xed\xfe\xed" + struct.pack(">II", 2, 2) + b"".join(entries)
    secret = "store-pass".encode("utf-16-be") + b"Mighty Aphrodite"
    source = tmp_path / "two.jks"
    source.write_bytes(body + hashlib.sha1(secret + body, usedforsecurity=False).digest())
    tab = window.add_store_tab(sample_store(), None)
    dialog = open_import(window, qtbot)
    dialog.set_source(str(source))
    qtbot.waitUntil(lambda: dialog.password_edit.isEnabled())
    qtbot.keyClicks(dialog.password_edit, "store-pass")
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=10_000)
    assert [dialog.entry_combo.itemData(i) for i in range(dialog.entry_combo.count())] == ["k"]
    assert not dialog.key_password_edit.isVisible()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    entry = tab.store.find("k")
    assert entry is not None and entry.kind is EntryKind.PRIVATE_KEY
    assert entry.chain[0].common_name() == "used"
