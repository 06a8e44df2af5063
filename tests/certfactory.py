"""Certificates made in-process (fast), for certificate-file, certificate-detail and CLI tests."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

EC_KEY = ec.generate_private_key(ec.SECP256R1())
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def make_cert(
    cn: str,
    *,
    issuer: x509.Certificate | None = None,
    serial: int = 0x1A2B,
    ca: bool = False,
    extensions: tuple[tuple[x509.ExtensionType, bool], ...] = (),
    days: int = 365,
    key: ec.EllipticCurvePrivateKey = EC_KEY,
    signer: ec.EllipticCurvePrivateKey | None = None,
) -> x509.Certificate:
    """An EC P-256 certificate for ``CN=cn, O=Example``; self-signed unless ``issuer`` is given.
    By default every certificate shares one key, so any of them can sign any other; give
    ``key`` and the issuer's key as ``signer`` for distinct keys."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example"),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(START)
        .not_valid_after(START + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    for ext, critical in extensions:
        builder = builder.add_extension(ext, critical=critical)
    return builder.sign(signer or (key if issuer is None else EC_KEY), hashes.SHA256())


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="session")
def two_certs() -> tuple[x509.Certificate, x509.Certificate]:
    """A root CA and a leaf it issued, with a SAN."""
    root = make_cert("Example Root", ca=True, serial=0x0100)
    leaf = make_cert(
        "www.example.org",
        issuer=root,
        serial=0x02,
        extensions=(
            (
                x509.SubjectAlternativeName(
                    [
                        x509.DNSName("www.example.org"),
                        x509.IPAddress(ipaddress.ip_address("10.0.0.1")),
                    ]
                ),
                False,
            ),
        ),
    )
    return root, leaf


@pytest.fixture
def chain_pem(tmp_path: Path, two_certs: tuple[x509.Certificate, x509.Certificate]) -> Path:
    """``chain.pem``: the leaf of ``two_certs``, then its root."""
    root, leaf = two_certs
    path = tmp_path / "chain.pem"
    path.write_bytes(pem(leaf) + pem(root))
    return path


@pytest.fixture(scope="session")
def dsa_cert_der(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A DSA certificate as JDK 17's keytool writes it (cryptography 49+ refuses to parse it)."""
    from tests.tools import keytool

    folder: Path = tmp_path_factory.mktemp("dsa")
    store = folder / "dsa.p12"
    keytool(
        "-genkeypair", "-keyalg", "DSA", "-keysize", "2048", "-alias", "dsa",
        "-dname", "CN=DSA Server,O=Example", "-ext", "san=dns:dsa.example.org",
        "-validity", "400", "-keystore", str(store), "-storetype", "PKCS12",
        storepass="changeit",
    )  # fmt: skip
    keytool(
        "-exportcert", "-alias", "dsa", "-keystore", str(store), "-file", str(folder / "dsa.der"),
        storepass="changeit",
    )  # fmt: skip
    return (folder / "dsa.der").read_bytes()
