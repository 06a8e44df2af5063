"""Loose certificates: what a PKCS#12 file holds outside any key's chain and without Java's trust
attribute (``openssl pkcs12 -export -certfile``, ``-nokeys``). keytool hides them; we show them,
named by their CN, marked not trusted by Java, and never turn them into trust anchors unasked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from keystore_gui.cli import main
from keystore_gui.core.errors import CannotHoldError
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import StoreType
from tests.certfactory import EC_KEY, make_cert, pem
from tests.tools import keytool_list, openssl

PASSWORD = "loose-pass"

pytestmark = [pytest.mark.keytool, pytest.mark.openssl]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``mixed.p12``: a key with its certificate plus an unrelated CA certificate;
    ``certonly.p12``: two certificates and no key, as ``openssl pkcs12 -nokeys`` writes them."""
    folder = tmp_path_factory.mktemp("loose")
    leaf = make_cert("Loose Leaf")
    other_ca = make_cert("Partner CA", ca=True, serial=0x77)
    third = make_cert("Third Party", serial=0x78)
    (folder / "leaf.pem").write_bytes(pem(leaf))
    (folder / "others.pem").write_bytes(pem(other_ca) + pem(third))
    key = EC_KEY.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (folder / "key.pem").write_bytes(key)
    openssl(
        "pkcs12", "-export", "-in", str(folder / "leaf.pem"), "-inkey", str(folder / "key.pem"),
        "-certfile", str(folder / "others.pem"), "-name", "Server", "-out",
        str(folder / "mixed.p12"), passout=PASSWORD,
    )  # fmt: skip
    openssl(
        "pkcs12", "-export", "-nokeys", "-in", str(folder / "others.pem"),
        "-out", str(folder / "certonly.p12"), passout=PASSWORD,
    )  # fmt: skip
    return {"folder": folder, "mixed": folder / "mixed.p12", "certonly": folder / "certonly.p12"}


def _cli(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setenv("KS_PASS", PASSWORD)
    return main([*argv, "--password-env", "KS_PASS"])


def test_loose_certificates_are_shown_named_by_cn_and_not_trusted(made, capsys, monkeypatch):
    assert [e.alias for e in keytool_list(made["mixed"], PASSWORD)] == ["server"]
    assert _cli(monkeypatch, "list", str(made["mixed"]), "--json") == 0
    entries = {e["alias"]: e for e in json.loads(capsys.readouterr().out)["entries"]}
    assert set(entries) == {"Server", "partner ca", "third party"}
    assert entries["partner ca"]["loose"] is True
    assert "not trusted by Java" in entries["partner ca"]["note"]
    assert "loose" not in entries["Server"]

    assert _cli(monkeypatch, "list", str(made["certonly"])) == 0
    out = capsys.readouterr().out
    assert "partner ca   certificate (not trusted by Java)" in out

    assert _cli(monkeypatch, "show", str(made["certonly"]), "--alias", "third party") == 0
    assert "Trust: not trusted by Java" in capsys.readouterr().out


def test_pkcs12_keeps_them_loose(made, tmp_path) -> None:
    store = read_keystore(made["mixed"], PASSWORD)
    dest = tmp_path / "copy.p12"
    save_keystore(store, dest, StoreType.PKCS12, PASSWORD)
    assert [e.alias for e in keytool_list(dest, PASSWORD)] == ["server"]
    again = read_keystore(dest, PASSWORD)
    assert sorted(e.alias for e in again.loose_entries()) == ["partner ca", "third party"]


def test_jks_refuses_them_unless_told_what_to_do(made, tmp_path, capsys, monkeypatch) -> None:
    dest = tmp_path / "out.jks"
    argv = [
        "convert",
        str(made["mixed"]),
        str(dest),
        "--to",
        "jks",
        "--dest-password-env",
        "KS_PASS",
    ]
    assert _cli(monkeypatch, *argv) == 1
    err = capsys.readouterr().err
    assert "entry 'partner ca': not trusted by Java in SRC; give --loose-certs trust or skip" in err
    assert not dest.exists()
    with pytest.raises(CannotHoldError, match="would become a trusted entry"):
        save_keystore(read_keystore(made["mixed"], PASSWORD), dest, StoreType.JKS, PASSWORD)

    assert _cli(monkeypatch, *argv, "--loose-certs", "skip") == 0
    assert "left out 2 certificate(s) SRC did not trust" in capsys.readouterr().err
    assert [(e.alias, e.kind) for e in keytool_list(dest, PASSWORD)] == [("server", "private-key")]

    trusted = tmp_path / "trusted.jks"
    argv[2] = str(trusted)
    assert _cli(monkeypatch, *argv, "--loose-certs", "trust") == 0
    listed = sorted((e.alias, e.kind) for e in keytool_list(trusted, PASSWORD))
    assert listed == [
        ("partner ca", "trusted-cert"),
        ("server", "private-key"),
        ("third party", "trusted-cert"),
    ]
