"""Text from a file, made safe to print on a terminal or in a one-line message.

Aliases, names and friendly names come from files and may hold anything: a newline would forge a
second line of an error message, an ESC sequence would clear the user's terminal or set its
title, a bidirectional override would reorder what is shown. Each such character is shown as
its ``\\uXXXX`` escape (valid in JSON strings too); everything else, accents and CJK included,
is left as it is.
"""

from __future__ import annotations

import re

from .errors import KeystoreError

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_UNSAFE_BUT_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str) -> str:
    """``text`` with every control or reordering character escaped: one line, inert."""
    return _UNSAFE.sub(_escape, text)


def is_inert(text: str) -> bool:
    """Whether :func:`printable` would leave ``text`` as it is."""
    return _UNSAFE.search(text) is None


def printable_lines(text: str) -> str:
    """Like :func:`printable`, but newlines and tabs stay: for whole blocks of output."""
    return _UNSAFE_BUT_LINES.sub(_escape, text)


def check_password_text(password: str, what: str = "the password") -> str:
    """``password`` if it is text; if not, one line naming none of its characters. (Python keeps
    bytes that are not UTF-8, from the environment or a terminal, as lone surrogates; each tool
    would read them differently, and a store saved with them would open nowhere else.)"""
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise KeystoreError(
            f"{what} is not UTF-8 text; set it as UTF-8 (other tools would read those bytes "
            "differently)"
        ) from None
    return password
