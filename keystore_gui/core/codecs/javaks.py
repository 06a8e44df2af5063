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
_U64 = struct.Struct(">q")


@dataclass(slots=True)
class RawEntry:
    """One entry as the file holds it."""

    tag: int
    alias: str
    timestamp: int
    """Milliseconds since 1970, as Java wrote it."""
    protected_key: bytes
    """A private key's ``EncryptedPrivateKeyInfo`` (empty for a trusted certificate)."""
    chain: list[tuple[str, bytes]]
    """(certificate type, DER) leaf first; a trusted certificate's one certificate."""


class SecretKeysInside(Exception):
    """A JCEKS secret key (Java serialization, with no length to skip it by) is in the file."""


def integrity_key(password: str) -> bytes:
    """What Java hashes in front of the file: each ``char`` of the password, big-endian."""
    return password.encode("utf-16-be", "surrogatepass")


def read_entries(data: bytes, store_type: StoreType, password: str | None) -> list[RawEntry]:
    """Every entry of a JKS or JCEKS file, in file order (duplicates included), checking the
    integrity digest when ``password`` is given. Raises a :class:`KeystoreError`, or
    :class:`SecretKeysInside`."""
    what = store_type.value
    try:
        version, count = struct.unpack_from(">II", data, 4)
        if version != 2:
            raise UnsupportedFormatError(f"this {what} format version is not supported")
        pos = 12
        entries: list[RawEntry] = []
        for _ in range(count):
            (tag,) = _U32.unpack_from(data, pos)
            alias, pos = _read_utf(data, pos + 4, what)
            (timestamp,) = _U64.unpack_from(data, pos)
            pos += 8
            if tag == _TRUSTED_CERT:
                cert_type, pos = _read_utf(data, pos, what)
                der, pos = _read_data(data, pos)
                entries.append(RawEntry(tag, alias, timestamp, b"", [(cert_type, der)]))
            elif tag == _PRIVATE_KEY:
                protected, pos = _read_data(data, pos)
                (length,) = _U32.unpack_from(data, pos)
                pos += 4
                chain = []
                for _ in range(length):
                    cert_type, pos = _read_utf(data, pos, what)
                    der, pos = _read_data(data, pos)
                    chain.append((cert_type, der))
                entries.append(RawEntry(tag, alias, timestamp, protected, chain))
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
        expected = hashlib.sha1(
            integrity_key(password) + WHITENING + data[:pos], usedforsecurity=False
        ).digest()
        if not hmac.compare_digest(digest, expected):
            raise WrongPasswordError()
    return entries


def _read_utf(data: bytes, pos: int, what: str) -> tuple[str, int]:
    (size,) = _U16.unpack_from(data, pos)
    end = pos + 2 + size
    if end > len(data):
        raise TruncatedFileError()
    raw = data[pos + 2 : end]
    if raw.isascii() and b"\0" not in raw:  # modified UTF-8 writes NUL as C0 80
        return raw.decode("ascii"), end
    from .javaformat import decode_mutf8

    try:
        return decode_mutf8(raw), end
    except UnicodeDecodeError:
        raise CorruptFileError(f"the {what} structure is invalid") from None


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


def _entries(store_type: StoreType, raws: list[RawEntry]) -> list[Entry]:
    entries = []
    for raw in raws:
        chain = [Certificate(der) for _type, der in raw.chain]
        when = timestamp(raw.timestamp)
        if raw.tag == _TRUSTED_CERT:
            entries.append(Entry(raw.alias, EntryKind.TRUSTED_CERT, chain, timestamp=when))
        else:
            # a key entry without certificates is a secret key to Java (JDK 1.4 wrote them)
            kind = EntryKind.PRIVATE_KEY if chain else EntryKind.SECRET_KEY
            sealed = LazyJavaSealedKey(store_type, raw)
            entries.append(Entry(raw.alias, kind, chain, sealed=sealed, timestamp=when))
    return entries


def _load(store_type: StoreType) -> formats.Loader:
    def load(data: bytes, password: str | None) -> Keystore:
        if len(data) < 12:
            raise TruncatedFileError()
        if data[:4] != MAGIC[store_type]:
            raise NotAKeystoreError(f"the file does not start like a {store_type} keystore")
        try:
            raws = read_entries(data, store_type, password)
        except SecretKeysInside:
            from .jks import _load_java

            return _load_java(store_type)(data, password)
        store = Keystore(
            store_type,
            _entries(store_type, raws),
            password=password,
            unverified=password is None,
        )
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
