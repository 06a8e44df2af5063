"""A key the crypto library cannot load (EC on a binary curve, as old JDKs wrote them): the file
is listed as keytool lists it, the entry shows its curve and "key not supported", its certificate
can be exported and copied, and only what needs the key is refused, naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core.errors import CannotHoldError, UnsupportedFormatError
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import EntryKind, StoreType
from tests.tools import keytool_list, openssl

PASSWORD = "binary-pass"

pytestmark = [pytest.mark.keytool, pytest.mark.openssl]


@pytest.fixture(scope="module")
def binary_p12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("binary")
    key, cert, p12 = folder / "key.pem", folder / "cert.pem", folder / "binary.p12"
    openssl("ecparam", "-name", "sect193r1", "-genkey", "-noout", "-out", str(key))
    openssl(
        "req", "-x509", "-key", str(key), "-subj", "/CN=Binary Curve Server", "-days", "30",
        "-out", str(cert),
    )  # fmt: skip
    openssl(
        "pkcs12", "-export", "-in", str(cert), "-inkey", str(key), "-name", "server",
        "-out", str(p12), passout=PASSWORD,
    )  # fmt: skip
    return p12


def _cli(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setenv("KS_PASS", PASSWORD)
    return main([*argv, "--password-env", "KS_PASS"])


def test_listed_with_the_curve_named(binary_p12, capsys, monkeypatch) -> None:
    assert [(e.alias, e.kind) for e in keytool_list(binary_p12, PASSWORD)] == [
        ("server", "private-key")
    ]
    assert _cli(monkeypatch, "list", str(binary_p12), "--json") == 0
    (entry,) = json.loads(capsys.readouterr().out)["entries"]
    assert (entry["alias"], entry["kind"]) == ("server", "private-key")
    assert entry["chain"][0]["key"] == "EC sect193r1 (key not supported)"
    assert _cli(monkeypatch, "show", str(binary_p12), "--alias", "server") == 0
    assert "Key: EC sect193r1 (key not supported)" in capsys.readouterr().out


def test_its_certificate_is_exported_and_copied(binary_p12, tmp_path, monkeypatch) -> None:
    out = tmp_path / "server.pem"
    assert _cli(monkeypatch, "export-certs", str(binary_p12), "--out", str(out)) == 0
    assert out.read_text().count("BEGIN CERTIFICATE") == 1
    dest = tmp_path / "trust.jks"
    argv = ["copy-certs", str(binary_p12), str(dest), "--dest-password-env", "KS_PASS"]
    assert _cli(monkeypatch, *argv) == 0
    assert [e.kind for e in keytool_list(dest, PASSWORD)] == ["trusted-cert"]


def test_only_what_needs_the_key_is_refused_naming_it(binary_p12, tmp_path, capsys, monkeypatch):
    store = read_keystore(binary_p12, PASSWORD)
    entry = store.get("server")
    assert entry.kind is EntryKind.PRIVATE_KEY and entry.key is None
    with pytest.raises(UnsupportedFormatError, match=r"entry 'server': its key \(EC sect193r1\)"):
        store.unlock(entry)
    with pytest.raises(CannotHoldError, match=r"entry 'server': its key \(EC sect193r1\)"):
        save_keystore(store, tmp_path / "copy.p12", StoreType.PKCS12, PASSWORD)
    argv = ["convert", str(binary_p12), str(tmp_path / "out.jks"), "--to", "jks"]
    assert _cli(monkeypatch, *argv, "--dest-password-env", "KS_PASS") == 1
    assert "entry 'server': its key (EC sect193r1) is not supported" in capsys.readouterr().err
    assert not (tmp_path / "out.jks").exists()
