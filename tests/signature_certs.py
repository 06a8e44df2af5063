"""Certificates whose signatures take the less common paths: SHA-1 (which cryptography neither
makes nor checks with ``verify_directly_issued_by``), RSA-PSS issuers, and DSA issuers as JDK 17's
keytool writes them (which cryptography cannot parse)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from keystore_gui.core.model import Certificate
from tests.certs import Issued, issue, name
from tests.tools import keytool, openssl

STOREPASS = "changeit"


@dataclass
class Sha1Certs:
    rsa_ca: Certificate
    """RSA CA ``CN=SHA-1 CA``, self-signed with SHA1withRSA by OpenSSL."""
    pss_ca: Certificate
    """Self-signed RSA-PSS CA (SHA-256), ``CN=PSS CA``, same key as ``rsa_ca``."""
    rsa_leaf: Certificate
    """``CN=SHA-1 Leaf``, signed by ``rsa_ca`` with SHA1withRSA by OpenSSL."""
    pss_leaf: Certificate
    """``CN=PSS Leaf``, signed by ``pss_ca`` with SHA-1 RSA-PSS by OpenSSL."""
    ca_key: rsa.RSAPrivateKey
    rsa_leaf_key: ec.EllipticCurvePrivateKey
    pss_leaf_key: ec.EllipticCurvePrivateKey


@dataclass
class DsaCerts:
    old_ca: Certificate
    """A keytool DSA CA ``CN=DSA CA,O=Example``."""
    new_ca: Certificate
    """Its renewal: the same name, a new DSA key."""
    leaf: Certificate
    """``CN=dsa-leaf.example.org``, signed by ``new_ca`` with keytool ``-gencert`` (SHA256withDSA)."""
    leaf_key: ec.EllipticCurvePrivateKey


def _ca(cn: str, key: rsa.RSAPrivateKey, rsa_padding: padding.PSS | None) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name(cn))
        .issuer_name(name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256(), rsa_padding=rsa_padding)
    )


def _csr(cn: str, key: ec.EllipticCurvePrivateKey) -> bytes:
    request = (
        x509.CertificateSigningRequestBuilder().subject_name(name(cn)).sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM)


def _pem_file(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _load(path: Path) -> Certificate:
    return Certificate.from_x509(x509.load_pem_x509_certificate(path.read_bytes()))


@pytest.fixture(scope="session")
def sha1_certs(tmp_path_factory: pytest.TempPathFactory) -> Sha1Certs:
    folder = tmp_path_factory.mktemp("sha1")
    ca_key = rsa.generate_private_key(65537, 2048)
    key_pem = ca_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ca_key_file = _pem_file(folder / "ca.key", key_pem)
    openssl(
        "req", "-x509", "-new", "-sha1", "-key", ca_key_file, "-subj", "/CN=SHA-1 CA",
        "-days", "30", "-out", str(folder / "rsa-ca.pem"),
    )  # fmt: skip
    pss = padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.DIGEST_LENGTH)
    pss_ca = _ca("PSS CA", ca_key, pss).public_bytes(serialization.Encoding.PEM)
    _pem_file(folder / "pss-ca.pem", pss_ca)
    leaf_keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(2)]
    pss_options = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20"]
    for cn, ca, key, options in (
        ("SHA-1 Leaf", "rsa-ca", leaf_keys[0], []),
        ("PSS Leaf", "pss-ca", leaf_keys[1], pss_options),
    ):
        openssl(
            "x509", "-req", "-sha1", *options, "-days", "30", "-set_serial", "7",
            "-in", _pem_file(folder / f"{ca}.csr", _csr(cn, key)),
            "-CA", str(folder / f"{ca}.pem"), "-CAkey", ca_key_file,
            "-out", str(folder / f"{ca}-leaf.pem"),
        )  # fmt: skip
    return Sha1Certs(
        _load(folder / "rsa-ca.pem"),
        _load(folder / "pss-ca.pem"),
        _load(folder / "rsa-ca-leaf.pem"),
        _load(folder / "pss-ca-leaf.pem"),
        ca_key,
        leaf_keys[0],
        leaf_keys[1],
    )


@pytest.fixture(scope="session")
def dsa_certs(tmp_path_factory: pytest.TempPathFactory) -> DsaCerts:
    folder = tmp_path_factory.mktemp("dsa-ca")
    store = str(folder / "cas.p12")
    for alias in ("old", "new"):
        keytool(
            "-genkeypair", "-keyalg", "DSA", "-keysize", "2048", "-alias", alias,
            "-dname", "CN=DSA CA,O=Example", "-ext", "bc:c", "-validity", "30",
            "-keystore", store, "-storetype", "PKCS12", storepass=STOREPASS,
        )  # fmt: skip
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    csr = _pem_file(folder / "leaf.csr", _csr("dsa-leaf.example.org", leaf_key))
    keytool(
        "-gencert", "-alias", "new", "-keystore", store, "-infile", csr,
        "-outfile", str(folder / "leaf.der"), "-validity", "30", storepass=STOREPASS,
    )  # fmt: skip
    for alias in ("old", "new"):
        keytool(
            "-exportcert", "-alias", alias, "-keystore", store,
            "-file", str(folder / f"{alias}.der"), storepass=STOREPASS,
        )  # fmt: skip
    return DsaCerts(
        Certificate((folder / "old.der").read_bytes()),
        Certificate((folder / "new.der").read_bytes()),
        Certificate((folder / "leaf.der").read_bytes()),
        leaf_key,
    )


def unknown_signature_leaf() -> tuple[Certificate, Issued, ec.EllipticCurvePrivateKey]:
    """``(leaf, ca, leaf key)``: ``CN=leaf`` issued by ``CN=CA``, its signature algorithm changed to
    an unknown one (1.2.840.10045.4.3.127), so no one can tell who signed it."""
    ca = issue("CA", ca=True)
    leaf = issue("leaf", ca)
    ecdsa_sha256 = bytes.fromhex("06082a8648ce3d040302")
    der = leaf.model.der.replace(ecdsa_sha256, ecdsa_sha256[:-1] + b"\x7f")  # inner and outer
    assert isinstance(leaf.key, ec.EllipticCurvePrivateKey)
    return Certificate(der), ca, leaf.key
