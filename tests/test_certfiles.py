"""Certificate files: PEM, DER and PKCS#7, read from what OpenSSL and keytool write and back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography import x509

from keystore_gui.core.codecs import certfiles
from keystore_gui.core.der import content as der_content
from keystore_gui.core.der import split as der_split
from keystore_gui.core.errors import (
    CannotHoldError,
    CorruptFileError,
    NotAKeystoreError,
    TruncatedFileError,
    UnsupportedFormatError,
)
from keystore_gui.core.io import load_keystore, read_keystore, save_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, SecretKey, StoreType
from tests.certfactory import EC_KEY, der, make_cert, pem
from tests.tools import keytool, openssl, requires_keytool, requires_openssl


def _ders(store: Keystore) -> list[bytes]:
    return [c.der for _, c in store.certificates()]


def _trusted(alias: str, cert: x509.Certificate) -> Entry:
    return Entry(alias, EntryKind.TRUSTED_CERT, [Certificate(der(cert))])


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, two_certs) -> dict[str, Path]:
    """The shapes OpenSSL writes certificate files in, from one root + leaf pair."""
    root, leaf = two_certs
    d = tmp_path_factory.mktemp("certfiles")
    (d / "root.pem").write_bytes(pem(root))
    (d / "leaf.pem").write_bytes(pem(leaf))
    (d / "bundle.pem").write_bytes(pem(leaf) + pem(root))
    (d / "crlf.pem").write_bytes((pem(leaf) + pem(root)).replace(b"\n", b"\r\n"))
    out: dict[str, Path] = {n: d / n for n in ("bundle.pem", "crlf.pem")}
    if openssl("version", check=False).returncode == 0:
        text = openssl("x509", "-in", str(d / "leaf.pem"), "-text").stdout
        (d / "text.pem").write_text(
            text + openssl("x509", "-in", str(d / "root.pem"), "-text").stdout
        )
        openssl("x509", "-in", str(d / "root.pem"), "-trustout", "-addtrust", "serverAuth",
                "-out", str(d / "trusted.pem"))  # fmt: skip
        openssl("crl2pkcs7", "-nocrl", "-certfile", str(d / "bundle.pem"), "-out", str(d / "pem.p7b"))  # fmt: skip
        openssl("crl2pkcs7", "-nocrl", "-certfile", str(d / "bundle.pem"), "-outform", "DER",
                "-out", str(d / "der.p7b"))  # fmt: skip
        openssl("x509", "-in", str(d / "leaf.pem"), "-outform", "DER", "-out", str(d / "leaf.cer"))
        out.update(
            {n: d / n for n in ("text.pem", "trusted.pem", "pem.p7b", "der.p7b", "leaf.cer")}
        )
    return out


@requires_openssl
@pytest.mark.parametrize(
    ("name", "kind", "count"),
    [
        ("bundle.pem", StoreType.PEM, 2),
        ("crlf.pem", StoreType.PEM, 2),
        ("text.pem", StoreType.PEM, 2),
        ("trusted.pem", StoreType.PEM, 1),
        ("pem.p7b", StoreType.PKCS7, 2),
        ("der.p7b", StoreType.PKCS7, 2),
        ("leaf.cer", StoreType.DER, 1),
    ],
)
def test_reads_what_openssl_writes(
    files, two_certs, name: str, kind: StoreType, count: int
) -> None:
    root, leaf = two_certs
    store = read_keystore(files[name], None)
    assert store.store_type is kind
    assert all(e.kind is EntryKind.TRUSTED_CERT and len(e.chain) == 1 for e in store)
    if name == "trusted.pem":
        assert _ders(store) == [der(root)]
        assert store.aliases() == ["example root"]
    else:
        assert _ders(store) == [der(leaf), der(root)][:count]
        assert store.aliases() == ["www.example.org", "example root"][:count]


def test_aliases_are_lowercase_common_names_made_unique() -> None:
    a, b = make_cert("Same Name", serial=1), make_cert("Same Name", serial=2)
    store = load_keystore(pem(a) + pem(b) + pem(a), None)
    assert store.aliases() == ["same name", "same name-2", "same name-3"]
    assert store.find("SAME NAME") is store.entries[0]


@requires_openssl
def test_friendly_name_from_openssl_bag_attributes_becomes_the_alias(tmp_path, two_certs) -> None:
    root, leaf = two_certs
    (tmp_path / "leaf.pem").write_bytes(pem(leaf))
    (tmp_path / "root.pem").write_bytes(pem(root))
    key = tmp_path / "key.pem"
    from cryptography.hazmat.primitives import serialization

    key.write_bytes(
        EC_KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    p12 = tmp_path / "s.p12"
    openssl("pkcs12", "-export", "-in", str(tmp_path / "leaf.pem"), "-inkey", str(key),
            "-certfile", str(tmp_path / "root.pem"), "-name", "Tomcat", "-out", str(p12),
            passout="pw")  # fmt: skip
    out = openssl("pkcs12", "-in", str(p12), "-nokeys", passin="pw").stdout
    assert "Bag Attributes" in out
    store = load_keystore(out.encode(), None)
    assert store.aliases() == ["tomcat", "example root"]


def test_dsa_certificate_cryptography_refuses_is_read_leniently(dsa_cert_der: bytes) -> None:
    with pytest.raises(ValueError):
        x509.load_der_x509_certificate(dsa_cert_der)
    cert = Certificate(dsa_cert_der)
    p7 = certfiles.pkcs7_bytes([cert])
    for data in (dsa_cert_der, cert.pem.encode(), p7, certfiles.pkcs7_bytes([cert], pem=True)):
        store = load_keystore(data, None)
        assert store.aliases() == ["dsa server"]
        assert store.entries[0].chain[0].der == dsa_cert_der
        assert store.entries[0].chain[0].key_description == "DSA 2048"


@requires_openssl
@requires_keytool
def test_our_pkcs7_is_read_by_openssl_and_keytool_in_our_order(tmp_path, two_certs) -> None:
    # The certificates stay in the store's order (leaf first), as openssl crl2pkcs7 keeps
    # them, rather than in DER SET OF order: readers treat the bundle as a list.
    root, leaf = two_certs
    certs = [Certificate(der(leaf)), Certificate(der(root))]
    for name, blob, form in (
        ("x.p7b", certfiles.pkcs7_bytes(certs), "DER"),
        ("x.pem.p7b", certfiles.pkcs7_bytes(certs, pem=True), "PEM"),
    ):
        path = tmp_path / name
        path.write_bytes(blob)
        printed = openssl("pkcs7", "-inform", form, "-in", str(path), "-print_certs").stdout
        assert printed.count("-----BEGIN CERTIFICATE-----") == 2
        assert printed.index("CN = www.example.org") < printed.index("CN = Example Root")
        listed = keytool("-printcert", "-file", str(path)).stdout
        owners = re.findall(r"Owner: (.*)", listed)
        assert owners == ["O=Example, CN=www.example.org", "O=Example, CN=Example Root"]


@pytest.mark.parametrize("kind", [StoreType.PEM, StoreType.PKCS7])
def test_save_and_read_back(tmp_path, two_certs, kind: StoreType) -> None:
    root, leaf = two_certs
    store = Keystore(StoreType.JKS, [_trusted("Server", leaf), _trusted("ca", root)])
    target = tmp_path / f"out.{kind.value.lower()}"
    save_keystore(store, target, kind, "")
    back = read_keystore(target, None)
    assert back.store_type is kind
    assert _ders(back) == [der(leaf), der(root)]
    if kind is StoreType.PEM:  # PEM keeps aliases as friendlyName lines
        assert back.aliases() == ["server", "ca"]


def test_der_holds_exactly_one_certificate(tmp_path, two_certs) -> None:
    root, leaf = two_certs
    one = Keystore(StoreType.PEM, [_trusted("leaf", leaf)])
    save_keystore(one, tmp_path / "leaf.cer", StoreType.DER, "")
    assert (tmp_path / "leaf.cer").read_bytes() == der(leaf)
    two = Keystore(StoreType.PEM, [_trusted("leaf", leaf), _trusted("root", root)])
    with pytest.raises(CannotHoldError, match="exactly one certificate"):
        save_keystore(two, tmp_path / "two.cer", StoreType.DER, "")
    assert not (tmp_path / "two.cer").exists()


@pytest.mark.parametrize("kind", [StoreType.PEM, StoreType.DER, StoreType.PKCS7])
def test_keys_are_refused_naming_the_entries(tmp_path, two_certs, kind: StoreType) -> None:
    root, leaf = two_certs
    store = Keystore(
        StoreType.JCEKS,
        [
            Entry("server", EntryKind.PRIVATE_KEY, [Certificate(der(leaf))], key=EC_KEY),
            Entry("db", EntryKind.SECRET_KEY, key=SecretKey("AES", bytes(32))),
            _trusted("root", root),
        ],
    )
    with pytest.raises(CannotHoldError) as caught:
        save_keystore(store, tmp_path / "out", kind, "")
    message = str(caught.value)
    assert "'server'" in message and "'db'" in message and "'root'" not in message
    assert "\n" not in message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"-----BEGIN CERTIFICATE-----\nMIIB", TruncatedFileError, "truncated"),
        (
            b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            CorruptFileError,
            "base64",
        ),
        (
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            CorruptFileError,
            "not an X.509",
        ),
        (b"-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n", CorruptFileError, "PKCS7"),
        (b"\x30\x82\x05\x00\x30\x82\x04\x00", TruncatedFileError, "truncated"),
    ],
)
def test_bad_certificate_files(data: bytes, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words) as caught:
        load_keystore(data, None)
    assert "\n" not in str(caught.value)


def test_truncated_and_padded_der(two_certs) -> None:
    leaf = der(two_certs[1])
    with pytest.raises(TruncatedFileError):
        load_keystore(leaf[:-10], None, StoreType.DER)
    with pytest.raises(CorruptFileError, match="unexpected bytes"):
        load_keystore(leaf + b"junk", None, StoreType.DER)


def test_pem_with_private_key_is_refused_not_half_read(two_certs) -> None:
    from cryptography.hazmat.primitives import serialization

    key = EC_KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(UnsupportedFormatError, match="private key"):
        load_keystore(key + pem(two_certs[0]), None)


def test_pkcs7_that_is_not_signed_data() -> None:
    data_oid_content = bytes.fromhex("300b06092a864886f70d010701")
    with pytest.raises(NotAKeystoreError, match="SignedData"):
        load_keystore(data_oid_content, None, StoreType.PKCS7)


def test_old_x509_label_no_common_name_and_non_ascii(two_certs) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    root = two_certs[0]
    old_label = pem(root).replace(b"CERTIFICATE-----", b"X509 CERTIFICATE-----")
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Only Org")])
    no_cn = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(EC_KEY.public_key())
        .serial_number(5)
        .not_valid_before(root.not_valid_before_utc)
        .not_valid_after(root.not_valid_after_utc)
        .sign(EC_KEY, hashes.SHA256())
    )
    store = load_keystore(old_label + pem(no_cn) + pem(make_cert("Zürich Größe")), None)
    assert store.aliases() == ["example root", "o=only org", "zürich größe"]


def test_whitespace_and_text_without_certificates() -> None:
    with pytest.raises(NotAKeystoreError):
        load_keystore(b"   \n\n", None, StoreType.PEM)
    with pytest.raises(NotAKeystoreError, match="no certificate"):
        load_keystore(
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", None, StoreType.PEM
        )


def _indefinite(element: bytes, depth: int) -> bytes:
    """``element`` with BER indefinite lengths on its outer ``depth`` layers of constructed
    elements; what lies deeper (the certificates) keeps its DER."""
    if depth == 0 or not element[0] & 0x20:
        return element
    inner = b"".join(_indefinite(e, depth - 1) for e in der_split(der_content(element)))
    return bytes((element[0], 0x80)) + inner + b"\x00\x00"


@requires_openssl
@requires_keytool
def test_ber_pkcs7_with_indefinite_lengths(tmp_path, chain_pem) -> None:
    """CAs and Windows export PKCS#7 bundles in BER; keytool and openssl read them."""
    made = tmp_path / "der.p7b"
    openssl(
        "crl2pkcs7", "-nocrl", "-certfile", str(chain_pem), "-outform", "DER", "-out", str(made)
    )
    blob = made.read_bytes()
    ber = _indefinite(blob, 4)  # ContentInfo, [0], SignedData, certificates [0]
    assert ber[:2] == b"\x30\x80" and ber.count(b"\xa0\x80") == 2
    path = tmp_path / "ber.p7b"
    path.write_bytes(ber)
    owners = re.findall(r"Owner: (.*)", keytool("-printcert", "-file", str(path)).stdout)
    assert owners == ["O=Example, CN=www.example.org", "O=Example, CN=Example Root"]
    store = read_keystore(path, None)
    assert store.store_type is StoreType.PKCS7
    assert [c.der for _, c in store.certificates()] == [
        c.der for _, c in load_keystore(blob, None).certificates()
    ]
    with pytest.raises(TruncatedFileError):
        load_keystore(ber[:-3], None, StoreType.PKCS7)
