"""BouncyCastle BKS and UBER keystores (read only).

No BouncyCastle jar is available to the tests, so the stores are built here following BC's
``BcKeyStoreSpi`` layout: version, salt, iteration count, entries (type, alias, date, chain,
body), then an HMAC-SHA1 (BKS) or the whole body Twofish-encrypted with a SHA-1 (UBER).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from jks import rfc7292

from keystore_gui.core.codecs import jks as jks_codec
from keystore_gui.core.codecs.javaformat import write_utf
from keystore_gui.core.errors import (
    CorruptFileError,
    KeyLockedError,
    KeystoreError,
    TruncatedFileError,
    UnsupportedFormatError,
    WrongPasswordError,
)
from keystore_gui.core.formats import detect
from keystore_gui.core.io import load_keystore, save_keystore
from keystore_gui.core.model import EntryKind, SecretKey, StoreType
from tests.certs import self_signed

PASSWORD = "bks-pass"
KEY_PASSWORD = "bks-key-pass"
SALT = bytes(range(20))
COUNT = 20
MILLIS = 1_700_000_000_000

Material = tuple[ec.EllipticCurvePrivateKey, bytes]
"""A key and its self-signed certificate's DER."""
Builder = Callable[[Material], bytes]


def _data(blob: bytes) -> bytes:
    return struct.pack(">I", len(blob)) + blob


def _cert_body(der: bytes) -> bytes:
    return write_utf("X.509") + _data(der)


def _key_body(key_type: int, fmt: str, algorithm: str, encoded: bytes) -> bytes:
    return bytes((key_type,)) + write_utf(fmt) + write_utf(algorithm) + _data(encoded)


def _sealed(plain: bytes, password: str) -> bytes:
    salt, count = b"\x07" * 20, 100
    key = rfc7292.derive_key(hashlib.sha1, 1, password, salt, count, 24)
    iv = rfc7292.derive_key(hashlib.sha1, 2, password, salt, count, 8)
    padder = padding.PKCS7(64).padder()
    encryptor = Cipher(TripleDES(key), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    return _data(_data(salt) + struct.pack(">I", count) + encrypted)


def _entry(kind: int, alias: str, chain: list[bytes], body: bytes) -> bytes:
    head = bytes((kind,)) + write_utf(alias) + struct.pack(">QI", MILLIS, len(chain))
    return head + b"".join(_cert_body(c) for c in chain) + body


@pytest.fixture(scope="module")
def material() -> Material:
    key = ec.generate_private_key(ec.SECP256R1())
    return key, self_signed("bks", key, serial=7).public_bytes(Encoding.DER)


def _entries(material: Material) -> bytes:
    key, der = material
    pkcs8 = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    return (
        _entry(1, "Trusted CA", [], _cert_body(der))
        + _entry(4, "MyKey", [der], _sealed(_key_body(0, "PKCS#8", "EC", pkcs8), KEY_PASSWORD))
        + _entry(4, "sealed-aes", [], _sealed(_key_body(2, "RAW", "AES", b"\x02" * 16), PASSWORD))
        + _entry(2, "plain-hmac", [], _key_body(2, "RAW", "HmacSHA256", b"\x03" * 32))
        + b"\x00"
    )


def bks(material: Material, version: int = 2) -> bytes:
    entries = _entries(material)
    # BKS v1 derived a 2-byte MAC key (a BouncyCastle bug kept for compatibility)
    mac_key = rfc7292.derive_key(hashlib.sha1, 3, PASSWORD, SALT, COUNT, 20 if version == 2 else 2)
    mac = hmac.new(mac_key, entries, hashlib.sha1).digest()
    return struct.pack(">I", version) + _data(SALT) + struct.pack(">I", COUNT) + entries + mac


def bks_v1(material: Material) -> bytes:
    return bks(material, version=1)


def uber(material: Material) -> bytes:
    jks_codec._import_twofish()
    entries = _entries(material)
    plain = entries + hashlib.sha1(entries).digest()
    encrypted: bytes = rfc7292.encrypt_PBEWithSHAAndTwofishCBC(plain, PASSWORD, SALT, COUNT)
    return struct.pack(">I", 1) + _data(SALT) + struct.pack(">I", COUNT) + encrypted


@pytest.mark.parametrize(
    ("build", "store_type"),
    [(bks, StoreType.BKS), (bks_v1, StoreType.BKS), (uber, StoreType.UBER)],
)
def test_read(build: Builder, store_type: StoreType, material: Material) -> None:
    data = build(material)
    assert detect(data) is StoreType.BKS  # both start with a version number
    store = load_keystore(data, PASSWORD)
    assert store.store_type is store_type
    listing = [(e.alias, e.kind, [c.der for c in e.chain]) for e in store]
    der = material[1]
    assert listing == [
        ("Trusted CA", EntryKind.TRUSTED_CERT, [der]),  # BKS keeps the case of aliases
        ("MyKey", EntryKind.PRIVATE_KEY, [der]),
        ("sealed-aes", EntryKind.SECRET_KEY, []),
        ("plain-hmac", EntryKind.SECRET_KEY, []),
    ]
    assert store.get("MyKey").timestamp == dt.datetime.fromtimestamp(MILLIS / 1000, dt.UTC)
    assert store.get("plain-hmac").key == SecretKey("HmacSHA256", b"\x03" * 32)
    assert store.unlock(store.get("sealed-aes")) == SecretKey("AES", b"\x02" * 16)
    with pytest.raises(KeyLockedError):
        store.unlock(store.get("MyKey"))
    with pytest.raises(WrongPasswordError, match="'MyKey'"):
        store.unlock(store.get("MyKey"), "wrong")
    key = store.unlock(store.get("MyKey"), KEY_PASSWORD)
    assert key.public_key() == material[0].public_key()  # type: ignore[union-attr]


@pytest.mark.parametrize("build", [bks, bks_v1, uber])
def test_wrong_password(build: Builder, material: Material) -> None:
    with pytest.raises(WrongPasswordError, match=r"^wrong password"):
        load_keystore(build(material), "wrong")


def test_truncated_bks(material: Material) -> None:
    data = bks(material)
    for n in (5, 9, 30, len(data) // 2, len(data) - 20, len(data) - 1):
        with pytest.raises(TruncatedFileError):
            load_keystore(data[:n], PASSWORD, StoreType.BKS)


def test_bit_flips_bks(material: Material) -> None:
    data = bks(material)
    expected = (WrongPasswordError, TruncatedFileError, CorruptFileError, UnsupportedFormatError)
    for pos in range(0, len(data), 3):
        damaged = bytearray(data)
        damaged[pos] ^= 0x10
        with pytest.raises(expected):
            load_keystore(bytes(damaged), PASSWORD, StoreType.BKS)


def test_read_only(material: Material, tmp_path: Path) -> None:
    store = load_keystore(bks(material), PASSWORD)
    with pytest.raises(KeystoreError, match="can be read but not written"):
        save_keystore(store, tmp_path / "out.bks")


def test_uber_without_twofish(material: Material, monkeypatch: pytest.MonkeyPatch) -> None:
    data = uber(material)

    def missing() -> None:
        raise UnsupportedFormatError("UBER keystores need the 'twofish' package")

    monkeypatch.setattr(jks_codec, "_import_twofish", missing)
    with pytest.raises(UnsupportedFormatError, match="twofish"):
        load_keystore(data, PASSWORD)
