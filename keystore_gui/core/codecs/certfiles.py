"""Certificate files: PEM (one or many certificates), DER (one) and PKCS#7 ``.p7b`` (PEM or DER).

Each certificate becomes a trusted-certificate entry. Its alias is, in order of preference:
the ``friendlyName`` that OpenSSL prints in a "Bag Attributes" block just before it, else the
subject's first common name, else the whole subject DN; lowercased (as Java stores aliases) and
made unique within the file by appending ``-2``, ``-3``… Certificates keep their original bytes.

Writers take trusted-certificate entries only: a certificate file cannot hold a private or secret
key, so those are refused with :class:`CannotHoldError` naming every such entry. PEM output keeps
each alias as a ``friendlyName`` line, so a PEM bundle reads back with the same aliases.
"""

from __future__ import annotations

import base64
import binascii
import re

from .. import der
from ..errors import (
    CannotHoldError,
    CorruptFileError,
    KeystoreError,
    NotAKeystoreError,
    TruncatedFileError,
    UnsupportedFormatError,
)
from ..formats import Codec, register
from ..model import Certificate, Entry, EntryKind, Keystore, StoreType
from ..names import Suffixes
from ..sniff import bare_base64

# Body up to the next dash: base64 and the RFC 1421 headers of certificates have none, and a
# lazy ``.*?`` scan costs a regex step per byte of a 10,000-certificate bundle.
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----([^-]*)(-----END \1-----)?")
_FRIENDLY_NAME = re.compile(rb"^\s*friendlyName:\s*(.*?)\s*$", re.M)
_CERT_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE"}
_KEY_LABELS = re.compile(rb"PRIVATE KEY|SECRET KEY")

_SIGNED_DATA = der.tlv(0x06, bytes.fromhex("2a864886f70d010702"))
_DATA = der.tlv(0x06, bytes.fromhex("2a864886f70d010701"))


# --- aliases -----------------------------------------------------------------------------------


class _Aliases:
    """Hands out unique lowercase aliases in O(1) each (a 10,000-certificate bundle is common)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._suffixes = Suffixes()

    def take(self, wanted: str) -> str:
        base = normal_alias(wanted)
        candidate = self._suffixes.free(base, self._taken.__contains__)
        self._taken.add(candidate)
        return candidate


def normal_alias(wanted: str) -> str:
    """An alias as certificate files have them: spaces collapsed, lowercase (as Java stores)."""
    return " ".join(wanted.split()).lower() or "certificate"


def default_alias(cert: Certificate) -> str:
    """The alias a certificate gets from its own content: its CN, else its subject DN."""
    try:
        name = cert.common_name()
    except KeystoreError:
        return "certificate"
    return name or cert.subject or "certificate"


def _store(certs: list[tuple[Certificate, str | None]], store_type: StoreType) -> Keystore:
    aliases = _Aliases()
    entries = [
        Entry(
            alias=aliases.take(name or default_alias(cert)),
            kind=EntryKind.TRUSTED_CERT,
            chain=[cert],
        )
        for cert, name in certs
    ]
    return Keystore(store_type, entries)


def _certificate(data: bytes, where: str) -> Certificate:
    """A checked certificate from exactly one DER element (trailing bytes are an error)."""
    if not data or data[0] != 0x30:
        raise CorruptFileError(f"{where} is not an X.509 certificate")
    length = der.element_length(data)
    if length > len(data):
        raise TruncatedFileError(f"{where} ends early")
    if length < len(data):
        raise CorruptFileError(f"{where} has {len(data) - length} unexpected bytes after it")
    cert = Certificate(data)
    cert.x509  # noqa: B018 -- parse now: a damaged certificate must fail the load, not the listing
    return cert


# --- PEM ---------------------------------------------------------------------------------------


def _b64(body: bytes, where: str) -> bytes:
    lines = [line for line in body.splitlines() if line.strip() and b":" not in line]
    try:
        return base64.b64decode(b"".join(line.strip() for line in lines), validate=True)
    except (binascii.Error, ValueError):
        raise CorruptFileError(f"{where} is not valid base64") from None


def load_pem(data: bytes, password: str | None = None) -> Keystore:
    certs: list[tuple[Certificate, str | None]] = []
    parsed: dict[bytes, Certificate] = {}  # a bundle may repeat one certificate 30,000 times
    keys = 0
    pos = 0
    bags = b"friendlyName:" in data
    for match in _PEM_BLOCK.finditer(data):
        label = match.group(1)
        where = f"certificate {len(certs) + 1}"
        if match.group(3) is None:
            rest = data[match.end() :]
            if rest.strip():
                raise CorruptFileError(
                    f"the PEM block BEGIN {label.decode('ascii')} is not closed by its END line"
                )
            raise TruncatedFileError(f"{where} has no END line")
        if _KEY_LABELS.search(label):
            keys += 1
        elif label in _CERT_LABELS:
            raw = _b64(match.group(2), where)
            if label == b"TRUSTED CERTIFICATE":
                # OpenSSL's trusted form: the certificate followed by its trust settings.
                raw = raw[: der.element_length(raw)] if raw[:1] == b"\x30" else raw
            names = _FRIENDLY_NAME.findall(data, pos, match.start()) if bags else []
            name = names[-1].decode("utf-8", "replace") if names else None
            cert = parsed.get(raw)
            if cert is None:
                cert = parsed[raw] = _certificate(raw, where)
            certs.append((cert, name or None))
        pos = match.end()
    if keys:
        raise UnsupportedFormatError(
            "this PEM file also holds a private key; only certificate files are read here "
            "(combine the key and certificates into a PKCS#12 first, e.g. openssl pkcs12 -export)"
        )
    if not certs:
        raise NotAKeystoreError("no certificate in this PEM file")
    return _store(certs, StoreType.PEM)


def _pem_armour(der_bytes: bytes, label: str) -> str:
    body = base64.b64encode(der_bytes).decode("ascii")
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def _certificates_only(store: Keystore, target: str) -> list[tuple[str, Certificate]]:
    problems = [
        (e.alias, f"a {target} file holds certificates only, not a {e.kind.replace('-', ' ')}")
        for e in store.entries
        if e.kind is not EntryKind.TRUSTED_CERT
    ]
    if problems:
        raise CannotHoldError(target, problems)
    return [(e.alias, c) for e in store.entries for c in e.chain]


def dump_pem(store: Keystore, password: str = "") -> bytes:
    """A PEM bundle; each certificate preceded by its alias, subject and issuer."""
    parts = []
    for alias, cert in _certificates_only(store, "PEM"):
        parts.append(
            f"Bag Attributes\n    friendlyName: {alias}\n"
            f"subject={cert.subject}\nissuer={cert.issuer}\n" + cert.pem
        )
    return "".join(parts).encode("utf-8")


# --- DER ---------------------------------------------------------------------------------------


def _unarmoured(data: bytes) -> bytes:
    """``data`` itself, or the bytes of base64 text without PEM armour (as some tools save)."""
    return data if data[:1] == b"\x30" else (bare_base64(data) or data)


def load_der(data: bytes, password: str | None = None) -> Keystore:
    return _store([(_certificate(_unarmoured(data), "the certificate"), None)], StoreType.DER)


def load_pkipath(data: bytes, password: str | None = None) -> Keystore:
    """A PkiPath lists the path root first; Java's CertPath, keytool and this reader show it
    leaf first, like a key's chain."""
    blob = _unarmoured(data)
    total = der.element_length(blob)
    if total > len(blob):
        raise TruncatedFileError()
    raw = der.split(der.content(blob[:total]))
    if not raw:
        raise NotAKeystoreError("this PkiPath holds no certificate")
    certs = [_certificate(c, f"certificate {i}") for i, c in enumerate(raw, 1)]
    return _store([(c, None) for c in reversed(certs)], StoreType.PKIPATH)


def dump_der(store: Keystore, password: str = "") -> bytes:
    certs = _certificates_only(store, "DER")
    if len(certs) != 1:
        raise CannotHoldError(
            "DER",
            [(alias, "a DER file holds exactly one certificate") for alias, _ in certs]
            or [("(none)", "a DER file holds exactly one certificate; the store is empty")],
        )
    return certs[0][1].der


# --- PKCS#7 ------------------------------------------------------------------------------------


def _pkcs7_der(data: bytes) -> bytes:
    if data[:1] == b"\x30":
        return data
    decoded = bare_base64(data)
    if decoded is not None:
        return decoded
    match = _PEM_BLOCK.search(data)
    if match is None or match.group(1) != b"PKCS7":
        raise NotAKeystoreError("no PKCS7 block in this file")
    if match.group(3) is None:
        raise TruncatedFileError("the PKCS7 block has no END line")
    return _b64(match.group(2), "the PKCS7 block")


def pkcs7_certificates(data: bytes) -> list[bytes]:
    """The certificates of a PKCS#7 SignedData (PEM or DER), each as its original DER."""
    blob = _pkcs7_der(data)
    total = der.element_length(blob)
    if total > len(blob):
        raise TruncatedFileError()
    if total < len(blob) and blob[total:].strip(b"\x00\r\n\t "):
        raise CorruptFileError("unexpected bytes after the PKCS7 structure")
    try:
        oid, *rest = der.split(der.content(blob[:total]))
    except ValueError:
        raise CorruptFileError("the PKCS7 structure is malformed") from None
    if oid != _SIGNED_DATA:
        raise NotAKeystoreError("a PKCS7 file that is not a SignedData certificate bundle")
    if not rest or rest[0][:1] != b"\xa0":
        return []
    signed_data = der.content(der.content(rest[0]))
    for element in der.split(signed_data):
        if element[:1] == b"\xa0":  # certificates [0] IMPLICIT SET OF CertificateChoices
            return [c for c in der.split(der.content(element)) if c[:1] == b"\x30"]
    return []


def load_pkcs7(data: bytes, password: str | None = None) -> Keystore:
    raw = pkcs7_certificates(data)
    if not raw:
        raise NotAKeystoreError("this PKCS7 file holds no certificate")
    return _store(
        [(_certificate(c, f"certificate {i}"), None) for i, c in enumerate(raw, 1)],
        StoreType.PKCS7,
    )


def pkcs7_bytes(certs: list[Certificate], *, pem: bool = False) -> bytes:
    """A certificates-only PKCS#7 SignedData (what ``openssl crl2pkcs7 -nocrl`` makes)."""
    signed = der.seq(
        der.tlv(0x02, b"\x01"),  # version 1
        der.tlv(0x31, b""),  # no digest algorithms
        der.seq(_DATA),  # no content
        der.tlv(0xA0, b"".join(c.der for c in certs)),
        der.tlv(0x31, b""),  # no signer infos
    )
    blob = der.seq(_SIGNED_DATA, der.tlv(0xA0, signed))
    return _pem_armour(blob, "PKCS7").encode("ascii") if pem else blob


def dump_pkcs7(store: Keystore, password: str = "") -> bytes:
    return pkcs7_bytes([cert for _, cert in _certificates_only(store, "PKCS7")])


register(Codec(StoreType.PEM, load_pem, dump_pem))
register(Codec(StoreType.DER, load_der, dump_der))
register(Codec(StoreType.PKCS7, load_pkcs7, dump_pkcs7))
register(Codec(StoreType.PKIPATH, load_pkipath))
