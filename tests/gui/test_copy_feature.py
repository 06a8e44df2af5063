"""The copy feature in the window: drag between tabs, Copy/Paste, undo, import, export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent, QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import EntryKind, Keystore, StoreType
from keystore_gui.core.truststore import What
from keystore_gui.gui import copy_dialog, import_dialog, operations
from keystore_gui.gui.chain_view import TrustChainDialog
from keystore_gui.gui.copy_dialog import CopyDialog
from keystore_gui.gui.features import copy as feature_module
from keystore_gui.gui.features.copy import MIME_TYPE, CopyFeature, entries_from_mime, mime_for
from keystore_gui.gui.features.health import HealthPanel
from keystore_gui.gui.import_dialog import ExportDialog, ImportDialog
from keystore_gui.gui.main_window import MainWindow
from tests.truststore_certs import Pki


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


class Questions:
    """Stands in for msgbox.question: records each text, answers ``answer``."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answer = False

    def __call__(self, _parent: object, _title: str, text: str, **_kw: object) -> bool:
        self.asked.append(text)
        return self.answer


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    q = Questions()
    monkeypatch.setattr(feature_module.msgbox, "question", q)
    return q


@pytest.fixture
def win(qtbot: QtBot, window: MainWindow, questions: Questions) -> Iterator[MainWindow]:
    """The shared window fixture; its features include this one."""
    assert window.findChild(CopyFeature) is not None
    yield window
    # The health panel re-checks 150 ms after a change, in the background: let that finish
    # before the window is torn down, or its result arrives for a deleted window.
    panel = window.findChild(HealthPanel)
    qtbot.waitUntil(
        lambda: (panel is None or not panel.pending) and operations.running() == 0,
        timeout=10_000,
    )


def two_tabs(win: MainWindow, pki: Pki) -> tuple[object, object]:
    source = win.add_store_tab(Keystore(StoreType.JKS, [pki.key_entry("server")], "changeit"), None)
    target = win.add_store_tab(pki.truststore(), None)
    win.tab_widget.setCurrentWidget(source)
    source.select_entry(source.store.entries[0])
    return source, target


def the_dialog(qtbot: QtBot, win: MainWindow) -> CopyDialog:
    qtbot.waitUntil(lambda: win.findChild(CopyDialog) is not None)
    dialog = win.findChild(CopyDialog)
    assert isinstance(dialog, CopyDialog)
    return dialog


def test_payload_carries_certificates_only(pki: Pki) -> None:
    mime = mime_for([pki.key_entry("server")], "server.jks")
    raw = bytes(mime.data(MIME_TYPE).data())
    payload = json.loads(raw)
    assert set(payload["entries"][0]) == {"alias", "kind", "chain"}
    assert "PRIVATE KEY" not in mime.text() and "BEGIN CERTIFICATE" in mime.text()
    carried = entries_from_mime(mime)
    assert carried is not None
    (entry,) = carried[0]
    assert entry.key is None and entry.sealed is None
    assert entry.chain == pki.key_entry().chain


def test_drag_onto_another_tab_then_undo(
    qtbot: QtBot, win: MainWindow, pki: Pki, qtmodeltester: object, questions: Questions
) -> None:
    questions.answer = True  # yes, show the trust chain afterwards
    source, target = two_tabs(win, pki)
    before = list(target.store.entries)
    mime = mime_for(source.selected_entries(), source.display_name)
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    feature = win.findChild(CopyFeature)
    # what Qt's drag machinery delivers to the target tree's viewport
    assert feature.eventFilter(target.tree.viewport(), drop)
    assert drop.isAccepted() and drop.dropAction() == Qt.DropAction.CopyAction
    dialog = the_dialog(qtbot, win)
    assert dialog.tab_combo.currentIndex() == 1  # the tab it was dropped on
    dialog.what_radios[What.CHAIN].setChecked(True)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert win.current_tab() is target
    added = [e for e in target.store.entries if e not in before]
    # in the tab's order: by alias
    assert [e.alias for e in added] == ["example-issuing-ca-1", "example-root-ca", "server"]
    assert all(e.kind is EntryKind.TRUSTED_CERT and e.key is None for e in added)
    assert target.undo_stack.count() == 1 and target.is_modified()
    assert "now trusts 'server'" in questions.asked[-1]
    chain = win.findChild(TrustChainDialog)
    assert chain is not None and chain.verdict is not None and chain.verdict.trusted
    chain.close()
    assert source.undo_stack.count() == 0 and len(source.store.entries) == 1
    qtmodeltester.check(target.model)  # type: ignore[attr-defined]
    target.undo_stack.undo()
    assert target.store.entries == before
    assert target.model.rowCount() == len(before)
    target.undo_stack.redo()
    assert [e.alias for e in target.store.entries if e not in before] == [e.alias for e in added]


def test_copy_and_paste_between_tabs(qtbot: QtBot, win: MainWindow, pki: Pki) -> None:
    _source, target = two_tabs(win, pki)
    win.actions_by_name["copy_certificates"].trigger()
    clip = QGuiApplication.clipboard().mimeData()
    assert clip.hasFormat(MIME_TYPE) and "PRIVATE" not in clip.text()
    win.tab_widget.setCurrentWidget(target)
    win.actions_by_name["paste_certificates"].trigger()
    dialog = the_dialog(qtbot, win)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert target.store.find("server").chain == [pki.cert("leaf")]
    # pasting again: already present, nothing to copy
    win.actions_by_name["paste_certificates"].trigger()
    qtbot.waitUntil(lambda: len(win.findChildren(CopyDialog)) >= 1)
    again = [d for d in win.findChildren(CopyDialog) if d.isVisible()][-1]
    assert "already present as 'server'" in again.table.item(0, again.OUTCOME_COLUMN).text()
    assert not again.copy_button.isEnabled()
    again.reject()


def test_replace_is_undone_in_place(qtbot: QtBot, win: MainWindow, pki: Pki) -> None:
    _source, target = two_tabs(win, pki)
    old = pki.trusted("server", "other")
    target.model.insert_entries([(0, old)])
    win.actions_by_name["copy_to_truststore"].trigger()
    dialog = the_dialog(qtbot, win)
    combo = dialog.table.cellWidget(0, dialog.CONFLICT_COLUMN)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(1)  # replace
    place = target.store.entries.index(old)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    new = target.store.entries[place]
    assert new.alias == "server" and new.chain == [pki.cert("leaf")]
    target.undo_stack.undo()
    assert target.store.entries[place] is old and new not in target.store.entries
    target.undo_stack.redo()
    assert target.store.entries[place] is new and old not in target.store.entries
    assert target.model.rowCount() == len(target.store.entries)


def test_copy_into_new_pkcs12_file(
    qtbot: QtBot,
    win: MainWindow,
    pki: Pki,
    tmp_path: Path,
    questions: Questions,
) -> None:
    asked = questions.asked
    two_tabs(win, pki)
    win.actions_by_name["copy_to_truststore"].trigger()
    dialog = the_dialog(qtbot, win)
    path = tmp_path / "new-truststore.p12"
    qtbot.keyClicks(dialog.new_path, str(path))
    qtbot.keyClicks(dialog.new_password.first, "changeit")
    qtbot.keyClicks(dialog.new_password.second, "changeit")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    assert "Created new-truststore.p12: 1 certificate(s) added" in asked[0]
    store = read_keystore(path, "changeit")
    assert [(e.alias, e.kind) for e in store.entries] == [("server", EntryKind.TRUSTED_CERT)]


def test_import_from_clipboard_and_undo(qtbot: QtBot, win: MainWindow, pki: Pki) -> None:
    tab = win.add_store_tab(pki.truststore(), None)
    QGuiApplication.clipboard().setText(pki.cert("inter").pem + pki.cert("other").pem)
    win.actions_by_name["paste_certificates"].trigger()  # plain PEM text: the import dialog
    qtbot.waitUntil(lambda: win.findChild(ImportDialog) is not None)
    dialog = win.findChild(ImportDialog)
    assert dialog.table.rowCount() == 2
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [e.alias for e in tab.store.entries] == ["example-issuing-ca-1", "other"]
    tab.undo_stack.undo()
    assert [e.alias for e in tab.store.entries] == ["other"]


def test_export_selection(qtbot: QtBot, win: MainWindow, pki: Pki, tmp_path: Path) -> None:
    two_tabs(win, pki)
    win.actions_by_name["export_certificates"].trigger()
    qtbot.waitUntil(lambda: win.findChild(ExportDialog) is not None)
    dialog = win.findChild(ExportDialog)
    dialog.radios["pem-each"].setChecked(True)
    dialog.chain.setChecked(True)
    qtbot.keyClicks(dialog.path, str(tmp_path))
    dialog.accept()
    qtbot.waitUntil(lambda: operations.running() == 0)
    assert sorted(p.name for p in tmp_path.glob("*.pem")) == [
        "example-issuing-ca-1.pem",
        "example-root-ca.pem",
        "server.pem",
    ]


def test_selection_of_several_tabs(qtbot: QtBot, win: MainWindow, pki: Pki) -> None:
    source, target = two_tabs(win, pki)
    other = win.add_store_tab(
        Keystore(StoreType.PKCS12, [pki.trusted("partner", "root")], "changeit"), None
    )
    other.select_entry(other.store.entries[0])
    win.tab_widget.setCurrentWidget(source)
    win.actions_by_name["copy_to_truststore"].trigger()
    dialog = the_dialog(qtbot, win)
    assert dialog.tab_combo.currentIndex() == 1  # the first tab that is not the source
    assert [dialog.tab_combo.itemText(i) for i in range(3)] == [
        "Untitled (tab 1)",
        "Untitled (tab 2)",
        "Untitled (tab 3)",
    ]
    assert (
        not dialog.more_box.isHidden()
        and dialog.more_box.text() == "Also copy 'partner', selected in Untitled (tab 3)"
    )
    assert dialog.table.rowCount() == 1
    dialog.more_box.setChecked(True)
    assert [dialog.table.item(r, 1).text() for r in range(2)] == ["server", "partner"]
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert [e.alias for e in target.store.entries] == ["other", "partner", "server"]
    assert target.undo_stack.count() == 1


def test_copy_into_existing_truststore_file(
    qtbot: QtBot, win: MainWindow, pki: Pki, tmp_path: Path, questions: Questions
) -> None:
    path = tmp_path / "client-truststore.jks"
    save_keystore(pki.truststore(), path, password="changeit")
    two_tabs(win, pki)
    win.actions_by_name["copy_to_truststore"].trigger()
    dialog = the_dialog(qtbot, win)
    qtbot.keyClicks(dialog.file_path, str(path))
    qtbot.keyClicks(dialog.file_password, "changeit")
    qtbot.mouseClick(dialog.file_open, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.copy_button.isEnabled)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(questions.asked), timeout=10_000)
    assert "Updated client-truststore.jks: 1 certificate(s) added" in questions.asked[0]
    store = read_keystore(path, "changeit")
    assert [(e.alias, e.kind) for e in store.entries] == [
        ("other", EntryKind.TRUSTED_CERT),
        ("server", EntryKind.TRUSTED_CERT),
    ]
    assert store.get("server").chain == [pki.cert("leaf")]


class FakeDrag:
    """Stands in for QDrag, whose exec() runs the platform's drag loop: keeps the MIME data."""

    started: ClassVar[list[FakeDrag]] = []

    def __init__(self, source: object) -> None:
        self.source = source
        self.mime: QMimeData | None = None
        FakeDrag.started.append(self)

    def setMimeData(self, mime: QMimeData) -> None:
        self.mime = mime

    def exec(self, _actions: object) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


def test_pressing_on_a_row_and_moving_starts_a_certificate_drag(
    qtbot: QtBot, win: MainWindow, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feature_module, "QDrag", FakeDrag)
    FakeDrag.started.clear()
    source, _target = two_tabs(win, pki)
    win.show()
    qtbot.waitExposed(win)
    feature = win.findChild(CopyFeature)
    viewport = source.tree.viewport()
    start = source.tree.visualRect(source.proxy.index(0, 0)).center()
    press = QMouseEvent(
        QEvent.Type.MouseButtonPress, QPointF(start), QPointF(viewport.mapToGlobal(start)),
        Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    assert not feature.eventFilter(viewport, press)  # the view still selects the row
    end = QPointF(start.x() + 40, start.y())
    move = QMouseEvent(
        QEvent.Type.MouseMove, end, QPointF(viewport.mapToGlobal(end.toPoint())),
        Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    assert feature.eventFilter(viewport, move)
    (drag,) = FakeDrag.started
    assert drag.source is viewport and drag.mime is not None
    carried = entries_from_mime(drag.mime)
    assert carried is not None and [e.alias for e in carried[0]] == ["server"]
    assert all(e.key is None for e in carried[0])


def test_a_tab_has_one_name_everywhere(qtbot: QtBot, win: MainWindow, pki: Pki) -> None:
    source = win.add_store_tab(
        Keystore(StoreType.JKS, [pki.key_entry("server")], "changeit"), "/srv/app/server.jks"
    )
    win.add_store_tab(pki.truststore(), "/srv/work/client-truststore.jks")
    win.add_store_tab(pki.truststore(), "/srv/home/client-truststore.jks")
    win.tab_widget.setCurrentWidget(source)
    source.select_entry(source.store.entries[0])
    win.actions_by_name["copy_to_truststore"].trigger()
    dialog = the_dialog(qtbot, win)
    in_dialog = [dialog.tab_combo.itemText(i) for i in range(3)]
    in_tab_bar = [win.tab_widget.tabText(i) for i in range(3)]
    assert in_dialog == in_tab_bar
    assert in_dialog[1] == "client-truststore.jks — work"


def test_copying_into_a_file_says_it_saves_and_keeps_a_backup(
    qtbot: QtBot, win: MainWindow, pki: Pki, tmp_path: Path, questions: Questions
) -> None:
    path = tmp_path / "client-truststore.jks"
    save_keystore(pki.truststore(), path, password="changeit")
    before = path.read_bytes()
    two_tabs(win, pki)
    win.actions_by_name["copy_to_truststore"].trigger()
    dialog = the_dialog(qtbot, win)
    assert dialog.copy_button.text() == "Copy"  # into the open tab: Save writes it later
    for edit in (dialog.file_path, dialog.new_path):
        assert not edit.placeholderText().endswith((".jks", ".p12"))  # a description
    qtbot.keyClicks(dialog.file_path, str(path))
    qtbot.keyClicks(dialog.file_password, "wrong")
    qtbot.mouseClick(dialog.file_open, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.file_error.isHidden())
    assert dialog.file_error.text() == "Wrong password for client-truststore.jks"
    assert dialog.file_password.hasFocus() or not dialog.isActiveWindow()
    qtbot.keyClicks(dialog.file_password, "changeit")
    assert dialog.file_error.isHidden()  # typing again clears it
    qtbot.mouseClick(dialog.file_open, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.copy_button.isEnabled)
    assert dialog.copy_button.text() == "Copy and Save"
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(questions.asked), timeout=10_000)
    assert (tmp_path / "client-truststore.jks.bak").read_bytes() == before
    assert path.read_bytes() != before


def test_the_dialog_never_opens_narrower_than_its_columns(
    qtbot: QtBot, win: MainWindow, pki: Pki
) -> None:
    win.settings.setValue("copyDialog/geometry", _narrow_geometry(qtbot))
    two_tabs(win, pki)
    win.actions_by_name["copy_to_truststore"].trigger()
    dialog = the_dialog(qtbot, win)
    assert dialog.width() >= copy_dialog.MIN_WIDTH


def _narrow_geometry(qtbot: QtBot) -> QByteArray:
    """What an earlier run saved after the user shrank the dialog to 420 pixels."""
    narrow = CopyDialog(entries=[])
    qtbot.addWidget(narrow)
    narrow.resize(420, 300)
    return narrow.saveGeometry()


def test_export_over_a_typed_existing_file_asks_first(
    qtbot: QtBot, win: MainWindow, pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_tabs(win, pki)
    existing = tmp_path / "partners.pem"
    existing.write_text("keep me\n")
    answers = [False, True]
    asked: list[str] = []

    def question(_parent, _title: str, text: str, *, yes_text: str = "OK") -> bool:  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(import_dialog.msgbox, "question", question)
    win.actions_by_name["export_certificates"].trigger()
    qtbot.waitUntil(lambda: win.findChild(ExportDialog) is not None)
    dialog = win.findChild(ExportDialog)
    qtbot.keyClicks(dialog.path, str(existing))
    dialog.accept()
    assert dialog.result_request() is None and existing.read_text() == "keep me\n"
    dialog.accept()
    qtbot.waitUntil(lambda: operations.running() == 0)
    assert asked == ["partners.pem already exists. Replace it?"] * 2
    assert "BEGIN CERTIFICATE" in existing.read_text()
