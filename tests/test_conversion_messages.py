"""Conversions and messages for stores as other tools leave them: a PBKDF2 secret key goes into
PKCS#12 as keytool puts it there, a key chain that does not chain is refused for that reason,
and a PEM file whose blocks do not close is damaged, not truncated."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.core.errors import CannotHoldError, CorruptFileError, TruncatedFileError
from keystore_gui.core.io import load_keystore, read_keystore, save_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, SecretKey, StoreType
from tests.certfactory import EC_KEY, make_cert, pem
from tests.tools import keytool_list

PASSWORD = "convert-pass"


def _opened(path: Path) -> Keystore:
    """``path`` read with every key unlocked, as ``convert`` does before writing."""
    store = read_keystore(path, PASSWORD)
    for entry in store.entries:
        store.unlock(entry)
    return store


@pytest.mark.keytool
def test_pbkdf2_secret_key_converts_to_pkcs12(tmp_path: Path) -> None:
    source = tmp_path / "secret.jceks"
    store = Keystore(StoreType.JCEKS, password=PASSWORD)
    store.add(Entry("pw", EntryKind.SECRET_KEY, key=SecretKey("PBKDF2WithHmacSHA1", b"hunter2")))
    save_keystore(store, source)
    assert [e.kind for e in keytool_list(source, PASSWORD)] == ["secret-key"]
    dest = tmp_path / "secret.p12"
    save_keystore(_opened(source), dest, StoreType.PKCS12, PASSWORD)
    assert [(e.alias, e.kind) for e in keytool_list(dest, PASSWORD)] == [("pw", "secret-key")]
    again = read_keystore(dest, PASSWORD)
    assert again.get("pw").key == SecretKey("PBKDF2WithHmacSHA1", b"hunter2")


@pytest.mark.keytool
def test_a_chain_that_does_not_chain_is_refused_for_that_reason(tmp_path: Path) -> None:
    leaf = make_cert("Leaf", serial=0x71)
    stranger = make_cert("Stranger CA", ca=True, serial=0x72)
    source = tmp_path / "broken.jks"
    store = Keystore(StoreType.JKS, password=PASSWORD)
    chain = [Certificate.from_x509(leaf), Certificate.from_x509(stranger)]
    store.add(Entry("k", EntryKind.PRIVATE_KEY, chain, key=EC_KEY))
    save_keystore(store, source)  # JKS keeps a chain as given, as keytool -list shows
    assert len(keytool_list(source, PASSWORD)[0].chain) == 2
    with pytest.raises(CannotHoldError, match="entry 'k': its certificate chain does not chain"):
        save_keystore(_opened(source), tmp_path / "out.p12", StoreType.PKCS12)
    assert not (tmp_path / "out.p12").exists()


def test_a_pem_block_closed_by_another_label_is_damaged_not_truncated() -> None:
    good = pem(make_cert("Fine", serial=0x73))
    mangled = b"-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END CERTIFICATE-----\n" + good
    with pytest.raises(CorruptFileError, match="BEGIN RSA PRIVATE KEY is not closed"):
        load_keystore(mangled, None, StoreType.PEM)
    with pytest.raises(TruncatedFileError):
        load_keystore(good[:-30], None, StoreType.PEM)
