"""What comes from a file is printed inert, and every failure is one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core.text import printable
from tests import hostile
from tests.certfactory import der, make_cert

PASSWORD = "changeit"
FORGED = "evil\nkeystore-cli: fake second line"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J"
PASSWORD_ENV = ("--password-env", "KS_PASS")


@pytest.fixture
def evil_jks(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("KS_PASS", PASSWORD)
    path = tmp_path / "evil.jks"
    cert = der(make_cert("a"))
    path.write_bytes(hostile.jks_trusted([(FORGED, cert), (ESCAPES, cert)], PASSWORD))
    return path


def test_printable_escapes_controls_and_keeps_text() -> None:
    assert printable("a\nb\x1b[2J\u202ec\x9b") == "a\\u000ab\\u001b[2J\\u202ec\\u009b"
    assert printable("CN=Łódź 東京, O=a\\,b") == "CN=Łódź 東京, O=a\\,b"


@pytest.mark.parametrize("command", ["list", "lint"])
def test_aliases_cannot_forge_lines_or_reach_the_terminal(
    evil_jks: Path, capsys, command: str
) -> None:
    main([command, str(evil_jks), "--password-env", "KS_PASS"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert not any(line.startswith("keystore-cli:") for line in out.splitlines())
    assert "evil\\u000akeystore-cli: fake second line" in out


def test_show_prints_the_alias_escaped(evil_jks: Path, capsys) -> None:
    assert main(["show", str(evil_jks), "--alias", ESCAPES, "--password-env", "KS_PASS"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Alias: \\u001b]0;pwned\\u0007\\u001b[2J" in out


def test_an_error_naming_an_alias_is_one_line(evil_jks: Path, capsys) -> None:
    assert main(["show", str(evil_jks), "--alias", FORGED + "x", "--password-env", "KS_PASS"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("keystore-cli: no entry with alias")


def test_show_on_a_damaged_certificate_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KS_PASS", PASSWORD)
    cert = der(make_cert("a"))
    damaged = cert[:40] + bytes([cert[40] ^ 0xFF]) + cert[41:]
    path = tmp_path / "bad.jks"
    path.write_bytes(hostile.jks_trusted([("bad", damaged)], PASSWORD))
    status = main(["show", str(path), "--alias", "bad", "--password-env", "KS_PASS"])
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert status == 0 or err.count("\n") == 1


def test_a_full_disk_is_one_line(evil_jks: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "keystore_gui.cli", "list", str(evil_jks), *PASSWORD_ENV],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr == "keystore-cli: cannot write the output: no space left on device\n"
