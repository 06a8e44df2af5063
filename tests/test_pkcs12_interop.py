"""PKCS#12 against the real keytool (JDK 17) and OpenSSL 3, in both directions."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import jks
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from keystore_gui.core import der
from keystore_gui.core.codecs import pkcs12 as p12
from keystore_gui.core.codecs import pkcs12_crypto as crypto
from keystore_gui.core.errors import CannotHoldError, KeyLockedError, WrongPasswordError
from keystore_gui.core.io import dump_keystore, load_keystore, read_keystore, save_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, SecretKey, StoreType
from tests.signature_certs import DsaCerts, Sha1Certs, unknown_signature_leaf
from tests.tools import keytool, keytool_list, openssl

PASSWORD = "s3cret-Pass"
UTF8_PASSWORD = "pässwörd-€-日本"

pytestmark = [pytest.mark.keytool, pytest.mark.openssl]


# --- material ----------------------------------------------------------------------------------


@dataclass
class Chain:
    keys: list[ec.EllipticCurvePrivateKey]
    certs: list[x509.Certificate]  # leaf first


def _cert(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, signer: ec.EllipticCurvePrivateKey
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    ca = subject != "leaf"
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(signer, hashes.SHA256())
    )


def make_chain() -> Chain:
    """leaf <- intermediate <- root, EC P-256."""
    root_k, inter_k, leaf_k = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = _cert("root", root_k, "root", root_k)
    inter = _cert("intermediate", inter_k, "root", root_k)
    leaf = _cert("leaf", leaf_k, "intermediate", inter_k)
    return Chain([leaf_k, inter_k, root_k], [leaf, inter, root])


def write_pem(path: Path, *items: x509.Certificate | ec.EllipticCurvePrivateKey) -> Path:
    out = b""
    for item in items:
        if isinstance(item, x509.Certificate):
            out += item.public_bytes(serialization.Encoding.PEM)
        else:
            out += item.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
    path.write_bytes(out)
    return path


def sha256(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def listing(store: Keystore) -> dict[str, tuple[str, list[str]]]:
    return {e.alias.lower(): (e.kind.value, [c.sha256 for c in e.chain]) for e in store}


def keytool_listing(path: Path, password: str) -> dict[str, tuple[str, list[str]]]:
    return {
        e.alias.lower(): (e.kind, [c.sha256 for c in e.chain])
        for e in keytool_list(path, password, "PKCS12")
    }


def openssl_dump(path: Path, password: str, *extra: str) -> tuple[list[str], int, list[str]]:
    """Certificates (sha256), number of private keys and friendly names openssl finds."""
    out = openssl("pkcs12", "-info", "-in", str(path), "-nodes", *extra, passin=password).stdout
    certs = [
        hashlib.sha256(base64.b64decode(m.group(1))).hexdigest()
        for m in re.finditer(
            r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", out, re.S
        )
    ]
    keys = out.count("-----BEGIN PRIVATE KEY-----")
    names = re.findall(r"friendlyName: (.*)", out)
    return certs, keys, names


# --- stores made by keytool ------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain() -> Chain:
    return make_chain()


@pytest.fixture(scope="module")
def keytool_store(tmp_path_factory: pytest.TempPathFactory, chain: Chain) -> Path:
    """RSA, EC, Ed25519, DSA keys, a chain of 3, a trusted cert and an AES key, by keytool."""
    folder = tmp_path_factory.mktemp("p12-keytool")
    path = folder / "keytool.p12"
    common = ["-keystore", str(path), "-storetype", "PKCS12"]
    for alias, alg, size in (
        ("rsa", "RSA", "2048"),
        ("ec", "EC", "256"),
        ("ed", "Ed25519", None),
        ("dsa", "DSA", "2048"),
    ):
        sizing = ["-keysize", size] if size else []
        keytool(
            "-genkeypair", *common, "-alias", alias, "-keyalg", alg, *sizing,
            "-dname", f"CN={alias}", storepass=PASSWORD,
        )  # fmt: skip
    keytool(
        "-genseckey", *common, "-alias", "aes", "-keyalg", "AES", "-keysize", "256",
        storepass=PASSWORD,
    )  # fmt: skip
    root = write_pem(folder / "root.pem", chain.certs[2])
    keytool(
        "-importcert", "-noprompt", *common, "-alias", "root-ca", "-file", str(root),
        storepass=PASSWORD,
    )  # fmt: skip
    # the chain of 3 goes in through OpenSSL: keytool then writes it in its own format
    leaf = write_pem(folder / "leaf.pem", chain.keys[0], *chain.certs)
    src = folder / "chain.p12"
    openssl(
        "pkcs12", "-export", "-in", str(leaf), "-name", "chained", "-out", str(src),
        passout=PASSWORD,
    )  # fmt: skip
    keytool(
        "-importkeystore", "-srckeystore", str(src), "-srcstoretype", "PKCS12",
        "-destkeystore", str(path), "-deststoretype", "PKCS12", "-srcalias", "chained",
        srcpass=PASSWORD, destpass=PASSWORD,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def keytool_entries(keytool_store: Path) -> dict[str, tuple[str, list[str]]]:
    return keytool_listing(keytool_store, PASSWORD)


def test_keytool_store_lists_as_keytool_does(
    keytool_store: Path, keytool_entries: dict[str, tuple[str, list[str]]], chain: Chain
) -> None:
    store = read_keystore(keytool_store, PASSWORD)
    assert store.store_type is StoreType.PKCS12
    assert listing(store) == keytool_entries
    assert set(keytool_entries) == {"rsa", "ec", "ed", "dsa", "aes", "root-ca", "chained"}
    assert store.get("chained").chain[0].sha256 == sha256(chain.certs[0])
    assert [c.sha256 for c in store.get("chained").chain] == [sha256(c) for c in chain.certs]


def test_keytool_store_keys_and_secret(keytool_store: Path) -> None:
    store = read_keystore(keytool_store, PASSWORD)
    for alias in ("rsa", "ec", "ed", "chained"):
        entry = store.get(alias)
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        der = serialization.Encoding.DER
        assert entry.private_key.public_key().public_bytes(der, spki) == (
            entry.chain[0].public_key().public_bytes(der, spki)
        )
        assert entry.timestamp is not None  # from the JDK's "Time …" localKeyId
    assert store.get("rsa").algorithm_description == "RSA 2048"
    assert store.get("ed").algorithm_description == "Ed25519"
    secret = store.get("aes")
    assert isinstance(secret.key, SecretKey)
    assert (secret.key.algorithm, secret.key.size) == ("AES", 256)


@pytest.fixture(scope="module")
def rewritten(keytool_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The keytool store read by us and written by us, under another password."""
    store = read_keystore(keytool_store, PASSWORD)
    path = tmp_path_factory.mktemp("p12-ours") / "ours.p12"
    save_keystore(store, path, StoreType.PKCS12, "other-" + PASSWORD)
    return path


def test_keytool_reads_what_we_write(
    rewritten: Path, keytool_entries: dict[str, tuple[str, list[str]]]
) -> None:
    assert keytool_listing(rewritten, "other-" + PASSWORD) == keytool_entries


@pytest.mark.parametrize("alias", ["rsa", "dsa", "chained"])
def test_keytool_uses_our_keys(rewritten: Path, alias: str) -> None:
    out = keytool(
        "-certreq", "-alias", alias, "-keystore", str(rewritten), "-storetype", "PKCS12",
        storepass="other-" + PASSWORD,
    ).stdout  # fmt: skip
    assert "BEGIN NEW CERTIFICATE REQUEST" in out


def test_keytool_decrypts_our_secret_key(rewritten: Path, keytool_store: Path) -> None:
    jceks = rewritten.with_name("secret.jceks")
    keytool(
        "-importkeystore", "-srckeystore", str(rewritten), "-srcstoretype", "PKCS12",
        "-destkeystore", str(jceks), "-deststoretype", "JCEKS", "-srcalias", "aes",
        srcpass="other-" + PASSWORD, destpass=PASSWORD,
    )  # fmt: skip
    copied = jks.KeyStore.load(str(jceks), PASSWORD, try_decrypt_keys=False).secret_keys["aes"]
    copied.decrypt("other-" + PASSWORD)  # keytool keeps the source key password
    original = read_keystore(keytool_store, PASSWORD).get("aes").key
    assert isinstance(original, SecretKey)
    assert (copied.algorithm, copied.key) == ("AES", original.key)


def test_openssl_reads_what_we_write(rewritten: Path, keytool_store: Path) -> None:
    store = read_keystore(keytool_store, PASSWORD)
    certs, keys, names = openssl_dump(rewritten, "other-" + PASSWORD)
    assert keys == 5  # rsa, ec, ed, dsa, chained (the AES key is a secret bag)
    assert set(certs) == {c.sha256 for _, c in store.certificates()}
    assert {"rsa", "ec", "ed", "dsa", "chained", "root-ca", "aes"} <= set(names)


# --- stores made by OpenSSL ------------------------------------------------------------------


# name -> (password, extra arguments of ``openssl pkcs12 -export``)
OPENSSL_VARIANTS: dict[str, tuple[str, list[str]]] = {
    "modern": (PASSWORD, []),
    "legacy": (PASSWORD, ["-legacy"]),
    "utf8": (UTF8_PASSWORD, []),
    "empty": ("", []),
    "empty-legacy": ("", ["-legacy"]),
    "nomac": (PASSWORD, ["-nomac"]),
    # every PKCS#12 PBE cipher, other PBES2 ciphers and MAC digests
    "rc2-128+2des": (
        PASSWORD,
        ["-legacy", "-certpbe", "PBE-SHA1-RC2-128", "-keypbe", "PBE-SHA1-2DES", "-macalg", "sha1"],
    ),
    "rc4-128+rc4-40": (
        PASSWORD,
        ["-legacy", "-certpbe", "PBE-SHA1-RC4-128", "-keypbe", "PBE-SHA1-RC4-40"],
    ),
    "aes128+3des-sha512": (
        PASSWORD,
        ["-certpbe", "aes-128-cbc", "-keypbe", "des-ede3-cbc", "-macalg", "sha512"],
    ),
    "3des+aes192-sha384": (
        PASSWORD,
        ["-legacy", "-certpbe", "PBE-SHA1-3DES", "-keypbe", "aes-192-cbc", "-macalg", "sha384"],
    ),
    # what Windows exports look like: 3DES key, RC2-40 certificates, SHA-1 MAC, CSP attributes
    "windows-like": (
        PASSWORD,
        ["-legacy", "-CSP", "Microsoft Enhanced RSA and AES Cryptographic Provider", "-LMK"],
    ),
}


@pytest.fixture(scope="module")
def openssl_files(tmp_path_factory: pytest.TempPathFactory, chain: Chain) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("p12-openssl")
    pem = write_pem(folder / "all.pem", chain.keys[0], *chain.certs)
    certs = write_pem(folder / "certs.pem", *chain.certs)
    made: dict[str, Path] = {}
    for name, (password, extra) in OPENSSL_VARIANTS.items():
        made[name] = folder / f"{name}.p12"
        openssl(
            "pkcs12", "-export", "-in", str(pem), "-name", "Server Key", "-out", str(made[name]),
            *extra, passout=password,
        )  # fmt: skip
    made["nokeys"] = folder / "nokeys.p12"
    openssl(
        "pkcs12", "-export", "-nokeys", "-in", str(certs), "-out", str(made["nokeys"]),
        passout=PASSWORD,
    )  # fmt: skip
    return made


@pytest.mark.parametrize("name", list(OPENSSL_VARIANTS))
def test_openssl_key_stores(openssl_files: dict[str, Path], chain: Chain, name: str) -> None:
    password, export_args = OPENSSL_VARIANTS[name]
    store = read_keystore(openssl_files[name], password)
    (entry,) = store.entries
    assert (entry.alias, entry.kind) == ("Server Key", EntryKind.PRIVATE_KEY)
    assert [c.sha256 for c in entry.chain] == [sha256(c) for c in chain.certs]
    assert entry.private_key.private_numbers() == chain.keys[0].private_numbers()  # type: ignore[union-attr]
    legacy = ["-legacy"] if "-legacy" in export_args else []
    certs, keys, _ = openssl_dump(openssl_files[name], password, *legacy)
    assert (sorted(certs), keys) == (sorted(c.sha256 for c in entry.chain), 1)


def test_openssl_modern_and_legacy_list_as_keytool_does(openssl_files: dict[str, Path]) -> None:
    for name in ("modern", "legacy"):
        ours = listing(read_keystore(openssl_files[name], PASSWORD))
        assert ours == keytool_listing(openssl_files[name], PASSWORD)


def test_certificates_without_trust_attribute_are_shown(
    openssl_files: dict[str, Path], chain: Chain
) -> None:
    store = read_keystore(openssl_files["nokeys"], PASSWORD)
    assert [e.kind for e in store] == [EntryKind.TRUSTED_CERT] * 3
    assert [e.chain[0].sha256 for e in store] == [sha256(c) for c in chain.certs]
    assert all(e.loose for e in store)  # not trusted by Java
    assert [e.alias for e in store] == ["leaf", "intermediate", "root"]  # named by their CN
    certs, keys, _ = openssl_dump(openssl_files["nokeys"], PASSWORD)
    assert (certs, keys) == ([sha256(c) for c in chain.certs], 0)
    assert keytool_listing(openssl_files["nokeys"], PASSWORD) == {}  # keytool hides them all


@pytest.mark.parametrize(("name", "password"), [("modern", "wrong"), ("nomac", "wrong")])
def test_wrong_password(openssl_files: dict[str, Path], name: str, password: str) -> None:
    with pytest.raises(WrongPasswordError) as info:
        read_keystore(openssl_files[name], password)
    assert str(info.value) == str(WrongPasswordError())


def test_empty_password_also_opens_with_none(openssl_files: dict[str, Path]) -> None:
    assert len(read_keystore(openssl_files["empty"], None)) == 1


@pytest.mark.parametrize("password", [UTF8_PASSWORD, ""])
def test_openssl_reads_our_unusual_passwords(
    openssl_files: dict[str, Path], tmp_path: Path, password: str
) -> None:
    store = read_keystore(openssl_files["modern"], PASSWORD)
    target = tmp_path / "out.p12"
    save_keystore(store, target, password=password)
    certs, keys, names = openssl_dump(target, password)
    assert (len(certs), keys, names[0]) == (3, 1, "Server Key")
    assert listing(read_keystore(target, password)) == listing(store)


# --- writer specifics ------------------------------------------------------------------------


def test_key_under_its_own_password_is_sealed(chain: Chain) -> None:
    """Some tools encrypt a key under a password other than the store's: it opens later."""
    pkcs8 = chain.keys[0].private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    leaf = Certificate.from_x509(chain.certs[0])
    key_bag = p12._safe_bag(
        p12.OID_SHROUDED_KEY_BAG, p12._shroud(pkcs8, "key-pass"), p12._attributes("k", b"1", False)
    )
    cert_bag = p12._cert_bag(leaf, p12._attributes("k", b"1", False))
    # the certificates are encrypted under the store password, which proves it right
    algorithm, ciphertext = crypto.encrypt_pbes2(der.seq(cert_bag), PASSWORD, 1000)
    encrypted = der.seq(
        der.enc_int(0),
        der.seq(der.enc_oid(p12.OID_DATA), algorithm, der.tlv(der.CONTEXT_0_PRIMITIVE, ciphertext)),
    )
    auth_safe = der.seq(
        p12._content_info(p12.OID_DATA, der.enc_octets(der.seq(key_bag))),
        p12._content_info(p12.OID_ENCRYPTED_DATA, encrypted),
    )
    data = der.seq(der.enc_int(3), p12._content_info(p12.OID_DATA, der.enc_octets(auth_safe)))
    store = load_keystore(data, PASSWORD)
    entry = store.get("k")
    assert entry.is_locked and entry.chain == [leaf]
    with pytest.raises(KeyLockedError):
        store.unlock(entry)
    with pytest.raises(WrongPasswordError):
        store.unlock(entry, "wrong")
    store.unlock(entry, "key-pass")
    assert entry.private_key.public_key() == chain.keys[0].public_key()
    assert entry.key_password == "key-pass"  # PKCS#12 then writes it under the store password
    again = load_keystore(dump_keystore(store, StoreType.PKCS12, PASSWORD), PASSWORD)
    assert not again.get("k").is_locked


def test_sealed_entry_is_refused() -> None:
    class Sealed:
        store_type = StoreType.JKS
        raw: object = b""

        def unlock(self, password: str) -> SecretKey:
            raise WrongPasswordError()

    store = Keystore(StoreType.JKS)
    store.add(Entry("locked", EntryKind.SECRET_KEY, sealed=Sealed()))
    with pytest.raises(KeyLockedError):
        dump_keystore(store, StoreType.PKCS12, PASSWORD)


def test_many_keys_round_trip_and_list_fast(tmp_path: Path) -> None:
    """300 RSA keys (one key material, to keep the test short) and 300 certificates."""
    key = rsa.generate_private_key(65537, 2048)
    now = dt.datetime.now(dt.UTC)
    store = Keystore(StoreType.PKCS12)
    for i in range(300):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"host{i}")])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(i + 1)
            .not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256())
        )
        store.add(Entry(f"key{i}", EntryKind.PRIVATE_KEY, [Certificate.from_x509(cert)], key))
    data = dump_keystore(store, StoreType.PKCS12, PASSWORD)
    started = time.perf_counter()
    again = load_keystore(data, PASSWORD)
    elapsed = time.perf_counter() - started
    assert listing(again) == listing(store)
    assert elapsed < 3.0, f"listing 300 keys took {elapsed:.2f} s"


def test_our_copy_of_keyless_certificates_keeps_them_untrusted(
    openssl_files: dict[str, Path], tmp_path: Path
) -> None:
    """Written back, certificates without the trust attribute stay without it: a copy never
    makes a trust anchor of what the file did not trust."""
    store = read_keystore(openssl_files["nokeys"], PASSWORD)
    target = tmp_path / "copy.p12"
    save_keystore(store, target, password=PASSWORD)
    assert keytool_listing(target, PASSWORD) == {}
    assert listing(read_keystore(target, PASSWORD)) == listing(store)


def test_secret_key_algorithms(tmp_path: Path) -> None:
    store = Keystore(StoreType.PKCS12)
    for alias, algorithm, size in (
        ("aes", "AES", 16),
        ("hmac", "HmacSHA256", 32),
        ("3des", "DESede", 24),
    ):
        store.add(Entry(alias, EntryKind.SECRET_KEY, key=SecretKey(algorithm, os.urandom(size))))
    target = tmp_path / "secrets.p12"
    save_keystore(store, target, password=PASSWORD)
    assert keytool_listing(target, PASSWORD) == listing(store)
    again = read_keystore(target, PASSWORD)
    assert [e.key for e in again] == [e.key for e in store]
    # the JDK decrypts them and names them from our OIDs as it names its own
    jceks = tmp_path / "secrets.jceks"
    keytool(
        "-importkeystore", "-srckeystore", str(target), "-srcstoretype", "PKCS12",
        "-destkeystore", str(jceks), "-deststoretype", "JCEKS",
        srcpass=PASSWORD, destpass=PASSWORD,
    )  # fmt: skip
    copied = jks.KeyStore.load(str(jceks), PASSWORD).secret_keys
    assert {a: (k.algorithm, k.key) for a, k in copied.items()} == {
        e.alias: (e.key.algorithm, e.key.key) for e in store if isinstance(e.key, SecretKey)
    }

    store.add(Entry("bf", EntryKind.SECRET_KEY, key=SecretKey("Blowfish", os.urandom(16))))
    with pytest.raises(CannotHoldError, match="entry 'bf': no PKCS#12 identifier"):
        dump_keystore(store, StoreType.PKCS12, PASSWORD)


def test_chain_follows_the_signature_not_only_the_name() -> None:
    """Two CAs named alike (a renewed CA with a new key): the leaf's chain ends at its signer."""
    old_k, new_k, leaf_k = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    old_ca = _cert("root", old_k, "root", old_k)
    new_ca = _cert("root", new_k, "root", new_k)
    leaf = _cert("leaf", leaf_k, "root", new_k)
    store = Keystore(StoreType.PKCS12)
    store.add(Entry("old", EntryKind.TRUSTED_CERT, [Certificate.from_x509(old_ca)]))
    store.add(Entry("k", EntryKind.PRIVATE_KEY, [Certificate.from_x509(leaf)], leaf_k))
    store.add(Entry("new", EntryKind.TRUSTED_CERT, [Certificate.from_x509(new_ca)]))
    again = load_keystore(dump_keystore(store, StoreType.PKCS12, PASSWORD), PASSWORD)
    assert [c.sha256 for c in again.get("k").chain] == [sha256(leaf), sha256(new_ca)]
    assert sorted(again.aliases()) == ["k", "new", "old"]


def _to_ber(pfx: bytes) -> bytes:
    """The same PFX as older tools write it: indefinite lengths, the content in octet chunks."""
    version, auth_safe_info, mac_data = der.sequence(pfx)
    content_type, content = der.children(auth_safe_info[1])
    data = der.octets(der.children(content[1])[0])
    chunks = b"".join(der.enc_octets(data[i : i + 1000]) for i in range(0, len(data), 1000))
    info = (
        b"\x30\x80"
        + der.tlv(*content_type)
        + b"\xa0\x80\x24\x80"
        + chunks
        + b"\x00\x00\x00\x00\x00\x00"
    )
    return b"\x30\x80" + der.tlv(*version) + info + der.tlv(*mac_data) + b"\x00\x00"


def test_ber_encoded_pfx(openssl_files: dict[str, Path]) -> None:
    original = read_keystore(openssl_files["legacy"], PASSWORD)
    ber = _to_ber(openssl_files["legacy"].read_bytes())
    assert listing(load_keystore(ber, PASSWORD)) == listing(original)
    with pytest.raises(WrongPasswordError):
        load_keystore(ber, "wrong")


def test_key_without_certificate(chain: Chain, tmp_path: Path) -> None:
    source = write_pem(tmp_path / "key.pem", chain.keys[0])
    made = tmp_path / "nocerts.p12"
    openssl(
        "pkcs12", "-export", "-nocerts", "-inkey", str(source), "-name", "bare", "-out", str(made),
        passout=PASSWORD,
    )  # fmt: skip
    store = read_keystore(made, PASSWORD)
    (entry,) = store.entries
    assert (entry.alias, entry.kind, entry.chain) == ("bare", EntryKind.PRIVATE_KEY, [])
    save_keystore(store, tmp_path / "ours.p12")
    _, keys, names = openssl_dump(tmp_path / "ours.p12", PASSWORD)
    assert (keys, names) == (1, ["bare"])


def test_keytool_legacy_format(tmp_path: Path) -> None:
    """The format of JDK 8 and of -Dkeystore.pkcs12.legacy: 3DES keys, RC2-40 certificates, a
    SHA-1 MAC of 100,000 iterations."""
    path = tmp_path / "legacy.p12"
    common = ["-J-Dkeystore.pkcs12.legacy", "-keystore", str(path), "-storetype", "PKCS12"]
    keytool(
        "-genkeypair", *common, "-alias", "old", "-keyalg", "EC", "-dname", "CN=old",
        storepass=PASSWORD,
    )  # fmt: skip
    keytool(
        "-genseckey", *common, "-alias", "oldsecret", "-keyalg", "AES", "-keysize", "128",
        storepass=PASSWORD,
    )  # fmt: skip
    store = read_keystore(path, PASSWORD)
    assert listing(store) == keytool_listing(path, PASSWORD)
    secret = store.get("oldsecret").key
    assert isinstance(secret, SecretKey) and secret.description == "AES 128"
    assert store.get("old").private_key.public_key() == store.get("old").chain[0].public_key()


def _chain_read_back(*entries: Entry) -> list[str]:
    store = Keystore(StoreType.PKCS12)
    for entry in entries:
        store.add(entry)
    again = load_keystore(dump_keystore(store, StoreType.PKCS12, PASSWORD), PASSWORD)
    return [c.sha256 for c in again.get("k").chain]


def test_chain_follows_a_keytool_dsa_signature(dsa_certs: DsaCerts) -> None:
    """keytool's DSA certificates do not parse in cryptography; the renewed CA that signed is
    still told from the old one by signature, not taken by name."""
    d = dsa_certs
    chain = _chain_read_back(
        Entry("old", EntryKind.TRUSTED_CERT, [d.old_ca]),
        Entry("k", EntryKind.PRIVATE_KEY, [d.leaf], d.leaf_key),
        Entry("new", EntryKind.TRUSTED_CERT, [d.new_ca]),
    )
    assert chain == [d.leaf.sha256, d.new_ca.sha256]
    # a proven non-signer is never linked, even as the only one of that name
    lone = _chain_read_back(
        Entry("old", EntryKind.TRUSTED_CERT, [d.old_ca]),
        Entry("k", EntryKind.PRIVATE_KEY, [d.leaf], d.leaf_key),
    )
    assert lone == [d.leaf.sha256]


def test_chain_follows_sha1_and_rsa_pss_signatures(sha1_certs: Sha1Certs) -> None:
    s = sha1_certs
    for leaf, key, ca, other in (
        (s.rsa_leaf, s.rsa_leaf_key, s.rsa_ca, s.pss_ca),
        (s.pss_leaf, s.pss_leaf_key, s.pss_ca, s.rsa_ca),
    ):
        chain = _chain_read_back(
            Entry("other", EntryKind.TRUSTED_CERT, [other]),
            Entry("k", EntryKind.PRIVATE_KEY, [leaf], key),
            Entry("ca", EntryKind.TRUSTED_CERT, [ca]),
        )
        assert chain == [leaf.sha256, ca.sha256]


def test_chain_links_by_name_when_the_signature_cannot_be_checked() -> None:
    """An unknown signature algorithm cannot be told: the same-named CA is linked, as keytool
    links chains by name alone."""
    leaf, ca, leaf_key = unknown_signature_leaf()
    chain = _chain_read_back(
        Entry("k", EntryKind.PRIVATE_KEY, [leaf], leaf_key),
        Entry("ca", EntryKind.TRUSTED_CERT, [ca.model]),
    )
    assert chain == [leaf.sha256, ca.model.sha256]
