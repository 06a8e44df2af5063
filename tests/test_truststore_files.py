"""Certificates from PEM/DER/PKCS#7 files, and export of a selection; checked with openssl."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from keystore_gui.core.errors import KeystoreError
from keystore_gui.core.model import Certificate
from keystore_gui.core.truststore import (
    candidates_from_file,
    certificates_of,
    export_certificates,
    export_selection,
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


def named(certs: list[Certificate]) -> list[tuple[str, Certificate]]:
    return [(f"c{i}", c) for i, c in enumerate(certs)]


def test_pem_bundle_with_noise(three: list[Certificate]) -> None:
    text = "some notes\n" + three[0].pem + "junk\n"
    text += three[1].pem.replace("\n", "\r\n") + three[2].pem
    assert read_certificates(text.encode()) == three
    cands = candidates_from_file(text.encode(), "bundle.pem")
    assert [c.alias for c in cands] == [
        "server.example.com",
        "example-issuing-ca-1",
        "example-root-ca",
    ]
    assert {c.origin for c in cands} == {"bundle.pem"}


def test_pem_names_are_kept(three: list[Certificate]) -> None:
    data = export_certificates([("my server", three[0]), ("corp root", three[2])], "pem")
    assert [c.alias for c in candidates_from_file(data, "x.pem")] == ["my server", "corp root"]


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
        (b"hello\n", "text without any certificate"),
        (b"\xfe\xed\xfe\xed\x00\x00\x00\x02", "JKS keystore, not a certificate file"),
        (b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n", "base64"),
        (b"-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n", "certificate"),
        (b"\x30\x82\x05\x00\x30\x82", "truncated|ends early"),
    ],
)
def test_bad_input_is_one_line(data: bytes, message: str) -> None:
    with pytest.raises(KeystoreError, match=message) as info:
        read_certificates(data)
    assert "\n" not in str(info.value)


def test_export_roundtrip(three: list[Certificate]) -> None:
    for fmt in ("pem", "pkcs7"):
        assert read_certificates(export_certificates(named(three), fmt)) == three
    assert export_certificates(named(three[:1]), "der") == three[0].der
    with pytest.raises(KeystoreError, match="one certificate, not 3"):
        export_certificates(named(three), "der")


def test_certificates_of_chain_without_repeats(pki: Pki) -> None:
    entries = [pki.key_entry("a"), pki.key_entry("b")]
    assert certificates_of(entries) == [("a", pki.cert("leaf"))]
    assert certificates_of(entries, chain=True) == [
        ("a", pki.cert("leaf")),
        ("example-issuing-ca-1", pki.cert("inter")),
        ("example-root-ca", pki.cert("root")),
    ]


def test_export_one_file_per_certificate(pki: Pki, tmp_path: Path) -> None:
    files = export_selection(
        [pki.key_entry("server")], "pem-each", tmp_path, chain=True, overwrite=False
    )
    assert [f.name for f in files] == [
        "server.pem",
        "example-issuing-ca-1.pem",
        "example-root-ca.pem",
    ]
    assert read_certificates(files[2].read_bytes()) == [pki.cert("root")]
    with pytest.raises(KeystoreError, match="no such folder"):
        export_selection([pki.key_entry("server")], "pem-each", tmp_path / "nope", overwrite=False)


@requires_openssl
def test_openssl_reads_our_pkcs7_and_we_read_its(three: list[Certificate], tmp_path: Path) -> None:
    ours = tmp_path / "ours.p7b"
    ours.write_bytes(export_certificates(named(three), "pkcs7"))
    out = openssl("pkcs7", "-inform", "DER", "-in", str(ours), "-print_certs").stdout
    assert read_certificates(out.encode()) == three
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(export_certificates(named(three), "pem"))
    theirs = tmp_path / "theirs.p7b"
    openssl("crl2pkcs7", "-nocrl", "-certfile", str(bundle), "-outform", "DER", "-out", str(theirs))
    assert set(read_certificates(theirs.read_bytes(), "theirs.p7b")) == set(three)
