"""``keystore-cli list`` imports only what a listing needs: the command's own module, the native
JKS reader, the DER fast path; never pyjks, cryptography's X.509 module, chain building, TLS or
certificate building."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from keystore_gui.core.io import save_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from tests.certs import self_signed

NOT_FOR_LISTING = (
    "jks",  # pyjks, and pycryptodome and javaobj under it
    "Cryptodome",
    "cryptography.x509",  # the table's fields are read straight from the DER
    "keystore_gui.core.chain",
    "keystore_gui.core.tls",
    "keystore_gui.core.certbuild",
    "keystore_gui.core.truststore",
    "keystore_gui.commands.tls",
    "keystore_gui.commands.genkey",
)


def _listed(store: Keystore, path: Path) -> str:
    """What ``keystore-cli list`` prints of ``store`` saved as ``path``, in a fresh interpreter
    that must not have imported any of :data:`NOT_FOR_LISTING` by then."""
    save_keystore(store, path, store.store_type, "changeit")
    code = f"""
import sys
from keystore_gui import cli
status = cli.main(["list", {str(path)!r}, "--password-env", "KS_PASS"])
loaded = [m for m in {NOT_FOR_LISTING!r} if m in sys.modules]
print("status", status, "loaded", loaded)
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={"KS_PASS": "changeit", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("status 0 loaded []"), out.stdout
    return out.stdout


def test_list_of_a_jks_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = Certificate.from_x509(self_signed("listed", key, serial=5))
    store = Keystore(
        StoreType.JKS,
        [
            Entry("pair", EntryKind.PRIVATE_KEY, [cert], key=key),
            Entry("trusted", EntryKind.TRUSTED_CERT, [cert]),
        ],
        password="changeit",
    )
    out = _listed(store, tmp_path / "s.jks")
    assert "pair" in out and "trusted" in out


def test_list_of_a_pkcs12_truststore_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    """No chain building (and cryptography's X.509 module under it) without a key, and no RC2
    (pycryptodome, which loads cffi's C parser) for a file that does not use it."""
    certs = [self_signed(f"ca {n}", ec.generate_private_key(ec.SECP256R1())) for n in (1, 2)]
    store = Keystore(
        StoreType.PKCS12,
        [
            Entry(f"ca-{n}", EntryKind.TRUSTED_CERT, [Certificate.from_x509(c)])
            for n, c in enumerate(certs)
        ],
        password="changeit",
    )
    out = _listed(store, tmp_path / "t.p12")
    assert "ca-0" in out and "ca-1" in out
