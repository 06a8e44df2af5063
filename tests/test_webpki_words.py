"""cryptography's path-validation errors, as the user reads them."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from keystore_gui.core.webpki_words import plain_words

NOW = dt.datetime.now(dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def test_a_client_certificate_offered_as_a_server_is_named_by_its_dn() -> None:
    root_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Acme Root"))
        .issuer_name(_name("Acme Root"))
        .public_key(root_key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=100))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("shop.example"))
        .issuer_name(_name("Acme Root"))
        .public_key(leaf_key.public_key())
        .serial_number(2)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=50))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("shop.example")]), False)
        .sign(root_key, hashes.SHA256())
    )
    verifier = (
        PolicyBuilder()
        .store(Store([root]))
        .time(NOW)
        .build_server_verifier(x509.DNSName("shop.example"))
    )
    with pytest.raises(VerificationError) as raised:
        verifier.verify(leaf, [])
    assert "<Certificate(" in str(raised.value)  # what the library says
    assert plain_words(str(raised.value), "a TLS server") == (
        "its extended key usage does not allow a TLS server (certificate 'CN=shop.example')"
    )
