"""Rename an entry, checking the new alias as it is typed."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.model import Entry, Keystore
from .shown import shown


@dataclass(frozen=True)
class RenameResult:
    alias: str


class RenameDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, store: Keystore, entry: Entry) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rename entry")
        self.result_value: RenameResult | None = None
        self._store = store
        self._entry = entry
        # An alias holding control or reordering characters is shown with them escaped, as
        # everywhere in the window; left as it is, the field renames nothing.
        self._shown_alias = shown(entry.alias)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.alias_edit = QLineEdit(self._shown_alias)
        self.alias_edit.selectAll()
        form.addRow("New &alias:", self.alias_edit)
        layout.addLayout(form)
        self.hint_label = QLabel()
        self.hint_label.setStyleSheet("color: #c05621;")
        self.hint_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint_label.setWordWrap(True)
        layout.addWidget(self.hint_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.alias_edit.textChanged.connect(self._validate)
        self.setMinimumWidth(380)
        self._validate()

    def problem(self) -> str | None:
        alias = self.alias_edit.text()
        if not alias.strip():
            return "An alias cannot be empty."
        if alias != alias.strip():
            return "An alias cannot start or end with a space."
        clash = self._store.find(alias)
        if clash is not None and clash is not self._entry:
            return f"“{shown(clash.alias)}” is already in use."
        return None

    def warning(self) -> str | None:
        alias = self.alias_edit.text()
        if self._shown_alias != self._entry.alias:
            return (
                "This alias holds control or reordering characters, shown as \\uXXXX escapes; "
                "a new alias is saved exactly as typed."
            )
        if self._store.store_type.case_insensitive_aliases and alias != alias.lower():
            return (
                f"{self._store.store_type} aliases are case-insensitive; Java tools will show "
                "it in lower case."
            )
        return None

    def _validate(self) -> None:
        problem = self.problem()
        self.hint_label.setText(problem or self.warning() or "")
        self._fit_height()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None and not self._unchanged())

    def _unchanged(self) -> bool:
        return self.alias_edit.text() in (self._entry.alias, self._shown_alias)

    def _fit_height(self) -> None:
        """Grow to show every line of the wrapped hint (a top-level dialog does not by itself)."""
        layout = self.layout()
        assert layout is not None
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def accept(self) -> None:
        if self.problem() or self._unchanged():
            return
        self.result_value = RenameResult(self.alias_edit.text())
        super().accept()
