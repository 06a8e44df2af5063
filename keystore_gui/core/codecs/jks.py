"""Java keystores: JKS and JCEKS (read and write), BKS and UBER (read only).

Reading goes through pyjks with ``try_decrypt_keys=False``: keys stay sealed (a
:class:`JavaSealedKey` wrapping the pyjks entry) until :meth:`Entry.unlock`, because a JDK 17
JCEKS key takes ~120 ms to decrypt in Python and each key may have its own password.

Writing is done here rather than by pyjks (which cannot write JCEKS, writes aliases in plain
UTF-8, and re-encrypts decrypted keys with the store password): a key still sealed in a format
the target reads is written verbatim, so its own password survives; any other key is protected
with its entry password, or the store password when it has none.

Size: one family of four Java formats that share their entry layout and pyjks' quirks.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib
import logging
import os
import struct
import time
import warnings
from collections.abc import Callable
from typing import Any

import jks
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_der_private_key,
    load_der_public_key,
)
from jks import bks, sun_crypto
from jks import util as jks_util
from pyasn1.codec.ber import decoder as ber_decoder
from pyasn1_modules import rfc5208

from .. import formats
from ..errors import (
    CannotHoldError,
    CorruptFileError,
    KeyLockedError,
    KeystoreError,
    NotAKeystoreError,
    TruncatedFileError,
    UnsupportedFormatError,
    WrongPasswordError,
)
from ..model import (
    LOOSE_PROBLEM,
    PUBLIC_KEY_PROBLEM,
    Certificate,
    Entry,
    EntryKind,
    KeyMaterial,
    Keystore,
    PublicKey,
    SecretKey,
    StoreType,
    alias_clash,
    kind_of,
)
from . import javaformat, javaks
from .limits import MAX_LIST_REVEAL_ITERATIONS, check_iterations

# javaobj logs parse failures of damaged secret-key objects; the caller reports them instead.
logging.getLogger("javaobj").addHandler(logging.NullHandler())
logging.getLogger("javaobj").propagate = False

_JKS_OID = tuple(int(a) for a in javaformat.JKS_PROTECTOR_OID.split("."))
_JCE_OID = tuple(int(a) for a in javaformat.JCE_PROTECTOR_OID.split("."))


class _Truncated(Exception):
    """A length field points past the end of the data."""


class _Alias(str):
    """An entry's alias as read, unique by its place in the file: two entries under the same
    alias both survive pyjks's dict of entries (which would refuse the file), as Java reads
    such a file (the later entry wins there)."""

    __slots__ = ("position",)
    position: int

    def __new__(cls, text: str, position: int) -> _Alias:
        alias = super().__new__(cls, text)
        alias.position = position
        return alias

    def __hash__(self) -> int:
        return hash((str(self), self.position))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Alias) and (str(self), self.position) == (
            str(other),
            other.position,
        )


class _JavaReading:
    """pyjks's readers with Java's modified UTF-8 and strict bounds checks."""

    @classmethod
    def _read_utf(cls, data: bytes, pos: int, kind: str | None = None) -> tuple[str, int]:
        (size,) = struct.unpack_from(">H", data, pos)
        end = pos + 2 + size
        if end > len(data):
            raise _Truncated
        try:
            text = javaformat.decode_mutf8(data[pos + 2 : end])
        except UnicodeDecodeError:
            raise jks_util.BadKeystoreFormatException(f"bad text in {kind or 'a name'}") from None
        return (_Alias(text, pos) if kind == "entry alias" else text), end

    @classmethod
    def _read_data(cls, data: bytes, pos: int) -> tuple[bytes, int]:
        (size,) = struct.unpack_from(">I", data, pos)
        end = pos + 4 + size
        if end > len(data):
            raise _Truncated
        return data[pos + 4 : end], end


class _JavaKeyStore(_JavaReading, jks.KeyStore):  # type: ignore[misc]
    @classmethod
    def _read_secret_key(cls, data: bytes, pos: int, store_type: str) -> tuple[Any, int]:
        if len(data) - pos < 4:
            raise _Truncated
        try:
            entry, end = super()._read_secret_key(data, pos, store_type)
        except RuntimeError as exc:
            if "ended unexpectedly" in str(exc):  # javaobj ran out of data
                raise _Truncated from None
            raise
        entry.serialized = data[pos:end]
        return entry, end


class _BksKeyStore(_JavaReading, bks.BksKeyStore):  # type: ignore[misc]
    pass


class _UberKeyStore(_JavaReading, bks.UberKeyStore):  # type: ignore[misc]
    pass


# --- sealed keys -------------------------------------------------------------------------------


class JavaSealedKey:
    """A key of a JKS, JCEKS, BKS or UBER entry, still encrypted (see :class:`model.SealedKey`).

    ``raw`` is the pyjks entry, left untouched so that the writer can copy it verbatim.
    """

    def __init__(self, store_type: StoreType, raw: Any, alias: str) -> None:
        self.store_type = store_type
        self._raw = raw
        self.alias = alias
        self._salt = os.urandom(16)
        self._opened_with: bytes | None = None
        self.unlocked: KeyMaterial | None = None
        """The key :meth:`unlock` returned: only that very key may be written back sealed."""

    @property
    def raw(self) -> Any:
        return self._raw

    def _tag(self, password: str) -> bytes:
        return hashlib.sha256(self._salt + password.encode("utf-8", "surrogatepass")).digest()

    def opened_with(self, password: str) -> bool:
        """Whether :meth:`unlock` succeeded with ``password`` (kept only as a salted hash)."""
        return self._opened_with is not None and hmac.compare_digest(
            self._opened_with, self._tag(password)
        )

    def unlock_iterations(self) -> int:
        """The key-derivation iterations :meth:`unlock` costs, read without deriving (0 when
        unknown); JCEKS derives two halves of its key, each with the full count."""
        params = None
        if isinstance(self._raw, jks.SecretKeyEntry):
            params = getattr(self._raw._encrypted, "encodedParams", None)
        elif isinstance(self._raw, jks.PrivateKeyEntry) and self.store_type is StoreType.JCEKS:
            with contextlib.suppress(Exception):
                info, _ = ber_decoder.decode(
                    self._raw._encrypted, asn1Spec=rfc5208.EncryptedPrivateKeyInfo()
                )
                params = info["encryptionAlgorithm"]["parameters"].asOctets()
        elif isinstance(self._raw, bks.BksSealedKeyEntry):
            return 2 * _bks_iterations(self._raw._encrypted, 0)
        if params is None:
            return 0
        try:
            pbe, _ = ber_decoder.decode(bytes(params), asn1Spec=jks.rfc2898.PBEParameter())
            return 2 * int(pbe["iterationCount"])
        except Exception:
            return 0

    def unlock(self, password: str) -> KeyMaterial:
        if isinstance(self._raw, jks.PrivateKeyEntry):
            key: KeyMaterial = self._unlock_private(password)
        elif isinstance(self._raw, jks.SecretKeyEntry):
            key = self._unlock_secret(password)
        else:
            key = self._unlock_bks(password)
        self._opened_with = self._tag(password)
        self.unlocked = key
        return key

    def _wrong(self) -> WrongPasswordError:
        return WrongPasswordError(f"wrong key password for entry '{self.alias}'")

    def _unlock_private(self, password: str) -> KeyMaterial:
        try:
            info, _ = ber_decoder.decode(
                self._raw._encrypted, asn1Spec=rfc5208.EncryptedPrivateKeyInfo()
            )
            oid = info["encryptionAlgorithm"]["algorithm"].asTuple()
            params = info["encryptionAlgorithm"]["parameters"]
            encrypted = info["encryptedData"].asOctets()
        except Exception:
            raise CorruptFileError(f"the key of entry '{self.alias}' is damaged") from None
        if oid == _JKS_OID:
            try:
                pkcs8 = sun_crypto.jks_pkey_decrypt(encrypted, password)
            except Exception:
                raise self._wrong() from None
        elif oid == _JCE_OID and self.store_type is StoreType.JCEKS:
            if not password.isascii():
                raise WrongPasswordError(
                    f"wrong key password for entry '{self.alias}' (JCEKS key passwords are ASCII)"
                )
            try:
                pbe, _ = ber_decoder.decode(params.asOctets(), asn1Spec=jks.rfc2898.PBEParameter())
                salt, count = pbe["salt"].asOctets(), int(pbe["iterationCount"])
            except Exception:
                raise CorruptFileError(f"the key of entry '{self.alias}' is damaged") from None
            check_iterations(count, f"the key of entry '{self.alias}'")
            try:
                pkcs8 = sun_crypto.jce_pbe_decrypt(encrypted, password, salt, count)
            except Exception:
                raise self._wrong() from None
        else:
            raise UnsupportedFormatError(
                f"the key of entry '{self.alias}' is protected by an unknown algorithm "
                f"({'.'.join(map(str, oid))})"
            )
        try:
            return load_der_private_key(pkcs8, None)
        except Exception:
            if oid == _JCE_OID:
                # a wrong password passes the padding check now and then
                raise self._wrong() from None
            raise UnsupportedFormatError(
                f"the key of entry '{self.alias}' is of a kind this product cannot read"
            ) from None

    def _unlock_secret(self, password: str) -> KeyMaterial:
        sealed = self._raw._encrypted
        if getattr(sealed, "sealAlg", None) != javaformat.JCE_PBE_ALGORITHM:
            raise UnsupportedFormatError(
                f"the secret key of entry '{self.alias}' is sealed with an unknown algorithm"
            )
        if not password.isascii():
            raise WrongPasswordError(
                f"wrong key password for entry '{self.alias}' (JCEKS key passwords are ASCII)"
            )
        try:
            params, _ = ber_decoder.decode(
                bytes(sealed.encodedParams), asn1Spec=jks.rfc2898.PBEParameter()
            )
            count = int(params["iterationCount"])
        except Exception:
            raise CorruptFileError(f"the secret key of entry '{self.alias}' is damaged") from None
        check_iterations(count, f"the secret key of entry '{self.alias}'")
        copy = jks.SecretKeyEntry(sealed_obj=sealed, store_type="jceks", alias=self.alias)
        try:
            copy.decrypt(password)
            return SecretKey(str(copy.algorithm), bytes(copy.key))
        except Exception:
            raise self._wrong() from None

    def _unlock_bks(self, password: str) -> KeyMaterial:
        raw = self._raw
        if isinstance(raw, bks.BksSealedKeyEntry):
            _bks_header_iterations(raw._encrypted, 0, f"the key of entry '{self.alias}'")
            copy = bks.BksSealedKeyEntry(
                store_type=raw.store_type, encrypted=raw._encrypted, alias=self.alias
            )
            try:
                copy.decrypt(password)
                nested = copy._nested
            except Exception:
                raise self._wrong() from None
        else:
            nested = raw
        return _bks_key_material(nested, self.alias)


def _bks_key_material(entry: Any, alias: str) -> KeyMaterial:
    if entry.type == bks.KEY_TYPE_PRIVATE:
        try:
            return load_der_private_key(entry.pkey_pkcs8, None)
        except Exception:
            raise UnsupportedFormatError(
                f"the key of entry '{alias}' is of a kind this product cannot read"
            ) from None
    if entry.type == bks.KEY_TYPE_SECRET:
        return SecretKey(str(entry.algorithm), bytes(entry.key))
    try:
        return PublicKey(load_der_public_key(entry.public_key_info))
    except Exception:
        raise UnsupportedFormatError(
            f"the public key of entry '{alias}' is of a kind this product cannot read"
        ) from None


# --- reading -----------------------------------------------------------------------------------


def _is_truncation(exc: BaseException) -> bool:
    if isinstance(exc, _Truncated | struct.error | EOFError):
        return True
    if isinstance(exc, jks_util.BadKeystoreFormatException):
        first = exc.args[0] if exc.args else None
        if isinstance(first, struct.error):
            return True
        text = str(first)
        return "signature size" in text or "HMAC size" in text or "signature bytes" in text
    return False


def _failure(exc: Exception, what: str) -> KeystoreError:
    """Turn whatever pyjks (or javaobj under it) raised into a user-facing error."""
    if isinstance(exc, KeystoreError):
        return exc
    if _is_truncation(exc):
        return TruncatedFileError()
    if isinstance(exc, jks_util.KeystoreSignatureException | jks_util.DecryptionFailureException):
        return WrongPasswordError()
    if isinstance(exc, jks_util.UnsupportedKeystoreVersionException):
        return UnsupportedFormatError(f"this {what} format version is not supported")
    if isinstance(exc, jks_util.DuplicateAliasException):
        return CorruptFileError(f"two entries of this {what} have the same alias")
    return CorruptFileError(f"the {what} structure is invalid")


def pyjks_private_key_entry(store_type: StoreType, raw: javaks.RawEntry) -> Any:
    """The pyjks entry for a private key read by :mod:`.javaks`."""
    entry = jks.PrivateKeyEntry(
        cert_chain=raw.chain, encrypted=raw.protected_key, store_type=store_type.value.lower()
    )
    entry.alias, entry.timestamp = raw.alias, raw.timestamp
    return entry


def _private_key_entry(store_type: StoreType, alias: str, raw: Any) -> Entry:
    chain = [Certificate(der) for _type, der in raw.cert_chain]
    return Entry(
        alias,
        EntryKind.PRIVATE_KEY,
        chain=chain,
        sealed=JavaSealedKey(store_type, raw, alias),
        timestamp=javaks.timestamp(raw.timestamp),
    )


def _load_java(store_type: StoreType) -> formats.Loader:
    def load(data: bytes, password: str | None) -> Keystore:
        if len(data) < 12:
            raise TruncatedFileError()
        if data[:4] != javaks.MAGIC[store_type]:
            raise NotAKeystoreError(f"the file does not start like a {store_type} keystore")
        try:
            loaded = _JavaKeyStore.loads(data, password, try_decrypt_keys=False)
        except Exception as exc:
            raise _failure(exc, store_type) from None
        store = Keystore(store_type, password=password, unverified=password is None)
        for read_alias, raw in loaded.entries.items():
            alias = str(read_alias)
            if isinstance(raw, jks.TrustedCertEntry):
                entry = Entry(
                    alias,
                    EntryKind.TRUSTED_CERT,
                    chain=[Certificate(raw.cert)],
                    timestamp=javaks.timestamp(raw.timestamp),
                )
            elif isinstance(raw, jks.PrivateKeyEntry) and not raw.cert_chain:
                # a key entry without certificates is a secret key to Java (JDK 1.4 wrote them)
                entry = Entry(
                    alias,
                    EntryKind.SECRET_KEY,
                    sealed=JavaSealedKey(store_type, raw, alias),
                    timestamp=javaks.timestamp(raw.timestamp),
                )
            elif isinstance(raw, jks.PrivateKeyEntry):
                entry = _private_key_entry(store_type, alias, raw)
            else:
                entry = Entry(
                    alias,
                    EntryKind.SECRET_KEY,
                    sealed=JavaSealedKey(store_type, raw, alias),
                    timestamp=javaks.timestamp(raw.timestamp),
                )
            store.entries.append(entry)
        store.mark_shadowed()
        return store

    return load


def _import_twofish() -> None:
    """UBER needs the ``twofish`` package, which imports ``imp`` (gone in Python 3.12) and leaves
    the file ``imp.find_module`` opened for the garbage collector to close."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", ResourceWarning)
            importlib.import_module("twofish")
    except Exception:
        raise UnsupportedFormatError(
            "UBER keystores need the 'twofish' package, which does not work on this Python"
        ) from None


def _sealed_bks_entry(
    store_type: StoreType, alias: str, raw: Any, chain: list[Certificate], password: str | None
) -> Entry:
    """A sealed BKS/UBER key says what it is (private, public, secret) only inside its
    encryption: open it with the store password, as BouncyCastle's own tools do. A key sealed
    under a password of its own (or beyond the budget) stays sealed; it is taken for a key pair
    if it has certificates, else for a secret key (as keytool takes it): ``kind_known`` False."""
    sealed = JavaSealedKey(store_type, raw, alias)
    try:
        if password is None:
            raise KeyLockedError(alias)
        key = sealed.unlock(password)
    except KeystoreError:
        kind = EntryKind.PRIVATE_KEY if chain else EntryKind.SECRET_KEY
        return Entry(alias, kind, chain, sealed=sealed, kind_known=False)
    return Entry(alias, kind_of(key), chain, key=key, sealed=sealed)


def _bks_store(store_type: StoreType, loaded: Any, password: str) -> Keystore:
    store = Keystore(store_type, _bks_entries(store_type, loaded, password), password=password)
    store.mark_shadowed()
    return store


def _bks_entries(store_type: StoreType, loaded: Any, password: str) -> list[Entry]:
    budget = MAX_LIST_REVEAL_ITERATIONS
    entries: list[Entry] = []
    for read_alias, raw in loaded.entries.items():
        alias = str(read_alias)
        timestamp = javaks.timestamp(raw.timestamp)
        if isinstance(raw, bks.BksTrustedCertEntry):
            entries.append(
                Entry(alias, EntryKind.TRUSTED_CERT, [Certificate(raw.cert)], timestamp=timestamp)
            )
            continue
        chain = [Certificate(c.cert) for c in raw.cert_chain]
        if isinstance(raw, bks.BksSealedKeyEntry):
            cost = 2 * _bks_iterations(raw._encrypted, 0)
            opener = password if cost <= budget else None
            budget -= cost if opener is not None else 0
            entries.append(_sealed_bks_entry(store_type, alias, raw, chain, opener))
            entries[-1].timestamp = timestamp
        elif isinstance(raw, bks.BksKeyEntry):
            key = _bks_key_material(raw, alias)
            entries.append(Entry(alias, kind_of(key), chain, key=key, timestamp=timestamp))
        else:
            # an opaque secret stored as given by the application
            key = SecretKey("opaque", bytes(raw.key))
            entries.append(Entry(alias, EntryKind.SECRET_KEY, chain, key=key, timestamp=timestamp))
    return entries


def _load_uber(data: bytes, password: str) -> Keystore:
    _import_twofish()
    loaded = _UberKeyStore.loads(data, password, try_decrypt_keys=False)
    return _bks_store(StoreType.UBER, loaded, password)


def _could_be_uber(data: bytes) -> bool:
    """Version 1, and a Twofish ciphertext (whole 16-byte blocks) after salt and count."""
    if data[:4] != b"\x00\x00\x00\x01" or len(data) < 8:
        return False
    salt_size: int = struct.unpack_from(">I", data, 4)[0]
    body = len(data) - (8 + salt_size + 4)
    return body > 0 and body % 16 == 0


def _bks_iterations(data: bytes, pos: int) -> int:
    """The iteration count after a length-prefixed salt."""
    if len(data) < pos + 4:
        raise TruncatedFileError()
    salt_size: int = struct.unpack_from(">I", data, pos)[0]
    at = pos + 4 + salt_size
    if len(data) < at + 4:
        raise TruncatedFileError()
    count: int = struct.unpack_from(">I", data, at)[0]
    return count


def _bks_header_iterations(data: bytes, pos: int, what: str) -> None:
    """Check the iteration count after a length-prefixed salt, before pyjks derives keys with it."""
    check_iterations(_bks_iterations(data, pos), what)


def load_bks(data: bytes, password: str | None) -> Keystore:
    """BKS (v1, v2), falling back to UBER, which starts with the same version number."""
    if len(data) < 8:
        raise TruncatedFileError()
    _bks_header_iterations(data, 4, "the keystore")
    if password is None:
        raise WrongPasswordError("a password is needed to open a BKS or UBER keystore")
    try:
        loaded = _BksKeyStore.loads(data, password, try_decrypt_keys=False)
        return _bks_store(StoreType.BKS, loaded, password)
    except Exception as exc:
        bks_error = _failure(exc, "BKS")
    if not _could_be_uber(data):
        raise bks_error
    try:
        return _load_uber(data, password)
    except Exception as exc:
        uber_error = _failure(exc, "UBER")
    if isinstance(uber_error, UnsupportedFormatError | WrongPasswordError):
        raise uber_error
    raise bks_error


def load_uber(data: bytes, password: str | None) -> Keystore:
    if len(data) < 8:
        raise TruncatedFileError()
    if password is None:
        raise WrongPasswordError("a password is needed to open an UBER keystore")
    try:
        return _load_uber(data, password)
    except Exception as exc:
        raise _failure(exc, "UBER") from None


# --- writing -----------------------------------------------------------------------------------


def _pkcs8(entry: Entry) -> bytes:
    return entry.private_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())


def _verbatim(entry: Entry, password: str, usable: Callable[[Any], bool]) -> Any | None:
    """The pyjks entry to copy as is, if the key is still sealed the way it should be written."""
    sealed = getattr(entry.sealed, "resolved", entry.sealed)  # see javaks.LazyJavaSealedKey
    if not isinstance(sealed, JavaSealedKey) or not usable(sealed.raw):
        return None
    if entry.key is None or (entry.key is sealed.unlocked and sealed.opened_with(password)):
        return sealed.raw
    return None


def _protected_private_key(entry: Entry, target: StoreType, password: str) -> bytes:
    def usable(raw: Any) -> bool:
        if not isinstance(raw, jks.PrivateKeyEntry):
            return False
        if bool(raw.store_type == "jks"):
            return True  # a JCEKS reads JKS-protected keys too
        return target is StoreType.JCEKS and bool(raw.store_type == "jceks")

    raw = _verbatim(entry, password, usable)
    if raw is not None:
        return bytes(raw._encrypted)
    if entry.key is None:
        raise KeyLockedError(entry.alias)
    if target is StoreType.JKS:
        return javaformat.jks_protect(_pkcs8(entry), password)
    _check_jce_password(entry, password)
    return javaformat.jce_protect(_pkcs8(entry), password)


def _check_jce_password(entry: Entry, password: str) -> None:
    if not password.isascii():
        raise CannotHoldError("JCEKS", [(entry.alias, "JCEKS key passwords must be ASCII")])


def _sealed_secret_key(entry: Entry, password: str) -> bytes:
    raw = _verbatim(entry, password, lambda r: isinstance(r, jks.SecretKeyEntry))
    if raw is not None:
        return bytes(raw.serialized)
    if not isinstance(entry.key, SecretKey):
        raise KeyLockedError(entry.alias)
    _check_jce_password(entry, password)
    return javaformat.seal_secret_key(entry.key.algorithm, entry.key.key, password)


def _check_aliases(store: Keystore, target: StoreType) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for entry in store.entries:
        folded = entry.alias.lower()
        if folded in seen:
            problems.append((entry.alias, alias_clash(seen[folded], entry.alias, str(target))))
        seen.setdefault(folded, entry.alias)
        if len(javaformat.encode_mutf8(folded)) > 0xFFFF:
            problems.append((entry.alias, "its alias is too long"))
    return problems


def _check_entries(store: Keystore, target: StoreType, password: str) -> list[tuple[str, str]]:
    problems = _check_aliases(store, target)
    for entry in store.entries:
        if entry.kind is EntryKind.PUBLIC_KEY:
            problems.append((entry.alias, PUBLIC_KEY_PROBLEM))
        elif entry.kind is EntryKind.SECRET_KEY and target is StoreType.JKS:
            problems.append((entry.alias, "JKS cannot hold secret keys (JCEKS or PKCS#12 can)"))
        elif entry.kind is not EntryKind.SECRET_KEY and not entry.chain:
            problems.append((entry.alias, "it has no certificate"))
        elif entry.kind is EntryKind.TRUSTED_CERT and len(entry.chain) > 1:
            problems.append((entry.alias, "a trusted-certificate entry holds one certificate"))
        elif entry.kind is EntryKind.SECRET_KEY and entry.chain:
            problems.append((entry.alias, "a secret-key entry cannot carry certificates"))
        elif entry.loose:
            problems.append((entry.alias, LOOSE_PROBLEM))
    return problems


def _cert_data(cert: Certificate) -> bytes:
    return javaformat.write_utf("X.509") + struct.pack(">I", len(cert.der)) + cert.der


def _millis(entry: Entry) -> int:
    if entry.timestamp is not None:
        return int(entry.timestamp.timestamp() * 1000)
    return int(time.time() * 1000)


def _dump_java(target: StoreType) -> formats.Dumper:
    def dump(store: Keystore, password: str) -> bytes:
        problems = _check_entries(store, target, password)
        if problems:
            raise CannotHoldError(str(target), problems)
        out = bytearray(javaks.MAGIC[target] + struct.pack(">II", 2, len(store.entries)))
        for entry in store.entries:
            head = javaformat.write_utf(entry.alias.lower()) + struct.pack(">Q", _millis(entry))
            key_password = entry.key_password or password
            if entry.kind is EntryKind.TRUSTED_CERT:
                out += struct.pack(">I", 2) + head + _cert_data(entry.chain[0])
            elif entry.kind is EntryKind.PRIVATE_KEY:
                protected = _protected_private_key(entry, target, key_password)
                out += struct.pack(">I", 1) + head + struct.pack(">I", len(protected)) + protected
                out += struct.pack(">I", len(entry.chain))
                for cert in entry.chain:
                    out += _cert_data(cert)
            else:
                out += struct.pack(">I", 3) + head + _sealed_secret_key(entry, key_password)
        secret = javaks.integrity_key(password)
        out += hashlib.sha1(secret + javaks.WHITENING + out, usedforsecurity=False).digest()
        return bytes(out)

    return dump


# JKS and JCEKS are registered by .javaks, which reads them without pyjks and comes here for
# writing them, and for a JCEKS file holding secret keys.
formats.register(formats.Codec(StoreType.BKS, load_bks))
formats.register(formats.Codec(StoreType.UBER, load_uber))
