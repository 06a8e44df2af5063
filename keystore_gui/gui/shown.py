"""Text from a file as the window shows it: every control or reordering character escaped.

An alias, a subject, a friendly name or a file name may hold a newline, an ESC, a NUL or a
right-to-left override that makes ``evil`` look like ``live`` in "Delete 'X'?". Everything the
window shows that a file decided goes through here (the CLI escapes the same characters with the
same ``\\uXXXX`` escapes, :mod:`keystore_gui.core.text`). Only what is *shown* changes: the
stored alias, sort keys, filter texts and whatever is written back stay as the file has them.

Qt also takes text that looks like HTML for markup in labels, message boxes and tooltips (an
alias ``<s>live</s>``); labels and message boxes that show file text are set to plain text, and
:func:`shown_tip` makes a tooltip plain.
"""

from __future__ import annotations

import html

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel

from ..core.text import is_inert, printable, printable_lines
from .theme import error_style


def shown(text: str) -> str:
    """``text`` on one line with its control and reordering characters escaped (most text from
    a file has none: it is returned as it is, after one scan)."""
    return text if is_inert(text) else printable(text)


def shown_lines(text: str) -> str:
    """Like :func:`shown` for a block whose newlines and tabs are its own (a PEM, a message
    whose parts were escaped with :func:`shown`)."""
    return printable_lines(text)


def shown_tip(text: str) -> str:
    """A tooltip of ``text`` (lines kept, already-escaped parts unchanged) that Qt shows as
    plain text, never as markup."""
    text = printable_lines(text)
    if Qt.mightBeRichText(text):
        escaped = html.escape(text, quote=False).replace("\n", "<br>")
        return f"<p style='white-space:pre'>{escaped}</p>"
    return text


def plain_label(text: str = "") -> QLabel:
    """A label that shows ``text`` as plain text, its lines kept and the rest escaped."""
    label = QLabel(shown_lines(text))
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class ProblemLabel(QLabel):
    """A dialog's red line for what is wrong with its input, wrapped. A message may quote what
    was typed or read, so every text it is given is shown as :func:`shown_lines` shows it, as
    plain text."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(error_style())
        self.setWordWrap(True)

    def setText(self, text: str, /) -> None:
        super().setText(shown_lines(text))


def shown_html(text: str) -> str:
    """:func:`shown` for a place in rich text: escaped, then made safe as HTML."""
    return html.escape(shown(text), quote=False)
