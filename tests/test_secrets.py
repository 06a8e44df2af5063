"""Passwords and key material stay out of messages, reprs and logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from keystore_gui import cli
from keystore_gui.core.errors import KeystoreError
from keystore_gui.core.io import load_keystore, read_bytes, read_keystore
from tests.tools import genkeypair, requires_keytool

SECRET = "Sup3r-Secret-Pw"
WRONG = "Wr0ng-Guess-Pw"

pytestmark = requires_keytool


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("secrets")
    made = []
    for kind in ("JKS", "JCEKS", "PKCS12"):
        path = d / f"s.{kind.lower()}"
        genkeypair(
            path, kind, "k", "CN=secret", "-keyalg", "EC", "-groupname", "secp256r1",
            storepass=SECRET, keypass=SECRET,
        )  # fmt: skip
        made.append(path)
    return made


def test_wrong_password_messages_name_neither_password(
    stores: list[Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KS_PASS", WRONG)
    for path in stores:
        with pytest.raises(KeystoreError) as caught:
            read_keystore(path, WRONG)
        assert SECRET not in str(caught.value) and WRONG not in str(caught.value)
        assert cli.main(["list", str(path), "--password-env", "KS_PASS"]) != 0
        out, err = capsys.readouterr()
        assert WRONG not in out + err and SECRET not in out + err


def test_reprs_hold_no_password_or_key(stores: list[Path]) -> None:
    for path in stores:
        store = read_keystore(path, SECRET)
        entry = store.entries[0]
        store.unlock(entry)
        text = repr(store) + repr(entry)
        assert SECRET not in text
        assert "PrivateKey" not in text


def damaged(data: bytes) -> list[bytes]:
    step = max(1, len(data) // 60)
    cuts = [data[:cut] for cut in range(8, len(data), step)]
    flips = [data[:i] + bytes([data[i] ^ 0x55]) + data[i + 1 :] for i in range(8, len(data), step)]
    return cuts + flips


def test_damaged_files_log_nothing(stores: list[Path], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        for path in stores:
            for data in damaged(read_bytes(path)):
                try:
                    store = load_keystore(data, SECRET)
                    for entry in store.entries:
                        store.unlock(entry)
                except KeystoreError:
                    pass
    assert [r.getMessage() for r in caplog.records] == []
