"""BouncyCastle BKS and UBER keystores (read only).

No BouncyCastle jar is available to the tests, so the stores are built here following BC's
``BcKeyStoreSpi`` layout: version, salt, iteration count, entries (type, alias, date, chain,
body), then an HMAC-SHA1 (BKS) or the whole body Twofish-encrypted with a SHA-1 (UBER).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from jks import rfc7292

from keystore_gui.cli import main
from keystore_gui.core.codecs import jks as jks_codec
from keystore_gui.core.codecs.javaformat import jks_protect, write_utf
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
from keystore_gui.core.model import EntryKind, PublicKey, SecretKey, StoreType
from tests.certs import self_signed
from tests.tools import keytool_list

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
    spki = key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return (
        _entry(1, "Trusted CA", [], _cert_body(der))
        + _entry(4, "MyKey", [der], _sealed(_key_body(0, "PKCS#8", "EC", pkcs8), KEY_PASSWORD))
        + _entry(4, "sealed-aes", [], _sealed(_key_body(2, "RAW", "AES", b"\x02" * 16), PASSWORD))
        + _entry(2, "plain-hmac", [], _key_body(2, "RAW", "HmacSHA256", b"\x03" * 32))
        + _entry(4, "sealed-pub", [], _sealed(_key_body(1, "X.509", "EC", spki), PASSWORD))
        + _entry(2, "plain-pub", [], _key_body(1, "X.509", "EC", spki))
        + _entry(
            4, "own-secret", [], _sealed(_key_body(2, "RAW", "AES", b"\x04" * 16), KEY_PASSWORD)
        )
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
        ("sealed-pub", EntryKind.PUBLIC_KEY, []),
        ("plain-pub", EntryKind.PUBLIC_KEY, []),
        ("own-secret", EntryKind.SECRET_KEY, []),
    ]
    # a sealed key says what it is inside its encryption: opened with the store password
    assert store.get("sealed-pub").algorithm_description == "EC secp256r1"
    assert store.get("sealed-pub").key == PublicKey(material[0].public_key())
    assert [e.alias for e in store if not e.kind_known] == ["MyKey", "own-secret"]
    own = store.get("own-secret")
    store.unlock(own, KEY_PASSWORD)
    assert own.kind_known and own.algorithm_description == "AES 128"
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


def test_cli_lists_public_keys_and_conversion_names_them(
    material: Material, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    source = tmp_path / "keys.bks"
    source.write_bytes(bks(material))
    monkeypatch.setenv("KS_PASS", PASSWORD)
    assert main(["list", str(source), "--json", "--password-env", "KS_PASS"]) == 0
    entries = {e["alias"]: e for e in json.loads(capsys.readouterr().out)["entries"]}
    assert entries["sealed-pub"]["kind"] == "public-key"
    assert "taken for a private-key" in entries["MyKey"]["note"]
    assert main(["list", str(source), "--password-env", "KS_PASS"]) == 0
    assert "sealed-pub  public-key    EC secp256r1" in capsys.readouterr().out
    show = ["show", str(source), "--alias", "sealed-pub", "--password-env", "KS_PASS"]
    assert main(show) == 0
    assert "Kind: public-key\n  Key: EC secp256r1" in capsys.readouterr().out
    argv = ["convert", str(source), str(tmp_path / "out.p12"), "--to", "pkcs12"]
    assert main([*argv, "--password-env", "KS_PASS", "--dest-password-env", "KS_PASS"]) == 1
    assert "entry 'sealed-pub': a bare public key" in capsys.readouterr().err


def test_a_jks_key_entry_without_certificates_is_a_secret_key(tmp_path: Path) -> None:
    """JDK 1.4 kept secret keys in JKS as key entries without a certificate chain; Java 17
    lists them as SecretKeyEntry and cannot read the key."""
    protected = jks_protect(bytes(range(64)), PASSWORD)
    body = (
        b"\xfe\xed\xfe\xed"
        + struct.pack(">II", 2, 1)
        + struct.pack(">I", 1)
        + write_utf("alias")
        + struct.pack(">Q", MILLIS)
        + _data(protected)
        + struct.pack(">I", 0)
    )
    data = (
        body
        + hashlib.sha1(
            PASSWORD.encode("utf-16-be") + b"Mighty Aphrodite" + body, usedforsecurity=False
        ).digest()
    )
    path = tmp_path / "old.jks"
    path.write_bytes(data)
    assert keytool_list(path, PASSWORD)[0].kind == "secret-key"
    store = load_keystore(data, PASSWORD)
    entry = store.get("alias")
    assert entry.kind is EntryKind.SECRET_KEY and entry.chain == []
    with pytest.raises(UnsupportedFormatError, match="entry 'alias'"):
        store.unlock(entry)
