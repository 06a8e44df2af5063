"""The CLI's error contract: a non-zero exit, ONE line on stderr that says what is wrong, no
traceback, nothing on stdout, and the input file byte for byte as it was."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core.errors import UnsupportedFormatError
from keystore_gui.core.formats import codec_for
from keystore_gui.core.model import StoreType
from tests.tools import keytool, requires_keytool

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "changeit"
INTEGRITY = "wrong password, or the file was changed: integrity check failed"


def _needs_codec(kind: StoreType) -> None:
    try:
        codec_for(kind)
    except UnsupportedFormatError:
        pytest.skip(f"the {kind} codec is not available on this branch yet")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A small JKS and PKCS#12 made by keytool (one EC key each)."""
    d = tmp_path_factory.mktemp("stores")
    out: dict[str, bytes] = {}
    for kind in ("JKS", "PKCS12"):
        path = d / f"s.{kind.lower()}"
        keytool(
            "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "server",
            "-dname", "CN=server", "-keystore", str(path), "-storetype", kind,
            storepass=PASSWORD, keypass=PASSWORD,
        )  # fmt: skip
        out[kind] = path.read_bytes()
    return out


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


Maker = Callable[[Path, dict[str, bytes]], Path]


def _file(name: str, content: Callable[[dict[str, bytes]], bytes]) -> Maker:
    def make(folder: Path, stores: dict[str, bytes]) -> Path:
        path = folder / name
        path.write_bytes(content(stores))
        return path

    return make


CASES: dict[str, tuple[Maker, str, StoreType | None]] = {
    "empty": (_file("empty.jks", lambda s: b""), "not a keystore: the file is empty", None),
    "random": (
        _file("random.p12", lambda s: b"\x17" + random.Random(7).randbytes(4095)),
        "not a keystore: ",
        None,
    ),
    "text renamed .jks": (
        _file("readme.jks", lambda s: b"This is not a keystore, just a note.\n" * 20),
        "not a keystore: the file is text",
        None,
    ),
    "tiny": (_file("tiny.jks", lambda s: b"\xfe\xed"), "file is truncated", None),
    "truncated PEM": (
        _file("cut.pem", lambda s: b"-----BEGIN CERTIFICATE-----\nMIIBIjANBgkq\n"),
        "file is truncated",
        None,
    ),
    "missing": (lambda d, s: d / "nothing-here.jks", "no such file: ", None),
    "folder": (lambda d, s: d, "is a folder, not a keystore file", None),
    "truncated JKS": (
        _file("cut.jks", lambda s: s["JKS"][: len(s["JKS"]) // 2]),
        "file is truncated",
        StoreType.JKS,
    ),
    "tampered JKS": (
        _file("tampered.jks", lambda s: _flip(s["JKS"], len(s["JKS"]) // 2)),
        INTEGRITY,
        StoreType.JKS,
    ),
    "wrong password JKS": (_file("wrong.jks", lambda s: s["JKS"]), INTEGRITY, StoreType.JKS),
    "truncated PKCS12": (
        _file("cut.p12", lambda s: s["PKCS12"][: len(s["PKCS12"]) // 2]),
        "file is truncated",
        StoreType.PKCS12,
    ),
    "tampered PKCS12": (
        _file("tampered.p12", lambda s: _flip(s["PKCS12"], len(s["PKCS12"]) - 40)),
        INTEGRITY,
        StoreType.PKCS12,
    ),
    "wrong password PKCS12": (
        _file("wrong.p12", lambda s: s["PKCS12"]),
        INTEGRITY,
        StoreType.PKCS12,
    ),
}


def _snapshot(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


@requires_keytool
@pytest.mark.parametrize("case", list(CASES))
def test_list_fails_with_one_line(case: str, tmp_path, stores, capsys, monkeypatch) -> None:
    make, message, codec = CASES[case]
    if codec is not None:
        _needs_codec(codec)
    path = make(tmp_path, stores)
    before = _snapshot(path)
    monkeypatch.setenv("KS_PASS", "not-the-password" if "wrong" in case else PASSWORD)
    status = main(["list", str(path), "--password-env", "KS_PASS"])
    out, err = capsys.readouterr()
    assert status != 0
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("keystore-cli: "), err
    assert message in err
    assert "Traceback" not in err
    assert _snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in tmp_path.iterdir() if not p.name.startswith(".")
    )


@requires_keytool
@pytest.mark.parametrize("case", ["random", "folder", "tampered JKS", "wrong password PKCS12"])
def test_as_a_subprocess(case: str, tmp_path, stores) -> None:
    make, message, codec = CASES[case]
    if codec is not None:
        _needs_codec(codec)
    path = make(tmp_path, stores)
    before = _snapshot(path)
    env = {"KS_PASS": "not-the-password" if "wrong" in case else PASSWORD, "PATH": "/usr/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "keystore_gui.cli", "list", str(path), "--password-env", "KS_PASS"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
    assert _snapshot(path) == before


@requires_keytool
def test_missing_password_source_off_a_terminal(tmp_path, stores) -> None:
    path = tmp_path / "s.jks"
    path.write_bytes(stores["JKS"])
    proc = subprocess.run(
        [sys.executable, "-m", "keystore_gui.cli", "list", str(path)],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr == (
        f"keystore-cli: {path} needs a password: give --password-env VAR or "
        "--password-file PATH, or run on a terminal\n"
    )


@requires_keytool
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--password-env", "KS_UNSET_VARIABLE"],
            "environment variable KS_UNSET_VARIABLE is not set",
        ),
        (
            ["--password-file", "/nonexistent/pw.txt"],
            "the file given to --password-file does not exist (its name is not shown, "
            "in case it is the password itself)",
        ),
    ],
)
def test_bad_password_sources(tmp_path, stores, capsys, monkeypatch, options, message) -> None:
    monkeypatch.delenv("KS_UNSET_VARIABLE", raising=False)
    path = tmp_path / "s.jks"
    path.write_bytes(stores["JKS"])
    assert main(["list", str(path), *options]) == 1
    assert capsys.readouterr().err == f"keystore-cli: {message}\n"


@requires_keytool
def test_password_file(tmp_path, stores, capsys) -> None:
    _needs_codec(StoreType.PKCS12)
    path = tmp_path / "s.p12"
    path.write_bytes(stores["PKCS12"])
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    assert main(["list", str(path), "--password-file", str(pw)]) == 0
    assert "server" in capsys.readouterr().out
