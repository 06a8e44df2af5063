"""Opening a file: read it, tell its type, and load it — or say that a password is needed.

The one way the CLI, the window and the trust chain view open files. :func:`try_open` never asks
for anything: it returns :class:`Opened`, or :class:`NeedsPassword` that the caller answers (a
dialog, an option, a prompt) with :meth:`NeedsPassword.load`. :func:`open_file` is the same with
the question asked through a callback, for callers that can ask where they are.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import der
from .errors import KeystoreError, WrongPasswordError
from .formats import detect
from .io import check_structure, load_keystore, read_bytes
from .model import Keystore, StoreType

WELL_KNOWN_PASSWORDS = ("wso2carbon", "changeit")
"""The default passwords of WSO2 products and of Java/Tomcat, worth trying before asking."""


@dataclass(frozen=True)
class Opened:
    store: Keystore
    password_used: str | None = None
    """The candidate password that opened the file, if one did (never one the user typed)."""
    digest: bytes | None = None
    """SHA-256 of the bytes read: what the file held, to notice another program changing it."""


@dataclass(frozen=True)
class NeedsPassword:
    """A file read and recognised, waiting for its password."""

    path: str
    store_type: StoreType
    data: bytes = field(repr=False)

    def load(self, password: str) -> Keystore:
        """Parse with ``password``; a wrong one raises :class:`WrongPasswordError`."""
        return load_keystore(self.data, password, self.store_type, self.path, digest=self.digest)

    @functools.cached_property
    def digest(self) -> bytes:
        """SHA-256 of the bytes read."""
        return hashlib.sha256(self.data).digest()

    @property
    def readable_without_password(self) -> bool:
        """JKS and JCEKS keep entries in clear beside their digest, PKCS#12 truststores their
        certificates beside the MAC: they can be listed without the password, unverified."""
        return self.store_type in (StoreType.JKS, StoreType.JCEKS, StoreType.PKCS12)

    def load_unverified(self) -> Keystore:
        """Parse without the password, as keytool does when none is given: the integrity check
        is skipped (``Keystore.unverified``) and keys stay encrypted; the store is read-only."""
        if not self.readable_without_password:
            raise WrongPasswordError(
                f"a {self.store_type} file cannot be read without its password"
            )
        return load_keystore(self.data, None, self.store_type, self.path, digest=self.digest)


def try_open(
    path: str | os.PathLike[str], candidates: Iterable[str] = (), *, check: bool = True
) -> Opened | NeedsPassword:
    """Read ``path`` and open it without asking: no password, or a candidate that works.

    With ``check``, damage that shows without the password (a truncated file) is reported
    before the caller asks for one. Any other problem raises a :class:`KeystoreError`.
    """
    name = os.fspath(path)
    data = read_bytes(name)
    kind = detect(data, name)
    if not kind.has_password:
        store = load_keystore(data, None, kind, name)
        return Opened(store, digest=store.read_digest)
    pending = NeedsPassword(name, kind, data)
    if kind is StoreType.PKCS12 and not _has_mac(data):
        # without a MAC and with nothing encrypted there is nothing a password would add:
        # open without asking
        try:
            store = pending.load_unverified()
            if not store.unverified and not any(e.is_locked for e in store.entries):
                return Opened(store, digest=pending.digest)
        except KeystoreError:
            pass
    for candidate in candidates:  # a password that works reads the file once
        try:
            return Opened(pending.load(candidate), candidate, pending.digest)
        except WrongPasswordError:
            continue
    if check:
        check_structure(data, kind)
    return pending


def _has_mac(pfx: bytes) -> bool:
    """Whether a PKCS#12 PFX carries MacData (after its version and content)."""
    try:
        return len(der.sequence(pfx)) > 2
    except der.DerError:
        return True


PasswordSource = Callable[[NeedsPassword], str | None]
"""Asked for the password of a file that needs one; ``None`` means there is none (cancelled)."""


def open_file(path: str | os.PathLike[str], password: PasswordSource) -> Keystore | None:
    """Open ``path``, asking ``password`` only if its format has one; ``None`` if it gave none."""
    result = try_open(path, check=False)
    if isinstance(result, Opened):
        return result.store
    given = password(result)
    return None if given is None else result.load(given)


def keystores_in(folder: Path) -> list[Path]:
    """The files in ``folder`` whose content is a password-protected keystore."""
    found: list[Path] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise KeystoreError(f"cannot read folder {folder}: {exc.strerror or exc}") from None
    for name in names:
        path = folder / name
        try:
            if not path.is_file() or path.stat().st_size == 0:
                continue
            with path.open("rb") as fh:
                head = fh.read(64 * 1024)
            if detect(head, name).has_password:
                found.append(path)
        except (OSError, KeystoreError):
            continue
    return found
