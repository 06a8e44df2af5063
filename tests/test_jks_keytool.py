"""JKS and JCEKS against the real keytool, in both directions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from jks import sun_crypto

from keystore_gui.core.codecs import javaformat
from keystore_gui.core.codecs.jks import JavaSealedKey
from keystore_gui.core.errors import (
    CannotHoldError,
    KeyLockedError,
    WrongPasswordError,
)
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import (
    Certificate,
    Entry,
    EntryKind,
    Keystore,
    SecretKey,
    StoreType,
)
from tests.certs import self_signed
from tests.jks_stores import KEYPASS, STOREPASS, MadeStore, make_stores
from tests.tools import keytool, keytool_list, requires_keytool

pytestmark = [pytest.mark.keytool, requires_keytool]

Listing = list[tuple[str, str, list[str]]]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MadeStore]:
    return make_stores(tmp_path_factory.mktemp("java"))


@pytest.fixture(scope="module", params=["JKS", "JCEKS"])
def made_store(request: pytest.FixtureRequest, made: dict[str, MadeStore]) -> MadeStore:
    return made[request.param]


def our_listing(store: Keystore) -> Listing:
    return sorted((e.alias, e.kind.value, [c.sha256 for c in e.chain]) for e in store)


def keytool_listing(path: Path, storepass: str = STOREPASS) -> Listing:
    return sorted(
        (e.alias, e.kind, [c.sha256 for c in e.chain]) for e in keytool_list(path, storepass)
    )


def key_password(alias: str) -> str:
    return KEYPASS if alias == "ownpass" else STOREPASS


ALL_KEYS = {a: STOREPASS for a in ("rsa", "ec", "ed", "dsa", "leaf")} | {"ownpass": KEYPASS}
"""Every private key of the keytool-made stores, with its password."""
SOME_KEYS = {"leaf": STOREPASS, "ownpass": KEYPASS}
"""Enough to prove keys usable where another test already covers every key algorithm."""


def assert_keys_usable(path: Path, storepass: str, keys: dict[str, str]) -> None:
    """``keytool -certreq`` signs with each of ``keys`` (alias → key password)."""
    for alias, keypass in keys.items():
        keytool(
            "-certreq",
            "-alias",
            alias,
            "-keystore",
            str(path),
            "-file",
            str(path.with_name(f"{path.name}.{alias}.csr")),
            storepass=storepass,
            keypass=keypass,
        )


# --- what keytool wrote, we read ----------------------------------------------------------------


def test_listing_equals_keytool(made_store: MadeStore) -> None:
    store = read_keystore(made_store.path, STOREPASS)
    assert store.store_type == StoreType(made_store.storetype)
    assert our_listing(store) == keytool_listing(made_store.path)
    leaf = store.get("leaf")
    assert [c.common_name() for c in leaf.chain] == ["leaf", "inter", "root"]


def test_reading_decrypts_no_key(made_store: MadeStore) -> None:
    store = read_keystore(made_store.path, STOREPASS)
    assert all(e.is_locked for e in store if e.kind is not EntryKind.TRUSTED_CERT)


def test_keys_unlock_to_the_certificate_key(made_store: MadeStore) -> None:
    store = read_keystore(made_store.path, STOREPASS)
    expected = {
        "rsa": rsa.RSAPrivateKey,
        "ec": ec.EllipticCurvePrivateKey,
        "ed": ed25519.Ed25519PrivateKey,
        "dsa": dsa.DSAPrivateKey,
        "leaf": ec.EllipticCurvePrivateKey,
    }
    for alias, kind in expected.items():
        entry = store.get(alias)
        key = store.unlock(entry)
        assert isinstance(key, kind) and not isinstance(key, SecretKey)
        spki = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if alias == "dsa":
            # cryptography refuses JDK 17 DSA certificate DER: look for the key in the raw bytes
            assert spki[-64:] in entry.chain[0].der
        else:
            assert entry.chain[0].public_key() == key.public_key()
    assert store.get("rsa").algorithm_description == "RSA 2048"
    assert store.get("ec").algorithm_description == "EC secp256r1"
    assert store.get("ed").algorithm_description == "Ed25519"


def test_own_key_password(made_store: MadeStore) -> None:
    store = read_keystore(made_store.path, STOREPASS)
    entry = store.get("ownpass")
    with pytest.raises(KeyLockedError, match="'ownpass' has its own key password"):
        store.unlock(entry)
    with pytest.raises(WrongPasswordError, match="wrong key password for entry 'ownpass'"):
        store.unlock(entry, "not-it")
    assert isinstance(store.unlock(entry, KEYPASS), ec.EllipticCurvePrivateKey)
    assert entry.key_password == KEYPASS


def test_jceks_secret_key(made: dict[str, MadeStore]) -> None:
    store = read_keystore(made["JCEKS"].path, STOREPASS)
    entry = store.get("aes")
    assert entry.kind is EntryKind.SECRET_KEY and entry.chain == []
    key = store.unlock(entry)
    assert isinstance(key, SecretKey)
    assert (key.algorithm, key.size) == ("AES", 256)
    assert entry.algorithm_description == "AES 256"
    des3 = store.unlock(store.get("des3"))
    assert isinstance(des3, SecretKey)
    assert (des3.algorithm, des3.size) == ("DESede", 192)


def test_secret_keys_are_sealed_as_the_jdk_does(made: dict[str, MadeStore]) -> None:
    """Our JCEKS secret-key stream equals keytool's but for the salt and the ciphertext."""
    store = read_keystore(made["JCEKS"].path, STOREPASS)
    entry = store.get("aes")
    assert isinstance(entry.sealed, JavaSealedKey)
    theirs = entry.sealed.raw.serialized
    key = store.unlock(entry)
    assert isinstance(key, SecretKey)
    ours = javaformat.seal_secret_key(key.algorithm, key.key, STOREPASS)
    assert len(ours) == len(theirs)
    params = theirs.index(bytes.fromhex("300f0408"))  # PBEParameter: 8-byte salt, count
    assert ours[:params] == theirs[:params]
    assert ours[params + 12 : params + 19] == theirs[params + 12 : params + 19]  # 200,000
    assert ours[-48:] == theirs[-48:]  # "PBEWithMD5AndTripleDES" twice
    sealed = entry.sealed.raw._encrypted
    plain = sun_crypto.jce_pbe_decrypt(
        sealed.encryptedContent, STOREPASS, sealed.encodedParams[4:12], 200_000
    )
    assert plain == javaformat.serialize_secret_key_spec("AES", key.key)


def test_timestamps_are_utc(made_store: MadeStore) -> None:
    store = read_keystore(made_store.path, STOREPASS)
    now = dt.datetime.now(dt.UTC)
    for entry in store:
        assert entry.timestamp is not None and entry.timestamp.tzinfo is not None
        assert now - dt.timedelta(hours=1) < entry.timestamp <= now


def test_wrong_store_password(made_store: MadeStore) -> None:
    with pytest.raises(WrongPasswordError) as info:
        read_keystore(made_store.path, "wrong-password")
    assert str(info.value) == "wrong password, or the file was changed: integrity check failed"


def test_no_password_lists_without_integrity_check(made_store: MadeStore) -> None:
    store = read_keystore(made_store.path, None)
    assert our_listing(store) == keytool_listing(made_store.path)


# --- what we write, keytool reads ---------------------------------------------------------------


def test_rewritten_store_is_read_by_keytool(made_store: MadeStore, tmp_path: Path) -> None:
    """Sealed keys are copied verbatim: the own key password survives without being given."""
    store = read_keystore(made_store.path, STOREPASS)
    out = tmp_path / f"out.{made_store.storetype.lower()}"
    save_keystore(store, out)
    assert out.read_bytes()[:4] == made_store.path.read_bytes()[:4]
    assert keytool_listing(out) == keytool_listing(made_store.path)
    assert_keys_usable(out, STOREPASS, ALL_KEYS)


def test_unlocked_keys_are_written_with_their_passwords(
    made_store: MadeStore, tmp_path: Path
) -> None:
    """Unlocked keys are protected again; still-sealed ones are copied alongside them."""
    store = read_keystore(made_store.path, STOREPASS)
    for alias in ("rsa", "ownpass"):
        store.unlock(store.get(alias), key_password(alias))
    out = tmp_path / "unlocked.out"
    save_keystore(store, out, password="new-store-pass")
    assert keytool_listing(out, "new-store-pass") == keytool_listing(made_store.path)
    # an unlocked key without a password of its own follows the new store password; a sealed
    # one keeps the password it had, as with keytool -storepasswd
    assert_keys_usable(
        out, "new-store-pass", {"rsa": "new-store-pass", "ownpass": KEYPASS, "ec": STOREPASS}
    )


def test_jks_to_jceks(made: dict[str, MadeStore], tmp_path: Path) -> None:
    """A JCEKS reads JKS-protected keys, so still-sealed keys convert without their password."""
    store = read_keystore(made["JKS"].path, STOREPASS)
    out = tmp_path / "from-jks.jceks"
    save_keystore(store, out, StoreType.JCEKS)
    assert out.read_bytes()[:4] == b"\xce\xce\xce\xce"
    assert keytool_listing(out) == keytool_listing(made["JKS"].path)
    assert_keys_usable(out, STOREPASS, SOME_KEYS)


def test_jceks_to_jks(made: dict[str, MadeStore], tmp_path: Path) -> None:
    store = read_keystore(made["JCEKS"].path, STOREPASS)
    out = tmp_path / "from-jceks.jks"
    with pytest.raises(CannotHoldError, match="entry 'aes': JKS cannot hold secret keys"):
        save_keystore(store, out, StoreType.JKS)
    assert not out.exists()
    store.remove("aes")
    store.remove("des3")
    with pytest.raises(KeyLockedError, match="'ownpass'"):
        save_keystore(store, out, StoreType.JKS)
    assert not out.exists()
    for entry in store:
        if entry.is_locked:
            store.unlock(entry, key_password(entry.alias))
    save_keystore(store, out, StoreType.JKS)
    expected = [e for e in keytool_listing(made["JCEKS"].path) if e[1] != "secret-key"]
    assert keytool_listing(out) == expected
    assert_keys_usable(out, STOREPASS, SOME_KEYS | {"ed": STOREPASS})


# --- a store built in memory --------------------------------------------------------------------


def memory_store(store_type: StoreType) -> Keystore:
    store = Keystore(store_type, password=STOREPASS)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    own_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = self_signed("Some CA", ec.generate_private_key(ec.SECP256R1()), days=30, backdate=1)
    store.add(
        Entry(
            "Server",
            EntryKind.PRIVATE_KEY,
            [Certificate.from_x509(self_signed("server", ec_key, days=30, backdate=1))],
            key=ec_key,
        )
    )
    store.add(
        Entry(
            "edwards",
            EntryKind.PRIVATE_KEY,
            [Certificate.from_x509(self_signed("ed", ed_key, days=30, backdate=1))],
            key=ed_key,
        )
    )
    store.add(
        Entry(
            "own",
            EntryKind.PRIVATE_KEY,
            [Certificate.from_x509(self_signed("own", own_key, days=30, backdate=1))],
            key=own_key,
            key_password=KEYPASS,
        )
    )
    store.add(Entry("CA", EntryKind.TRUSTED_CERT, [Certificate.from_x509(ca_cert)]))
    if store_type is StoreType.JCEKS:
        store.add(Entry("Secret", EntryKind.SECRET_KEY, key=SecretKey("AES", bytes(range(32)))))
        store.add(Entry("hmac", EntryKind.SECRET_KEY, key=SecretKey("HmacSHA256", b"k" * 20)))
    return store


@pytest.fixture(scope="module")
def memory_written(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[StoreType, tuple[Keystore, Path]]:
    """A JKS and a JCEKS built in memory and written by us."""
    folder = tmp_path_factory.mktemp("memory")
    written: dict[StoreType, tuple[Keystore, Path]] = {}
    for store_type in (StoreType.JKS, StoreType.JCEKS):
        store = memory_store(store_type)
        out = folder / f"memory.{store_type.lower()}"
        save_keystore(store, out)
        written[store_type] = (store, out)
    return written


@pytest.mark.parametrize("store_type", [StoreType.JKS, StoreType.JCEKS])
def test_memory_store_is_read_by_keytool(
    store_type: StoreType, memory_written: dict[StoreType, tuple[Keystore, Path]]
) -> None:
    store, out = memory_written[store_type]
    expected = sorted((e.alias.lower(), e.kind.value, [c.sha256 for c in e.chain]) for e in store)
    assert keytool_listing(out) == expected
    assert_keys_usable(out, STOREPASS, {"server": STOREPASS, "edwards": STOREPASS, "own": KEYPASS})
    again = read_keystore(out, STOREPASS)
    assert [e.alias for e in again] == [e.alias.lower() for e in store]
    assert again.unlock(again.get("own"), KEYPASS) is not None


def test_java_recovers_written_secret_keys(
    memory_written: dict[StoreType, tuple[Keystore, Path]], tmp_path: Path
) -> None:
    """keytool can only copy a secret key to another store after decrypting it."""
    _store, out = memory_written[StoreType.JCEKS]
    p12 = tmp_path / "secret.p12"
    for alias in ("secret", "hmac"):
        keytool(
            "-importkeystore",
            "-srckeystore",
            str(out),
            "-srcstoretype",
            "JCEKS",
            "-srcalias",
            alias,
            "-destkeystore",
            str(p12),
            "-deststoretype",
            "PKCS12",
            srcpass=STOREPASS,
            destpass=STOREPASS,
        )
    kinds = {e.alias: e.kind for e in keytool_list(p12, STOREPASS)}
    assert kinds == {"secret": "secret-key", "hmac": "secret-key"}


def test_aliases_are_written_lowercase_and_in_modified_utf8(tmp_path: Path) -> None:
    """Java lowercases JKS/JCEKS aliases and writes them in modified UTF-8 (an emoji as two
    surrogates); keytool must find every entry by its alias."""
    store = Keystore(StoreType.JKS, password=STOREPASS)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = Certificate.from_x509(self_signed("alias test", key, days=30, backdate=1))
    aliases = ["Mixed Case", "clé 🔑 key", "nul\x00inside"]
    for alias in aliases:
        store.add(Entry(alias, EntryKind.TRUSTED_CERT, [cert]))
    store.add(Entry("Key", EntryKind.PRIVATE_KEY, [cert], key=key))
    out = tmp_path / "aliases.jks"
    save_keystore(store, out)
    assert read_keystore(out, STOREPASS).aliases() == [a.lower() for a in [*aliases, "Key"]]
    assert b"\xed\xa0\xbd\xed\xb4\x91" in out.read_bytes()  # U+1F511 as two 3-byte surrogates
    assert b"nul\xc0\x80inside" in out.read_bytes()
    listed = keytool("-list", "-keystore", str(out), storepass=STOREPASS).stdout
    assert "Your keystore contains 4 entries" in listed
    assert "mixed case," in listed
    assert_keys_usable(out, STOREPASS, {"key": STOREPASS})


@pytest.mark.parametrize("store_type", [StoreType.JKS, StoreType.JCEKS])
def test_aliases_differing_only_in_case_are_refused(store_type: StoreType, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = Certificate.from_x509(self_signed("case", key, days=30, backdate=1))
    store = Keystore(StoreType.BKS)  # a format where case matters
    store.add(Entry("Server", EntryKind.TRUSTED_CERT, [cert]))
    store.add(Entry("server", EntryKind.TRUSTED_CERT, [cert]))
    out = tmp_path / "case.out"
    with pytest.raises(CannotHoldError, match="differs from 'Server' only in letter case"):
        save_keystore(store, out, store_type, STOREPASS)
    assert not out.exists()
