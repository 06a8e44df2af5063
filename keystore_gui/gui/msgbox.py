"""Every message box the window shows goes through here, so tests can patch one place.

Messages name aliases and files: each is shown as plain text (never markup), its control and
reordering characters escaped (callers escape a name's newlines with ``shown``; the lines of the
message itself stay).
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from .shown import shown, shown_lines


class SaveChoice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def _box(
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
    parent: QWidget | None,
) -> QMessageBox:
    box = QMessageBox(icon, shown(title), shown_lines(text), buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def error(parent: QWidget | None, title: str, text: str, detail: str | None = None) -> None:
    """Tell the user something failed; ``text`` is the core's one-line message."""
    box = _box(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if detail:
        box.setInformativeText(shown_lines(detail))
        informative = box.findChild(QLabel, "qt_msgbox_informativelabel")  # Qt makes it rich
        if informative is not None:
            informative.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def information(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.exec()


def question(parent: QWidget | None, title: str, text: str, *, yes_text: str = "OK") -> bool:
    """A confirmation; ``True`` if the user chose ``yes_text``, ``False`` for Cancel."""
    box = _box(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def choose(parent: QWidget | None, title: str, text: str, choices: list[str]) -> int | None:
    """One of ``choices`` (its index, the first is the default), or ``None`` for Cancel."""
    box = _box(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    buttons = [box.addButton(c, QMessageBox.ButtonRole.AcceptRole) for c in choices]
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(buttons[0])
    box.exec()
    clicked = box.clickedButton()
    return next((i for i, b in enumerate(buttons) if b is clicked), None)


def ask_save(parent: QWidget | None, name: str) -> SaveChoice:
    """Save / Discard / Cancel for a modified keystore about to be closed."""
    box = _box(
        QMessageBox.Icon.Warning,
        "Unsaved changes",
        f"{shown(name)} has unsaved changes. Save them before closing?",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return SaveChoice.SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return SaveChoice.DISCARD
    return SaveChoice.CANCEL
