"""Trust chains built and judged on PKIs made by openssl, with ``openssl verify`` as the referee."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from keystore_gui.core.chain import (
    Purpose,
    Severity,
    TrustSource,
    certificates_source,
    complete_chain,
    issued_by,
    signed_by,
    verify_certificate,
    verify_entry,
)
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.core.trustsources import system_bundle_path, system_cas
from tests.chain_pki import Issued, Pki, openssl_verify
from tests.tools import keytool, requires_keytool, requires_openssl

pytestmark = [requires_openssl, pytest.mark.openssl]

NOW = dt.datetime.now(dt.UTC)


class World:
    def __init__(self, folder: Path) -> None:
        pki = Pki(folder)
        self.pki = pki
        self.root = pki.root("root", "/CN=Test Root CA")
        self.inter = pki.issue("inter", "/CN=Test Intermediate CA", self.root, ca=True)
        self.leaf = pki.issue("leaf", "/CN=server.example", self.inter)
        self.expired_inter = pki.issue(
            "expired-inter",
            "/CN=Old Intermediate CA",
            self.root,
            ca=True,
            not_before=NOW - dt.timedelta(days=400),
            not_after=NOW - dt.timedelta(days=30),
        )
        self.leaf_of_expired = pki.issue(
            "leaf-old",
            "/CN=old.example",
            self.expired_inter,
            not_before=NOW - dt.timedelta(days=300),
        )
        self.non_ca = pki.issue("non-ca", "/CN=Not A CA", self.inter)
        self.leaf_of_non_ca = pki.issue("leaf-nonca", "/CN=bad.example", self.non_ca)
        self.strict_root = pki.root("strict-root", "/CN=Strict Root CA", pathlen=0)
        self.strict_inter = pki.issue(
            "strict-inter", "/CN=Strict Intermediate CA", self.strict_root, ca=True
        )
        self.leaf_too_deep = pki.issue("leaf-deep", "/CN=deep.example", self.strict_inter)
        self.tampered = pki.tampered(self.leaf, "leaf-tampered")
        self.self_signed = pki.root("self", "/CN=self.example")
        # A renewed intermediate: same name, new key; only the old one signed ``leaf``.
        self.renewed_inter = pki.issue("inter-2", "/CN=Test Intermediate CA", self.root, ca=True)

    def truststore(self, *members: Issued, label: str = "truststore trust.jks") -> TrustSource:
        return certificates_source([m.certificate for m in members], label, trusted=True)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return World(tmp_path_factory.mktemp("pki"))


def key_entry(alias: str, *chain: Issued) -> Entry:
    return Entry(alias, EntryKind.PRIVATE_KEY, [c.certificate for c in chain])


def errors(verdict_problems: list[str]) -> str:
    return " | ".join(verdict_problems)


def test_good_three_level_chain_is_trusted_through_the_root_alone(world: World) -> None:
    entry = key_entry("server", world.leaf, world.inter)
    verdict = verify_entry(entry, [world.truststore(world.root)], purpose=Purpose.TLS_SERVER)
    assert verdict.trusted, verdict.problems
    assert [link.certificate.subject for link in verdict.path] == [
        "CN=server.example",
        "CN=Test Intermediate CA",
        "CN=Test Root CA",
    ]
    assert [link.source for link in verdict.path] == [
        "this keystore",
        "this keystore",
        "truststore trust.jks",
    ]
    assert [link.anchor for link in verdict.path] == [False, False, True]
    assert verdict.problems == []
    assert verdict.web_pki is not None and verdict.web_pki.ok, verdict.web_pki
    assert openssl_verify(world.leaf, [world.root], [world.inter])[0]


def test_missing_intermediate_then_found_in_another_truststore(world: World) -> None:
    entry = key_entry("server", world.leaf)
    verdict = verify_entry(entry, [world.truststore(world.root)])
    assert not verdict.trusted
    assert verdict.problems == [
        "'CN=server.example': issuer 'CN=Test Intermediate CA' not found in any trust source"
    ]
    ok, out = openssl_verify(world.leaf, [world.root])
    assert not ok and "unable to get local issuer certificate" in out

    other = world.truststore(world.inter, label="truststore other.p12")
    verdict = verify_entry(entry, [world.truststore(world.root), other])
    assert verdict.trusted, verdict.problems
    assert verdict.path[-1].source == "truststore other.p12"
    assert openssl_verify(world.leaf, [world.root, world.inter])[0]


def test_intermediates_complete_a_path_without_being_trusted(world: World) -> None:
    entry = key_entry("server", world.leaf)
    helpers = certificates_source([world.inter.certificate], "intermediates ca.pem", trusted=False)
    verdict = verify_entry(entry, [helpers, world.truststore(world.root)])
    assert verdict.trusted
    assert [link.source for link in verdict.path][1:] == [
        "intermediates ca.pem",
        "truststore trust.jks",
    ]
    verdict = verify_entry(entry, [helpers])
    assert not verdict.trusted
    assert "issuer 'CN=Test Root CA' not found" in errors(verdict.problems)


def test_expired_intermediate(world: World) -> None:
    entry = key_entry("old", world.leaf_of_expired, world.expired_inter)
    verdict = verify_entry(entry, [world.truststore(world.root)])
    assert not verdict.trusted
    expiry = world.expired_inter.certificate.not_after.date().isoformat()
    assert verdict.problems == [f"'CN=Old Intermediate CA': expired on {expiry}"]
    assert verdict.path[1].severity is Severity.ERROR
    assert verdict.path[0].severity is Severity.OK
    ok, out = openssl_verify(world.leaf_of_expired, [world.root], [world.expired_inter])
    assert not ok and "certificate has expired" in out
    # Judged at a time when it was still valid, the same path is trusted.
    earlier = verify_entry(entry, [world.truststore(world.root)], at=NOW - dt.timedelta(days=60))
    assert earlier.trusted, earlier.problems


def test_leaf_signed_by_a_non_ca(world: World) -> None:
    entry = key_entry("bad", world.leaf_of_non_ca, world.non_ca, world.inter)
    verdict = verify_entry(entry, [world.truststore(world.root)])
    assert not verdict.trusted
    assert verdict.problems == [
        "'CN=bad.example': issuer is not a CA",
        "'CN=bad.example': issuer's key usage does not allow certificate signing",
    ]
    ok, out = openssl_verify(world.leaf_of_non_ca, [world.root], [world.non_ca, world.inter])
    assert not ok and "invalid CA certificate" in out


def test_path_length_violation(world: World) -> None:
    entry = key_entry("deep", world.leaf_too_deep, world.strict_inter)
    verdict = verify_entry(entry, [world.truststore(world.strict_root)])
    assert not verdict.trusted
    assert verdict.problems == [
        "'CN=Strict Intermediate CA': path length exceeded: 'CN=Strict Root CA' allows "
        "0 intermediate CAs below it"
    ]
    ok, out = openssl_verify(world.leaf_too_deep, [world.strict_root], [world.strict_inter])
    assert not ok and "path length constraint exceeded" in out


def test_tampered_signature(world: World) -> None:
    entry = key_entry("tampered", world.tampered, world.inter)
    verdict = verify_entry(entry, [world.truststore(world.root)])
    assert not verdict.trusted
    assert verdict.problems == ["'CN=server.example': signature does not verify with issuer's key"]
    assert [link.certificate.subject for link in verdict.path][1:] == [
        "CN=Test Intermediate CA",
        "CN=Test Root CA",
    ]
    ok, out = openssl_verify(world.tampered, [world.root], [world.inter])
    assert not ok and "certificate signature failure" in out


def test_self_signed_entry(world: World) -> None:
    entry = key_entry("self", world.self_signed)
    verdict = verify_entry(entry, [world.truststore(world.root)])
    assert not verdict.trusted
    assert verdict.problems == ["'CN=self.example': self-signed and not in the truststore"]
    ok, out = openssl_verify(world.self_signed, [world.root])
    assert not ok and "self-signed certificate" in out
    # Once in the truststore, it is its own anchor.
    verdict = verify_entry(entry, [world.truststore(world.root, world.self_signed)])
    assert verdict.trusted
    assert openssl_verify(world.self_signed, [world.root, world.self_signed])[0]


def test_renewed_ca_is_chosen_by_signature_not_by_name(world: World) -> None:
    assert world.renewed_inter.certificate.subject == world.inter.certificate.subject
    assert signed_by(world.leaf.certificate, world.renewed_inter.certificate) is False
    # The renewed CA comes first and is valid too; only the old one verifies the leaf.
    helpers = certificates_source(
        [world.renewed_inter.certificate, world.inter.certificate], "intermediates", trusted=False
    )
    verdict = verify_entry(key_entry("server", world.leaf), [helpers, world.truststore(world.root)])
    assert verdict.trusted
    assert verdict.path[1].certificate == world.inter.certificate
    # With only the renewed one at hand, the signature is the reason.
    only_new = certificates_source(
        [world.renewed_inter.certificate], "intermediates", trusted=False
    )
    verdict = verify_entry(
        key_entry("server", world.leaf), [only_new, world.truststore(world.root)]
    )
    assert not verdict.trusted
    assert "signature does not verify with issuer's key" in errors(verdict.problems)


def test_purpose_checks_on_the_end_certificate(world: World) -> None:
    trust = [world.truststore(world.root)]
    for purpose in (Purpose.TLS_SERVER, Purpose.TLS_CLIENT, Purpose.ANY):
        verdict = verify_entry(key_entry("s", world.leaf, world.inter), trust, purpose=purpose)
        assert verdict.trusted, (purpose, verdict.problems)
    # A CA certificate has no SAN and no server EKU: not a TLS server certificate.
    verdict = verify_certificate(world.inter.certificate, trust, purpose=Purpose.TLS_SERVER)
    assert not verdict.trusted
    assert verdict.problems == [
        "'CN=Test Intermediate CA': no subject alternative name (TLS servers need one)",
        "'CN=Test Intermediate CA': key usage does not allow TLS server authentication",
    ]


def test_loops_end_without_hanging(tmp_path: Path) -> None:
    pki = Pki(tmp_path)
    b_self = pki.root("b", "/CN=Loop B")
    a = pki.issue("a", "/CN=Loop A", b_self, ca=True)
    b_by_a = pki.issue("b2", "/CN=Loop B", a, ca=True, key=b_self.key)
    helpers = certificates_source([a.certificate, b_by_a.certificate], "loop", trusted=False)
    leaf = pki.issue("loop-leaf", "/CN=loop.example", a)
    verdict = verify_certificate(leaf.certificate, [helpers])
    assert not verdict.trusted
    assert len(verdict.path) <= 3
    assert "loops back" in errors(verdict.problems)
    store = Keystore(
        StoreType.JKS,
        [
            key_entry("leaf", leaf, a, b_by_a),
            Entry("b", EntryKind.TRUSTED_CERT, [b_by_a.certificate]),
        ],
    )
    grouped = issued_by(store)
    assert grouped.roots == []
    shape = [(depth, node.certificate.subject) for depth, node in grouped.walk()]
    assert shape == [(0, "CN=Loop B"), (1, "CN=Loop A"), (2, "CN=loop.example")]


def test_complete_chain_appends_only_verified_issuers(world: World) -> None:
    offered = [
        world.renewed_inter.certificate,
        world.self_signed.certificate,
        world.root.certificate,
        world.inter.certificate,
    ]
    added = complete_chain([world.leaf.certificate], offered)
    assert added == [world.inter.certificate, world.root.certificate]
    assert complete_chain([world.self_signed.certificate], offered) == []


def test_issued_by_groups_the_keystore(world: World) -> None:
    store = Keystore(
        StoreType.JKS,
        [
            key_entry("server", world.leaf, world.inter),
            key_entry("old", world.leaf_of_expired),
            Entry("root", EntryKind.TRUSTED_CERT, [world.root.certificate]),
            key_entry("self", world.self_signed),
            key_entry("deep", world.leaf_too_deep),
        ],
    )
    grouped = issued_by(store)
    shape = [(depth, node.certificate.subject, node.label) for depth, node in grouped.walk()]
    assert shape == [
        (0, "CN=Test Root CA", "root"),
        (1, "CN=Test Intermediate CA", "chain of server"),
        (2, "CN=server.example", "server"),
        (0, "CN=self.example", "self"),
        (0, "CN=old.example", "old"),
        (0, "CN=deep.example", "deep"),
    ]
    assert [n.certificate.subject for n in grouped.roots] == ["CN=Test Root CA", "CN=self.example"]


@pytest.mark.skipif(system_bundle_path() is None, reason="no system CA bundle on this machine")
def test_system_bundle_is_read_as_anchors() -> None:
    source = system_cas()
    assert len(source.anchors) > 50 and not source.others
    assert source.label == "system CAs"


def test_cross_signed_root_reaches_the_old_anchor(tmp_path: Path) -> None:
    pki = Pki(tmp_path)
    old_root = pki.root("old-root", "/CN=Old Root CA")
    new_root = pki.root("new-root", "/CN=New Root CA")
    cross = pki.issue("cross", "/CN=New Root CA", old_root, ca=True, key=new_root.key)
    inter = pki.issue("x-inter", "/CN=New Issuing CA", new_root, ca=True)
    leaf = pki.issue("x-leaf", "/CN=cross.example", inter)
    entry = key_entry("cross", leaf, inter, new_root)
    helpers = certificates_source([cross.certificate], "intermediates cross.pem", trusted=False)
    old_trust = certificates_source([old_root.certificate], "truststore old.jks", trusted=True)

    # Only the old root is trusted: the path goes through the cross certificate.
    verdict = verify_entry(entry, [helpers, old_trust])
    assert verdict.trusted, verdict.problems
    assert [link.certificate for link in verdict.path] == [
        leaf.certificate,
        inter.certificate,
        cross.certificate,
        old_root.certificate,
    ]
    assert openssl_verify(leaf, [old_root], [inter, cross])[0]

    # With the new root trusted, the short path wins.
    new_trust = certificates_source([new_root.certificate], "truststore new.jks", trusted=True)
    verdict = verify_entry(entry, [helpers, old_trust, new_trust])
    assert [link.source for link in verdict.path][-1] == "truststore new.jks"
    assert len(verdict.path) == 3

    # Without the cross certificate, the new root is a self-signed dead end.
    verdict = verify_entry(entry, [old_trust])
    assert verdict.problems == ["'CN=New Root CA': self-signed and not in the truststore"]
    assert not openssl_verify(leaf, [old_root], [inter, new_root])[0]


@requires_keytool
def test_dsa_certificate_from_keytool_is_verified_from_its_der(tmp_path: Path) -> None:
    store, exported = tmp_path / "dsa.jks", tmp_path / "dsa.cer"
    keytool(
        "-genkeypair", "-alias", "d", "-keyalg", "DSA", "-keysize", "2048", "-dname", "CN=dsa",
        "-keystore", str(store), "-storetype", "JKS", storepass="password", keypass="password",
    )  # fmt: skip
    keytool("-exportcert", "-alias", "d", "-keystore", str(store), "-file", str(exported),
            storepass="password")  # fmt: skip
    cert = Certificate(exported.read_bytes())
    assert signed_by(cert, cert) is True
    tampered = bytearray(cert.der)
    tampered[-5] ^= 0x01
    assert signed_by(Certificate(bytes(tampered)), cert) is False


def test_sha1_signature_is_verified_and_flagged(world: World) -> None:
    leaf = world.pki.issue("sha1-leaf", "/CN=sha1.example", world.inter, digest="sha1")
    verdict = verify_entry(key_entry("sha1", leaf, world.inter), [world.truststore(world.root)])
    assert verdict.trusted, verdict.problems
    assert verdict.warnings == ["'CN=sha1.example': signed with SHA1, which is weak"]
    assert verdict.path[0].severity is Severity.WARNING
    assert openssl_verify(leaf, [world.root], [world.inter])[0]
