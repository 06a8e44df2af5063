"""Tell a file's format from its first bytes."""

from __future__ import annotations

import base64
import binascii
from pathlib import PurePath

from . import der
from .errors import UnsupportedFormatError
from .model import StoreType

_MAGIC = {
    b"\xfe\xed\xfe\xed": StoreType.JKS,
    b"\xce\xce\xce\xce": StoreType.JCEKS,
    b"\x00\x00\x00\x01": StoreType.BKS,
    b"\x00\x00\x00\x02": StoreType.BKS,
}

_PEM_CERT_LABELS = (b"CERTIFICATE-----", b"TRUSTED CERTIFICATE-----", b"X509 CERTIFICATE-----")


def sniff(data: bytes, name: str | PurePath | None = None) -> StoreType | None:
    magic = data[:4]
    if magic in _MAGIC:
        return _MAGIC[magic]
    if data[:1] == b"\x30":
        try:
            header, _ = der.header(data)  # BER's indefinite length too (older PKCS#12 writers)
        except der.DerError:
            return None
        if len(data) <= header:
            return None
        inner = data[header]
        if inner == 0x02:  # PFX ::= SEQUENCE { version INTEGER, ...}
            return StoreType.PKCS12
        if inner == 0x06:  # ContentInfo ::= SEQUENCE { contentType OID, ...}
            return StoreType.PKCS7
        if inner == 0x30:
            return _sequence_of_sequences(data)
        return None
    head = data[: 1 << 16]
    if b"-----BEGIN PKCS7-----" in head and not any(
        b"-----BEGIN " + label in head for label in _PEM_CERT_LABELS
    ):
        return StoreType.PKCS7
    if any(b"-----BEGIN " + label in data for label in _PEM_CERT_LABELS):
        return StoreType.PEM
    decoded = bare_base64(data)
    if decoded is not None and decoded[:1] == b"\x30":
        found = sniff(decoded)
        return found if found is not None and found.is_certificate_file else None
    return None


def _first_tags(data: bytes, depth: int) -> list[int]:
    """The tags met going down through first children: the element, its first child…"""
    tags, pos = [], 0
    try:
        for _ in range(depth):
            if pos >= len(data):
                break
            tags.append(data[pos])
            if not data[pos] & 0x20:
                break
            head, _ = der.header(data, pos)
            pos += head
    except der.DerError:
        pass
    return tags


def _sequence_of_sequences(data: bytes) -> StoreType:
    """``SEQUENCE { SEQUENCE ...}``: a certificate (its TBS starts with ``[0]`` or a serial),
    a PkiPath (a SEQUENCE OF Certificate), or BouncyCastle's FIPS keystore (BCFKS, whose
    store data starts with an AlgorithmIdentifier), which is named and refused."""
    tags = _first_tags(data, 4)
    if tags[2:3] == [0x30]:
        if tags[3:4] in ([0xA0], [0x02]):  # SEQUENCE { Certificate { TBS { version | serial
            return StoreType.PKIPATH
        if tags[3:4] == [0x06]:  # SEQUENCE { ObjectStoreData { AlgorithmIdentifier { OID
            raise UnsupportedFormatError(
                "unsupported: BouncyCastle FIPS keystore (BCFKS); keytool reads it with the "
                "BouncyCastle provider (-storetype BCFKS) and can convert it to PKCS#12"
            )
    return StoreType.DER


_BASE64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n\t ")


def bare_base64(data: bytes) -> bytes | None:
    """The bytes of base64 text without PEM armour (as some tools save a certificate), or
    ``None`` if ``data`` is not such text."""
    if len(data) < 64 or len(data) > 1 << 24 or not _BASE64.issuperset(data):
        return None
    try:
        return base64.b64decode(b"".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * len(text)
