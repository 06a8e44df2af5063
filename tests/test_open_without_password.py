"""Truststores whose password is unknown: keytool lists a JKS without it, saying its integrity
was not checked; we do the same with ``list --no-password`` (and a button in the window), read-
only. A PKCS#12 without a MAC and with nothing encrypted opens without asking at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core.errors import KeystoreError, WrongPasswordError
from keystore_gui.core.io import save_keystore
from keystore_gui.core.opening import NeedsPassword, Opened, try_open
from tests.certfactory import make_cert, pem
from tests.tools import keytool, keytool_list, openssl

PASSWORD = "secret-unknown"

pytestmark = [pytest.mark.keytool, pytest.mark.openssl]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("nopass")
    certs = folder / "certs.pem"
    certs.write_bytes(pem(make_cert("Partner Root", ca=True, serial=5)))
    jks = folder / "trust.jks"
    keytool(
        "-importcert", "-noprompt", "-alias", "partner", "-file", str(certs), "-keystore",
        str(jks), "-storetype", "JKS", storepass=PASSWORD,
    )  # fmt: skip
    plain = folder / "plain.p12"  # no MAC, certificates not encrypted
    openssl(
        "pkcs12", "-export", "-nokeys", "-in", str(certs), "-nomac", "-certpbe", "NONE",
        "-out", str(plain), passout="",
    )  # fmt: skip
    sealed = folder / "sealed.p12"  # a MAC and encrypted certificates
    openssl(
        "pkcs12", "-export", "-nokeys", "-in", str(certs), "-out", str(sealed), passout=PASSWORD
    )
    return {"jks": jks, "plain": plain, "sealed": sealed}


def test_jks_lists_unverified_and_read_only(made, tmp_path) -> None:
    pending = try_open(made["jks"])
    assert isinstance(pending, NeedsPassword) and pending.readable_without_password
    store = pending.load_unverified()
    assert store.unverified and store.password is None
    assert [e.alias for e in store] == [e.alias for e in keytool_list(made["jks"], PASSWORD)]
    with pytest.raises(KeystoreError, match="read-only"):
        save_keystore(store, tmp_path / "copy.jks", password="new")


def test_cli_no_password(made, capsys) -> None:
    assert main(["list", str(made["jks"]), "--json", "--no-password"]) == 0
    out, err = capsys.readouterr()
    listed = json.loads(out)
    assert listed["unverified"] is True
    assert [e["alias"] for e in listed["entries"]] == ["partner"]
    assert "its integrity was NOT checked" in err
    assert main(["show", str(made["jks"]), "--alias", "partner", "--no-password"]) == 0
    assert "Partner Root" in capsys.readouterr().out


def test_pkcs12_without_mac_or_encryption_opens_without_asking(made, capsys) -> None:
    result = try_open(made["plain"])
    assert isinstance(result, Opened) and not result.store.unverified
    assert main(["list", str(made["plain"])]) == 0  # no password given, none asked for
    assert "partner root" in capsys.readouterr().out


def test_pkcs12_with_encrypted_certificates_needs_its_password(made, capsys) -> None:
    pending = try_open(made["sealed"])
    assert isinstance(pending, NeedsPassword)
    with pytest.raises(WrongPasswordError, match="encrypts its certificates"):
        pending.load_unverified()
    assert main(["list", str(made["sealed"]), "--no-password"]) == 1
    assert "cannot be read without its password" in capsys.readouterr().err
