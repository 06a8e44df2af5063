"""Key generation and certificate building in the core, checked with the real openssl."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7

from keystore_gui.core import certbuild as cb
from keystore_gui.core.chain import is_issued_by
from keystore_gui.core.errors import KeystoreError
from keystore_gui.core.keygen import (
    ALL_KEY_SPECS,
    KeyAlgorithm,
    KeySpec,
    KeySpecError,
    parse_key_spec,
    signature_algorithm,
    signature_algorithms_for,
)
from keystore_gui.core.model import Certificate, Entry, EntryKind
from tests.signature_certs import DsaCerts, Sha1Certs, unknown_signature_leaf
from tests.tools import openssl, requires_openssl

# --- key specs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("rsa:3072", "RSA 3072"),
        ("RSA:2048", "RSA 2048"),
        ("rsa", "RSA 3072"),
        ("ec:p-256", "EC P-256"),
        ("ec:secp384r1", "EC P-384"),
        ("EC:P-521", "EC P-521"),
        ("ec", "EC P-256"),
        ("ed25519", "Ed25519"),
        ("Ed448", "Ed448"),
        ("dsa:2048", "DSA 2048"),
    ],
)
def test_parse_key_spec(text: str, label: str) -> None:
    spec = parse_key_spec(text)
    assert spec.label == label
    assert parse_key_spec(spec.spec) == spec


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("rsa:17", "RSA key size '17' is not offered (choose 2048, 3072, 4096)"),
        ("rsa:1024", "RSA key size '1024' is not offered"),
        ("rsa:big", "RSA key size 'big' is not offered"),
        ("ec:p-224", "EC curve 'p-224' is not offered"),
        ("ed25519:256", "Ed25519 takes no size or curve"),
        ("dsa:1024", "DSA key size '1024' is not offered (choose 2048)"),
        ("elgamal", "unknown key type 'elgamal'"),
        ("", "unknown key type ''"),
    ],
)
def test_parse_key_spec_refuses(text: str, reason: str) -> None:
    with pytest.raises(KeySpecError) as info:
        parse_key_spec(text)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_signature_algorithms_match_the_key() -> None:
    names = [s.name for s in signature_algorithms_for(parse_key_spec("rsa:2048"))]
    assert names[0] == "SHA256withRSA"
    assert "SHA512withRSA/PSS" in names
    assert signature_algorithms_for(parse_key_spec("ec:p-384"))[0].name == "SHA384withECDSA"
    assert [s.name for s in signature_algorithms_for(parse_key_spec("ed448"))] == ["Ed448"]
    assert signature_algorithm("sha256withrsaandmgf1").pss


# --- names -----------------------------------------------------------------------------------


def test_parse_dn_reads_rfc4514_with_spaces_and_escapes() -> None:
    name = cb.parse_dn(r"CN=Example\, Inc. , OU=Ops+UID=7, O=Ex, E=ops@example.com, c=lk")
    assert cb.name_pairs(name) == [
        ("CN", "Example, Inc."),
        ("OU", "Ops"),
        ("UID", "7"),
        ("O", "Ex"),
        ("E", "ops@example.com"),
        ("C", "LK"),
    ]
    assert cb.format_dn(name) == r"CN=Example\, Inc.,OU=Ops+UID=7,O=Ex,E=ops@example.com,C=LK"
    assert cb.parse_dn(cb.format_dn(name)) == name
    assert cb.parse_dn(r"CN=caf\C3\A9") == cb.parse_dn("CN=café")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("CN=x, C=Lanka", "C must be a two-letter country code such as LK or US, not 'Lanka'"),
        ("CN=x, C=1A", "C must be a two-letter country code"),
        ("CN=x, FOO=y", "unknown name attribute 'FOO'"),
        ("CN=x, O", "'O' is not of the form KEY=value"),
        ("CN=", "CN is empty"),
        ("", "the name is empty"),
        ("CN=x, E=not-mail", "'not-mail' is not an e-mail address"),
        ("CN=" + "x" * 65, "CN is longer than 64 characters"),
    ],
)
def test_parse_dn_refuses(text: str, reason: str) -> None:
    with pytest.raises(cb.CertificateInputError) as info:
        cb.parse_dn(text)
    assert reason in str(info.value)


def test_name_from_pairs_keeps_reading_order() -> None:
    name = cb.name_from_pairs([("CN", "a"), ("O", "b"), ("2.5.4.5", "42"), ("C", "us")])
    assert cb.format_dn(name) == "CN=a,O=b,SERIALNUMBER=42,C=US"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dns:www.example.com", x509.DNSName("www.example.com")),
        ("DNS:*.example.com", x509.DNSName("*.example.com")),
        ("email:ops@example.com", x509.RFC822Name("ops@example.com")),
        ("uri:https://example.com/x", x509.UniformResourceIdentifier("https://example.com/x")),
    ],
)
def test_parse_general_name(text: str, expected: x509.GeneralName) -> None:
    assert cb.parse_general_name(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("dns:exa mple.com", "'exa mple.com' is not a DNS name"),
        ("dns:-bad.example", "is not a DNS name"),
        ("ip:10.0.0.300", "'10.0.0.300' is not an IP address"),
        ("uri:example.com", "is not a URI"),
        ("www.example.com", "is not a subject alternative name"),
    ],
)
def test_parse_general_name_refuses(text: str, reason: str) -> None:
    with pytest.raises(cb.CertificateInputError) as info:
        cb.parse_general_name(text)
    assert reason in str(info.value)


def test_templates_offer_the_cn() -> None:
    server = cb.template("tls-server", KeyAlgorithm.RSA, "www.example.com")
    assert server.subject_alt_names == ["dns:www.example.com"]
    assert server.key_usage == {"digitalSignature", "keyEncipherment"}
    assert cb.template("tls-server", KeyAlgorithm.EC, "10.1.2.3").subject_alt_names == [
        "ip:10.1.2.3"
    ]
    assert cb.template("tls-server", KeyAlgorithm.EC, "My Server").subject_alt_names == []
    ca = cb.template("ca")
    assert ca.basic_constraints == cb.BasicConstraintsChoice(ca=True)
    assert ca.problems() == []
    with pytest.raises(cb.CertificateInputError, match="unknown template 'web'"):
        cb.template("web")


def test_extension_problems() -> None:
    choices = cb.ExtensionChoices(
        subject_alt_names=["dns:ok.example", "ip:nope"],
        key_usage=frozenset(),
        basic_constraints=cb.BasicConstraintsChoice(ca=False, path_length=1),
    )
    assert choices.problems() == [
        "'nope' is not an IP address",
        "key usage is on but no usage is ticked",
        "a path length needs the CA flag",
    ]


def test_validity_periods() -> None:
    start = dt.datetime(2024, 1, 31, 12, tzinfo=dt.UTC)
    assert cb.Validity.from_period(1, "months", start).not_after == start.replace(month=2, day=29)
    assert cb.Validity.from_period(2, "years", start).not_after == start.replace(year=2026)
    assert cb.Validity.from_period(10, "days", start).not_after == start + dt.timedelta(10)
    default = cb.Validity.default()
    assert 365 <= (default.not_after - default.not_before).days <= 366
    with pytest.raises(cb.CertificateInputError, match="after its start"):
        cb.Validity.between(start, start)
    with pytest.raises(cb.CertificateInputError, match="at least 1"):
        cb.Validity.from_period(0)


# --- certificates ----------------------------------------------------------------------------


def _self_signed(spec: KeySpec, dn: str, choices: cb.ExtensionChoices) -> Entry:
    key = spec.generate()
    chain = cb.issue(cb.NewCertificate(cb.parse_dn(dn), cb.Validity.default(), choices), key)
    return cb.new_key_entry(dn.split(",")[0][3:].lower(), key, chain)


def _write_pem(path: Path, *certs: Certificate) -> Path:
    path.write_text("".join(c.pem for c in certs))
    return path


@requires_openssl
@pytest.mark.parametrize(
    "spec", [s for s in ALL_KEY_SPECS if s.algorithm is not KeyAlgorithm.RSA or s.size == 2048]
)
def test_each_key_type_makes_a_certificate_openssl_reads(spec: KeySpec, tmp_path: Path) -> None:
    entry = _self_signed(
        spec,
        "CN=host.example.com, O=Example, C=LK",
        cb.template("tls-server", spec.algorithm, "host.example.com"),
    )
    cert = entry.chain[0]
    assert cert.x509 is not None
    assert 0 < cert.serial < 2**159
    pem = _write_pem(tmp_path / "c.pem", cert)
    text = openssl("x509", "-in", str(pem), "-noout", "-text").stdout
    assert "DNS:host.example.com" in text
    assert "TLS Web Server Authentication" in text
    assert "X509v3 Key Usage: critical" in text
    assert "X509v3 Subject Key Identifier" in text
    openssl("verify", "-CAfile", str(pem), "-purpose", "sslserver", str(pem))


@pytest.fixture(scope="module")
def pki() -> dict[str, Entry]:
    """root → intermediate (path length 0) → server, all EC P-256."""
    p256 = parse_key_spec("ec:p-256")
    root = _self_signed(p256, "CN=Root CA, O=Example, C=LK", cb.template("ca"))
    inter_choices = cb.template("ca")
    inter_choices.basic_constraints = cb.BasicConstraintsChoice(ca=True, path_length=0)
    inter_key = p256.generate()
    inter_chain = cb.issue(
        cb.NewCertificate(
            cb.parse_dn("CN=Intermediate CA, O=Example"), cb.Validity.default(), inter_choices
        ),
        inter_key,
        cb.Issuer.from_entry(root),
    )
    inter = cb.new_key_entry("intermediate", inter_key, inter_chain)
    server_key = p256.generate()
    server_chain = cb.issue(
        cb.NewCertificate(
            cb.parse_dn("CN=www.example.com"),
            cb.Validity.from_period(90, "days"),
            cb.template("tls-server", KeyAlgorithm.EC, "www.example.com"),
        ),
        server_key,
        cb.Issuer.from_entry(inter),
    )
    return {
        "root": root,
        "intermediate": inter,
        "server": cb.new_key_entry("server", server_key, server_chain),
    }


@requires_openssl
def test_chain_verifies_with_openssl(pki: dict[str, Entry], tmp_path: Path) -> None:
    server = pki["server"]
    assert [c.common_name() for c in server.chain] == [
        "www.example.com",
        "Intermediate CA",
        "Root CA",
    ]
    root = _write_pem(tmp_path / "root.pem", pki["root"].chain[0])
    inter = _write_pem(tmp_path / "intermediate.pem", pki["intermediate"].chain[0])
    leaf = _write_pem(tmp_path / "server.pem", server.chain[0])
    out = openssl(
        "verify", "-CAfile", str(root), "-untrusted", str(inter), "-purpose", "sslserver", str(leaf)
    )
    assert "server.pem: OK" in out.stdout
    text = openssl("x509", "-in", str(inter), "-noout", "-text").stdout
    assert "CA:TRUE, pathlen:0" in text
    assert "X509v3 Authority Key Identifier" in text


def test_issuer_rules(pki: dict[str, Entry]) -> None:
    with pytest.raises(cb.CertificateInputError, match="its certificate is not a CA"):
        cb.Issuer.from_entry(pki["server"])
    inter = cb.Issuer.from_entry(pki["intermediate"])
    with pytest.raises(cb.CertificateInputError, match="has path length 0"):
        cb.issue(
            cb.NewCertificate(cb.parse_dn("CN=Sub CA"), cb.Validity.default(), cb.template("ca")),
            ec.generate_private_key(ec.SECP256R1()),
            inter,
        )


@requires_openssl
def test_rsa_pss_signature(tmp_path: Path) -> None:
    key = parse_key_spec("rsa:2048").generate()
    request = cb.NewCertificate(
        cb.parse_dn("CN=pss"),
        cb.Validity.default(),
        cb.template("ca"),
        signature_algorithm("SHA384withRSA/PSS"),
    )
    cert = cb.issue(request, key)[0]
    pem = _write_pem(tmp_path / "pss.pem", cert)
    text = openssl("x509", "-in", str(pem), "-noout", "-text").stdout
    assert "rsassaPss" in text
    assert "sha384" in text
    openssl("verify", "-CAfile", str(pem), str(pem))


def test_signature_must_match_signer() -> None:
    request = cb.NewCertificate(
        cb.parse_dn("CN=x"),
        cb.Validity.default(),
        cb.ExtensionChoices(),
        signature_algorithm("SHA256withRSA"),
    )
    with pytest.raises(
        KeySpecError, match=r"SHA256withRSA cannot be used with the signing key \(EC P-256\)"
    ):
        cb.issue(request, ec.generate_private_key(ec.SECP256R1()))


@requires_openssl
def test_csr_verifies_and_carries_extensions(pki: dict[str, Entry], tmp_path: Path) -> None:
    pem = cb.csr_for_entry(pki["server"])
    path = tmp_path / "server.csr"
    path.write_bytes(pem)
    out = openssl("req", "-in", str(path), "-verify", "-noout", "-text")
    assert "verify OK" in out.stdout + out.stderr
    assert "DNS:www.example.com" in out.stdout
    assert "TLS Web Server Authentication" in out.stdout
    assert "CN=www.example.com" in out.stdout.replace(" = ", "=")


@requires_openssl
def test_sign_csr_made_by_openssl(pki: dict[str, Entry], tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    csr = tmp_path / "r.csr"
    openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(key), "-out", str(csr), "-subj", "/CN=client.example.com/O=Example",
        "-addext", "subjectAltName=DNS:client.example.com",
    )  # fmt: skip
    request = cb.load_csr(csr.read_bytes())
    choices = cb.csr_choices(request)
    assert choices.subject_alt_names == ["dns:client.example.com"]
    choices.extended_key_usage = ("clientAuth",)
    chain = cb.sign_csr(
        request, cb.Issuer.from_entry(pki["intermediate"]), cb.Validity.from_period(30), choices
    )
    leaf = _write_pem(tmp_path / "leaf.pem", chain[0])
    root = _write_pem(tmp_path / "root.pem", chain[-1])
    inter = _write_pem(tmp_path / "inter.pem", chain[1])
    openssl(
        "verify", "-CAfile", str(root), "-untrusted", str(inter), "-purpose", "sslclient", str(leaf)
    )
    with pytest.raises(cb.CertificateInputError, match="not a PKCS#10"):
        cb.load_csr(b"garbage")
    tampered = bytearray(request.public_bytes(serialization.Encoding.DER))
    tampered[-3] ^= 1
    with pytest.raises(cb.CertificateInputError, match="signature does not verify"):
        cb.load_csr(bytes(tampered))


def test_import_ca_reply(pki: dict[str, Entry]) -> None:
    p256 = parse_key_spec("ec:p-256")
    entry = _self_signed(
        p256, "CN=api.example.com", cb.template("tls-server", KeyAlgorithm.EC, "api.example.com")
    )
    csr = cb.load_csr(cb.csr_for_entry(entry))
    signed = cb.sign_csr(csr, cb.Issuer.from_entry(pki["intermediate"]), cb.Validity.default())
    root, inter, leaf = signed[2], signed[1], signed[0]

    # a PKCS#7 reply in any order
    p7 = pkcs7.serialize_certificates(
        [root.x509, leaf.x509, inter.x509], serialization.Encoding.PEM
    )  # type: ignore[list-item]
    reply = cb.read_certificates(p7)
    assert cb.import_ca_reply(entry, reply) == [leaf, inter, root]
    # the leaf alone, the rest from the store
    assert cb.import_ca_reply(entry, [leaf], anchors=[root, inter]) == [leaf, inter, root]
    with pytest.raises(cb.CertificateInputError, match="neither in the reply nor in the store"):
        cb.import_ca_reply(entry, [leaf])
    with pytest.raises(cb.CertificateInputError, match="no certificate for the key of entry"):
        cb.import_ca_reply(entry, [inter, root])
    stranger = pki["server"].chain[0]
    with pytest.raises(cb.CertificateInputError, match="is not part of the chain"):
        cb.import_ca_reply(entry, [leaf, inter, root, stranger])
    with pytest.raises(cb.CertificateInputError, match="not a certificate file"):
        cb.read_certificates(b"\x01\x02garbage")


def test_renew_keeps_name_key_and_extensions(pki: dict[str, Entry]) -> None:
    server = pki["server"]
    validity = cb.Validity.from_period(2, "years")
    chain = cb.renew(server, validity, cb.Issuer.from_entry(pki["intermediate"]))
    old, new = server.chain[0], chain[0]
    assert new.subject_name == old.subject_name
    assert new.public_key() == old.public_key()
    assert new.serial != old.serial
    # two years asked, but a certificate cannot outlive its CA
    assert new.not_after == pki["intermediate"].chain[0].not_after < validity.not_after
    assert new.x509 is not None and old.x509 is not None
    assert {e.oid: e.value for e in new.x509.extensions} == {
        e.oid: e.value for e in old.x509.extensions
    }
    assert chain[1:] == server.chain[1:]
    with pytest.raises(cb.CertificateInputError, match="choose that CA to renew it"):
        cb.renew(server, validity)
    root = pki["root"]
    renewed_root = cb.renew(root, validity)
    assert renewed_root[0].is_self_issued and len(renewed_root) == 1


def test_odd_input_is_refused_with_a_reason_never_a_crash() -> None:
    rng = random.Random(4)
    alphabet = ["CN", "C", "E", "O", "2.5.4.6", "0.40", "1.2", "=", ",", "+", ";", "\\", "#", " ",
                "a", "é", "@", ".", ":", "dns", "ip", "uri", "email", "*", "-", "00", "\U0001f600"]  # fmt: skip
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12)))
        for parse in (cb.parse_dn, cb.parse_general_name, parse_key_spec, cb.eku_oid):
            try:
                parse(text)
            except KeystoreError as exc:
                assert "\n" not in str(exc)


def _entry_for(key: ec.EllipticCurvePrivateKey, cn: str) -> Entry:
    """A key entry still holding its self-signed certificate, as before a CA reply."""
    request = cb.NewCertificate(
        cb.parse_dn(f"CN={cn}"), cb.Validity.default(), cb.ExtensionChoices()
    )
    return cb.new_key_entry(cn.lower(), key, cb.issue(request, key))


@requires_openssl
def test_ca_reply_signed_with_sha1_is_linked(sha1_certs: Sha1Certs) -> None:
    """cryptography refuses to verify SHA-1 directly; the chain is still built by signature."""
    s = sha1_certs
    assert is_issued_by(s.rsa_leaf, s.rsa_ca) is True
    assert is_issued_by(s.pss_leaf, s.pss_ca) is True
    assert is_issued_by(s.rsa_leaf, s.pss_ca) is False  # same key, other name
    entry = _entry_for(s.rsa_leaf_key, "SHA-1 Leaf")
    assert cb.import_ca_reply(entry, [s.rsa_ca, s.rsa_leaf]) == [s.rsa_leaf, s.rsa_ca]
    assert cb.import_ca_reply(entry, [s.rsa_leaf], anchors=[s.pss_ca, s.rsa_ca]) == [
        s.rsa_leaf,
        s.rsa_ca,
    ]
    pss_entry = _entry_for(s.pss_leaf_key, "PSS Leaf")
    assert cb.import_ca_reply(pss_entry, [s.pss_leaf, s.pss_ca]) == [s.pss_leaf, s.pss_ca]


@requires_openssl
def test_sha1_self_signed_certificate_renews_with_its_own_key(sha1_certs: Sha1Certs) -> None:
    ca = Entry("sha1-ca", EntryKind.PRIVATE_KEY, [sha1_certs.rsa_ca], key=sha1_certs.ca_key)
    assert cb.is_self_signed(sha1_certs.rsa_ca)
    renewed = cb.renew(ca, cb.Validity.from_period(30, "days"))
    assert len(renewed) == 1 and cb.is_self_signed(renewed[0])
    assert renewed[0].subject_name == sha1_certs.rsa_ca.subject_name


@pytest.mark.keytool
def test_dsa_issuer_from_keytool_is_told_by_signature(dsa_certs: DsaCerts) -> None:
    """keytool's DSA certificates do not parse in cryptography; their signatures still verify,
    so a renewed CA (same name, new key) is told from the one that signed."""
    d = dsa_certs
    assert d.leaf.x509 is None and d.new_ca.x509 is None
    assert is_issued_by(d.leaf, d.new_ca) is True
    assert is_issued_by(d.leaf, d.old_ca) is False
    assert cb.is_self_signed(d.new_ca) and cb.is_self_signed(d.old_ca)
    assert cb.order_chain(d.leaf, [d.old_ca, d.new_ca]) == [d.leaf, d.new_ca]
    assert cb.order_chain(d.leaf, [d.old_ca]) == [d.leaf]
    entry = _entry_for(d.leaf_key, "dsa-leaf.example.org")
    assert cb.import_ca_reply(entry, [d.leaf], anchors=[d.old_ca, d.new_ca]) == [d.leaf, d.new_ca]


def test_ca_reply_whose_signature_cannot_be_checked_is_refused() -> None:
    leaf, ca, leaf_key = unknown_signature_leaf()
    assert is_issued_by(leaf, ca.model) is False
    assert cb.order_chain(leaf, [ca.model]) == [leaf]
    entry = _entry_for(leaf_key, "leaf")
    with pytest.raises(cb.CertificateInputError, match="is not part of the chain"):
        cb.import_ca_reply(entry, [leaf, ca.model])
