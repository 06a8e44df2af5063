"""Main window behaviour: quitting with unsaved changes, titles, menus, opening folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.core.io import save_keystore
from keystore_gui.gui import editing, main_window, msgbox, operations
from keystore_gui.gui import tab as tab_module
from keystore_gui.gui.import_dialog import ExportDialog
from keystore_gui.gui.main_window import MainWindow

from .conftest import sample_store


def _modify(tab) -> None:  # type: ignore[no-untyped-def]
    tab.undo_stack.push(editing.RemoveEntries(tab.model, [tab.store.entries[0]], "Delete"))


@pytest.mark.parametrize("shortcut_quit", [True, False])
def test_quit_discarding_changes_closes_the_window(
    qtbot, window: MainWindow, monkeypatch, shortcut_quit: bool
) -> None:
    asked: list[str] = []

    def ask(_parent, name):  # type: ignore[no-untyped-def]
        asked.append(name)
        return msgbox.SaveChoice.DISCARD

    monkeypatch.setattr(main_window.msgbox, "ask_save", ask)
    window.show()
    window.add_store_tab(sample_store(), None)
    modified = window.add_store_tab(sample_store(), None)
    _modify(modified)
    if shortcut_quit:
        window.actions_by_name["quit"].trigger()
    else:
        window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    assert asked == [modified.display_name]
    assert window.tabs() == []


def test_quit_cancel_keeps_every_tab(qtbot, window: MainWindow, monkeypatch) -> None:
    answers = [msgbox.SaveChoice.DISCARD, msgbox.SaveChoice.CANCEL]
    monkeypatch.setattr(main_window.msgbox, "ask_save", lambda _p, _n: answers.pop(0))
    window.show()
    first = window.add_store_tab(sample_store(), None)
    second = window.add_store_tab(sample_store(), None)
    _modify(first)
    _modify(second)
    window.actions_by_name["quit"].trigger()
    assert window.isVisible()
    assert window.tabs() == [first, second]
    assert first.is_modified() and second.is_modified()


def test_a_folder_on_the_command_line_opens_its_keystores(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda _p, _t, text, _d=None: errors.append(text))
    folder = tmp_path / "security"
    folder.mkdir()
    save_keystore(sample_store(), folder / "client-truststore.jks")  # password changeit
    (folder / "carbon.xml").write_text("<Server/>")
    window.open_paths([str(folder)])
    qtbot.waitUntil(lambda: len(window.tabs()) == 1 or bool(errors), timeout=20_000)
    assert errors == []
    assert window.tabs()[0].path == folder / "client-truststore.jks"


def test_tabs_of_files_with_the_same_name_show_their_folders(window: MainWindow) -> None:
    base = Path("/srv")
    first = window.add_store_tab(sample_store(), base / "is" / "security" / "client-truststore.jks")
    assert window.tab_widget.tabText(0) == "client-truststore.jks"
    second = window.add_store_tab(
        sample_store(), base / "am" / "security" / "client-truststore.jks"
    )
    other = window.add_store_tab(sample_store(), base / "am" / "security" / "wso2carbon.jks")
    texts = [window.tab_widget.tabText(i) for i in range(3)]
    assert texts == [
        "client-truststore.jks — is/security",
        "client-truststore.jks — am/security",
        "wso2carbon.jks",
    ]
    assert window.windowTitle().startswith("wso2carbon.jks — Keystore GUI")
    _modify(second)
    assert window.tab_widget.tabText(1) == "client-truststore.jks — am/security *"
    second.undo_stack.setClean()
    window.close_tab(first)
    assert [window.tab_widget.tabText(i) for i in range(2)] == [
        "client-truststore.jks",
        "wso2carbon.jks",
    ]
    assert window.tabs() == [second, other]


def test_folder_hints() -> None:
    hints = tab_module.folder_hints(
        [Path("/a/x/k.jks"), Path("/b/y/k.jks"), None, Path("/c/y/k.jks"), Path("/k.p12")]
    )
    assert hints == ["x", "b/y", "", "c/y", ""]


def test_the_tree_menu_holds_entry_actions_only(window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    in_menu = [a for a in tab.context_menu().actions() if not a.isSeparator()]
    assert in_menu == [a for a in window.menu("entry").actions() if not a.isSeparator()]
    for name in ("undo", "redo", "find", "hide_expired", "details"):
        assert window.actions_by_name[name] not in in_menu, name


def test_one_export_action_on_ctrl_e(window: MainWindow) -> None:
    # key pairs have an export of their own (Entry → Export key pair…); certificates have one
    exports = [n for n in window.actions_by_name if n.startswith("export") and "key" not in n]
    assert exports == ["export_certificates"]
    action = window.actions_by_name["export_certificates"]
    assert action.shortcut().toString() == "Ctrl+E"
    assert "PEM, DER or PKCS#7" in action.statusTip()
    taken = [n for n, a in window.actions_by_name.items() if a.shortcut() == action.shortcut()]
    assert taken == ["export_certificates"]


def test_action_texts_are_in_sentence_case(window: MainWindow) -> None:
    proper = {"Qt", "CA", "CSR", "Java", "Keystore", "GUI", "PEM", "TLS"}
    wrong = []
    for name, action in window.actions_by_name.items():
        words = action.text().replace("&", "").rstrip("…").split()
        if any(w[0].isupper() and w not in proper for w in words[1:]):
            wrong.append((name, action.text()))
    assert wrong == []


def test_export_a_single_certificate_as_der(qtbot, window: MainWindow, tmp_path: Path) -> None:
    tab = window.add_store_tab(sample_store(), None)
    root = tab.store.get("root-ca")
    tab.select_entry(root)
    window.actions_by_name["export_certificates"].trigger()
    qtbot.waitUntil(lambda: window.findChild(ExportDialog) is not None)
    dialog = window.findChild(ExportDialog)
    dialog.radios["der"].setChecked(True)
    target = tmp_path / "root.der"
    qtbot.keyClicks(dialog.path, str(target))
    dialog.accept()
    qtbot.waitUntil(lambda: operations.running() == 0 and target.exists(), timeout=20_000)
    assert target.read_bytes() == root.chain[0].der
