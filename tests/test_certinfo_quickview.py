"""The DER fast path for listings gives exactly what the full parse gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from keystore_gui.core import quickview
from keystore_gui.core.io import read_keystore
from keystore_gui.core.model import Certificate
from tests.certfactory import EC_KEY, der

CACERTS = Path("/etc/ssl/certs/java/cacerts")


def _cert(name: x509.Name, key=EC_KEY, *, serial: int = 7, end: int = 2030) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Issuer, Inc.")]))
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(dt.datetime(2024, 2, 29, 12, 30, 5, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(end, 1, 1, tzinfo=dt.UTC))
    )
    return builder.sign(EC_KEY, hashes.SHA256())


def _same(cert: Certificate) -> None:
    slow = quickview._slow_summary(Certificate(cert.der))
    assert quickview.summary(cert) == slow
    assert quickview.table_fields(cert) == (slow["subject"], slow["key"], slow["not_after"])
    assert quickview.row_fields(cert) == quickview._slow_row(Certificate(cert.der))


@pytest.mark.parametrize(
    "value",
    ["plain", 'a,b+c"d\\e<f>g;h', "#hash", " lead", "trail ", " ", "Zürich", "nul\0byte"],
)
def test_escaping_matches(value: str) -> None:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.COMMON_NAME, value),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "ops@example.org"),
            x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "example"),
        ]
    )
    _same(Certificate(der(_cert(name))))


def test_unusual_shapes_fall_back_to_the_full_parse() -> None:
    multi = x509.Name(
        [
            x509.RelativeDistinguishedName(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "a"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "b"),
                ]
            )
        ]
    )
    bmp = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "bmp", _type=x509.name._ASN1Type.BMPString)]
    )
    no_cn = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "No CN Ltd")])
    for name in (multi, bmp, no_cn):
        cert = Certificate(der(_cert(name)))
        assert quickview.summary(cert)["subject"] == cert.subject
        row = quickview.row_fields(cert)
        assert row.subject_cn == cert.common_name("subject")
        assert (row.issuer_cn, row.not_before) == ("Issuer, Inc.", cert.not_before)


@pytest.mark.parametrize(
    "values",
    [
        ["x" * 119, "y"],
        ["x" * 120, "y"],
        ["x" * 200, "y"],
        ["é" * 70, "y"],
        [f"ou{n}" for n in range(40)],
    ],
    ids=["longest-one-byte-lengths", "two-byte-set-length", "long", "long-utf8", "many-rdns"],
)
def test_long_values_and_names(values: list[str]) -> None:
    """A value (or the whole RDN) of 128 bytes or more has lengths of two bytes: the name is
    then read element by element, and must still read the same."""
    attributes = [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, v) for v in values]
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"), *attributes])
    _same(Certificate(der(_cert(name))))


@pytest.mark.parametrize(
    "key",
    [
        rsa.generate_private_key(65537, 1024),
        ec.generate_private_key(ec.SECP384R1()),
        ec.generate_private_key(ec.SECP521R1()),
        ed25519.Ed25519PrivateKey.generate(),
        dsa.generate_private_key(1024),
    ],
    ids=["rsa", "p384", "p521", "ed25519", "dsa"],
)
def test_keys(key) -> None:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "k")])
    _same(Certificate(der(_cert(name, key))))


def test_generalized_time_after_2049_and_large_serial() -> None:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "far")])
    cert = Certificate(der(_cert(name, serial=(1 << 159) - 1, end=2060)))
    _same(cert)
    assert quickview.summary(cert)["not_after"] == "2060-01-01T00:00:00Z"


def test_lenient_dsa_certificate(dsa_cert_der: bytes) -> None:
    _same(Certificate(dsa_cert_der))


@pytest.mark.skipif(not CACERTS.is_file(), reason="no system Java cacerts")
def test_every_root_in_the_system_truststore() -> None:
    store = read_keystore(CACERTS, "changeit")
    for _, cert in store.certificates():
        _same(cert)


def test_an_unreadable_certificate_is_listed_not_fatal() -> None:
    summary = quickview.summary(Certificate(b"\x30\x03\x02\x01\x01"))
    assert summary["subject"].startswith("unreadable certificate (file is damaged")
    assert summary["key"] == "unreadable" and len(summary["sha256"]) == 64
    assert quickview.table_fields(Certificate(b"\x30\x03\x02\x01\x01"))[1] == "unreadable"
