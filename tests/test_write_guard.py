"""Every command that writes a file: never over an existing file without ``--overwrite``, never
over the store being read (however it is spelled or linked), never a keystore replaced by
something that is not one; a symbolic link is written through to its target."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keystore_gui import cli
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import Keystore, StoreType
from keystore_gui.core.safefile import DestinationError, check_destination
from tests.certs import issue, key_entry, trusted_entry

PASSWORD = "guard-pass"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``store.p12`` with key pair ``k`` and CA key pair ``root``; ``app.csr`` a request."""
    folder = tmp_path_factory.mktemp("guard")
    root = issue("Guard Root", ca=True)
    leaf = issue("guard.example", root)
    store = Keystore(
        StoreType.PKCS12,
        [key_entry("root", root), key_entry("k", leaf, root), trusted_entry("ca", root)],
        PASSWORD,
    )
    save_keystore(store, folder / "store.p12")
    save_keystore(
        Keystore(StoreType.JKS, [trusted_entry("ca", root)], PASSWORD), folder / "other.jks"
    )
    os.environ["GUARD_PASS"] = PASSWORD
    assert cli.main(["csr", str(folder / "store.p12"), "--alias", "k", "--out",
                     str(folder / "app.csr"), "--password-env", "GUARD_PASS"]) == 0  # fmt: skip
    return folder


@pytest.fixture
def work(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("store.p12", "other.jks", "app.csr"):
        (tmp_path / name).write_bytes((made / name).read_bytes())
    monkeypatch.setenv("GUARD_PASS", PASSWORD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = cli.main([*argv, "--password-env", "GUARD_PASS"])
    _, err = capsys.readouterr()
    return status, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def commands(out: str) -> dict[str, list[str]]:
    return {
        "csr": ["csr", "store.p12", "--alias", "k", "--out", out],
        "sign-csr": ["sign-csr", "store.p12", "--issuer", "root", "--in", "app.csr", "--out", out],
        "export-certs": ["export-certs", "store.p12", "--out", out],
    }


WRITERS = ["csr", "sign-csr", "export-certs"]


@pytest.mark.parametrize("command", WRITERS)
@pytest.mark.parametrize("spelling", ["store.p12", "./store.p12", "symlink", "hardlink"])
def test_the_store_being_read_is_never_replaced(
    command: str, spelling: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = spelling
    if spelling == "symlink":
        out = "link.p12"
        (work / out).symlink_to(work / "store.p12")
    elif spelling == "hardlink":
        out = "hard.p12"
        os.link(work / "store.p12", work / out)
    before = snapshot(work)
    status, err = run(capsys, *commands(out)[command], "--overwrite")
    assert status == 1
    assert err == f"keystore-cli: {out} is store.p12, the file being read; it is never replaced\n"
    assert snapshot(work) == before


@pytest.mark.parametrize("command", WRITERS)
def test_an_existing_file_needs_overwrite(
    command: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "out.pem").write_text("keep me\n")
    status, err = run(capsys, *commands("out.pem")[command])
    assert status == 1
    assert err == "keystore-cli: out.pem already exists; give --overwrite to replace it\n"
    assert (work / "out.pem").read_text() == "keep me\n"
    status, err = run(capsys, *commands("out.pem")[command], "--overwrite")
    assert status == 0, err
    assert b"-----BEGIN " in (work / "out.pem").read_bytes()


@pytest.mark.parametrize("command", WRITERS)
def test_a_keystore_is_never_replaced_by_something_else(
    command: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (work / "other.jks").read_bytes()
    status, err = run(capsys, *commands("other.jks")[command], "--overwrite")
    assert status == 1
    assert err == (
        "keystore-cli: other.jks is a keystore; it is never replaced by a file that is not one\n"
    )
    assert (work / "other.jks").read_bytes() == before


def test_a_symlink_is_written_through(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "real").mkdir()
    (work / "real" / "app.pem").write_text("old\n")
    (work / "app.pem").symlink_to(work / "real" / "app.pem")
    status, err = run(capsys, *commands("app.pem")["export-certs"], "--overwrite")
    assert status == 0, err
    assert (work / "app.pem").is_symlink()
    assert "-----BEGIN CERTIFICATE-----" in (work / "real" / "app.pem").read_text()
    assert sorted(p.name for p in (work / "real").iterdir()) == ["app.pem"]


def test_a_keystore_symlink_is_written_through(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "conf").mkdir()
    (work / "store.p12").rename(work / "conf" / "store.p12")
    (work / "store.p12").symlink_to(Path("conf") / "store.p12")
    status, _ = run(capsys, "import-certs", "store.p12", "app.csr")
    assert status == 1  # a request holds no certificate: nothing written, link untouched
    assert (work / "store.p12").is_symlink()
    status = cli.main(["convert", "other.jks", "store.p12", "--to", "pkcs12", "--overwrite",
                       "--password-env", "GUARD_PASS", "--dest-password-env", "GUARD_PASS"])  # fmt: skip
    assert status == 0
    assert (work / "store.p12").is_symlink()
    assert [e.alias for e in read_keystore(work / "conf" / "store.p12", PASSWORD)] == ["ca"]


def test_a_dangling_symlink_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "gone.pem").symlink_to(work / "missing" / "gone.pem")
    status, err = run(capsys, *commands("gone.pem")["csr"])
    assert status == 1
    assert err == (
        "keystore-cli: gone.pem is a symbolic link to a missing file; give the file itself\n"
    )
    assert not (work / "missing").exists()


def test_special_files_and_folders_are_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(work / "fifo.pem")
    status, err = run(capsys, *commands("fifo.pem")["csr"], "--overwrite")
    assert (status, err) == (
        1,
        "keystore-cli: fifo.pem is not a regular file; it is never written\n",
    )
    status, err = run(capsys, *commands(str(work))["sign-csr"], "--overwrite")
    assert (status, err) == (1, f"keystore-cli: {work} is a folder\n")


def test_copy_certs_refuses_the_source_under_another_name(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.link(work / "store.p12", work / "same.p12")
    before = snapshot(work)
    status = cli.main(["copy-certs", "store.p12", "same.p12", "--password-env", "GUARD_PASS",
                       "--dest-password-env", "GUARD_PASS"])  # fmt: skip
    assert status == 1
    assert capsys.readouterr().err == "keystore-cli: SRC and DEST are the same file\n"
    assert snapshot(work) == before


def test_convert_needs_overwrite_for_its_source_and_any_file(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--to", "jks", "--password-env", "GUARD_PASS", "--dest-password-env", "GUARD_PASS"]
    (work / "link.p12").symlink_to("store.p12")
    assert cli.main(["convert", "store.p12", "link.p12", *argv]) == 1
    assert capsys.readouterr().err == (
        "keystore-cli: link.p12 already exists (it is SRC itself); give --overwrite to replace it\n"
    )
    assert cli.main(["convert", "store.p12", "other.jks", *argv]) == 1
    assert "other.jks already exists; give --overwrite" in capsys.readouterr().err


def test_the_guard_allows_new_files_and_names_the_target(work: Path) -> None:
    assert check_destination("new.pem", overwrite=False, keystore=False) == work / "new.pem"
    with pytest.raises(DestinationError, match="no such folder"):
        check_destination("nowhere/new.pem", overwrite=False, keystore=False)
    assert check_destination("other.jks", overwrite=True, keystore=True) == work / "other.jks"


def test_help_says_what_happens_to_a_symlink() -> None:
    text = " ".join(cli.build_parser().format_help().split())
    assert "A symbolic link given as a file to write is written through" in text
    assert "--overwrite" in text
