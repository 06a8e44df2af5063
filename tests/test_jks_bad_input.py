"""Damaged, truncated, random and wrongly-locked JKS/JCEKS input: always a clear KeystoreError."""

from __future__ import annotations

import random

import jks
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from keystore_gui.core.codecs import javaformat
from keystore_gui.core.codecs.jks import JavaSealedKey, _JavaKeyStore
from keystore_gui.core.errors import (
    CorruptFileError,
    KeystoreError,
    NotAKeystoreError,
    TruncatedFileError,
    UnsupportedFormatError,
    WrongPasswordError,
)
from keystore_gui.core.formats import codec_for
from keystore_gui.core.io import load_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, SecretKey, StoreType
from tests.certs import self_signed

PASSWORD = "store-pass"
KEY_PASSWORD = "key-pass"
EXPECTED = (
    WrongPasswordError,
    CorruptFileError,
    TruncatedFileError,
    NotAKeystoreError,
    UnsupportedFormatError,
)


def _certificate(key: ec.EllipticCurvePrivateKey) -> Certificate:
    return Certificate.from_x509(self_signed("fuzz", key, serial=1234))


@pytest.fixture(scope="module", params=[StoreType.JKS, StoreType.JCEKS])
def written(request: pytest.FixtureRequest) -> tuple[StoreType, bytes]:
    store_type: StoreType = request.param
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(key)
    store = Keystore(store_type)
    store.add(Entry("key", EntryKind.PRIVATE_KEY, [cert], key=key, key_password=KEY_PASSWORD))
    store.add(Entry("ca", EntryKind.TRUSTED_CERT, [cert]))
    if store_type is StoreType.JCEKS:
        store.add(Entry("secret", EntryKind.SECRET_KEY, key=SecretKey("AES", b"\x01" * 16)))
    dump = codec_for(store_type).dump
    assert dump is not None
    return store_type, dump(store, PASSWORD)


def test_round_trip(written: tuple[StoreType, bytes]) -> None:
    store_type, data = written
    store = load_keystore(data, PASSWORD)
    assert store.store_type is store_type
    assert store.aliases()[:2] == ["key", "ca"]


def test_wrong_store_password(written: tuple[StoreType, bytes]) -> None:
    with pytest.raises(WrongPasswordError, match=r"^wrong password, or the file was changed"):
        load_keystore(written[1], "nope")


def test_wrong_key_password(written: tuple[StoreType, bytes]) -> None:
    store = load_keystore(written[1], PASSWORD)
    entry = store.get("key")
    with pytest.raises(WrongPasswordError, match=r"^wrong key password for entry 'key'$"):
        store.unlock(entry, "nope")
    if written[0] is StoreType.JCEKS:
        with pytest.raises(WrongPasswordError, match="JCEKS key passwords are ASCII"):
            store.unlock(entry, "clé")
    store.unlock(entry, KEY_PASSWORD)
    assert not entry.is_locked


def test_wrong_jks_key_passwords() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pkcs8 = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    raw = jks.PrivateKeyEntry(encrypted=javaformat.jks_protect(pkcs8, "right"), store_type="jks")
    sealed = JavaSealedKey(StoreType.JKS, raw, "k")
    for n in range(200):
        with pytest.raises(WrongPasswordError):
            sealed.unlock(f"guess-{n}")
    assert sealed.unlock("right").public_key() == key.public_key()  # type: ignore[union-attr]


def test_jceks_lucky_padding() -> None:
    """About 1 wrong password in 250 passes the 3DES padding check; the garbage plaintext
    must still be reported as a wrong password (few iterations keep this fast)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pkcs8 = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    private = jks.PrivateKeyEntry(
        encrypted=javaformat.jce_protect(pkcs8, "right", iterations=1), store_type="jceks"
    )
    sealed_object = javaformat.seal_secret_key("AES", b"k" * 16, "right", iterations=1)
    secret, _ = _JavaKeyStore._read_secret_key(sealed_object, 0, "jceks")
    for raw in (private, secret):
        sealed = JavaSealedKey(StoreType.JCEKS, raw, "k")
        for n in range(1500):
            with pytest.raises(WrongPasswordError):
                sealed.unlock(f"guess-{n}")
        assert sealed.unlock("right") is not None
        assert sealed.opened_with("right") and not sealed.opened_with("guess-1")


def test_truncated(written: tuple[StoreType, bytes]) -> None:
    """Cut at every offset, also inside the Java-serialized secret key of the JCEKS."""
    data = written[1]
    for n in range(1, len(data)):
        with pytest.raises(TruncatedFileError, match=r"^file is truncated"):
            load_keystore(data[:n], PASSWORD)


def test_empty() -> None:
    with pytest.raises(NotAKeystoreError, match="empty"):
        load_keystore(b"", PASSWORD)


def test_random_bytes() -> None:
    rng = random.Random(1)
    for size in (5, 100, 4096):
        with pytest.raises(NotAKeystoreError):
            load_keystore(rng.randbytes(size), PASSWORD, name="random.jks")


@pytest.mark.parametrize("magic", [b"\xfe\xed\xfe\xed", b"\xce\xce\xce\xce"])
def test_random_after_magic(magic: bytes) -> None:
    rng = random.Random(2)
    for size in (8, 12, 100, 4096):
        with pytest.raises(EXPECTED):
            load_keystore(magic + rng.randbytes(size), PASSWORD)


def test_unsupported_version() -> None:
    with pytest.raises(UnsupportedFormatError, match="version"):
        load_keystore(b"\xfe\xed\xfe\xed\x00\x00\x00\x07" + b"\x00" * 40, PASSWORD)


def test_bit_flips(written: tuple[StoreType, bytes]) -> None:
    """Flip one bit in every byte: a KeystoreError of the expected kinds, or (without the
    integrity check) a store whose keys fail to unlock cleanly, never anything else."""
    store_type, data = written
    rng = random.Random(3)
    # a JCEKS key takes 200,000 PBE iterations to try: unlock only a sample of the damaged ones
    unlock_every = 1 if store_type is StoreType.JKS else 331
    for pos in range(len(data)):
        damaged = bytearray(data)
        damaged[pos] ^= 1 << rng.randrange(8)
        with pytest.raises(EXPECTED):
            load_keystore(bytes(damaged), PASSWORD, store_type)
        try:
            store = load_keystore(bytes(damaged), None, store_type)
        except EXPECTED:
            continue
        if pos % unlock_every:
            continue
        for entry in store:
            if entry.is_locked and entry.kind is EntryKind.PRIVATE_KEY:
                try:
                    store.unlock(entry, KEY_PASSWORD)
                except KeystoreError as exc:
                    assert isinstance(exc, EXPECTED)
                    assert "\n" not in str(exc)


def test_iteration_counts_beyond_the_jdks_limit_are_refused_fast() -> None:
    """A hostile count would keep the pure-Python key derivation busy for hours."""
    import struct
    import time

    from keystore_gui.core.errors import CorruptFileError
    from keystore_gui.core.io import load_keystore

    salt = b"\x01" * 20
    bks = b"\x00\x00\x00\x02" + struct.pack(">I", len(salt)) + salt + b"\x7f\xff\xff\xff" + b"\x00"
    start = time.perf_counter()
    with pytest.raises(CorruptFileError, match="iteration count 2147483647 is out of range"):
        load_keystore(bks, "password")
    assert time.perf_counter() - start < 1
