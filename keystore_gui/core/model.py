"""The domain model shared by every codec, the CLI and the GUI.

A :class:`Keystore` is an ordered list of :class:`Entry` objects. An entry is a private key with
its certificate chain (leaf first), a trusted certificate, or a secret key. Certificates are kept
as their original DER bytes: fingerprints, exports and signature checks always use those bytes,
even where ``cryptography`` cannot parse a certificate (it is then shown from a lenient parse).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TypeAlias

from cryptography.utils import CryptographyDeprecationWarning

if TYPE_CHECKING:  # cryptography's X.509 and key modules load when a certificate is first parsed
    from cryptography.hazmat.primitives.asymmetric.types import (
        CertificatePublicKeyTypes,
        PrivateKeyTypes,
        PublicKeyTypes,
    )
    from cryptography.x509 import Certificate as X509Certificate
    from cryptography.x509 import Name

from .errors import (
    AliasError,
    CorruptFileError,
    KeyLockedError,
    KeystoreError,
    UnsupportedFormatError,
    WrongPasswordError,
)

# Nine roots of Java's cacerts have serial number 0, which RFC 5280 disallows; they are real
# trust anchors and are listed like any other, without a warning per certificate.
warnings.filterwarnings(
    "ignore",
    message="Parsed a serial number which wasn't positive",
    category=CryptographyDeprecationWarning,
)


class StoreType(StrEnum):
    JKS = "JKS"
    JCEKS = "JCEKS"
    PKCS12 = "PKCS12"
    PEM = "PEM"
    DER = "DER"
    PKCS7 = "PKCS7"
    PKIPATH = "PKIPATH"
    """A PkiPath: a DER SEQUENCE OF Certificate, root first (Java's CertPath encoding)."""
    BKS = "BKS"
    UBER = "UBER"

    @property
    def is_certificate_file(self) -> bool:
        return self in (StoreType.PEM, StoreType.DER, StoreType.PKCS7, StoreType.PKIPATH)

    @property
    def has_password(self) -> bool:
        return not self.is_certificate_file

    @property
    def has_entry_passwords(self) -> bool:
        """JKS and JCEKS protect each key with a password of its own."""
        return self in (StoreType.JKS, StoreType.JCEKS)

    @property
    def case_insensitive_aliases(self) -> bool:
        """Java folds JKS/JCEKS/PKCS#12 aliases; certificate files get lowercase derived ones."""
        return self not in (StoreType.BKS, StoreType.UBER)


NOT_TRUSTED_BY_JAVA = (
    "not trusted by Java: the PKCS#12 file holds this certificate outside any key's chain "
    "and without Java's trust attribute (keytool does not list it)"
)
"""What list, show and the window say of a loose certificate (:attr:`Entry.loose`)."""

LOOSE_PROBLEM = (
    "not trusted by Java in its PKCS#12 file; here it would become a trusted entry "
    "(trust it or leave it out first)"
)
"""Why a loose certificate (:attr:`Entry.loose`) cannot go into a JKS or JCEKS file as it is."""

SHADOWED = "another entry with the same alias follows in the file: Java uses that one, not this"
"""What list, show and the window say of a shadowed entry (:attr:`Entry.shadowed`)."""

PUBLIC_KEY_PROBLEM = "a bare public key: JKS, JCEKS and PKCS#12 have no place for one"
"""Why a public-key entry (BKS, UBER) cannot be written to any format this product writes."""


class EntryKind(StrEnum):
    PRIVATE_KEY = "private-key"
    TRUSTED_CERT = "trusted-cert"
    SECRET_KEY = "secret-key"
    PUBLIC_KEY = "public-key"
    """A bare public key, without a certificate (BKS and UBER hold them)."""


def describe_public_key(key: PublicKeyTypes) -> str:
    """A short human description: ``RSA 2048``, ``EC secp256r1``, ``Ed25519``."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA {key.key_size}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    return type(key).__name__.removesuffix("PublicKey").lstrip("_")


def attribute_text(value: str | bytes) -> str:
    """A name attribute's value as text (bytes, as a bit string holds, decoded leniently)."""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def common_name(name: Name) -> str | None:
    """The first CN of ``name``, or ``None`` if it has none."""
    from cryptography.x509 import NameOID

    found = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return attribute_text(found[0].value) if found else None


class Certificate:
    """An X.509 certificate, identified by its DER bytes.

    Parsing is lazy so that listing a store of 10,000 certificates parses only what is shown.
    """

    __slots__ = ("_fallback", "_sha256", "_x509", "der")

    def __init__(self, der: bytes) -> None:
        self.der = bytes(der)
        self._x509: X509Certificate | None = None
        self._fallback: LenientCertificate | None = None
        self._sha256: str | None = None

    @classmethod
    def from_x509(cls, cert: X509Certificate) -> Certificate:
        from cryptography.hazmat.primitives.serialization import Encoding

        obj = cls(cert.public_bytes(Encoding.DER))
        obj._x509 = cert
        return obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and other.der == self.der

    def __hash__(self) -> int:
        return hash(self.der)

    def __repr__(self) -> str:
        return f"<Certificate {self.subject!r} sha256={self.sha256[:16]}…>"

    # --- parsing -----------------------------------------------------------------------------
    @property
    def x509(self) -> X509Certificate | None:
        """The ``cryptography`` object, or ``None`` if cryptography refuses this DER."""
        if self._x509 is None and self._fallback is None:
            from cryptography.x509 import InvalidVersion, load_der_x509_certificate

            try:
                parsed = load_der_x509_certificate(self.der)
                # cryptography decodes names and times on first access: do it now, so that a
                # damaged field takes the lenient path here instead of failing a later read.
                _ = (parsed.subject, parsed.issuer, parsed.not_valid_after_utc)
                self._x509 = parsed
            except (ValueError, TypeError, InvalidVersion):  # TypeError: a name value's type
                from .lenient import parse_lenient

                self._fallback = parse_lenient(self.der)
        return self._x509

    def for_one_pass(self) -> Certificate:
        """This certificate when it is parsed already; else a new one over the same DER, for a
        pass over every certificate of a store (the health check) to parse and drop, so that
        the pass leaves no parsed copy behind (cryptography's objects take ~4 KB each: 400 MB
        on a 100,000-entry store). It compares equal to this one."""
        if self._x509 is not None or self._fallback is not None:
            return self
        copy = Certificate(self.der)
        copy._sha256 = self._sha256
        return copy

    @property
    def lenient(self) -> LenientCertificate | None:
        """The lenient parse, when cryptography refused this DER (``x509`` is then ``None``)."""
        self.x509  # noqa: B018 -- parses on first use
        return self._fallback

    def _view(self) -> X509Certificate | LenientCertificate:
        parsed = self.x509
        if parsed is not None:
            return parsed
        assert self._fallback is not None
        return self._fallback

    # --- fields ------------------------------------------------------------------------------
    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.der).hexdigest()
        return self._sha256

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.der, usedforsecurity=False).hexdigest()

    @property
    def subject(self) -> str:
        return self._view().subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self._view().issuer.rfc4514_string()

    @property
    def subject_name(self) -> Name:
        return self._view().subject

    @property
    def issuer_name(self) -> Name:
        return self._view().issuer

    @property
    def serial(self) -> int:
        return self._view().serial_number

    @property
    def not_before(self) -> dt.datetime:
        return self._view().not_valid_before_utc

    @property
    def not_after(self) -> dt.datetime:
        return self._view().not_valid_after_utc

    def public_key(self) -> CertificatePublicKeyTypes:
        """The subject's public key; a :class:`KeystoreError` if it cannot be decoded."""
        from cryptography.exceptions import UnsupportedAlgorithm

        try:
            return self._view().public_key()
        except UnsupportedAlgorithm as exc:
            raise UnsupportedFormatError(
                f"unsupported public key in '{self.subject}': {exc}"
            ) from None
        except ValueError as exc:
            raise CorruptFileError(f"invalid public key in '{self.subject}': {exc}") from None

    @property
    def key_description(self) -> str:
        """``RSA 2048``, ``EC secp256r1``; a key cryptography cannot load is named from the DER
        and marked: ``EC sect193r1 (key not supported)``."""
        try:
            return describe_public_key(self.public_key())
        except KeystoreError:
            from .keynames import describe_spki

            return f"{describe_spki(self.der) or 'unknown key'} (key not supported)"

    @property
    def is_self_issued(self) -> bool:
        return bool(self.subject_name == self.issuer_name)

    @property
    def pem(self) -> str:
        body = base64.encodebytes(self.der).decode("ascii").replace("\n", "")
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"

    def common_name(self, of: str = "subject") -> str:
        """The first CN of the subject (or ``of="issuer"``), or the whole DN if it has none."""
        name = self.subject_name if of == "subject" else self.issuer_name
        cn = common_name(name)
        return cn if cn is not None else str(name.rfc4514_string())


class LenientCertificate(Protocol):
    """What :mod:`keystore_gui.core.lenient` offers for DER that cryptography refuses."""

    @property
    def subject(self) -> Name: ...
    @property
    def issuer(self) -> Name: ...
    @property
    def serial_number(self) -> int: ...
    @property
    def not_valid_before_utc(self) -> dt.datetime: ...
    @property
    def not_valid_after_utc(self) -> dt.datetime: ...
    def public_key(self) -> CertificatePublicKeyTypes: ...


@dataclass(frozen=True)
class SecretKey:
    """A symmetric key (JCEKS, PKCS#12, BKS): a Java algorithm name and the raw key bytes."""

    algorithm: str
    key: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.key) * 8

    @property
    def description(self) -> str:
        return f"{self.algorithm} {self.size}"


@dataclass(frozen=True)
class PublicKey:
    """A bare public key (a BKS or UBER entry): no certificate, no private part."""

    key: PublicKeyTypes

    def public_key(self) -> PublicKeyTypes:
        return self.key

    @property
    def description(self) -> str:
        return describe_public_key(self.key)


KeyMaterial: TypeAlias = "PrivateKeyTypes | SecretKey | PublicKey"


class SealedKey(Protocol):
    """A key still encrypted under its entry password, as a codec read it.

    ``store_type`` and ``raw`` let the codec that made it write it back verbatim, so that a
    per-entry password survives a save in the same format without being asked for.
    """

    store_type: StoreType

    @property
    def raw(self) -> object: ...

    def unlock(self, password: str) -> KeyMaterial:
        """Decrypt; raise :class:`WrongPasswordError` for a wrong password."""
        ...


def alias_clash(first: str, again: str, target: str) -> str:
    """Why an entry cannot be written: its alias is taken (Java compares them ignoring case)."""
    if first == again:
        return f"another entry has the same alias; rename or delete one before saving as {target}"
    return f"its alias differs from '{first}' only in letter case, and {target} aliases ignore case"


def kind_of(key: KeyMaterial) -> EntryKind:
    """The kind of entry a key makes."""
    if isinstance(key, SecretKey):
        return EntryKind.SECRET_KEY
    if isinstance(key, PublicKey):
        return EntryKind.PUBLIC_KEY
    return EntryKind.PRIVATE_KEY


@dataclass(eq=False)
class Entry:
    alias: str
    kind: EntryKind
    chain: list[Certificate] = field(default_factory=list)
    key: KeyMaterial | None = field(default=None, repr=False)
    sealed: SealedKey | None = field(default=None, repr=False)
    key_password: str | None = field(default=None, repr=False)
    """The entry's own password when it differs from the store's; ``None`` means the store's."""
    timestamp: dt.datetime | None = None
    secret_algorithm: str | None = None
    """For a secret key still sealed: the algorithm name, when the format says it in clear."""
    kind_known: bool = True
    """False for a key sealed under its own password in a format that keeps its kind inside the
    encryption (BKS, UBER): ``kind`` is then a guess until the key is unlocked."""
    shadowed: bool = False
    """Another entry with the same alias comes later in the file: Java uses that one and never
    sees this one. Both are shown; a save needs the clash resolved first."""
    loose: bool = False
    """A certificate a PKCS#12 file holds outside any key's chain and without Java's trust
    attribute: shown, but Java does not trust it, and no conversion may make it trusted unasked."""

    @property
    def certificate(self) -> Certificate | None:
        return self.chain[0] if self.chain else None

    @property
    def is_locked(self) -> bool:
        return self.key is None and self.sealed is not None

    @property
    def private_key(self) -> PrivateKeyTypes:
        if self.kind is not EntryKind.PRIVATE_KEY:
            raise AliasError(f"entry '{self.alias}' is a {self.kind}, not a private key")
        if self.key is None:
            raise KeyLockedError(self.alias)
        assert not isinstance(self.key, SecretKey | PublicKey)
        return self.key

    def unlock(self, password: str) -> KeyMaterial:
        """Decrypt the key with ``password``; raises :class:`WrongPasswordError`."""
        if self.key is not None:
            return self.key
        if self.sealed is None:
            raise KeyLockedError(self.alias)
        try:
            self.key = self.sealed.unlock(password)
        except KeystoreError:
            raise
        except Exception as exc:  # a damaged key must end in the core's errors, whatever the codec
            raise CorruptFileError(
                f"entry '{self.alias}': the key cannot be read ({type(exc).__name__})"
            ) from None
        if not self.kind_known:
            self.kind, self.kind_known = kind_of(self.key), True
        return self.key

    @property
    def algorithm_description(self) -> str:
        """``RSA 2048``, ``EC secp256r1``, ``AES 256``… for display and ``--json``."""
        if isinstance(self.key, SecretKey | PublicKey):
            return self.key.description
        if self.kind is EntryKind.SECRET_KEY:
            return self.secret_algorithm or "secret key"
        cert = self.certificate
        return cert.key_description if cert is not None else ""


@dataclass(eq=False)
class Keystore:
    store_type: StoreType
    entries: list[Entry] = field(default_factory=list)
    password: str | None = field(default=None, repr=False)
    """The store password it was opened (or will be saved) with."""
    unverified: bool = False
    """Opened without its password: the file's integrity check (JKS digest, PKCS#12 MAC) was
    not made, so its content is shown but may have been changed; it is read-only."""
    read_digest: bytes | None = field(default=None, repr=False, compare=False)
    """SHA-256 of the file it was read from or last saved to: a save back to that file checks
    that it still holds this, so changes another program made are never overwritten unasked."""

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def _same(self, a: str, b: str) -> bool:
        if self.store_type.case_insensitive_aliases:
            return a.lower() == b.lower()
        return a == b

    def find(self, alias: str) -> Entry | None:
        """The entry under ``alias``; of two under the same alias, the one Java uses."""
        # Plain loops, no per-entry call: codecs call this once per entry they add, so on a
        # 10,000-entry store its constant factor is most of the load time.
        for entry in self.entries:
            if entry.alias == alias and not entry.shadowed:
                return entry
        if self.store_type.case_insensitive_aliases:
            folded = alias.lower()
            for entry in self.entries:
                if entry.alias.lower() == folded:
                    return entry
        return None

    def get(self, alias: str) -> Entry:
        entry = self.find(alias)
        if entry is None:
            raise AliasError(f"no entry with alias '{alias}'")
        return entry

    def aliases(self) -> list[str]:
        return [e.alias for e in self.entries]

    def unique_alias(self, wanted: str) -> str:
        """``wanted``, or ``wanted-2``, ``wanted-3``… whichever is free."""
        candidate, n = wanted, 1
        while self.find(candidate) is not None:
            n += 1
            candidate = f"{wanted}-{n}"
        return candidate

    def add(self, entry: Entry, index: int | None = None) -> None:
        if self.find(entry.alias) is not None:
            raise AliasError(f"alias '{entry.alias}' is already in use")
        if index is None:
            self.entries.append(entry)
        else:
            self.entries.insert(index, entry)

    def remove(self, alias: str) -> Entry:
        entry = self.get(alias)
        self.entries.remove(entry)
        return entry

    def rename(self, old: str, new: str) -> None:
        self.rename_entry(self.get(old), new)

    def rename_entry(self, entry: Entry, new: str, *, restore: bool = False) -> None:
        """Rename ``entry`` itself (of two under one alias, the one meant). ``restore`` gives
        back an alias the entry had, even one another entry shares (an undo)."""
        clash = self.find(new)
        if clash is not None and clash is not entry and not restore:
            raise AliasError(f"alias '{new}' is already in use")
        if not new.strip():
            raise AliasError("an alias cannot be empty")
        entry.alias = new
        self.mark_shadowed()

    def duplicate_aliases(self) -> list[list[Entry]]:
        """Entries that share an alias (as Java compares them), in file order."""
        entries = self.entries
        keys = [entry.alias for entry in entries]
        if self.store_type.case_insensitive_aliases:
            keys = list(map(str.lower, keys))
        if len(set(keys)) == len(keys):  # the usual case, without a list per alias
            return []
        groups: dict[str, list[Entry]] = {}
        for key, entry in zip(keys, entries, strict=True):
            groups.setdefault(key, []).append(entry)
        return [g for g in groups.values() if len(g) > 1]

    def mark_shadowed(self) -> None:
        """Of entries under one alias, Java keeps the last it reads: mark the others."""
        for entry in self.entries:
            if entry.shadowed:
                entry.shadowed = False
        for group in self.duplicate_aliases():
            if any(e.alias != group[0].alias for e in group):
                continue  # aliases differing in case only: a health finding, not a shadow
            for entry in group[:-1]:
                entry.shadowed = True

    def unlock(self, entry: Entry, password: str | None = None) -> KeyMaterial:
        """Unlock ``entry`` with ``password``, or with the store password when none is given."""
        pw = password if password is not None else self.password
        if pw is None:
            raise KeyLockedError(entry.alias)
        try:
            key = entry.unlock(pw)
        except WrongPasswordError:
            if password is None:
                raise KeyLockedError(entry.alias) from None
            raise
        if pw != self.password:
            entry.key_password = pw
        return key

    def loose_entries(self) -> list[Entry]:
        """The certificates the file holds without trusting them (see :attr:`Entry.loose`)."""
        return [e for e in self.entries if e.loose]

    def settle_loose(self, trust: bool) -> list[Entry]:
        """Make the loose certificates trusted entries, or (``trust=False``) remove them.

        For a format without a place for untrusted certificates (JKS, JCEKS); returns them.
        """
        loose = self.loose_entries()
        for entry in loose:
            if trust:
                entry.loose = False
            else:
                self.entries.remove(entry)
        return loose

    def certificates(self) -> Iterator[tuple[Entry, Certificate]]:
        for entry in self.entries:
            for cert in entry.chain:
                yield entry, cert
