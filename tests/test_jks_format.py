"""Byte-level pieces of the JKS/JCEKS formats, checked against what the JDK writes."""

from __future__ import annotations

import jks
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from jks import sun_crypto

from keystore_gui.core.codecs import javaformat
from keystore_gui.core.codecs.jks import JavaSealedKey, _JavaKeyStore
from keystore_gui.core.errors import CannotHoldError
from keystore_gui.core.formats import codec_for
from keystore_gui.core.io import load_keystore
from keystore_gui.core.model import (
    Certificate,
    Entry,
    EntryKind,
    Keystore,
    SealedKey,
    SecretKey,
    StoreType,
)
from tests.certs import self_signed


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("alias", b"alias"),
        ("clé", b"cl\xc3\xa9"),
        ("a\x00b", b"a\xc0\x80b"),
        ("🔑", b"\xed\xa0\xbd\xed\xb4\x91"),
    ],
)
def test_modified_utf8(text: str, encoded: bytes) -> None:
    assert javaformat.encode_mutf8(text) == encoded
    assert javaformat.decode_mutf8(encoded) == text


def test_alias_too_long() -> None:
    with pytest.raises(ValueError, match="65535"):
        javaformat.write_utf("é" * 40000)


def test_sealed_secret_key_reads_back() -> None:
    sealed = javaformat.seal_secret_key("DESede", b"\x05" * 24, "pw", iterations=10)
    raw, end = _JavaKeyStore._read_secret_key(sealed, 0, "jceks")
    assert end == len(sealed)
    assert raw._encrypted.sealAlg == raw._encrypted.paramsAlg == "PBEWithMD5AndTripleDES"
    key = JavaSealedKey(StoreType.JCEKS, raw, "k").unlock("pw")
    assert key == SecretKey("DESede", b"\x05" * 24)


def test_jce_protected_private_key_reads_back() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pkcs8 = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    protected = javaformat.jce_protect(pkcs8, "pw", iterations=10)
    pyjks_entry = jks.PrivateKeyEntry(encrypted=protected, store_type="jceks")
    pyjks_entry.decrypt("pw")
    assert pyjks_entry.pkey_pkcs8 == pkcs8
    raw = jks.PrivateKeyEntry(encrypted=protected, store_type="jceks")
    sealed: SealedKey = JavaSealedKey(StoreType.JCEKS, raw, "k")
    assert sealed.unlock("pw").public_key() == key.public_key()  # type: ignore[union-attr]
    assert raw._encrypted == protected  # unlocking leaves the entry as read


def test_jks_key_without_null_parameter() -> None:
    """JDK 21+ writes the JKS key-protector AlgorithmIdentifier without a NULL parameter."""
    key = ec.generate_private_key(ec.SECP256R1())
    pkcs8 = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    encrypted = sun_crypto.jks_pkey_encrypt(pkcs8, "pw")
    protected = javaformat._encrypted_private_key_info(javaformat.JKS_PROTECTOR_OID, b"", encrypted)
    raw = jks.PrivateKeyEntry(encrypted=protected, store_type="jks")
    unlocked = JavaSealedKey(StoreType.JKS, raw, "k").unlock("pw")
    assert unlocked.public_key() == key.public_key()  # type: ignore[union-attr]


def test_a_replaced_key_is_not_written_as_the_sealed_one() -> None:
    old_key = ec.generate_private_key(ec.SECP256R1())
    new_key = ec.generate_private_key(ec.SECP256R1())
    pkcs8 = old_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    cert = Certificate.from_x509(self_signed("k", new_key, serial=1))
    raw = jks.PrivateKeyEntry(encrypted=javaformat.jks_protect(pkcs8, "pw"), store_type="jks")
    entry = Entry("k", EntryKind.PRIVATE_KEY, [cert], sealed=JavaSealedKey(StoreType.JKS, raw, "k"))
    store = Keystore(StoreType.JKS, [entry], password="pw")
    store.unlock(entry)
    entry.key = new_key
    dump = codec_for(StoreType.JKS).dump
    assert dump is not None
    again = load_keystore(dump(store, "pw"), "pw")
    assert again.unlock(again.get("k")).public_key() == new_key.public_key()  # type: ignore[union-attr]


def test_entries_the_format_cannot_hold_are_named() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = Certificate.from_x509(self_signed("k", key, serial=1))
    store = Keystore(StoreType.BKS, password="pw")
    store.add(Entry("bare", EntryKind.PRIVATE_KEY, [], key=key))
    store.add(Entry("two", EntryKind.TRUSTED_CERT, [cert, cert]))
    store.add(Entry("chained", EntryKind.SECRET_KEY, [cert], key=SecretKey("AES", b"k" * 16)))
    dump = codec_for(StoreType.JCEKS).dump
    assert dump is not None
    with pytest.raises(CannotHoldError) as info:
        dump(store, "pw")
    assert [alias for alias, _ in info.value.problems] == ["bare", "two", "chained"]
    assert str(info.value).startswith("JCEKS cannot hold entry 'bare': it has no certificate; ")


def test_opening_a_jks_or_jceks_needs_no_pyjks_until_a_key_is_used(tmp_path) -> None:
    """Listing reads the file natively; pyjks (and pycryptodome under it) is imported only
    when a key is decrypted (not for an alias in modified UTF-8 either), and a key read natively
    is written back exactly as it was."""
    import subprocess
    import sys

    key = ec.generate_private_key(ec.SECP256R1())
    cert = Certificate.from_x509(self_signed("k", key, serial=7))
    store = Keystore(
        StoreType.JCEKS,
        [
            Entry("k", EntryKind.PRIVATE_KEY, [cert], key=key, key_password="own"),
            Entry("tö", EntryKind.TRUSTED_CERT, [cert]),
        ],
        password="store",
    )
    dump = codec_for(StoreType.JCEKS).dump
    assert dump is not None
    data = dump(store, "store")
    path = tmp_path / "s.jceks"
    path.write_bytes(data)
    code = f"""
import sys
from keystore_gui.core.io import read_keystore
from keystore_gui.core.formats import codec_for
store = read_keystore({str(path)!r}, "store")
assert [e.alias for e in store.entries] == ["k", "tö"], store.entries
assert "jks" not in sys.modules and "Cryptodome" not in sys.modules
key = store.unlock(store.get("k"), "own")
assert "jks" in sys.modules
print(type(key).__name__)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ECPrivateKey"
    written = dump(load_keystore(data, "store"), "store")
    assert written == data  # never unlocked: the sealed key is copied as is, its password kept
