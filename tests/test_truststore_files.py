"""Certificates from PEM/DER/PKCS#7 files, and export of a selection; checked with openssl."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from keystore_gui.core.errors import KeystoreError
from keystore_gui.core.model import Certificate
from keystore_gui.core.truststore import (
    certificates_of,
    export_certificates,
    read_certificates,
)
from tests.tools import openssl, requires_openssl
from tests.truststore_certs import Pki


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="module")
def three(pki: Pki) -> list[Certificate]:
    return [pki.cert("leaf"), pki.cert("inter"), pki.cert("root")]


def test_pem_bundle_with_noise(three: list[Certificate]) -> None:
    text = "Bag Attributes\n    friendlyName: x\n" + three[0].pem + "junk\n"
    text += "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"
    text += three[1].pem.replace("\n", "\r\n") + three[2].pem
    assert read_certificates(text.encode()) == three


def test_der(three: list[Certificate]) -> None:
    assert read_certificates(three[0].der, "a.cer") == [three[0]]


def test_pkcs7_der_and_pem(three: list[Certificate]) -> None:
    x509s = [c.x509 for c in three]
    der = pkcs7.serialize_certificates(x509s, Encoding.DER)  # type: ignore[arg-type]
    pem = pkcs7.serialize_certificates(x509s, Encoding.PEM)  # type: ignore[arg-type]
    # DER sorts a SET OF: the order of the certificates is not kept
    assert set(read_certificates(der)) == set(three)
    assert set(read_certificates(pem)) == set(three)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello\n", "no certificate"),
        (b"\xfe\xed\xfe\xed\x00\x00\x00\x02", "no certificate"),
        (b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n", "base64"),
        (b"-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n", "certificate"),
        (b"\x30\x82\x05\x00\x30\x82", "truncated|certificate"),
    ],
)
def test_bad_input_is_one_line(data: bytes, message: str) -> None:
    with pytest.raises(KeystoreError, match=message) as info:
        read_certificates(data)
    assert "\n" not in str(info.value)


def test_export_roundtrip(three: list[Certificate]) -> None:
    for fmt in ("pem", "pkcs7"):
        assert read_certificates(export_certificates(three, fmt)) == three
    assert export_certificates(three[:1], "der") == three[0].der
    with pytest.raises(KeystoreError, match="one certificate, not 3"):
        export_certificates(three, "der")


def test_certificates_of_chain_without_repeats(pki: Pki) -> None:
    entries = [pki.key_entry("a"), pki.key_entry("b")]
    assert certificates_of(entries) == [pki.cert("leaf")]
    assert certificates_of(entries, chain=True) == [
        pki.cert("leaf"),
        pki.cert("inter"),
        pki.cert("root"),
    ]


@requires_openssl
def test_openssl_reads_our_pkcs7_and_we_read_its(three: list[Certificate], tmp_path: Path) -> None:
    ours = tmp_path / "ours.p7b"
    ours.write_bytes(export_certificates(three, "pkcs7"))
    out = openssl("pkcs7", "-inform", "DER", "-in", str(ours), "-print_certs").stdout
    assert read_certificates(out.encode()) == three
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(export_certificates(three, "pem"))
    theirs = tmp_path / "theirs.p7b"
    openssl("crl2pkcs7", "-nocrl", "-certfile", str(bundle), "-outform", "DER", "-out", str(theirs))
    assert set(read_certificates(theirs.read_bytes(), "theirs.p7b")) == set(three)
