"""Certificates made in-process (EC P-256, fast) for the truststore tests."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType


def make_cert(
    cn: str,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None,
    ca: bool = False,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name, signer = (name, key) if issuer is None else (issuer[0].subject, issuer[1])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(signer, hashes.SHA256())
    )
    return cert, key


class Pki:
    """root CA → intermediate CA → leaf ``server`` (with key), plus an unrelated root."""

    def __init__(self) -> None:
        self.root = make_cert("Example Root CA", ca=True)
        self.inter = make_cert("Example Issuing CA 1", self.root, ca=True)
        self.leaf = make_cert("server.example.com", self.inter)
        self.other = make_cert("Other Root", ca=True)

    def cert(self, which: str) -> Certificate:
        return Certificate.from_x509(getattr(self, which)[0])

    def key_entry(self, alias: str = "server") -> Entry:
        return Entry(
            alias,
            EntryKind.PRIVATE_KEY,
            chain=[self.cert("leaf"), self.cert("inter"), self.cert("root")],
            key=self.leaf[1],
        )

    def trusted(self, alias: str, which: str) -> Entry:
        return Entry(alias, EntryKind.TRUSTED_CERT, chain=[self.cert(which)])

    def truststore(self, store_type: StoreType = StoreType.JKS) -> Keystore:
        return Keystore(store_type, [self.trusted("other", "other")], "changeit")
