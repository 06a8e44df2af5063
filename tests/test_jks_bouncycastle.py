"""BKS and UBER stores made by keytool with the BouncyCastle provider (Debian: libbcprov-java).

Skipped where the BouncyCastle jar is not installed; ``test_jks_bks`` covers the same reader with
stores built by the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from keystore_gui.core.errors import KeyLockedError, WrongPasswordError
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import EntryKind, SecretKey, StoreType
from tests.certs import self_signed
from tests.tools import keytool, keytool_list, requires_keytool

BCPROV = Path("/usr/share/java/bcprov.jar")
STOREPASS = "bc-store-pass"
KEYPASS = "bc-key-pass"

pytestmark = [
    pytest.mark.keytool,
    requires_keytool,
    pytest.mark.skipif(not BCPROV.exists(), reason="BouncyCastle (libbcprov-java) not installed"),
]

_KINDS = {
    "PrivateKeyEntry": "private-key",
    "trustedCertEntry": "trusted-cert",
    "SecretKeyEntry": "secret-key",
}


def bc(path: Path, store_type: str, *args: str, keypass: str | None = None) -> str:
    return keytool(
        *args,
        "-providerpath",
        str(BCPROV),
        "-providerclass",
        "org.bouncycastle.jce.provider.BouncyCastleProvider",
        "-storetype",
        store_type,
        "-keystore",
        str(path),
        storepass=STOREPASS,
        keypass=keypass,
    ).stdout


def ca_certificate_der() -> bytes:
    cert = self_signed("Some CA", ec.generate_private_key(ec.SECP256R1()), days=10)
    return cert.public_bytes(Encoding.DER)


@pytest.fixture(scope="module", params=["BKS", "UBER"])
def bc_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store_type: str = request.param
    folder = tmp_path_factory.mktemp(store_type)
    path = folder / f"made.{store_type.lower()}"
    bc(path, store_type, "-genkeypair", "-alias", "MyKey", "-keyalg", "EC", "-dname", "CN=bc",
       keypass=KEYPASS)  # fmt: skip
    bc(path, store_type, "-genseckey", "-alias", "Secret", "-keyalg", "AES", "-keysize", "128",
       keypass=STOREPASS)  # fmt: skip
    ca = folder / "ca.der"
    ca.write_bytes(ca_certificate_der())
    bc(path, store_type, "-importcert", "-noprompt", "-alias", "Trusted CA", "-file", str(ca))
    return path


def test_listing_equals_keytool(bc_store: Path) -> None:
    store_type = "BKS" if bc_store.suffix == ".bks" else "UBER"
    listed = bc(bc_store, store_type, "-list")
    expected = sorted(
        (m.group(1), _KINDS[m.group(2)], (m.group(3) or "").replace(":", "").lower())
        for m in re.finditer(
            r"^(.+), \w+ \d+, \d+, (\w+), \n(?:Certificate fingerprint \(SHA-256\): ([0-9A-F:]+))?",
            listed,
            re.M,
        )
    )
    store = read_keystore(bc_store, STOREPASS)
    assert store.store_type is StoreType(store_type)
    ours = sorted((e.alias, e.kind.value, e.chain[0].sha256 if e.chain else "") for e in store)
    assert ours == expected
    assert {e.alias for e in store} == {"MyKey", "Secret", "Trusted CA"}  # case kept


def test_keys_unlock(bc_store: Path) -> None:
    store = read_keystore(bc_store, STOREPASS)
    secret = store.unlock(store.get("Secret"))
    assert isinstance(secret, SecretKey) and (secret.algorithm, secret.size) == ("AES", 128)
    entry = store.get("MyKey")
    assert entry.kind is EntryKind.PRIVATE_KEY
    with pytest.raises(KeyLockedError):
        store.unlock(entry)
    key = store.unlock(entry, KEYPASS)
    assert key.public_key() == entry.chain[0].public_key()  # type: ignore[union-attr]


def test_wrong_store_password(bc_store: Path) -> None:
    with pytest.raises(WrongPasswordError, match=r"^wrong password, or the file was changed"):
        read_keystore(bc_store, "wrong")


def test_converts_to_jceks_for_keytool(bc_store: Path, tmp_path: Path) -> None:
    """BKS/UBER are read only, but their entries convert to JCEKS once the keys are unlocked."""
    store = read_keystore(bc_store, STOREPASS)
    store.unlock(store.get("MyKey"), KEYPASS)
    store.unlock(store.get("Secret"))
    out = tmp_path / "converted.jceks"
    save_keystore(store, out, StoreType.JCEKS)
    kinds = {e.alias: (e.kind, len(e.chain)) for e in keytool_list(out, STOREPASS)}
    assert kinds == {
        "mykey": ("private-key", 1),
        "secret": ("secret-key", 0),
        "trusted ca": ("trusted-cert", 1),
    }
    keytool(
        "-certreq",
        "-alias",
        "mykey",
        "-keystore",
        str(out),
        "-file",
        str(tmp_path / "mykey.csr"),
        storepass=STOREPASS,
        keypass=KEYPASS,
    )
