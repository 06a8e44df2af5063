"""Build small real certificates in-process for tests (EC P-256 unless asked otherwise)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID

from keystore_gui.core.model import Certificate, Entry, EntryKind

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Issued:
    cert: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes

    @property
    def model(self) -> Certificate:
        return Certificate.from_x509(self.cert)


def name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def issue(
    cn: str,
    issuer: Issued | None = None,
    *,
    ca: bool = False,
    path_length: int | None = None,
    key: CertificateIssuerPrivateKeyTypes | None = None,
    not_before: dt.datetime | None = None,
    days: int = 365,
    key_usage: bool = True,
    eku: list[x509.ObjectIdentifier] | None = None,
    san: list[str] | None = None,
    hash_algorithm: hashes.HashAlgorithm | None = None,
) -> Issued:
    key = key or ec.generate_private_key(ec.SECP256R1())
    start = not_before or NOW - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(cn))
        .issuer_name(issuer.cert.subject if issuer else name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
    )
    if key_usage:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(d) for d in san]), critical=False
        )
    signer = issuer.key if issuer else key
    cert = builder.sign(signer, hash_algorithm or hashes.SHA256())
    return Issued(cert, key)


def self_signed(
    cn: str,
    key: CertificateIssuerPrivateKeyTypes,
    *,
    serial: int | None = None,
    days: int = 1,
    backdate: int = 0,
) -> x509.Certificate:
    """A bare self-signed certificate (no extensions) for ``CN=cn``, valid from ``backdate``
    days ago to ``days`` days from now."""
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(cn))
        .issuer_name(name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number() if serial is None else serial)
        .not_valid_before(now - dt.timedelta(days=backdate))
        .not_valid_after(now + dt.timedelta(days=days))
    )
    unhashed = isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)
    return builder.sign(key, None if unhashed else hashes.SHA256())


def rsa_key(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, bits)


def key_entry(alias: str, *chain: Issued) -> Entry:
    return Entry(alias, EntryKind.PRIVATE_KEY, [c.model for c in chain], key=chain[0].key)


def trusted_entry(alias: str, cert: Issued) -> Entry:
    return Entry(alias, EntryKind.TRUSTED_CERT, [cert.model])
