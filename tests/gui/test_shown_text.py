"""Text from a file is shown inert: control and reordering characters in aliases, subjects and
file names reach no widget raw, while the store keeps them as the file has them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from keystore_gui.core.io import save_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.gui import editing, msgbox
from keystore_gui.gui.chain_view import TrustChainDialog
from keystore_gui.gui.copy_dialog import CopyDialog, CopyTarget
from keystore_gui.gui.features.health import HealthPanel
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.rename_dialog import RenameDialog
from keystore_gui.gui.shown import shown, shown_tip

from .conftest import make_cert, window_idle

HOSTILE = ["\n", "\x1b[2J", "\u202e", "\u2066", "\0", "\u200f", "\u2028", "\ufeff"]
RAW = ["\n", "\x1b", "\u202e", "\u2066", "\0", "\u200f", "\u2028", "\ufeff"]
EVIL = "evil\u202etxt.exe"
"""Shown raw, the right-to-left override would make this read ``evilexe.txt``."""
CLEAR = "clear\x1b[2j\nforged"  # lower case: JKS aliases are
ISOLATE = "iso\u2066late\0nul"
SUBJECT_CN = "cn\u202e\x1b[2Jname\u2028more"
FILE_NAME = "store\u202e\nsk.jks"


def raw_free(text: str) -> bool:
    return not any(ch in text for ch in RAW)


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    """A JKS on disk whose aliases, subjects and file name hold control and reordering
    characters; one certificate is expired, so the health panel names its alias."""
    cert, _ = make_cert(SUBJECT_CN, ca=True)  # a CA: no DNS name made of the CN
    expired, _ = make_cert("old", days=-5, start_days=-400)
    other, _ = make_cert("other")
    store = Keystore(
        StoreType.JKS,
        [
            Entry(EVIL, EntryKind.TRUSTED_CERT, [Certificate.from_x509(cert)]),
            Entry(CLEAR, EntryKind.TRUSTED_CERT, [Certificate.from_x509(expired)]),
            Entry(ISOLATE, EntryKind.TRUSTED_CERT, [Certificate.from_x509(other)]),
        ],
        password="changeit",
    )
    path = tmp_path / FILE_NAME
    save_keystore(store, path)
    return path


@pytest.fixture
def opened(qtbot, window: MainWindow, hostile_file: Path):  # type: ignore[no-untyped-def]
    window.open_paths([str(hostile_file)])
    qtbot.waitUntil(lambda: len(window.tabs()) == 1, timeout=20_000)
    tab = window.tabs()[0]
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3 and window_idle(window), timeout=20_000)
    return tab


def test_shown_escapes_what_core_escapes() -> None:
    for ch in HOSTILE:
        assert raw_free(shown(f"a{ch}b"))
    assert shown("plain café 証明書") == "plain café 証明書"
    assert shown(EVIL) == "evil\\u202etxt.exe"
    tip = shown_tip("CN=<s>live</s>")
    assert "&lt;s&gt;" in tip  # shown as typed, never as markup


def test_the_store_keeps_the_aliases_the_file_has(opened) -> None:  # type: ignore[no-untyped-def]
    assert sorted(e.alias for e in opened.store.entries) == sorted([EVIL, CLEAR, ISOLATE])


def test_tree_cells_and_tooltips_show_escapes(opened) -> None:  # type: ignore[no-untyped-def]
    model = opened.model
    texts = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column, QModelIndex())
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if isinstance(value, str):
                    texts.append(value)
    assert all(raw_free(t) for t in texts)
    assert shown(EVIL) in texts and shown(CLEAR) in texts and shown(ISOLATE) in texts
    assert "cn\\u202e\\u001b[2Jname\\u2028more" in texts  # the subject CN cell
    assert any(t.startswith("CN=cn\\u202e") for t in texts)  # the subject's tooltip


def test_details_pane_shows_escapes(opened) -> None:  # type: ignore[no-untyped-def]
    opened.select_entry(opened.store.get(EVIL))
    details = opened.details
    assert details.title.textFormat() is Qt.TextFormat.PlainText
    assert raw_free(details.title.text()) and shown(EVIL) in details.title.text()
    shown_texts = []
    items = [details.fields.topLevelItem(i) for i in range(details.fields.topLevelItemCount())]
    while items:
        item = items.pop()
        shown_texts += [item.text(0), item.text(1), item.toolTip(1)]
        items += [item.child(i) for i in range(item.childCount())]
    assert all(raw_free(t) for t in shown_texts)
    assert shown(EVIL) in shown_texts
    assert any("\\u202e" in t and "CN=" in t for t in shown_texts)  # the subject


def test_tab_and_window_titles_show_escapes(opened, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    index = window.tab_widget.indexOf(opened)
    for text in (
        window.tab_widget.tabText(index),
        window.windowTitle(),
        opened.display_name,
    ):
        assert raw_free(text) and "store\\u202e\\u000ask.jks" in text
    tip = window.tab_widget.tabToolTip(index)  # the path, and the health badge on a new line
    assert "store\\u202e\\u000ask.jks" in tip and raw_free(tip.split("\n")[0])


def test_delete_confirmation_shows_escapes(opened, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[QMessageBox] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box)
        return QMessageBox.StandardButton.Cancel.value

    monkeypatch.setattr(QMessageBox, "exec", answer)
    opened.select_entry(opened.store.get(EVIL))
    editing.delete_selected(window)
    (box,) = asked
    assert box.textFormat() is Qt.TextFormat.PlainText
    assert box.text() == "Delete entry 'evil\\u202etxt.exe' from store\\u202e\\u000ask.jks?"
    assert len(opened.store.entries) == 3  # cancelled


def test_health_findings_show_escapes(qtbot, opened, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.findChild(HealthPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: panel.findings(opened) is not None, timeout=20_000)
    assert any(f.alias == CLEAR for f in panel.findings(opened) or [])  # raw in the finding
    items = [panel.list.topLevelItem(i) for i in range(panel.list.topLevelItemCount())]
    for item in items:
        panel._fill_group(item)
        items += [item.child(i) for i in range(item.childCount())]
    texts = [item.text(c) for item in items for c in range(4)]
    assert all(raw_free(t) for t in texts)
    assert shown(CLEAR) in texts
    clear = next(item for item in items if item.text(1) == shown(CLEAR))
    panel.list.itemClicked.emit(clear, 0)  # still goes to the entry it names
    assert [e.alias for e in opened.selected_entries()] == [CLEAR]


def test_rename_prefilled_and_unchanged_keeps_the_raw_alias(opened) -> None:  # type: ignore[no-untyped-def]
    entry = opened.store.get(EVIL)
    dialog = RenameDialog(None, store=opened.store, entry=entry)
    assert dialog.alias_edit.text() == shown(EVIL)
    assert "\\uXXXX" in dialog.hint_label.text()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.accept()  # an unchanged field renames nothing
    assert dialog.result_value is None and entry.alias == EVIL
    dialog.alias_edit.setText("evil-renamed")
    assert ok.isEnabled()
    dialog.accept()
    assert dialog.result_value is not None and dialog.result_value.alias == "evil-renamed"


def test_filter_finds_entries_by_their_raw_aliases(qtbot, opened) -> None:  # type: ignore[no-untyped-def]
    for raw in (EVIL, "iso\u2066late", "\x1b[2j\nforged"):
        opened.filter_edit.setText(raw)
        qtbot.waitUntil(lambda: opened.proxy.rowCount() == 1, timeout=5_000)
    opened.filter_edit.setText("cn\u202e\x1b")  # a subject
    qtbot.waitUntil(lambda: opened.proxy.rowCount() == 1, timeout=5_000)


def test_trust_chain_view_shows_escapes(qtbot, opened) -> None:  # type: ignore[no-untyped-def]
    entry = opened.store.get(EVIL)
    dialog = TrustChainDialog(entry=entry, store=opened.store, open_stores=[])
    qtbot.addWidget(dialog)
    assert raw_free(dialog.windowTitle()) and shown(EVIL) in dialog.windowTitle()
    item = dialog.tree.topLevelItem(0)
    assert item is not None
    texts = [item.text(c) for c in range(3)] + [dialog.verdict_label.text()]
    texts += [dialog.details.text(), *item.toolTip(0).split("\n"), item.toolTip(1)]
    assert [t for t in texts if not raw_free(t)] == []
    assert item.text(0) == shown(SUBJECT_CN)


def test_copy_preview_alias_left_as_shown_keeps_the_raw_alias(qtbot, opened) -> None:  # type: ignore[no-untyped-def]
    target = Keystore(StoreType.JKS, password="changeit")
    dialog = CopyDialog(entries=[opened.store.get(EVIL)], targets=[CopyTarget("t.jks", target)])
    qtbot.addWidget(dialog)
    cell = dialog.table.item(0, dialog.ALIAS_COLUMN)
    assert cell is not None and cell.text() == shown(EVIL)
    assert raw_free(dialog.table.item(0, 0).text())  # type: ignore[union-attr]
    dialog.table.itemChanged.emit(cell)  # an edit that left the text as shown
    assert dialog._candidates[0].alias == EVIL


def test_message_box_detail_is_plain_text(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box) or 0)
    msgbox.error(None, "Cannot save", "nothing was written", f"• <a href='x'>{EVIL}</a>: why")
    (box,) = boxes
    label = box.findChild(QLabel, "qt_msgbox_informativelabel")
    assert label is not None and label.textFormat() is Qt.TextFormat.PlainText
    assert label.text() == "• <a href='x'>evil\\u202etxt.exe</a>: why"


def test_dialog_problem_lines_are_plain_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A dialog's red line may quote what was typed: markup in it is shown, not applied."""
    from keystore_gui.gui.csr_dialog import CsrDialog
    from keystore_gui.gui.export_keypair_dialog import ExportKeyPairDialog
    from keystore_gui.gui.generate_dialog import GenerateKeyPairDialog

    cert, _ = make_cert("svc")
    csr = CsrDialog(alias="svc", cert=Certificate.from_x509(cert))
    generate = GenerateKeyPairDialog()
    export = ExportKeyPairDialog(alias="svc")
    for dialog in (csr, generate, export):
        qtbot.addWidget(dialog)
    csr.sans.setPlainText("<b>bold</b>")
    assert "<b>bold</b>" in csr.problem.text()
    csr.sans.setPlainText("evil\u202etxt.exe")  # a reordering character, as a file may carry
    assert "evil" in csr.problem.text() and "\u202e" not in csr.problem.text()
    labels = [csr.problem, export.problem, generate.summary, generate.san_error]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
