"""The window on real keytool-made files, through its own code paths: the password dialog,
the tree against ``keytool -list -v``, edits, undo, and saves that keytool reads back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from keystore_gui.gui import editing, main_window, saving
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.model import column_index
from keystore_gui.gui.password_dialog import PasswordDialog
from tests.tools import keytool, keytool_list, requires_keytool

from .conftest import make_cert

pytestmark = [pytest.mark.keytool, requires_keytool]

STOREPASS = "storepass1"
KEYPASS = "keypass2"


@pytest.fixture(scope="module")
def made_jks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A keytool-written JKS: ``server`` (a key with a 3-certificate chain), ``partner`` (a
    trusted certificate) and ``ownpass`` (a key with its own password)."""
    folder = tmp_path_factory.mktemp("keytool-gui")
    root, root_key = make_cert("GUI Test Root", ca=True, days=3650)
    inter, inter_key = make_cert("GUI Test Issuing CA", issuer=(root.subject, root_key), ca=True)
    leaf, leaf_key = make_cert("gui-server", issuer=(inter.subject, inter_key))
    partner, _ = make_cert("GUI Partner", days=5)
    p12 = folder / "server.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"server",
            leaf_key,
            leaf,
            [inter, root],
            serialization.BestAvailableEncryption(STOREPASS.encode()),
        )
    )
    jks = folder / "made.jks"
    keytool(
        "-importkeystore", "-srckeystore", str(p12), "-srcstoretype", "PKCS12",
        "-destkeystore", str(jks), "-deststoretype", "JKS",
        srcpass=STOREPASS, destpass=STOREPASS,
    )  # fmt: skip
    partner_pem = folder / "partner.pem"
    partner_pem.write_bytes(partner.public_bytes(serialization.Encoding.PEM))
    keytool(
        "-importcert", "-noprompt", "-alias", "partner", "-file", str(partner_pem),
        "-keystore", str(jks), "-storetype", "JKS", storepass=STOREPASS,
    )  # fmt: skip
    keytool(
        "-genkeypair", "-alias", "ownpass", "-keyalg", "EC", "-dname", "CN=ownpass",
        "-keystore", str(jks), "-storetype", "JKS", storepass=STOREPASS, keypass=KEYPASS,
    )  # fmt: skip
    return jks


@pytest.fixture
def jks(made_jks: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "server.jks"
    shutil.copy(made_jks, copy)
    return copy


def _visible_dialog(qtbot, window: MainWindow) -> PasswordDialog:
    found: list[PasswordDialog] = []

    def ready() -> bool:
        found[:] = [d for d in window.findChildren(PasswordDialog) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(ready, timeout=20_000)
    return found[0]


def _type_password(qtbot, dialog: PasswordDialog, password: str) -> None:
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def _open(qtbot, window: MainWindow, path: Path, password: str = STOREPASS):
    window.open_paths([path])
    _type_password(qtbot, _visible_dialog(qtbot, window), password)
    qtbot.waitUntil(lambda: len(window.tabs()) == 1, timeout=20_000)
    return window.tabs()[0]


def _tree(tab) -> dict[str, tuple[str, list[str]]]:
    """alias -> (kind, sha256 of each chain row) as the window shows them."""
    model, sha = tab.model, column_index("sha256")
    out = {}
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        entry = model.node(index).entry
        rows = [
            model.index(c, sha, index).data().lower() for c in range(model.rowCount(index))
        ] or [model.index(r, sha).data().lower()]
        out[entry.alias] = (entry.kind.value, rows)
    return out


def _keytool_tree(path: Path, password: str = STOREPASS, storetype: str | None = None):
    return {
        e.alias: (e.kind, [c.sha256 for c in e.chain])
        for e in keytool_list(path, password, storetype)
    }


def test_open_with_password_dialog_rows_match_keytool(qtbot, window: MainWindow, jks: Path) -> None:
    window.open_paths([jks])
    dialog = _visible_dialog(qtbot, window)
    assert "server.jks" in dialog.prompt_label.text()
    _type_password(qtbot, dialog, "not-the-password")
    again = _visible_dialog(qtbot, window)
    assert "Wrong password for server.jks" in again.error_label.text()
    assert again.error_label.isVisible()
    _type_password(qtbot, again, STOREPASS)
    qtbot.waitUntil(lambda: len(window.tabs()) == 1, timeout=20_000)
    tab = window.tabs()[0]
    assert _tree(tab) == _keytool_tree(jks)
    server = tab.model.index(
        next(r for r in range(3) if tab.model.index(r, 0).data() == "server"), 0
    )
    assert [tab.model.index(i, column_index("subject"), server).data() for i in range(3)] == [
        "gui-server",
        "GUI Test Issuing CA",
        "GUI Test Root",
    ]


def test_cancel_skips_the_file(qtbot, window: MainWindow, jks: Path) -> None:
    window.open_paths([jks])
    dialog = _visible_dialog(qtbot, window)
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: not window.opener.busy, timeout=20_000)
    assert window.tabs() == []


def test_edit_save_and_keytool_reads_it(qtbot, window: MainWindow, jks: Path, monkeypatch) -> None:
    monkeypatch.setattr(editing.msgbox, "question", lambda *a, **k: True)
    tab = _open(qtbot, window, jks)
    proxy = tab.proxy
    proxy.sort(column_index("alias"), Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["ownpass", "partner", "server"]
    qtbot.keyClicks(tab.filter_edit, "partner")
    assert proxy.rowCount() == 1
    tab.filter_edit.clear()
    tab.undo_stack.push(editing.RenameEntry(tab.model, tab.store.get("partner"), "new-partner"))
    tab.select_entry(tab.store.get("server"))
    window.actions_by_name["delete"].trigger()
    window.actions_by_name["undo"].trigger()
    window.actions_by_name["redo"].trigger()
    assert sorted(tab.store.aliases()) == ["new-partner", "ownpass"]
    window.actions_by_name["save"].trigger()
    qtbot.waitUntil(lambda: not tab.is_modified(), timeout=20_000)
    listed = _keytool_tree(jks)
    assert sorted(listed) == ["new-partner", "ownpass"]
    # the key with its own password still opens with it
    keytool(
        "-certreq", "-alias", "ownpass", "-keystore", str(jks),
        storepass=STOREPASS, keypass=KEYPASS,
    )  # fmt: skip


def test_save_as_pkcs12_asks_for_the_sealed_key(
    qtbot, window: MainWindow, jks: Path, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "converted"
    monkeypatch.setattr(
        saving.QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), saving.SAVE_FILTERS[saving.StoreType.PKCS12]),
    )
    tab = _open(qtbot, window, jks)
    window.actions_by_name["save_as"].trigger()
    dialog = _visible_dialog(qtbot, window)
    assert "ownpass" in dialog.prompt_label.text()
    _type_password(qtbot, dialog, KEYPASS)
    saved = target.with_suffix(".p12")
    qtbot.waitUntil(lambda: tab.path == saved, timeout=30_000)
    assert window.tab_widget.tabText(0) == "converted.p12"
    assert _keytool_tree(saved, storetype="PKCS12") == _keytool_tree(jks)


def test_open_folder_tries_default_passwords(
    qtbot, window: MainWindow, tmp_path: Path, made_jks: Path
) -> None:
    folder = tmp_path / "security"
    folder.mkdir()
    shutil.copy(made_jks, folder / "wso2carbon.jks")
    keytool(
        "-storepasswd", "-keystore", str(folder / "wso2carbon.jks"),
        "-new", "wso2carbon", storepass=STOREPASS,
    )  # fmt: skip
    (folder / "carbon.xml").write_text("<Server/>")
    window.opener.open_folder(folder)
    qtbot.waitUntil(lambda: len(window.tabs()) == 1, timeout=20_000)
    tab = window.tabs()[0]
    assert "wso2carbon" in tab.notice_label.text() and tab.notice_label.isVisibleTo(tab)


def test_java_cacerts_open_with_changeit(qtbot, window: MainWindow) -> None:
    path = window.java_cacerts()
    if path is None:
        pytest.skip("no Java CA certificates on this machine")
    window.actions_by_name["open_cacerts"].trigger()
    qtbot.waitUntil(lambda: len(window.tabs()) == 1, timeout=20_000)
    tab = window.tabs()[0]
    listed = keytool("-list", "-cacerts", storepass="changeit").stdout
    assert f"contains {tab.model.rowCount()} entries" in listed


def test_close_app_saves_when_asked(qtbot, window: MainWindow, jks: Path, monkeypatch) -> None:
    monkeypatch.setattr(
        main_window.msgbox, "ask_save", lambda *a: main_window.msgbox.SaveChoice.SAVE
    )
    tab = _open(qtbot, window, jks)
    tab.undo_stack.push(editing.RemoveEntries(tab.model, [tab.store.get("partner")], "Delete"))
    window.close()
    qtbot.waitUntil(lambda: not window.tabs(), timeout=20_000)
    assert sorted(_keytool_tree(jks)) == ["ownpass", "server"]


def test_new_keystore_save_as_pkcs12_keytool_reads_it(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from keystore_gui.gui.password_dialog import NewPasswordDialog

    from .conftest import sample_store

    target = tmp_path / "fresh.p12"
    monkeypatch.setattr(
        saving.QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), saving.SAVE_FILTERS[saving.StoreType.PKCS12]),
    )
    window.actions_by_name["new"].trigger()
    tab = window.current_tab()
    assert tab is not None and tab.title() == "Untitled"
    trusted = [e for e in sample_store().entries if e.kind.value == "trusted-cert"]
    tab.add_entries(trusted, "Import certificates")
    assert tab.is_modified() and tab.selected_entries() == [trusted[0]]
    window.actions_by_name["save"].trigger()
    found: list[NewPasswordDialog] = []
    qtbot.waitUntil(
        lambda: bool(
            found.extend(d for d in tab.findChildren(NewPasswordDialog) if d.isVisible()) or found
        ),
        timeout=20_000,
    )
    dialog = found[0]
    qtbot.keyClicks(dialog.password_edit, "fresh-pass")
    qtbot.keyClicks(dialog.confirm_edit, "fresh-pass")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: tab.path == target and not tab.is_modified(), timeout=20_000)
    listed = keytool_list(target, "fresh-pass", "PKCS12")
    assert sorted(e.alias for e in listed) == sorted(e.alias for e in trusted)
    assert all(e.kind == "trusted-cert" for e in listed)


def test_export_certificate_from_the_details_pane(
    qtbot, window: MainWindow, jks: Path, tmp_path: Path, monkeypatch
) -> None:
    from keystore_gui.gui import details

    target = tmp_path / "partner.der"
    monkeypatch.setattr(
        details.QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), "DER certificate (*.cer *.der)"),
    )
    tab = _open(qtbot, window, jks)
    partner = tab.store.get("partner")
    tab.select_entry(partner)
    tab.details.export_button.click()
    assert target.read_bytes() == partner.chain[0].der
    printed = keytool("-printcert", "-file", str(target)).stdout
    assert "GUI Partner" in printed


def test_set_entry_password_on_a_key_with_its_own(qtbot, window: MainWindow, jks: Path) -> None:
    from keystore_gui.gui.password_dialog import NewPasswordDialog

    tab = _open(qtbot, window, jks)
    tab.select_entry(tab.store.get("ownpass"))
    window.actions_by_name["set_entry_password"].trigger()
    asked = _visible_dialog(qtbot, window)  # the store password does not open this key
    assert "ownpass" in asked.prompt_label.text()
    _type_password(qtbot, asked, KEYPASS)
    found: list[NewPasswordDialog] = []
    qtbot.waitUntil(
        lambda: bool(
            found.extend(d for d in tab.findChildren(NewPasswordDialog) if d.isVisible()) or found
        ),
        timeout=20_000,
    )
    qtbot.keyClicks(found[0].password_edit, "newkeypass3")
    qtbot.keyClicks(found[0].confirm_edit, "newkeypass3")
    qtbot.mouseClick(
        found[0].buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert tab.is_modified()
    window.actions_by_name["save"].trigger()
    qtbot.waitUntil(lambda: not tab.is_modified(), timeout=20_000)
    keytool(
        "-certreq", "-alias", "ownpass", "-keystore", str(jks),
        storepass=STOREPASS, keypass="newkeypass3",
    )  # fmt: skip
    old = keytool(
        "-certreq", "-alias", "ownpass", "-keystore", str(jks),
        storepass=STOREPASS, keypass=KEYPASS, check=False,
    )  # fmt: skip
    assert old.returncode != 0


def test_cannot_hold_lists_the_entries(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from keystore_gui.core.model import Entry, EntryKind, Keystore, SecretKey, StoreType

    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        saving.msgbox, "error", lambda _p, t, text, detail=None: shown.append((t, text, detail))
    )
    store = Keystore(
        StoreType.JCEKS,
        [Entry("db-key", EntryKind.SECRET_KEY, key=SecretKey("AES", bytes(32)))],
        password=STOREPASS,
    )
    tab = window.add_store_tab(store, None)
    target = tmp_path / "out.jks"
    saving.write(tab, target, StoreType.JKS, STOREPASS)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    title, text, detail = shown[0]
    assert title == "Cannot save"
    assert "nothing was written" in text and "db-key" in detail
    assert not target.exists()


@pytest.fixture(scope="module")
def made_p12(made_jks: Path) -> Path:
    """A keytool-written PKCS#12 with ``server`` (key and 3-certificate chain) and ``partner``."""
    p12 = made_jks.with_name("made.p12")
    for alias in ("server", "partner"):
        keytool(
            "-importkeystore", "-srckeystore", str(made_jks), "-srcstoretype", "JKS",
            "-destkeystore", str(p12), "-deststoretype", "PKCS12", "-srcalias", alias,
            srcpass=STOREPASS, destpass=STOREPASS,
        )  # fmt: skip
    return p12


def test_open_keytool_pkcs12_rows_match_keytool(
    qtbot, window: MainWindow, made_p12: Path, tmp_path: Path
) -> None:
    p12 = tmp_path / "server.p12"
    shutil.copy(made_p12, p12)
    tab = _open(qtbot, window, p12)
    assert _tree(tab) == _keytool_tree(p12, storetype="PKCS12")
    assert window.tab_widget.tabText(0) == "server.p12"
