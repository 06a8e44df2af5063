"""Passwords from an environment variable or a file, read the way ``keytool`` reads them.

- A password file gives its first line as ``keytool -storepass:file`` does (Java's
  ``BufferedReader.readLine``: up to the first ``\\n``, ``\\r`` or ``\\r\\n``; vertical tabs, form
  feeds and Unicode line separators are part of the password). keytool also keeps a UTF-8
  byte-order mark (an editor's, most likely) as the password's first character: a store is
  opened with the password as keytool reads it and then without the mark, and a new store is
  not made from such a file at all, since the two readings would disagree.
- A password must be UTF-8 text. Bytes that are not (``$'Secr\\xe9t'`` from a Latin-1 shell)
  would be read differently by each tool; they are refused in one line that shows none of them.
- A value that cannot be the name of an environment variable, or a password file that does not
  exist, may be the password itself given by mistake (``--password-env "$PW"``): it is never
  repeated in a message.
"""

from __future__ import annotations

import os
import re

from .errors import KeystoreError
from .io import read_bytes
from .text import check_password_text, printable

_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LINE_END = re.compile(rb"\r\n|\r|\n")
BOM = "\ufeff"


class PasswordSourceError(KeystoreError):
    """A password option names something that gives no usable password."""


def from_environment(name: str, option: str = "--password-env") -> str:
    if not _VARIABLE_NAME.match(name):
        raise PasswordSourceError(
            f"{option} takes the name of an environment variable, such as KS_PASS; what was "
            "given is not one (not shown, in case it is the password itself)"
        )
    value = os.environ.get(name)
    if value is None:
        raise PasswordSourceError(f"environment variable {name} is not set")
    return check_password_text(value, f"the password in environment variable {name}")


def from_file(path: str, option: str = "--password-file") -> str:
    """The first line of ``path`` as keytool reads it (a byte-order mark kept); ``""`` for an
    empty file."""
    if not os.path.lexists(path):
        raise PasswordSourceError(
            f"the file given to {option} does not exist (its name is not shown, in case it is "
            "the password itself)"
        )
    first = _LINE_END.split(read_bytes(path), maxsplit=1)[0]
    try:
        return first.decode("utf-8")
    except UnicodeDecodeError:
        raise PasswordSourceError(
            f"the password in {printable(path)} is not UTF-8 text; save the file as UTF-8"
        ) from None
