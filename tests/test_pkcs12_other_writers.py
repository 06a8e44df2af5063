"""PKCS#12 as writers other than keytool and OpenSSL 3.0 make it."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from keystore_gui.core.codecs import pkcs12_crypto as crypto
from keystore_gui.core.errors import WrongPasswordError
from keystore_gui.core.io import dump_keystore, load_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from tests.certfactory import EC_KEY, make_cert

NON_ASCII = "Mötley Crüe"


class _Latin1Kdf:
    """PBKDF2 fed the Latin-1 bytes of the password instead of its UTF-8, as RSA's JSafe did."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._kdf = PBKDF2HMAC(*args, **kwargs)

    def derive(self, material: bytes) -> bytes:
        return self._kdf.derive(material.decode("utf-8").encode("latin-1"))


def test_pbes2_keyed_with_latin1_bytes_under_a_bmp_mac(monkeypatch) -> None:
    """The MAC takes the password as a BMPString and verifies; PBES2 took the Latin-1 bytes.
    OpenSSL reads such files (it tries both); so do we."""
    leaf = make_cert("JSafe Key", serial=0x51)
    store = Keystore(StoreType.PKCS12)
    store.add(Entry("alias", EntryKind.PRIVATE_KEY, [Certificate.from_x509(leaf)], EC_KEY))
    with monkeypatch.context() as patch:
        patch.setattr(crypto, "PBKDF2HMAC", _Latin1Kdf)
        data = dump_keystore(store, StoreType.PKCS12, NON_ASCII)
    again = load_keystore(data, NON_ASCII)
    (entry,) = again.entries
    assert entry.key is not None and entry.chain[0].der == store.entries[0].chain[0].der
    with pytest.raises(WrongPasswordError):
        load_keystore(data, "Motley Crue")
