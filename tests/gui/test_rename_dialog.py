"""The Rename dialog shows its whole hint, however long."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt

from keystore_gui.gui.rename_dialog import RenameDialog

from .conftest import sample_store


def test_mixed_case_jks_warning_is_shown_whole(qtbot) -> None:
    store = sample_store()
    dialog = RenameDialog(None, store=store, entry=store.get("server"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.alias_edit.setText("MyServer")
    label = dialog.hint_label
    assert "lower case" in label.text()
    metrics = label.fontMetrics()
    flags = Qt.TextFlag.TextWordWrap if label.wordWrap() else Qt.TextFlag.TextSingleLine
    needed = metrics.boundingRect(QRect(0, 0, label.width(), 10_000), flags, label.text())
    assert needed.width() <= label.width()
    assert needed.height() <= label.height()
    assert label.geometry().bottom() < dialog.buttons.geometry().top()
    assert dialog.rect().contains(label.geometry())
