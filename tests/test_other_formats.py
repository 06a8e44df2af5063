"""Formats that are real but rarer: a PkiPath, a certificate saved as bare base64 and PBMAC1
PKCS#12 are read; BouncyCastle's FIPS keystore (BCFKS) is named and refused in one line."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from keystore_gui.core import der
from keystore_gui.core.codecs import pkcs12_crypto as crypto
from keystore_gui.core.errors import UnsupportedFormatError, WrongPasswordError
from keystore_gui.core.formats import detect
from keystore_gui.core.io import dump_keystore, load_keystore, read_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from tests.certfactory import EC_KEY, make_cert
from tests.certfactory import der as cert_der
from tests.test_jks_bouncycastle import BCPROV, bc
from tests.tools import openssl, requires_keytool, requires_openssl

PASSWORD = "other-pass"


def test_pkipath_is_read_leaf_first() -> None:
    root = make_cert("Path Root", ca=True, serial=0x61)
    leaf = make_cert("Path Leaf", issuer=root, serial=0x62)
    data = der.seq(cert_der(root), cert_der(leaf))  # a PkiPath lists the root first
    assert detect(data) is StoreType.PKIPATH
    store = load_keystore(data, None)
    assert [c.der for _, c in store.certificates()] == [cert_der(leaf), cert_der(root)]
    assert [e.alias for e in store] == ["path leaf", "path root"]


@requires_openssl
def test_bare_base64_certificate(tmp_path: Path) -> None:
    made = tmp_path / "cert.der"
    (tmp_path / "cert.pem").write_bytes(cert_der(make_cert("Base64 Only", serial=0x63)))
    openssl("x509", "-inform", "DER", "-in", str(tmp_path / "cert.pem"), "-outform", "DER",
            "-out", str(made))  # fmt: skip
    text = tmp_path / "cert.base64.txt"
    openssl("base64", "-in", str(made), "-out", str(text))
    assert not text.read_bytes().startswith(b"-----")
    store = read_keystore(text, None)
    assert store.store_type is StoreType.DER
    assert [c.der for _, c in store.certificates()] == [made.read_bytes()]


@requires_keytool
@pytest.mark.keytool
@pytest.mark.skipif(not BCPROV.exists(), reason="BouncyCastle (libbcprov-java) not installed")
def test_bcfks_is_named_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "store.bcfks"
    bc(path, "BCFKS", "-genkeypair", "-alias", "k", "-keyalg", "EC", "-dname", "CN=fips")
    with pytest.raises(UnsupportedFormatError) as caught:
        read_keystore(path, PASSWORD)
    assert str(caught.value).startswith("unsupported: BouncyCastle FIPS keystore (BCFKS)")


def _with_pbmac1(pfx: bytes, password: str) -> bytes:
    """``pfx`` with its MAC replaced by RFC 9579's PBMAC1 (HMAC-SHA256, PBKDF2-HMAC-SHA256)."""
    version, auth_safe_info, _mac = der.sequence(pfx)
    content = der.children(der.children(auth_safe_info[1])[1][1])[0]
    auth_safe = der.octets(content)
    salt, iterations = os.urandom(16), 2048
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(password.encode())
    mac = hmac.new(key, auth_safe, hashlib.sha256).digest()
    hmac_sha256 = der.seq(der.enc_oid(crypto.OID_HMAC_SHA256), der.enc_null())
    kdf = der.seq(
        der.enc_oid(crypto.OID_PBKDF2),
        der.seq(der.enc_octets(salt), der.enc_int(iterations), der.enc_int(32), hmac_sha256),
    )
    algorithm = der.seq(der.enc_oid(crypto.OID_PBMAC1), der.seq(kdf, hmac_sha256))
    mac_data = der.seq(
        der.seq(algorithm, der.enc_octets(mac)), der.enc_octets(b"NOT USED"), der.enc_int(1)
    )
    return der.seq(der.tlv(*version), der.tlv(*auth_safe_info), mac_data)


def test_pbmac1_pkcs12() -> None:
    """OpenSSL 3.4 and JDK 23+ can protect a PKCS#12 with PBMAC1 instead of the old MAC."""
    store = Keystore(StoreType.PKCS12)
    leaf = make_cert("PBMAC1 Key", serial=0x64)
    store.add(Entry("a", EntryKind.PRIVATE_KEY, [Certificate.from_x509(leaf)], EC_KEY))
    data = _with_pbmac1(dump_keystore(store, StoreType.PKCS12, PASSWORD), PASSWORD)
    again = load_keystore(data, PASSWORD)
    assert [(e.alias, e.kind, e.chain[0].der) for e in again] == [
        ("a", EntryKind.PRIVATE_KEY, cert_der(leaf))
    ]
    with pytest.raises(WrongPasswordError):
        load_keystore(data, "wrong")
