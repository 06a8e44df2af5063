"""JKS and JCEKS files read natively, without importing pyjks.

Opening a keystore is the first thing the window and ``keystore-cli list`` do, and pyjks pulls in
pycryptodome, cffi's C parser, javaobj and pyasn1 on import: more time than reading 10,000
entries. The layout of Sun's ``JavaKeyStore``/``JceKeyStore`` is simple (a header, then per entry
a tag, an alias in modified UTF-8, a timestamp, the protected key and the certificates, and a
SHA-1 digest keyed by the password at the end), so it is read here with ``struct``. Keys stay
sealed; the first time one is needed (unlocking, writing) :mod:`.jks` and pyjks are imported and
take over through :class:`LazyJavaSealedKey`.

The one part read elsewhere: a JCEKS secret key is a Java-serialized ``SealedObject`` with no
length in front of it, so a file holding one is left to pyjks (:mod:`.jks`) whole.
Writing JKS and JCEKS stays in :mod:`.jks`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import struct
from dataclasses import dataclass
from typing import Any

from .. import formats
from ..errors import (
    CorruptFileError,
    NotAKeystoreError,
    TruncatedFileError,
    UnsupportedFormatError,
    WrongPasswordError,
)
from ..model import Certificate, Entry, EntryKind, KeyMaterial, Keystore, StoreType

MAGIC = {StoreType.JKS: b"\xfe\xed\xfe\xed", StoreType.JCEKS: b"\xce\xce\xce\xce"}
WHITENING = b"Mighty Aphrodite"
_PRIVATE_KEY, _TRUSTED_CERT, _SECRET_KEY = 1, 2, 3
_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_TIME = struct.Struct(">q")
_HEADER = struct.Struct(">II")
"""Version and entry count."""
_TAG_ALIAS = struct.Struct(">IH")
"""An entry's tag and the length of its alias."""
_X509 = b"\x00\x05X.509"
"""The certificate type "X.509" as Java writes it (a length, then modified UTF-8)."""
_TIME_X509 = struct.Struct(">q7sI")
"""A trusted entry after its alias: timestamp, certificate type (if it is :data:`_X509`), length
of the DER."""
_NOT_X509 = (0, b"", 0)
"""What stands for :data:`_TIME_X509`'s fields where the file is too short for them."""


@dataclass(slots=True)
class RawEntry:
    """A key entry as the file holds it: what pyjks needs to decrypt or write back the key."""

    alias: str
    timestamp: int
    """Milliseconds since 1970, as Java wrote it."""
    protected_key: bytes
    """The key's ``EncryptedPrivateKeyInfo``."""
    chain: list[tuple[str, bytes]]
    """(certificate type, DER) leaf first."""


class SecretKeysInside(Exception):
    """A JCEKS secret key (Java serialization, with no length to skip it by) is in the file."""


def integrity_key(password: str) -> bytes:
    """What Java hashes in front of the file: each ``char`` of the password, big-endian."""
    return password.encode("utf-16-be", "surrogatepass")


def read_entries(data: bytes, store_type: StoreType, password: str | None) -> list[Entry]:
    """Every entry of a JKS or JCEKS file, in file order (duplicates included), checking the
    integrity digest when ``password`` is given. Raises a :class:`KeystoreError`, or
    :class:`SecretKeysInside`.

    One flat loop with as few calls and objects per entry as it can: on 10,000 entries each one
    shows. A trusted certificate of type "X.509" (the only type Java writes) has its timestamp,
    type and length read in one ``unpack``; any other type, or a file too short for that
    ``unpack``, takes the general path, which checks the same things field by field."""
    what = store_type.value
    size = len(data)
    times: dict[int, dt.datetime | None] = {}  # one import run gives many entries one time
    entries: list[Entry] = []
    append = entries.append
    trusted = EntryKind.TRUSTED_CERT
    try:
        version, count = _HEADER.unpack_from(data, 4)
        if version != 2:
            raise UnsupportedFormatError(f"this {what} format version is not supported")
        pos = 12
        for _ in range(count):
            tag, length = _TAG_ALIAS.unpack_from(data, pos)
            start = pos + 6
            pos = start + length
            if pos > size:
                raise TruncatedFileError()
            raw = data[start:pos]
            alias = raw.decode("ascii") if raw.isascii() else _mutf8(raw, what)
            if tag == _TRUSTED_CERT:
                millis, cert_type, length = (
                    _TIME_X509.unpack_from(data, pos) if pos + 19 <= size else _NOT_X509
                )
                start = pos + 19
                if cert_type != _X509:
                    (millis,) = _TIME.unpack_from(data, pos)
                    _, start = _read_utf(data, pos + 8, what)
                    (length,) = _U32.unpack_from(data, start)
                    start += 4
                pos = start + length
                if pos > size:
                    raise TruncatedFileError()
                if millis not in times:
                    times[millis] = timestamp(millis)
                cert = Certificate(data[start:pos])
                append(Entry(alias, trusted, [cert], None, None, None, times[millis]))
            elif tag == _PRIVATE_KEY:
                (millis,) = _TIME.unpack_from(data, pos)
                protected, pos = _read_data(data, pos + 8)
                (length,) = _U32.unpack_from(data, pos)
                pos += 4
                chain = []
                for _ in range(length):
                    cert_type, pos = _read_utf(data, pos, what)
                    der, pos = _read_data(data, pos)
                    chain.append((cert_type, der))
                sealed = LazyJavaSealedKey(store_type, RawEntry(alias, millis, protected, chain))
                certs = [Certificate(der) for _type, der in chain]
                # a key entry without certificates is a secret key to Java (JDK 1.4 wrote them)
                kind = EntryKind.PRIVATE_KEY if certs else EntryKind.SECRET_KEY
                if millis not in times:
                    times[millis] = timestamp(millis)
                append(Entry(alias, kind, certs, None, sealed, None, times[millis]))
            elif tag == _SECRET_KEY and store_type is StoreType.JCEKS:
                raise SecretKeysInside
            else:
                raise CorruptFileError(f"the {what} structure is invalid")
    except struct.error:
        raise TruncatedFileError() from None
    if password is not None:
        digest = data[pos : pos + 20]
        if len(digest) != 20:
            raise TruncatedFileError()
        expected = hashlib.sha1(integrity_key(password) + WHITENING, usedforsecurity=False)
        expected.update(memoryview(data)[:pos])
        if not hmac.compare_digest(digest, expected.digest()):
            raise WrongPasswordError()
    return entries


def _mutf8(raw: bytes, what: str) -> str:
    from .javaformat import decode_mutf8

    try:
        return decode_mutf8(raw)
    except UnicodeDecodeError:
        raise CorruptFileError(f"the {what} structure is invalid") from None


def _read_utf(data: bytes, pos: int, what: str) -> tuple[str, int]:
    (size,) = _U16.unpack_from(data, pos)
    end = pos + 2 + size
    if end > len(data):
        raise TruncatedFileError()
    raw = data[pos + 2 : end]
    return (raw.decode("ascii") if raw.isascii() else _mutf8(raw, what)), end


def _read_data(data: bytes, pos: int) -> tuple[bytes, int]:
    (size,) = _U32.unpack_from(data, pos)
    end = pos + 4 + size
    if end > len(data):
        raise TruncatedFileError()
    return data[pos + 4 : end], end


def timestamp(millis: int | None) -> dt.datetime | None:
    """An entry's creation time, from the milliseconds Java wrote (``None`` if unusable)."""
    if millis is None:
        return None
    try:
        return dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


class LazyJavaSealedKey:
    """A private key of a natively read JKS/JCEKS entry, still encrypted. It stands for
    :class:`.jks.JavaSealedKey`, which it makes (importing pyjks) the first time the key is
    used; :attr:`resolved` is that object, for the writer's verbatim copy."""

    def __init__(self, store_type: StoreType, raw: RawEntry) -> None:
        self.store_type = store_type
        self.alias = raw.alias
        self._raw_entry = raw
        self._resolved: Any = None

    @property
    def resolved(self) -> Any:
        if self._resolved is None:
            from .jks import JavaSealedKey, pyjks_private_key_entry

            raw = self._raw_entry
            self._resolved = JavaSealedKey(
                self.store_type, pyjks_private_key_entry(self.store_type, raw), raw.alias
            )
        return self._resolved

    @property
    def raw(self) -> object:
        return self.resolved.raw

    @property
    def unlocked(self) -> KeyMaterial | None:
        return None if self._resolved is None else self._resolved.unlocked

    def opened_with(self, password: str) -> bool:
        return self._resolved is not None and bool(self._resolved.opened_with(password))

    def unlock_iterations(self) -> int:
        return int(self.resolved.unlock_iterations())

    def unlock(self, password: str) -> KeyMaterial:
        key: KeyMaterial = self.resolved.unlock(password)
        return key


def _load(store_type: StoreType) -> formats.Loader:
    def load(data: bytes, password: str | None) -> Keystore:
        if len(data) < 12:
            raise TruncatedFileError()
        if data[:4] != MAGIC[store_type]:
            raise NotAKeystoreError(f"the file does not start like a {store_type} keystore")
        try:
            entries = read_entries(data, store_type, password)
        except SecretKeysInside:
            from .jks import _load_java

            return _load_java(store_type)(data, password)
        store = Keystore(store_type, entries, password=password, unverified=password is None)
        store.mark_shadowed()  # two entries under one alias: Java uses the later one
        return store

    return load


def _dump(store_type: StoreType) -> formats.Dumper:
    def dump(store: Keystore, password: str) -> bytes:
        from .jks import _dump_java

        return _dump_java(store_type)(store, password)

    return dump


def _check(store_type: StoreType) -> formats.Checker:
    """A JKS or JCEKS file parses without its password: only the integrity check needs it."""
    load = _load(store_type)

    def check(data: bytes) -> None:
        load(data, None)

    return check


for _kind in (StoreType.JKS, StoreType.JCEKS):
    formats.register(formats.Codec(_kind, _load(_kind), _dump(_kind), _check(_kind)))
