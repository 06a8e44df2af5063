"""Errors the core raises. ``str(error)`` is one line a user can act on."""

from __future__ import annotations


class KeystoreError(Exception):
    """Base class: anything the user should see as a message, never as a traceback."""


class WrongPasswordError(KeystoreError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or "wrong password, or the file was changed: integrity check failed"
        )


class NotAKeystoreError(KeystoreError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"not a keystore: {detail}")


class TruncatedFileError(KeystoreError):
    def __init__(self, detail: str | None = None) -> None:
        super().__init__("file is truncated" + (f": {detail}" if detail else ""))


class CorruptFileError(KeystoreError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"file is damaged: {detail}")


class UnsupportedFormatError(KeystoreError):
    """A format (or a feature of it) this product cannot read or write."""


class CannotHoldError(KeystoreError):
    """The target format cannot hold some entries; nothing was written."""

    def __init__(self, store_type: str, problems: list[tuple[str, str]]) -> None:
        self.store_type = store_type
        self.problems = problems
        listed = "; ".join(f"entry '{alias}': {why}" for alias, why in problems)
        super().__init__(f"{store_type} cannot hold {listed}")


class KeyLockedError(KeystoreError):
    """An entry's key is protected by its own password, which is needed for this operation."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        super().__init__(f"entry '{alias}' has its own key password; it is needed to continue")


class AliasError(KeystoreError):
    """An alias is missing, taken or invalid."""
