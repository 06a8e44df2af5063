"""The main window driven as a user would: actions, dialogs, undo, closing, layout memory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from keystore_gui.core.model import StoreType
from keystore_gui.gui import editing, main_window, msgbox, opening, operations
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.model import column_index
from keystore_gui.gui.password_dialog import NewPasswordDialog
from keystore_gui.gui.rename_dialog import RenameDialog

from .conftest import sample_store


def _aliases(tab) -> list[str]:
    proxy = tab.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def _dialog(qtbot, parent, kind):
    found: list = []

    def visible() -> bool:
        found[:] = [d for d in parent.findChildren(kind) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(visible, timeout=20_000)
    return found[0]


def test_start_page_until_a_store_is_open(window: MainWindow) -> None:
    assert window.stack.currentWidget() is window.start_page
    assert window.current_tab() is None
    tab = window.add_store_tab(sample_store(), None)
    assert window.stack.currentWidget() is window.tab_widget
    window.close_tab(tab)
    assert window.stack.currentWidget() is window.start_page
    for key in ("file", "edit", "entry", "tools", "view", "help"):
        assert window.menu(key).actions()


def test_every_action_has_a_shortcut(window: MainWindow) -> None:
    missing = [n for n, a in window.actions_by_name.items() if a.shortcut().isEmpty()]
    assert sorted(missing) == ["about", "about_qt"]  # Help entries, by platform convention


def test_rename_with_f2_undo_redo(qtbot, window: MainWindow) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=20_000)
    tab = window.add_store_tab(sample_store(), None)
    tab.select_entry(tab.store.get("root-ca"))
    tab.tree.setFocus()
    qtbot.keyClick(tab.tree, Qt.Key.Key_F2)
    dialog = _dialog(qtbot, tab, RenameDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.alias_edit.clear()
    qtbot.keyClicks(dialog.alias_edit, "server")
    assert not ok.isEnabled() and "already in use" in dialog.hint_label.text()
    dialog.alias_edit.clear()
    qtbot.keyClicks(dialog.alias_edit, "corporate-root")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert _aliases(tab)[2] == "corporate-root"  # in root-ca's place: sorted by alias
    assert tab.is_modified() and window.tab_widget.tabText(0).endswith("*")
    window.actions_by_name["undo"].trigger()
    assert _aliases(tab)[2] == "root-ca"
    assert not tab.is_modified() and not window.tab_widget.tabText(0).endswith("*")
    window.actions_by_name["redo"].trigger()
    assert tab.store.entries[2].alias == "corporate-root"


def test_delete_several_with_confirmation(qtbot, window: MainWindow, monkeypatch) -> None:
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(
        editing.msgbox, "question", lambda _p, _t, text, **_k: asked.append(text) or answer[0]
    )
    tab = window.add_store_tab(sample_store(), None)
    tab.tree.selectAll()
    assert len(tab.selected_entries()) == 4
    window.actions_by_name["delete"].trigger()
    assert "Delete 4 entries" in asked[0] and len(tab.store) == 4
    answer[0] = True
    tab.select_entry(tab.store.get("old-partner"))
    tab.tree.selectionModel().select(
        tab.proxy.index(0, 0),  # future-partner: sorted by alias
        tab.tree.selectionModel().SelectionFlag.Select
        | tab.tree.selectionModel().SelectionFlag.Rows,
    )
    window.actions_by_name["delete"].trigger()
    assert _aliases(tab) == ["root-ca", "server"]
    window.actions_by_name["undo"].trigger()
    assert _aliases(tab) == ["future-partner", "old-partner", "root-ca", "server"]


def test_filter_box_and_hide_expired_in_the_window(qtbot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    qtbot.keyClicks(tab.filter_edit, "partner")
    assert _aliases(tab) == ["future-partner", "old-partner"]
    assert tab.count_label.text() == "2 of 4 entries"
    window.actions_by_name["hide_expired"].trigger()
    assert _aliases(tab) == ["future-partner"]
    tab.filter_edit.clear()
    assert _aliases(tab) == ["future-partner", "root-ca", "server"]


def test_details_pane_shows_the_selected_certificate(qtbot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    server = tab.store.get("server")
    tab.select_entry(server)
    assert tab.details.sha256_label.value.replace(":", "").lower() == server.chain[0].sha256
    assert "BEGIN CERTIFICATE" in tab.details.pem_text.toPlainText()
    qtbot.mouseClick(tab.details.copy_sha256, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == tab.details.sha256_label.value
    root_row = tab.proxy.index(2, 0, tab.proxy.index(3, 0))
    tab.tree.setCurrentIndex(root_row)
    assert tab.details.certificate == server.chain[2]
    assert "Example Root CA" in tab.details.title.text()


def test_closing_a_modified_tab_asks(qtbot, window: MainWindow, monkeypatch) -> None:
    choice = [msgbox.SaveChoice.CANCEL]
    monkeypatch.setattr(main_window.msgbox, "ask_save", lambda _p, _n: choice[0])
    tab = window.add_store_tab(sample_store(), None)
    tab.undo_stack.push(editing.RemoveEntries(tab.model, [tab.store.entries[0]], "Delete"))
    window.close_tab(tab)
    assert window.tabs() == [tab]
    assert not window.close()
    choice[0] = msgbox.SaveChoice.DISCARD
    window.close_tab(tab)
    assert window.tabs() == []


def test_column_visibility_is_remembered(qtbot, settings) -> None:
    first = MainWindow(settings)
    tab = first.add_store_tab(sample_store(), None)
    serial = column_index("serial")
    assert tab.tree.header().isSectionHidden(serial)
    tab.set_column_visible(serial, True)
    tab.set_column_visible(column_index("issuer"), False)
    second = MainWindow(settings)
    again = second.add_store_tab(sample_store(), None)
    assert not again.tree.header().isSectionHidden(serial)
    assert again.tree.header().isSectionHidden(column_index("issuer"))
    for win in (first, second):
        win.close()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=30_000)
    for win in (first, second):
        win.deleteLater()


def test_set_store_password_is_undoable(qtbot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    window.actions_by_name["set_store_password"].trigger()
    dialog = _dialog(qtbot, tab, NewPasswordDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.keyClicks(dialog.password_edit, "s3cret")
    qtbot.keyClicks(dialog.confirm_edit, "s3cre")
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.confirm_edit, "t")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert tab.store.password == "s3cret" and tab.is_modified()
    window.actions_by_name["undo"].trigger()
    assert tab.store.password == "changeit"


def test_bad_file_gets_a_message_and_the_app_goes_on(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(opening.msgbox, "error", lambda _p, t, text, *a: errors.append((t, text)))
    junk = tmp_path / "junk.jks"
    junk.write_bytes(b"\x00\x01 this is not a keystore at all")
    window.open_paths([junk, tmp_path / "missing.p12"])
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=20_000)
    assert errors[0] == (
        "Cannot open junk.jks",
        "not a keystore: the content is not a known keystore or certificate format",
    )
    assert errors[1][1].startswith("no such file")
    assert window.tabs() == []


def test_dropping_files_opens_them(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    opened: list[list[Path]] = []
    monkeypatch.setattr(window, "open_paths", lambda paths: opened.append(list(paths)))
    target = tmp_path / "a.jks"
    target.write_bytes(b"x")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(target))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert opened == [[target]]


def test_no_two_actions_share_a_shortcut(window: MainWindow) -> None:
    from collections import Counter

    from PySide6.QtGui import QAction

    used = Counter(
        a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()
    )
    assert [key for key, n in used.items() if n > 1] == []


def test_copy_pem_and_the_context_menu_offers_entry_actions(qtbot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    root = tab.store.get("root-ca")
    tab.select_entry(root)
    window.actions_by_name["copy_pem"].trigger()
    assert QApplication.clipboard().text() == root.chain[0].pem
    assert tab.entry_menu is window.menu("entry")
    names = {a.text() for a in window.menu("entry").actions()}
    assert {"&Rename…", "&Delete…", "Set entry &password…"} <= names


def test_background_work_shows_the_busy_indicator(qtbot, window: MainWindow) -> None:
    import threading

    release = threading.Event()
    results: list[int] = []
    operations.run_in_background(
        window, lambda: release.wait(5) and 42, on_success=results.append, label="Reading…"
    )
    assert window.busy_indicator.busy and window.busy_indicator.label.text() == "Reading…"
    release.set()
    qtbot.waitUntil(lambda: results == [42], timeout=20_000)
    assert not window.busy_indicator.busy


def test_a_failure_in_the_worker_reaches_the_user_as_one_line(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    from keystore_gui.core.errors import KeystoreError

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(operations.msgbox, "error", lambda _p, t, text, *a: shown.append((t, text)))

    def fail() -> None:
        raise KeystoreError("file is damaged: bad MAC")

    operations.run_in_background(window, fail, on_success=lambda _r: None, label="Saving x.jks…")
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert shown == [("Saving x.jks failed", "file is damaged: bad MAC")]


def test_window_actions_are_in_a_context_menu_too(window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), None)
    in_context = set(tab.context_menu().actions()) | set(
        window.context_actions(main_window.TAB_MENU)
    )
    mine = [
        "new", "open", "open_folder", "open_cacerts", "save", "save_as", "close_tab",
        "rename", "delete", "set_entry_password", "export_certificates", "copy_pem",
        "set_store_password",
    ]  # fmt: skip
    missing = [n for n in mine if window.actions_by_name[n] not in in_context]
    assert missing == []


def test_open_dialog_pem_file_and_recent_files(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    pem = tmp_path / "partner.pem"
    pem.write_text(sample_store().entries[1].chain[0].pem)
    monkeypatch.setattr(
        main_window.QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(pem)], "")
    )
    window.actions_by_name["open"].trigger()
    qtbot.waitUntil(lambda: len(window.tabs()) == 1, timeout=20_000)
    tab = window.tabs()[0]
    assert tab.store.store_type.value == "PEM" and len(tab.store) == 1
    assert window.recent_files()[0] == str(pem.resolve())
    window.close_tab(tab)
    item = window.start_page.recent_list.item(0)
    window.start_page.recent_list.itemActivated.emit(item)
    qtbot.waitUntil(lambda: len(window.tabs()) == 1, timeout=20_000)
    window.open_paths([pem])  # already open: shows that tab again
    qtbot.waitUntil(lambda: not window.opener.busy, timeout=20_000)
    assert len(window.tabs()) == 1


def test_a_result_for_a_deleted_widget_is_dropped(qtbot) -> None:
    import threading

    import shiboken6
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    release = threading.Event()
    delivered: list[object] = []
    operations.run_in_background(
        widget, lambda: release.wait(5), on_success=delivered.append, on_failure=delivered.append
    )
    shiboken6.delete(widget)
    release.set()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=20_000)
    assert delivered == []


def test_expiry_warning_days_come_from_the_preferences(qtbot, settings) -> None:
    from keystore_gui.gui.settings import Settings

    Settings(settings).expiry_warning_days = 5
    win = MainWindow(settings)
    tab = win.add_store_tab(sample_store(), None)
    assert tab.model.warning_days == 5
    server = tab.model.entry_index(tab.store.get("server"), column_index("status"))
    status = server.data()
    assert status == "valid"  # the server certificate has 10 days left: beyond 5
    win.close()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=30_000)
    win.deleteLater()


def test_the_filter_index_is_built_off_the_gui_thread_and_answers_keys_typed_meanwhile(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    import threading

    from keystore_gui.gui import model as model_module

    monkeypatch.setattr(model_module, "SYNC_INDEX_ROWS", 2)
    threads: set[threading.Thread] = set()
    real = model_module.certificate_search_text

    def recording(cert):  # type: ignore[no-untyped-def]
        threads.add(threading.current_thread())
        return real(cert)

    monkeypatch.setattr(model_module, "certificate_search_text", recording)
    tab = window.add_store_tab(sample_store(), None)
    assert not tab.search_ready
    qtbot.keyClicks(tab.filter_edit, "issuing ca")  # a subject, typed before the index is ready
    assert _aliases(tab) == []  # aliases only so far, and no certificate read for it here
    assert not threads
    qtbot.waitUntil(lambda: tab.search_ready, timeout=20_000)
    assert _aliases(tab) == ["server"]  # the index arrived: the same text now finds it
    assert threads and threading.main_thread() not in threads


def test_a_file_given_at_start_is_shown_before_the_features_are_installed(
    qtbot, settings, tmp_path: Path
) -> None:
    from keystore_gui.core.io import save_keystore

    path = tmp_path / "start.jks"
    save_keystore(sample_store(), path, StoreType.JKS, "changeit")
    win = MainWindow(settings, defer_features=True)  # as keystore-gui FILE starts
    win.opener.settled.connect(win.install_features_soon)
    assert "health_panel" not in win.actions_by_name
    shown: list[bool] = []
    win.tab_widget.currentChanged.connect(
        lambda _i: shown.append("health_panel" in win.actions_by_name)
    )
    win.opener.open([opening.OpenRequest(path, ("changeit",))])
    qtbot.waitUntil(lambda: "health_panel" in win.actions_by_name, timeout=20_000)
    assert shown == [False]  # the tab came first, the features right after
    assert win.menu("tools").actions()  # every feature is there once installed
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=30_000)
    win.tab_at(0).undo_stack.setClean()
    win.close()
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=30_000)
    win.deleteLater()
