"""Certificate details: every field and extension decoded, checked against OpenSSL and keytool."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re

import pytest
from cryptography import x509
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from keystore_gui.core.certinfo import (
    Field,
    certificate_summary,
    describe,
    describe_entry,
    serial_hex,
)
from keystore_gui.core.errors import CorruptFileError
from keystore_gui.core.lenient import parse_lenient
from keystore_gui.core.model import Certificate, Entry, EntryKind, SecretKey
from tests.certfactory import START, der, make_cert
from tests.tools import keytool, openssl, requires_keytool, requires_openssl

NOW = START + dt.timedelta(days=100)


@pytest.fixture(scope="module")
def rich() -> x509.Certificate:
    """A certificate with every common extension, one unknown one, and a serial with a
    leading zero byte in DER."""
    ca = make_cert("Example CA", ca=True)
    exts: tuple[tuple[x509.ExtensionType, bool], ...] = (
        (
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("api.example.org"),
                    x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
                    x509.RFC822Name("ops@example.org"),
                    x509.UniformResourceIdentifier("https://example.org/"),
                ]
            ),
            False,
        ),
        (
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        ),
        (
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            False,
        ),
        (x509.SubjectKeyIdentifier(bytes(range(20))), False),
        (x509.AuthorityKeyIdentifier(bytes(range(1, 21)), None, None), False),
        (
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier("http://crl.example.org/ca.crl")],
                        None,
                        None,
                        None,
                    )
                ]
            ),
            False,
        ),
        (
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier("http://ocsp.example.org"),
                    )
                ]
            ),
            False,
        ),
        (
            x509.CertificatePolicies(
                [
                    x509.PolicyInformation(
                        x509.ObjectIdentifier("2.23.140.1.2.1"), ["https://example.org/cps"]
                    )
                ]
            ),
            False,
        ),
        (
            x509.NameConstraints(
                permitted_subtrees=[x509.DNSName("example.org")], excluded_subtrees=None
            ),
            True,
        ),
        (
            x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x04\x02hi"),
            False,
        ),
    )
    return make_cert("api.example.org", issuer=ca, serial=0x80FF, extensions=exts)


def _labels(node: Field) -> list[str]:
    return [c.label for c in node.children]


def test_fields_and_extensions(rich: x509.Certificate) -> None:
    info = describe(Certificate(der(rich)), NOW)
    assert info.value == "api.example.org"
    assert info.find("Subject") == Field(
        "Subject",
        "O=Example,CN=api.example.org",
        (Field("CN", "api.example.org"), Field("O", "Example")),
    )
    assert info.find("Issuer").value == "O=Example,CN=Example CA"
    serial = info.find("Serial number")
    assert serial.value == "80ff" and serial.find("Decimal").value == str(0x80FF)
    assert info.find("Validity").value == "265 days remaining"
    assert info.find("Not after").value == "2026-01-01 00:00:00 UTC"
    assert info.find("Public key").value == "EC secp256r1"
    assert info.find("Curve").value == "secp256r1"
    assert info.find("Signature algorithm").value.startswith("ecdsa-with-SHA256")
    exts = info.find("Extensions")
    assert exts.value == "11"
    assert _labels(exts) == [
        "Basic Constraints (critical)",
        "Subject Alternative Name",
        "Key Usage (critical)",
        "Extended Key Usage",
        "Subject Key Identifier",
        "Authority Key Identifier",
        "CRL Distribution Points",
        "Authority Information Access",
        "Certificate Policies",
        "Name Constraints (critical)",
        "1.3.6.1.4.1.99999.1",
    ]
    san = exts.find("Subject Alternative Name")
    assert [(c.label, c.value) for c in san.children[2:]] == [
        ("DNS", "api.example.org"),
        ("IP address", "2001:db8::1"),
        ("Email", "ops@example.org"),
        ("URI", "https://example.org/"),
    ]
    assert san.find("Critical").value == "no"
    ku = exts.find("Key Usage (critical)")
    assert ku.value == "Digital Signature, Key Encipherment" and ku.find("Critical").value == "yes"
    assert exts.find("Extended Key Usage").value == (
        "serverAuth (1.3.6.1.5.5.7.3.1), clientAuth (1.3.6.1.5.5.7.3.2)"
    )
    assert exts.find("Subject Key Identifier").value == ":".join(f"{i:02X}" for i in range(20))
    assert "http://crl.example.org/ca.crl" in exts.find("CRL Distribution Points").value
    assert exts.find("Authority Information Access").value == (
        "OCSP (1.3.6.1.5.5.7.48.1): http://ocsp.example.org"
    )
    policies = exts.find("Certificate Policies")
    assert policies.find("CPS").value == "https://example.org/cps"
    assert exts.find("Permitted").children == (Field("DNS", "example.org"),)
    assert exts.find("1.3.6.1.4.1.99999.1").value == "04026869"
    assert info.find("PEM").value.startswith("-----BEGIN CERTIFICATE-----\n")


def test_time_states() -> None:
    cert = Certificate(der(make_cert("t", days=10)))
    assert describe(cert, START - dt.timedelta(days=3)).find("Validity").value == (
        "not valid yet (starts in 3 days)"
    )
    assert describe(cert, START + dt.timedelta(days=15)).find("Validity").value == (
        "expired 5 days ago"
    )


@requires_openssl
def test_fingerprints_match_openssl(tmp_path, rich: x509.Certificate) -> None:
    path = tmp_path / "c.der"
    path.write_bytes(der(rich))
    info = describe(Certificate(der(rich)))
    for algo, label in (("-sha1", "SHA-1"), ("-sha256", "SHA-256")):
        out = openssl("x509", "-inform", "DER", "-in", str(path), "-noout", "-fingerprint", algo)
        assert out.stdout.strip().split("=", 1)[1] == info.find(label).value


@requires_keytool
@pytest.mark.parametrize("serial", [0x80FF, 0x0100, 0x1, 0x00AB_CDEF_0000_0001])
def test_serial_is_written_as_keytool_prints_it(tmp_path, serial: int) -> None:
    cert = make_cert("s", serial=serial)
    path = tmp_path / "s.der"
    path.write_bytes(der(cert))
    printed = keytool("-printcert", "-file", str(path)).stdout
    shown = re.search(r"Serial number: (\w+)", printed).group(1)
    assert serial_hex(serial) == shown
    assert certificate_summary(Certificate(der(cert)))["serial"] == shown


@requires_openssl
def test_lenient_parse_of_a_jdk_dsa_certificate_matches_openssl(tmp_path, dsa_cert_der) -> None:
    parsed = parse_lenient(dsa_cert_der)
    path = tmp_path / "dsa.der"
    path.write_bytes(dsa_cert_der)
    out = openssl(
        "x509", "-inform", "DER", "-in", str(path), "-noout", "-serial", "-subject",
        "-startdate", "-enddate", "-nameopt", "RFC2253",
    ).stdout  # fmt: skip
    fields = dict(line.split("=", 1) for line in out.strip().splitlines())
    assert int(fields["serial"], 16) == parsed.serial_number
    assert parsed.subject.rfc4514_string() == fields["subject"]
    assert parsed.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "DSA Server"
    fmt = "%b %d %H:%M:%S %Y GMT"
    start = dt.datetime.strptime(fields["notBefore"].replace("  ", " "), fmt).replace(tzinfo=dt.UTC)
    assert parsed.not_valid_before_utc == start
    assert parsed.not_valid_before_utc.tzinfo is not None
    assert parsed.version == 3
    assert parsed.public_key().key_size == 2048


def test_lenient_certificate_is_described_with_a_note(dsa_cert_der: bytes) -> None:
    cert = Certificate(dsa_cert_der)
    assert cert.x509 is None and cert.lenient is not None
    info = describe(cert)
    assert info.find("Public key").value == "DSA 2048"
    assert info.find("Signature algorithm").value == "dsa-with-sha256 (2.16.840.1.101.3.4.3.2)"
    assert info.find("Subject Alternative Name").value == "DNS: dsa.example.org"
    assert "signature cannot be checked" in info.find("Read leniently").value
    summary = certificate_summary(cert)
    assert summary["key"] == "DSA 2048" and summary["subject"] == "CN=DSA Server,O=Example"


@pytest.mark.parametrize(
    "data", [b"", b"hello", b"\x30\x03\x02\x01\x01", bytes.fromhex("300b06092a864886f70d010701")]
)
def test_lenient_rejects_non_certificates(data: bytes) -> None:
    with pytest.raises(CorruptFileError, match=r"not an X\.509 certificate"):
        parse_lenient(data)


def test_entry_description_and_json(two_certs) -> None:
    root, leaf = two_certs
    entry = Entry("web", EntryKind.PRIVATE_KEY, [Certificate(der(leaf)), Certificate(der(root))])
    node = describe_entry(entry, NOW)
    assert _labels(node)[:3] == ["Alias", "Kind", "Key"]
    assert [c.label for c in node.children if c.label.startswith("Certificate")] == [
        "Certificate 1 of 2",
        "Certificate 2 of 2",
    ]
    text = json.dumps(node.to_json())
    assert json.loads(text)["children"][0] == {"label": "Alias", "value": "web"}
    secret = describe_entry(Entry("k", EntryKind.SECRET_KEY, key=SecretKey("AES", bytes(16))))
    assert secret.find("Key").value == "AES 128"
    sealed = describe_entry(Entry("k", EntryKind.SECRET_KEY))
    assert "algorithm is not known" in sealed.find("Key").value


def test_a_malformed_extension_is_shown_raw_with_a_note() -> None:
    bad_key_usage = x509.UnrecognizedExtension(x509.ObjectIdentifier("2.5.29.15"), b"\x05\x00")
    cert = Certificate(der(make_cert("bad", extensions=((bad_key_usage, True),))))
    info = describe(cert, NOW)
    exts = info.find("Extensions")
    assert _labels(exts) == [
        "basicConstraints (2.5.29.19) (critical)",
        "keyUsage (2.5.29.15) (critical)",
    ]
    assert exts.children[1].value == "0500"
    assert "shown undecoded" in info.find("Notes").children[0].value
    assert info.find("Subject").value == "O=Example,CN=bad"
