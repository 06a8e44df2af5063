"""PKCS#12 (``.p12``, ``.pfx``): a reader and a writer of our own.

``cryptography``'s ``load_pkcs12`` keeps one private key and drops secret keys, and its writer
holds one key; keytool makes files with many of both. So the PFX is parsed here (RFC 7292):

Reading
    The MAC is checked first (HMAC with the PKCS#12 key derivation; a file without a MAC is
    accepted). Encrypted SafeContents and shrouded keys are decrypted with PBES2 (OpenSSL 3 and
    JDK 17 defaults) or the PKCS#12 PBE schemes (SHA-1 with 3DES, RC2 or RC4: ``openssl pkcs12
    -legacy`` and Windows). Keys are decrypted when the file is opened: PKCS#12 has one password.
    A key that does not open with the store password (a tool other than keytool or OpenSSL may
    use another) becomes a sealed entry, unlocked later with its own password.

    RSA keys from a file whose MAC verified are loaded without cryptography's RSA consistency
    check (27 ms a key; 300 keys would take 8 s): the MAC shows the file comes from someone who
    holds the password. Keys from a file without a MAC get the full check.

    Keys and certificates are linked by ``localKeyId``, else by public key. ``friendlyName`` is
    the alias, its case kept (keytool lowercases it); without one, keys and trusted certificates
    are numbered "1", "2"… in bag order as the JDK does. A key's chain is built leaf first from all
    the certificates, by issuer name and signature. Certificates that belong to no key are
    trusted-certificate entries when they carry Oracle's trusted-key-usage attribute; the others
    are *loose* (``Entry.loose``): keytool hides them, this reader shows them, named by their
    friendlyName or common name, and marked as not trusted by Java. Certificates in a key's chain
    are not listed again unless they carry the attribute. CRL bags are ignored: the model has no
    place for them.

Writing
    As JDK 17 and OpenSSL 3 do: each key in a ``pkcs8ShroudedKeyBag`` and each secret key in a
    ``secretBag`` (the JDK's layout), encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC);
    certificates in a SafeContents encrypted the same way; ``friendlyName`` and ``localKeyId``
    link a key to its leaf certificate; trusted certificates carry Oracle's trusted-key-usage
    attribute so that keytool lists them as ``trustedCertEntry``, loose ones stay without it;
    an HMAC-SHA256 MAC. PKCS#12 has
    no per-entry key passwords: the store password protects every key, so an entry that was
    still sealed under a password of its own must be unlocked first (``KeyLockedError``).

Size: one format, read and written; both sides share the bag, attribute and chain layout.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from operator import itemgetter

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_der_private_key,
)

from .. import der, formats
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
from ..keynames import describe_pkcs8
from ..model import (
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
)
from ..names import Suffixes
from . import pkcs12_crypto as crypto
from .certfiles import default_alias, normal_alias
from .limits import DerivationBudget
from .pkcs12_certbag import read_cert_bag

OID_DATA = "1.2.840.113549.1.7.1"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_ENVELOPED_DATA = "1.2.840.113549.1.7.3"
OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"

OID_KEY_BAG = "1.2.840.113549.1.12.10.1.1"
OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3"
OID_CRL_BAG = "1.2.840.113549.1.12.10.1.4"
OID_SECRET_BAG = "1.2.840.113549.1.12.10.1.5"
OID_SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6"
OID_X509_CERTIFICATE = "1.2.840.113549.1.9.22.1"

OID_FRIENDLY_NAME = "1.2.840.113549.1.9.20"
OID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21"
OID_ORACLE_TRUSTED_KEY_USAGE = "2.16.840.1.113894.746875.1.1"
OID_ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0"

# Java secret-key algorithm names and the OIDs the JDK's PKCS12KeyStore stores them under (JDK 17
# refuses the others, e.g. Blowfish, RC2 and ChaCha20, in a PKCS#12 file).
SECRET_KEY_OIDS: dict[str, str] = {
    "AES": "2.16.840.1.101.3.4.1",
    "DES": "1.3.14.3.2.7",
    "DESede": "1.3.14.3.2.17",
    "HmacSHA1": "1.2.840.113549.2.7",
    "HmacSHA224": "1.2.840.113549.2.8",
    "HmacSHA256": "1.2.840.113549.2.9",
    "HmacSHA384": "1.2.840.113549.2.10",
    "HmacSHA512": "1.2.840.113549.2.11",
    "HmacSHA512/224": "1.2.840.113549.2.12",
    "HmacSHA512/256": "1.2.840.113549.2.13",
    "PBKDF2WithHmacSHA1": "1.2.840.113549.1.5.12",
}
_SECRET_KEY_NAMES = {oid: name for name, oid in SECRET_KEY_OIDS.items()}
_SECRET_KEY_NAMES["1.2.840.113549.3.7"] = "DESede"  # des-ede3-cbc, as other writers name it

_MAX_NESTING = 8


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _Bag:
    index: int
    kind: str  # "key" | "cert" | "secret"
    friendly_name: str | None
    local_key_id: bytes | None
    trusted: bool
    key: KeyMaterial | None = None
    sealed: _SealedBag | _UnsupportedKey | None = None
    certificate: Certificate | None = None
    issuer: bytes = b""
    subject: bytes = b""
    spki: bytes = b""


@dataclass
class _SealedBag:
    """A key bag that the store password did not open (another tool's per-key password)."""

    kind: str
    algorithm: bytes
    ciphertext: bytes = field(repr=False)
    store_type: StoreType = StoreType.PKCS12

    @property
    def raw(self) -> object:
        return (self.kind, self.algorithm, self.ciphertext)

    def unlock_iterations(self) -> int:
        """The key-derivation iterations one :meth:`unlock` attempt costs (0 when unknown)."""
        return sum(count for _, count in crypto.derivations(self.algorithm))

    def unlock(self, password: str) -> KeyMaterial:
        for spelling in crypto.password_spellings(password):
            try:
                plain = crypto.decrypt(self.algorithm, self.ciphertext, spelling)
                return _parse_secret(plain) if self.kind == "secret" else _parse_key(plain, True)
            except (crypto.DecryptionError, _KeyFormatError):
                continue
            except (crypto.BadParametersError, crypto.UnsupportedAlgorithmError) as exc:
                raise UnsupportedFormatError(f"cannot decrypt this key: {exc}") from None
        raise WrongPasswordError("wrong password for this key")


class _UnsupportedKey:
    """A private key the crypto library cannot load (an EC key on a binary curve, say). Its entry
    and certificates are listed as keytool lists them; what needs the key is refused, naming it."""

    store_type = StoreType.PKCS12
    raw = None

    def __init__(self, description: str) -> None:
        self.description = description
        self.alias = ""

    @property
    def problem(self) -> str:
        return f"its key ({self.description}) is not supported by this product"

    def unlock(self, password: str) -> KeyMaterial:
        raise UnsupportedFormatError(f"entry '{self.alias}': {self.problem}")


class _UnsupportedKeyError(Exception):
    """Raised by :func:`_parse_key` for a key of a type the crypto library does not load."""

    def __init__(self, description: str) -> None:
        self.description = description


class _UnknownError(UnsupportedFormatError):
    """An algorithm or type this reader does not know. In a file whose MAC verified it is
    unsupported; otherwise damage is the likelier cause, and :func:`load` says so."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"PKCS#12 uses {what}, which is not supported")


class _KeyFormatError(Exception):
    """Decrypted bytes that are not a key: the password was wrong, or the key is damaged."""


def _parse_key(pkcs8: bytes, validate: bool) -> PrivateKeyTypes:
    try:
        return load_der_private_key(pkcs8, None, unsafe_skip_rsa_key_validation=not validate)
    except UnsupportedAlgorithm as exc:
        named = describe_pkcs8(pkcs8)
        if named is None:
            raise _UnknownError(f"a private key of an unknown type ({exc})") from None
        raise _UnsupportedKeyError(named) from None
    except (ValueError, TypeError):
        raise _KeyFormatError() from None


def _parse_secret(info: bytes) -> SecretKey:
    """The JDK's secret key encoding: a PrivateKeyInfo whose algorithm names the key type."""
    try:
        fields = der.sequence(info)
        algorithm = der.oid(der.children(der.expect(fields[1], der.SEQUENCE))[0])
        key = der.octets(fields[2])
    except (der.DerError, IndexError):
        raise _KeyFormatError() from None
    return SecretKey(_SECRET_KEY_NAMES.get(algorithm, algorithm), key)


def _cert_fields(cert_der: bytes) -> tuple[bytes, bytes, bytes]:
    """Raw issuer, subject and SubjectPublicKeyInfo of a certificate, without a full parse."""
    tbs = der.children(der.expect(der.sequence(cert_der)[0], der.SEQUENCE))
    if tbs and tbs[0][0] == der.CONTEXT_0:
        tbs = tbs[1:]
    issuer, subject, spki = tbs[2], tbs[4], tbs[5]
    return der.tlv(*issuer), der.tlv(*subject), der.tlv(*spki)


def _text(element: der.Element) -> str:
    tag, value = element
    if tag == der.BMP_STRING:
        return value.decode("utf-16-be", "replace")
    return value.decode("utf-8", "replace")


class _Reader:
    def __init__(self, data: bytes, password: str | None) -> None:
        """``password`` ``None``: read what a missing password allows. A MAC that the empty
        password does not verify is skipped (``unverified``), encrypted certificates fail the
        file, and encrypted keys stay sealed."""
        self.data = data
        self.without_password = password is None
        self.unverified = False
        password = password or ""
        self.password = password
        self.spellings = crypto.password_spellings(password)
        self.spelling: crypto.Password | None = None
        self.mac_verified = False
        self.bags: list[_Bag] = []
        self.decrypted_any = False
        self.failed_decryptions = 0
        self.budget = DerivationBudget()

    # structure ------------------------------------------------------------------------------
    def read(self) -> Keystore:
        if not self.data:
            raise NotAKeystoreError("the file is empty")
        try:
            (tag, _), _ = der.first(self.data)
        except der.DerTruncatedError:
            raise TruncatedFileError() from None
        if tag != der.SEQUENCE:
            raise NotAKeystoreError("not a PKCS#12 file")
        pfx = der.sequence(self.data)
        if len(pfx) < 2 or der.integer(pfx[0]) != 3:
            raise NotAKeystoreError("not a PKCS#12 file (no version 3 PFX)")
        content_type, content = self._content_info(pfx[1])
        if content_type == OID_SIGNED_DATA:
            raise UnsupportedFormatError(
                "PKCS#12 files signed with a certificate are not supported"
            )
        if content_type != OID_DATA or content is None:
            raise CorruptFileError("the PKCS#12 content is not data")
        auth_safe = der.octets(content)
        self.budget.plan(_planned_derivations(pfx[2] if len(pfx) > 2 else None, auth_safe))
        if len(pfx) > 2:
            self._verify_mac(pfx[2], auth_safe)
        for info in der.sequence(auth_safe):
            self._authenticated_content(info)
        if self.unverified:
            store = self._assemble()
            store.password, store.unverified = None, True
            return store
        if not self.mac_verified and self.failed_decryptions and not self.decrypted_any:
            raise WrongPasswordError()
        return self._assemble()

    @staticmethod
    def _content_info(element: der.Element) -> tuple[str, der.Element | None]:
        fields = der.children(der.expect(element, der.SEQUENCE))
        content_type = der.oid(fields[0])
        if len(fields) < 2:
            return content_type, None
        inner = der.children(der.expect(fields[1], der.CONTEXT_0))
        return content_type, inner[0]

    def _verify_mac(self, element: der.Element, auth_safe: bytes) -> None:
        fields = der.children(der.expect(element, der.SEQUENCE))
        digest_info = der.children(der.expect(fields[0], der.SEQUENCE))
        identifier = der.children(der.expect(digest_info[0], der.SEQUENCE))
        algorithm = der.oid(identifier[0])
        expected = der.octets(digest_info[1])
        salt = der.octets(fields[1])
        iterations = der.integer(fields[2]) if len(fields) > 2 else 1
        params = identifier[1] if len(identifier) > 1 else None

        def matches(spelling: crypto.Password) -> bool:
            if algorithm == crypto.OID_PBMAC1:
                return crypto.pbmac1_matches(params, expected, spelling, auth_safe, self.budget)
            return crypto.mac_matches(
                algorithm, expected, spelling.bmp, salt, iterations, auth_safe, self.budget
            )

        for spelling in self.spellings:
            if matches(spelling):
                self.spelling = spelling
                self.mac_verified = True
                return
        if self.without_password:
            self.unverified = True
            return
        raise WrongPasswordError()

    def _authenticated_content(self, element: der.Element) -> None:
        content_type, content = self._content_info(element)
        if content is None:
            return
        if content_type == OID_DATA:
            self._safe_contents(der.octets(content), 0)
        elif content_type == OID_ENCRYPTED_DATA:
            fields = der.children(der.expect(content, der.SEQUENCE))
            eci = der.children(der.expect(fields[1], der.SEQUENCE))
            if len(eci) < 3:
                return
            algorithm = der.tlv(*eci[1])
            ciphertext = der.octets(eci[2])
            plain = self._decrypt(algorithm, ciphertext, lambda p: der.one(p, der.SEQUENCE))
            if plain is None and self.unverified:
                raise WrongPasswordError(
                    "this PKCS#12 file encrypts its certificates: it cannot be read without "
                    "its password"
                )
            if plain is None:
                raise WrongPasswordError()
            self._safe_contents(plain, 0)
        elif content_type == OID_ENVELOPED_DATA:
            raise _UnknownError("content encrypted to a certificate (public-key privacy)")
        else:
            raise CorruptFileError(f"unknown PKCS#12 content type {content_type}")

    def _decrypt(
        self, algorithm: bytes, ciphertext: bytes, check: Callable[[bytes], object]
    ) -> bytes | None:
        """Decrypt with the password spelling the MAC verified (or each, without a MAC)."""
        spellings = self.spellings
        if self.spelling is not None:  # and the other byte forms PBES2 may take of it
            spellings = [p for p in self.spellings if p.bmp == self.spelling.bmp]
        for spelling in spellings:
            try:
                plain = crypto.decrypt(algorithm, ciphertext, spelling, self.budget)
                check(plain)
            except (crypto.DecryptionError, der.DerError, _KeyFormatError):
                continue
            except crypto.UnsupportedAlgorithmError as exc:
                raise _UnknownError(f"the {exc}") from None
            except crypto.BadParametersError as exc:
                raise CorruptFileError(f"bad {exc}") from None
            if not self.mac_verified:
                self.spelling = spelling
            self.decrypted_any = True
            return plain
        self.failed_decryptions += 1
        return None

    def _safe_contents(self, data: bytes, depth: int) -> None:
        if depth > _MAX_NESTING:
            raise CorruptFileError("safe contents nested too deep")
        for bag in der.sequence(data):
            self._safe_bag(bag, depth)

    def _safe_bag(self, element: der.Element, depth: int) -> None:
        usual = read_cert_bag(element[1]) if element[0] == der.SEQUENCE else None
        if usual is not None:
            cert_der, friendly_name, local_key_id, trusted = usual
            bag = _Bag(len(self.bags), "cert", friendly_name, local_key_id, trusted)
            bag.certificate = Certificate(cert_der)
            self.bags.append(bag)
            return
        fields = der.children(der.expect(element, der.SEQUENCE))
        bag_id = der.oid(fields[0])
        value = der.children(der.expect(fields[1], der.CONTEXT_0))[0]
        friendly_name, local_key_id, trusted = None, None, False
        if len(fields) > 2:
            for attribute in der.children(der.expect(fields[2], der.SET)):
                attr = der.children(der.expect(attribute, der.SEQUENCE))
                attr_id = der.oid(attr[0])
                values = der.children(der.expect(attr[1], der.SET))
                if attr_id == OID_FRIENDLY_NAME and values:
                    friendly_name = _text(values[0])
                elif attr_id == OID_LOCAL_KEY_ID and values:
                    local_key_id = der.octets(values[0])
                elif attr_id == OID_ORACLE_TRUSTED_KEY_USAGE:
                    trusted = True
        bag = _Bag(len(self.bags), "", friendly_name, local_key_id, trusted)
        if bag_id == OID_CERT_BAG:
            cert_bag = der.children(der.expect(value, der.SEQUENCE))
            if der.oid(cert_bag[0]) != OID_X509_CERTIFICATE:
                return
            cert_der = der.octets(der.children(der.expect(cert_bag[1], der.CONTEXT_0))[0])
            bag.kind = "cert"
            bag.certificate = Certificate(cert_der)
        elif bag_id == OID_KEY_BAG:
            bag.kind = "key"
            try:
                bag.key = _parse_key(der.tlv(*value), not self.mac_verified)
            except _KeyFormatError:
                raise CorruptFileError("a private key in the file is damaged") from None
            except _UnsupportedKeyError as exc:
                bag.sealed = _UnsupportedKey(exc.description)
        elif bag_id == OID_SHROUDED_KEY_BAG:
            bag.kind = "key"
            self._shrouded(bag, der.tlv(*value))
        elif bag_id == OID_SECRET_BAG:
            bag.kind = "secret"
            self._secret(bag, value)
        elif bag_id == OID_SAFE_CONTENTS_BAG:
            self._safe_contents(der.tlv(*value), depth + 1)
            return
        elif bag_id == OID_CRL_BAG:
            return
        else:
            raise CorruptFileError(f"unknown PKCS#12 bag type {bag_id}")
        self.bags.append(bag)

    def _shrouded(self, bag: _Bag, encrypted_info: bytes) -> None:
        fields = der.sequence(encrypted_info)
        algorithm, ciphertext = der.tlv(*fields[0]), der.octets(fields[1])
        parsed: list[KeyMaterial | _UnsupportedKey] = []

        def check(plain: bytes) -> None:
            if bag.kind == "secret":
                parsed.append(_parse_secret(plain))
                return
            try:
                parsed.append(_parse_key(plain, not self.mac_verified))
            except _UnsupportedKeyError as exc:
                parsed.append(_UnsupportedKey(exc.description))

        if self._decrypt(algorithm, ciphertext, check) is None:
            bag.sealed = _SealedBag(bag.kind, algorithm, ciphertext)
        elif isinstance(parsed[-1], _UnsupportedKey):
            bag.sealed = parsed[-1]
        else:
            bag.key = parsed[-1]

    def _secret(self, bag: _Bag, value: der.Element) -> None:
        fields = der.children(der.expect(value, der.SEQUENCE))
        secret_type = der.oid(fields[0])
        inner = der.children(der.expect(fields[1], der.CONTEXT_0))[0]
        body = der.octets(inner) if inner[0] != der.SEQUENCE else der.tlv(*inner)
        if secret_type == OID_SHROUDED_KEY_BAG:
            self._shrouded(bag, body)
        elif secret_type == OID_KEY_BAG:
            try:
                bag.key = _parse_secret(body)
            except _KeyFormatError:
                raise CorruptFileError("a secret key in the file is damaged") from None
        else:
            raise _UnknownError(f"a secret of type {secret_type}")

    # entries --------------------------------------------------------------------------------
    def _assemble(self) -> Keystore:
        certs = [b for b in self.bags if b.kind == "cert"]
        by_key_id: dict[bytes, _Bag] = {}
        by_spki: dict[bytes, _Bag] = {}
        by_subject: dict[bytes, list[_Bag]] = {}
        if any(b.kind == "key" for b in self.bags):
            # names and keys link certificates to keys and chains; a truststore needs none
            for cert in certs:
                assert cert.certificate is not None
                cert.issuer, cert.subject, cert.spki = _cert_fields(cert.certificate.der)
                if cert.local_key_id is not None:
                    by_key_id.setdefault(cert.local_key_id, cert)
                by_spki.setdefault(cert.spki, cert)
                by_subject.setdefault(cert.subject, []).append(cert)

        # aliases the way the JDK numbers unnamed entries: keys and trusted certs, in bag order
        counter = 0
        aliases: dict[int, str] = {}
        for bag in self.bags:
            if bag.friendly_name:
                aliases[bag.index] = bag.friendly_name
            elif bag.kind != "cert" or bag.trusted:
                counter += 1
                aliases[bag.index] = str(counter)

        placed: list[tuple[int, Entry]] = []
        in_chains: set[bytes] = set()
        for bag in self.bags:
            if bag.kind == "secret":
                entry = Entry(aliases[bag.index], EntryKind.SECRET_KEY, key=bag.key)
                entry.sealed = bag.sealed
            elif bag.kind == "key":
                leaf = by_key_id.get(bag.local_key_id) if bag.local_key_id is not None else None
                if leaf is None and bag.key is not None and not isinstance(bag.key, SecretKey):
                    spki = bag.key.public_key().public_bytes(
                        Encoding.DER, PublicFormat.SubjectPublicKeyInfo
                    )
                    leaf = by_spki.get(spki)
                chain = _build_chain(leaf, by_subject) if leaf is not None else []
                in_chains.update(c.certificate.der for c in chain if c.certificate is not None)
                entry = Entry(aliases[bag.index], EntryKind.PRIVATE_KEY, key=bag.key)
                entry.chain = [c.certificate for c in chain if c.certificate is not None]
                entry.sealed = bag.sealed
            else:
                continue
            entry.timestamp = _timestamp(bag.local_key_id)
            placed.append((bag.index, entry))

        # a certificate is listed once: a copy in a key's chain (the JDK names such copies after
        # their subject) or a copy of a trusted entry is the same certificate
        hidden = in_chains | {c.certificate.der for c in certs if c.trusted and c.certificate}
        shown: set[tuple[bytes, str | None]] = set()
        for cert in certs:
            assert cert.certificate is not None
            seen = (cert.certificate.der, cert.friendly_name)
            if cert.trusted or (seen[0] not in hidden and seen not in shown):
                shown.add(seen)
                alias = aliases.get(cert.index) or normal_alias(default_alias(cert.certificate))
                entry = Entry(alias, EntryKind.TRUSTED_CERT, chain=[cert.certificate])
                entry.loose = not cert.trusted
                placed.append((cert.index, entry))

        # Aliases that differ only by case stay as written: Java would see one of them, and the
        # health report says so; renaming here would hide it. Exact repeats get a suffix.
        # Sets, not Keystore.add's scan: that is quadratic for 10,000 entries.
        store = Keystore(StoreType.PKCS12, password=self.password)
        exact: set[str] = set()
        folded: set[str] = set()
        suffixes = Suffixes()
        for _, entry in sorted(placed, key=itemgetter(0)):
            if entry.alias in exact:
                entry.alias = suffixes.free(entry.alias, lambda a: a.lower() in folded)
            exact.add(entry.alias)
            folded.add(entry.alias.lower())
            store.entries.append(entry)
            if isinstance(entry.sealed, _UnsupportedKey):
                entry.sealed.alias = entry.alias
        return store


def _planned_derivations(mac: der.Element | None, auth_safe: bytes) -> list[tuple[Hashable, int]]:
    """The key derivations the file shows in clear (the MAC, encrypted contents, shrouded keys
    outside them), so that a file over the budget is refused before the first one. Structure
    errors are left for the reader to report."""
    counts: list[tuple[Hashable, int]] = []
    try:
        if mac is not None:
            fields = der.children(der.expect(mac, der.SEQUENCE))
            counts.append(("mac", der.integer(fields[2]) if len(fields) > 2 else 1))
        for info in der.sequence(auth_safe):
            content_type, content = _Reader._content_info(info)
            if content is None:
                continue
            if content_type == OID_ENCRYPTED_DATA:
                fields = der.children(der.expect(content, der.SEQUENCE))
                eci = der.children(der.expect(fields[1], der.SEQUENCE))
                counts += crypto.derivations(der.tlv(*eci[1]))
            elif content_type == OID_DATA:
                counts += _bag_derivations(der.octets(content), 0)
    except (der.DerError, IndexError):
        pass
    return counts


def _bag_derivations(safe_contents: bytes, depth: int) -> list[tuple[Hashable, int]]:
    counts: list[tuple[Hashable, int]] = []
    if depth > _MAX_NESTING:
        return counts
    for bag in der.sequence(safe_contents):
        fields = der.children(der.expect(bag, der.SEQUENCE))
        bag_id = der.oid(fields[0])
        value = der.children(der.expect(fields[1], der.CONTEXT_0))[0]
        if bag_id == OID_SECRET_BAG:
            secret = der.children(der.expect(value, der.SEQUENCE))
            if der.oid(secret[0]) != OID_SHROUDED_KEY_BAG:
                continue
            inner = der.children(der.expect(secret[1], der.CONTEXT_0))[0]
            value = der.first(der.octets(inner) if inner[0] != der.SEQUENCE else der.tlv(*inner))[0]
            bag_id = OID_SHROUDED_KEY_BAG
        if bag_id == OID_SHROUDED_KEY_BAG:
            info = der.children(der.expect(value, der.SEQUENCE))
            counts += crypto.derivations(der.tlv(*info[0]))
        elif bag_id == OID_SAFE_CONTENTS_BAG:
            counts += _bag_derivations(der.tlv(*value), depth + 1)
    return counts


def _timestamp(local_key_id: bytes | None) -> dt.datetime | None:
    """The JDK writes ``localKeyId`` as ``Time <milliseconds since 1970>``."""
    if not local_key_id or not local_key_id.startswith(b"Time "):
        return None
    try:
        millis = int(local_key_id[5:].decode("ascii"))
        return dt.datetime.fromtimestamp(millis / 1000, dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _build_chain(leaf: _Bag, by_subject: dict[bytes, list[_Bag]]) -> list[_Bag]:
    chain = [leaf]
    current = leaf
    while current.issuer != current.subject:
        candidates = [c for c in by_subject.get(current.issuer, []) if c not in chain]
        issuer = _pick_issuer(current, candidates)
        if issuer is None:
            break
        chain.append(issuer)
        current = issuer
    return chain


def _pick_issuer(cert: _Bag, candidates: list[_Bag]) -> _Bag | None:
    """The candidate whose key signed ``cert``; failing that, the first whose signature cannot be
    told (``signed_by`` None): linked by name, as keytool does. A proven non-signer is never linked.
    """
    from ..chain import signed_by  # (with cryptography's X.509 module: a truststore needs neither)

    unknown: list[_Bag] = []
    for candidate in candidates:
        assert cert.certificate is not None and candidate.certificate is not None
        verdict = signed_by(cert.certificate, candidate.certificate)
        if verdict:
            return candidate
        if verdict is None:
            unknown.append(candidate)
    return unknown[0] if unknown else None


def load(data: bytes, password: str | None) -> Keystore:
    reader = _Reader(data, password)
    try:
        return reader.read()
    except _UnknownError as exc:
        if reader.mac_verified:
            raise
        raise CorruptFileError(f"{exc.what} (unknown algorithm or type)") from None
    except KeystoreError:
        raise
    except der.DerTruncatedError:
        raise CorruptFileError("a PKCS#12 structure runs past its end") from None
    except (der.DerError, IndexError):
        raise CorruptFileError("the PKCS#12 structure is not valid") from None
    except crypto.BadParametersError as exc:
        raise CorruptFileError(f"bad {exc}") from None
    except crypto.UnsupportedAlgorithmError as exc:
        if reader.mac_verified:
            raise _UnknownError(f"the {exc}") from None
        raise CorruptFileError(f"the {exc} (unknown algorithm)") from None


def check_structure(data: bytes) -> None:
    """The outer DER layers (PFX, its content, the list of safes, the MAC data), which parse
    without the password: a truncated or damaged file says so before anyone is asked for one."""
    try:
        der.first(data)
    except der.DerTruncatedError:
        raise TruncatedFileError() from None
    except der.DerError:
        raise CorruptFileError("the PKCS#12 structure is not valid") from None
    try:
        pfx = der.sequence(data)
        if len(pfx) < 2:
            raise CorruptFileError("the PKCS#12 structure is not valid")
        content_info = der.children(pfx[1][1])
        if len(content_info) == 2:
            for inner in der.children(content_info[1][1]):
                der.sequence(der.octets(inner))
        if len(pfx) > 2:
            der.children(pfx[2][1])
    except der.DerTruncatedError:
        raise CorruptFileError("a PKCS#12 structure runs past its end") from None
    except (der.DerError, IndexError):
        raise CorruptFileError("the PKCS#12 structure is not valid") from None


# --- writing ---------------------------------------------------------------------------------


def _attributes(alias: str, local_key_id: bytes | None, trusted: bool) -> bytes:
    attrs = [der.seq(der.enc_oid(OID_FRIENDLY_NAME), der.set_of([der.enc_bmp(alias)]))]
    if local_key_id is not None:
        attrs.append(
            der.seq(der.enc_oid(OID_LOCAL_KEY_ID), der.set_of([der.enc_octets(local_key_id)]))
        )
    if trusted:
        attrs.append(
            der.seq(
                der.enc_oid(OID_ORACLE_TRUSTED_KEY_USAGE),
                der.set_of([der.enc_oid(OID_ANY_EXTENDED_KEY_USAGE)]),
            )
        )
    return der.set_of(attrs)


def _safe_bag(bag_id: str, value: bytes, attributes: bytes = b"") -> bytes:
    return der.seq(der.enc_oid(bag_id), der.explicit(0, value), attributes)


def _cert_bag(cert: Certificate, attributes: bytes = b"") -> bytes:
    value = der.seq(der.enc_oid(OID_X509_CERTIFICATE), der.explicit(0, der.enc_octets(cert.der)))
    return _safe_bag(OID_CERT_BAG, value, attributes)


def _shroud(plain: bytes, password: str) -> bytes:
    algorithm, ciphertext = crypto.encrypt_pbes2(plain, password)
    return der.seq(algorithm, der.enc_octets(ciphertext))


def _content_info(content_type: str, content: bytes) -> bytes:
    return der.seq(der.enc_oid(content_type), der.explicit(0, content))


def _check_writable(store: Keystore) -> None:
    problems: list[tuple[str, str]] = []
    for group in store.duplicate_aliases():
        problems += [(e.alias, alias_clash(group[0].alias, e.alias, "PKCS#12")) for e in group[1:]]
    for entry in store.entries:
        if entry.kind is EntryKind.PUBLIC_KEY:
            problems.append((entry.alias, PUBLIC_KEY_PROBLEM))
            continue
        if isinstance(entry.sealed, _UnsupportedKey) and entry.key is None:
            problems.append((entry.alias, entry.sealed.problem))
            continue
        if entry.is_locked:
            raise KeyLockedError(entry.alias)
        if entry.kind is EntryKind.SECRET_KEY:
            if not isinstance(entry.key, SecretKey):
                problems.append((entry.alias, "the secret key is missing"))
            elif _secret_oid(entry.key.algorithm) is None:
                problems.append(
                    (entry.alias, f"no PKCS#12 identifier for a {entry.key.algorithm} secret key")
                )
        elif entry.kind is EntryKind.PRIVATE_KEY and (
            entry.key is None or isinstance(entry.key, SecretKey)
        ):
            problems.append((entry.alias, "the private key is missing"))
        elif entry.kind is EntryKind.PRIVATE_KEY and (broken := _broken_link(entry.chain)):
            problems.append((entry.alias, broken))
        elif entry.kind is EntryKind.TRUSTED_CERT and not entry.chain:
            problems.append((entry.alias, "the certificate is missing"))
    if problems:
        raise CannotHoldError("PKCS#12", problems)


def _broken_link(chain: list[Certificate]) -> str | None:
    """Why a key's chain would not read back: PKCS#12 keeps a chain as loose certificates that
    readers (the JDK's and ours) link again by issuer name and signature."""
    from ..chain import signed_by

    for n, (child, parent) in enumerate(itertools.pairwise(chain), 1):
        if child.issuer_name != parent.subject_name or signed_by(child, parent) is False:
            return (
                f"its certificate chain does not chain: certificate {n + 1} did not issue "
                f"certificate {n}, and PKCS#12 links a chain by issuer"
            )
    return None


def _secret_oid(algorithm: str) -> str | None:
    for name, oid in SECRET_KEY_OIDS.items():
        if name.lower() == algorithm.lower():
            return oid
    if algorithm.replace(".", "").isdigit() and algorithm.count(".") >= 2:
        return algorithm
    return None


def dump(store: Keystore, password: str) -> bytes:
    _check_writable(store)
    cert_bags: list[bytes] = []
    key_bags: list[bytes] = []
    written: set[bytes] = set()
    key_ids: set[bytes] = set()
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)

    def new_key_id(entry: Entry) -> bytes:
        millis = int(entry.timestamp.timestamp() * 1000) if entry.timestamp else now
        while (key_id := f"Time {millis}".encode("ascii")) in key_ids:
            millis += 1
        key_ids.add(key_id)
        return key_id

    for entry in store.entries:
        if entry.kind is EntryKind.TRUSTED_CERT:
            attributes = _attributes(entry.alias, None, not entry.loose)
            cert_bags.append(_cert_bag(entry.chain[0], attributes))
        elif entry.kind is EntryKind.SECRET_KEY:
            assert isinstance(entry.key, SecretKey)
            oid = _secret_oid(entry.key.algorithm)
            assert oid is not None
            info = der.seq(der.enc_int(0), der.seq(der.enc_oid(oid)), der.enc_octets(entry.key.key))
            secret = der.seq(
                der.enc_oid(OID_SHROUDED_KEY_BAG),
                der.explicit(0, der.enc_octets(_shroud(info, password))),
            )
            attributes = _attributes(entry.alias, new_key_id(entry), False)
            key_bags.append(_safe_bag(OID_SECRET_BAG, secret, attributes))
        else:
            key = entry.key
            assert key is not None and not isinstance(key, SecretKey | PublicKey)
            pkcs8 = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
            key_id = new_key_id(entry)
            key_bags.append(
                _safe_bag(
                    OID_SHROUDED_KEY_BAG,
                    _shroud(pkcs8, password),
                    _attributes(entry.alias, key_id, False),
                )
            )
            for position, cert in enumerate(entry.chain):
                if position == 0:
                    cert_bags.append(_cert_bag(cert, _attributes(entry.alias, key_id, False)))
                    written.add(cert.der)
                elif cert.der not in written:
                    cert_bags.append(_cert_bag(cert))
                    written.add(cert.der)

    contents: list[bytes] = []
    if key_bags:
        contents.append(_content_info(OID_DATA, der.enc_octets(der.seq(*key_bags))))
    if cert_bags:
        algorithm, ciphertext = crypto.encrypt_pbes2(der.seq(*cert_bags), password)
        encrypted = der.seq(
            der.enc_int(0),
            der.seq(der.enc_oid(OID_DATA), algorithm, der.tlv(der.CONTEXT_0_PRIMITIVE, ciphertext)),
        )
        contents.append(_content_info(OID_ENCRYPTED_DATA, encrypted))
    auth_safe = der.seq(*contents)

    salt = os.urandom(20)
    bmp = crypto.password_spellings(password)[0].bmp
    mac = crypto.compute_mac(crypto.OID_SHA256, bmp, salt, crypto.WRITE_ITERATIONS, auth_safe)
    mac_data = der.seq(
        der.seq(der.seq(der.enc_oid(crypto.OID_SHA256), der.enc_null()), der.enc_octets(mac)),
        der.enc_octets(salt),
        der.enc_int(crypto.WRITE_ITERATIONS),
    )
    return der.seq(der.enc_int(3), _content_info(OID_DATA, der.enc_octets(auth_safe)), mac_data)


formats.register(formats.Codec(StoreType.PKCS12, load, dump, check_structure))
