from __future__ import annotations

import pytest

from keystore_gui.core.errors import NotAKeystoreError, TruncatedFileError
from keystore_gui.core.formats import detect
from keystore_gui.core.model import StoreType


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xfe\xed\xfe\xed\x00\x00\x00\x02", StoreType.JKS),
        (b"\xce\xce\xce\xce\x00\x00\x00\x02", StoreType.JCEKS),
        (b"\x00\x00\x00\x02\x00\x00\x00\x14", StoreType.BKS),
        (b"\x30\x82\x01\x00\x02\x01\x03", StoreType.PKCS12),
        (b"\x30\x82\x01\x00\x30\x82\x00\xf0", StoreType.DER),
        (b"\x30\x82\x01\x00\x06\x09\x2a\x86", StoreType.PKCS7),
        (b"Bag Attributes\n-----BEGIN CERTIFICATE-----\nMII=\n", StoreType.PEM),
        (b"-----BEGIN PKCS7-----\nMII=\n-----END PKCS7-----\n", StoreType.PKCS7),
    ],
)
def test_type_comes_from_content(data: bytes, expected: StoreType) -> None:
    assert detect(data, "misleading.txt") == expected


def test_empty_file() -> None:
    with pytest.raises(NotAKeystoreError, match="empty"):
        detect(b"")


def test_text_file_renamed_jks() -> None:
    with pytest.raises(NotAKeystoreError, match="text"):
        detect(b"hello, this is a README\n" * 10, "server.jks")


def test_tiny_file_is_truncated() -> None:
    with pytest.raises(TruncatedFileError):
        detect(b"\xfe\xed", "a.jks")


def test_a_lone_private_key_is_named() -> None:
    pem = b"-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"
    with pytest.raises(NotAKeystoreError, match="private key but no certificate"):
        detect(pem, "leaf.key")
