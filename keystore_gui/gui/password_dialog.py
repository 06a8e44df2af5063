"""Password dialogs: one to open a file (naming it, saying when a try was wrong), one for a new
password (typed twice, checked as you type)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .shown import plain_label


@dataclass(frozen=True)
class PasswordResult:
    password: str


class PasswordDialog(QDialog):
    """Asks for the password of an existing file or entry."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        title: str,
        prompt: str,
        error: str | None = None,
        offer_unverified: bool = False,
    ) -> None:
        """``offer_unverified``: a button to open the file read-only without its password (the
        result is then ``None`` and ``unverified`` is set)."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result_value: PasswordResult | None = None
        self.unverified = False
        layout = QVBoxLayout(self)
        self.prompt_label = plain_label(prompt)
        self.prompt_label.setWordWrap(True)
        layout.addWidget(self.prompt_label)
        self.error_label = plain_label(error or "")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c53030; font-weight: bold;")
        self.error_label.setVisible(bool(error))
        layout.addWidget(self.error_label)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Password:", self.password_edit)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if offer_unverified:
            self.unverified_button = self.buttons.addButton(
                "Open read-only &without the password", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.unverified_button.setToolTip(
                "List the entries as keytool does without a password: the file's integrity is "
                "not checked, keys stay encrypted, and nothing can be saved"
            )
            self.unverified_button.clicked.connect(self._open_unverified)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _open_unverified(self) -> None:
        self.unverified = True
        self.password_edit.clear()
        super().accept()

    def accept(self) -> None:
        self.result_value = PasswordResult(self.password_edit.text())
        self.password_edit.clear()
        super().accept()


class NewPasswordDialog(QDialog):
    """Asks for a new password twice; OK only when both agree (and, unless allowed, not empty)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        title: str,
        prompt: str,
        allow_empty: bool = False,
        ascii_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result_value: PasswordResult | None = None
        self._allow_empty = allow_empty
        self._ascii_only = ascii_only
        layout = QVBoxLayout(self)
        label = plain_label(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("New &password:", self.password_edit)
        form.addRow("&Confirm:", self.confirm_edit)
        layout.addLayout(form)
        self.hint_label = QLabel()
        self.hint_label.setStyleSheet("color: #c05621;")
        layout.addWidget(self.hint_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.password_edit.textChanged.connect(self._validate)
        self.confirm_edit.textChanged.connect(self._validate)
        self.setMinimumWidth(420)
        self._validate()

    def problem(self) -> str | None:
        first, second = self.password_edit.text(), self.confirm_edit.text()
        if not first and not self._allow_empty:
            return "Type the new password."
        if self._ascii_only and not first.isascii():
            return "keytool only accepts ASCII passwords for this format."
        if first != second:
            return "The two passwords differ."
        return None

    def _validate(self) -> None:
        problem = self.problem()
        self.hint_label.setText(problem or "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)

    def accept(self) -> None:
        if self.problem() is not None:
            return
        self.result_value = PasswordResult(self.password_edit.text())
        self.password_edit.clear()
        self.confirm_edit.clear()
        super().accept()
