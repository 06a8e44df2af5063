"""Tell a file's format from its first bytes."""

from __future__ import annotations

from pathlib import PurePath

from . import der
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
        if inner == 0x30:  # Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, ...}
            return StoreType.DER
        return None
    head = data[: 1 << 16]
    if b"-----BEGIN PKCS7-----" in head and not any(
        b"-----BEGIN " + label in head for label in _PEM_CERT_LABELS
    ):
        return StoreType.PKCS7
    if any(b"-----BEGIN " + label in data for label in _PEM_CERT_LABELS):
        return StoreType.PEM
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
