"""The diagnosis rules on certificates made in-process: hostnames as Java checks them, purpose,
weak signatures and keys, AIA caIssuers."""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from keystore_gui.core.chain import Severity, certificates_source
from keystore_gui.core.model import Certificate
from keystore_gui.core.tls import Handshake, Target
from keystore_gui.core.tlsdiag import Code, check_hostname, diagnose
from tests.signature_certs import Sha1Certs

NOW = dt.datetime.now(dt.UTC)
ROOT_KEY = ec.generate_private_key(ec.SECP256R1())
LEAF_KEY = ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


ROOT = (
    x509.CertificateBuilder()
    .subject_name(_name("Test Root"))
    .issuer_name(_name("Test Root"))
    .public_key(ROOT_KEY.public_key())
    .serial_number(1)
    .not_valid_before(NOW - dt.timedelta(days=1))
    .not_valid_after(NOW + dt.timedelta(days=3650))
    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    .sign(ROOT_KEY, hashes.SHA256())
)


def leaf(
    cn: str = "server",
    *,
    dns: tuple[str, ...] = (),
    ips: tuple[str, ...] = (),
    eku: tuple[x509.ObjectIdentifier, ...] = (ExtendedKeyUsageOID.SERVER_AUTH,),
    key: object = LEAF_KEY,
    aia: str | None = None,
) -> Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ROOT.subject)
        .public_key(key.public_key())  # type: ignore[attr-defined]
        .serial_number(2)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=90))
    )
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    names += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if aia:
        access = x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(aia)
        )
        builder = builder.add_extension(x509.AuthorityInformationAccess([access]), critical=False)
    return Certificate.from_x509(builder.sign(ROOT_KEY, hashes.SHA256()))


def judge(cert: Certificate, host: str = "server.example") -> list[tuple[str, Severity]]:
    handshake = Handshake(Target(host), host, None, "TLSv1.3", "TLS_AES_128_GCM_SHA256", [cert])
    trusted = certificates_source([Certificate.from_x509(ROOT)], "truststore t", trusted=True)
    return [(f.code.value, f.severity) for f in diagnose(handshake, [trusted]).findings]


@pytest.mark.parametrize(
    ("dns", "host", "ok"),
    [
        (("server.example",), "SERVER.example.", True),
        (("*.example.com",), "api.example.com", True),
        (("*.example.com",), "a.b.example.com", False),
        (("*.example.com",), "example.com", False),
        (("api*.example.com",), "api1.example.com", True),
        (("api*.example.com",), "web.example.com", False),
        (("*.com",), "example.com", False),
        (("a.*.example.com",), "a.b.example.com", False),
        (("xn--bcher-kva.example",), "bücher.example", True),
    ],
)
def test_dns_names(dns: tuple[str, ...], host: str, ok: bool) -> None:
    assert check_hostname(leaf(dns=dns), host).ok is ok


def test_ip_addresses_match_only_ip_entries() -> None:
    cert = leaf("127.0.0.1", dns=("localhost",), ips=("127.0.0.1", "::1"))
    assert check_hostname(cert, "127.0.0.1").ok
    assert check_hostname(cert, "::1").ok
    assert not check_hostname(cert, "10.0.0.1").ok
    by_cn_only = leaf("127.0.0.1")
    assert not check_hostname(by_cn_only, "127.0.0.1").ok  # Java never reads the CN for an IP


def test_common_name_only_without_dns_names() -> None:
    assert check_hostname(leaf("server.example"), "server.example").by_common_name
    assert check_hostname(leaf("server.example", ips=("10.0.0.1",)), "server.example").ok
    has_dns = check_hostname(leaf("server.example", dns=("other.example",)), "server.example")
    assert not has_dns.ok and has_dns.covered == ["other.example"]


def test_a_trusted_server_has_no_findings() -> None:
    assert judge(leaf(dns=("server.example",))) == []


def test_wrong_purpose() -> None:
    cert = leaf(dns=("server.example",), eku=(ExtendedKeyUsageOID.CLIENT_AUTH,))
    assert judge(cert) == [("wrong-purpose", Severity.ERROR)]


def test_weak_signature_and_key(sha1_certs: Sha1Certs) -> None:
    handshake = Handshake(Target("h"), "h", None, "TLSv1.2", "X", [sha1_certs.rsa_leaf])
    trusted = certificates_source([sha1_certs.rsa_ca], "truststore t", trusted=True)
    weak = [f for f in diagnose(handshake, [trusted]).findings if f.code is Code.WEAK_SIGNATURE]
    assert [(f.severity, f.certificate) for f in weak] == [(Severity.WARNING, sha1_certs.rsa_leaf)]
    assert "signed with SHA1" in weak[0].message
    small = leaf(dns=("server.example",), key=rsa.generate_private_key(65537, 1024))
    assert judge(small) == [("weak-signature", Severity.WARNING)]


def test_missing_intermediate_names_the_aia_url() -> None:
    cert = leaf(dns=("server.example",), aia="http://ca.example/issuing.crt")
    handshake = Handshake(Target("server.example"), "server.example", None, "TLSv1.3", "X", [cert])
    found = diagnose(handshake, []).findings
    assert [f.code for f in found] == [Code.MISSING_INTERMEDIATE]
    assert "http://ca.example/issuing.crt" in found[0].message
    assert "'CN=Test Root'" in found[0].message
