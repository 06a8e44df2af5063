"""The copy, import and export dialogs, driven as a user would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QDialogButtonBox
from pytestqt.qtbot import QtBot

from keystore_gui.core.errors import WrongPasswordError
from keystore_gui.core.model import Keystore, StoreType
from keystore_gui.core.truststore import Action, What
from keystore_gui.gui.copy_dialog import CopyDialog, CopyTarget, TargetKind
from keystore_gui.gui.import_dialog import ExportDialog, ImportDialog
from tests.truststore_certs import Pki


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


def actions(dialog: CopyDialog) -> list[tuple[Action, str]]:
    assert dialog._plan is not None
    return [(s.action, s.alias) for s in dialog._plan.steps]


def test_preview_into_open_tab(qtbot: QtBot, pki: Pki) -> None:
    target = pki.truststore()
    target.add(pki.trusted("my-root", "root"))
    target.add(pki.trusted("server", "other"))
    dialog = CopyDialog(
        entries=[pki.key_entry("server")],
        targets=[CopyTarget("a.jks", Keystore(StoreType.JKS)), CopyTarget("trust.jks", target)],
        initial_target=1,
        what=What.CHAIN,
    )
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    assert actions(dialog) == [
        (Action.RENAME, "server-2"),
        (Action.ADD, "example-issuing-ca-1"),
        (Action.PRESENT, "my-root"),
    ]
    assert "already present as 'my-root'" in dialog.table.item(2, 4).text()
    # the user chooses "replace" for the taken alias
    combo = dialog.table.cellWidget(0, 5)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(1)
    assert actions(dialog)[0] == (Action.REPLACE, "server")
    # and edits the issuer's alias
    dialog.table.item(1, 3).setText("issuing-ca")
    assert actions(dialog)[1] == (Action.ADD, "issuing-ca")
    # only the own certificate
    dialog.what_radios[What.CERT].setChecked(True)
    assert dialog.table.rowCount() == 1
    dialog.what_radios[What.CHAIN].setChecked(True)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    request = dialog.result_request()
    assert request is not None
    assert (request.kind, request.tab_index, request.store) == (TargetKind.TAB, 1, target)
    assert len(request.plan.writes) == 2


def test_new_truststore_validates_as_typed(qtbot: QtBot, pki: Pki, tmp_path: Path) -> None:
    dialog = CopyDialog(entries=[pki.key_entry("server")])
    qtbot.addWidget(dialog)
    assert dialog.new_radio.isChecked() and not dialog.tab_radio.isEnabled()
    assert not dialog.copy_button.isEnabled()
    qtbot.keyClicks(dialog.new_path, str(tmp_path / "trust.p12"))
    assert dialog.new_store_type is StoreType.PKCS12
    qtbot.keyClicks(dialog.new_password.first, "changeit")
    qtbot.keyClicks(dialog.new_password.second, "changei")
    assert "differ" in dialog.summary.text() and not dialog.copy_button.isEnabled()
    qtbot.keyClicks(dialog.new_password.second, "t")
    assert dialog.copy_button.isEnabled()
    assert "never keys" in dialog.summary.text()
    dialog.accept()
    request = dialog.result_request()
    assert request is not None and request.kind is TargetKind.NEW
    assert request.path == str(tmp_path / "trust.p12")
    assert (request.store.store_type, request.store.password) == (StoreType.PKCS12, "changeit")


def test_existing_file_needs_its_password(qtbot: QtBot, pki: Pki, tmp_path: Path) -> None:
    existing = tmp_path / "client-truststore.jks"
    existing.write_bytes(b"x")
    store = pki.truststore()

    def read(path: str, password: str) -> Keystore:
        if password != "changeit":
            raise WrongPasswordError()
        return store

    dialog = CopyDialog(entries=[pki.trusted("other-name", "other")], read_store=read)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.file_path, str(existing))
    assert dialog.file_radio.isChecked() and not dialog.copy_button.isEnabled()
    qtbot.keyClicks(dialog.file_password, "wrong")
    qtbot.keyClick(dialog.file_password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "wrong password" in dialog.summary.text())
    assert dialog.file_open.isEnabled()
    dialog.file_password.clear()
    qtbot.keyClicks(dialog.file_password, "changeit")
    qtbot.mouseClick(dialog.file_open, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog._plan is not None)
    assert actions(dialog) == [(Action.PRESENT, "other")]
    assert not dialog.copy_button.isEnabled()  # nothing to add


def test_missing_issuer_is_explained(qtbot: QtBot, pki: Pki) -> None:
    dialog = CopyDialog(entries=[pki.trusted("leaf", "leaf")], what=What.CA)
    qtbot.addWidget(dialog)
    assert "is not in the source" in dialog.summary.text()
    assert not dialog.copy_button.isEnabled()


def test_import_files_and_clipboard(qtbot: QtBot, pki: Pki, tmp_path: Path) -> None:
    target = pki.truststore()
    target.add(pki.trusted("root", "root"))
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(pki.cert("inter").pem + pki.cert("root").pem)
    dialog = ImportDialog(target=target, target_name="trust.jks")
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.add_file(str(bundle))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    QGuiApplication.clipboard().setText(pki.cert("leaf").pem)
    qtbot.mouseClick(dialog.paste, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 3
    texts = [[dialog.table.item(r, c).text() for c in range(6)] for r in range(3)]
    assert texts[0][:2] == ["Example Issuing CA 1", "Example Root CA"]
    assert texts[0][3].startswith(pki.cert("inter").sha256[:2].upper())
    assert "already present as 'root'" in texts[1][5]
    dialog.set_checked(2, False)
    assert dialog.table.item(2, 5).text() == "not imported"
    dialog.add_data(b"garbage", "paste")
    assert "paste: " in dialog.summary.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    request = dialog.result_request()
    assert request is not None
    assert [s.alias for s in request.plan.writes] == ["example-issuing-ca-1"]


def test_export_dialog(qtbot: QtBot, pki: Pki, tmp_path: Path) -> None:
    dialog = ExportDialog(entries=[pki.key_entry("server")])
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()
    qtbot.keyClicks(dialog.path, str(tmp_path / "out.p7b"))
    dialog.radios["pkcs7"].setChecked(True)
    dialog.chain.setChecked(True)
    assert "3 certificate(s)" in dialog.summary.text()
    assert not dialog.radios["der"].isEnabled()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    request = dialog.result_request()
    assert request is not None and (request.fmt, request.chain) == ("pkcs7", True)


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on show()
def test_screenshot(qtbot: QtBot, pki: Pki, tmp_path: Path) -> None:
    """The README's picture of the dialog: written to docs/screenshots/copy-dialog.png when
    UPDATE_SCREENSHOTS=1 (the certificates are new each run, so the file would always change)."""
    target = pki.truststore()
    target.add(pki.trusted("example-root", "root"))
    target.add(pki.trusted("server", "other"))
    dialog = CopyDialog(
        entries=[pki.key_entry("server")],
        targets=[CopyTarget("client-truststore.jks", target)],
        what=What.CHAIN,
    )
    qtbot.addWidget(dialog)
    dialog.resize(1040, 430)
    dialog.show()
    qtbot.waitExposed(dialog)
    docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    out = (docs if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path) / "copy-dialog.png"
    pixmap = dialog.grab()
    assert (pixmap.width(), pixmap.height()) == (1040, 430)
    assert pixmap.save(str(out))
