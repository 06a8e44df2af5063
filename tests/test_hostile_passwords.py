"""Passwords are read as keytool reads them, refused when they are not text, and never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core.errors import KeystoreError
from keystore_gui.core.io import dump_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.core.passwords import from_file
from tests import hostile
from tests.certfactory import der, make_cert
from tests.tools import keytool, requires_keytool

PASSWORD = "changeit"
SECRET = "hunter2 is my password!"


@pytest.fixture
def jks(tmp_path: Path) -> Path:
    path = tmp_path / "s.jks"
    path.write_bytes(hostile.jks_trusted([("a", der(make_cert("a")))], PASSWORD))
    return path


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("keystore-cli: "), err
    return err


def test_non_utf8_password_is_refused_naming_no_character(jks: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BADPW", "Secr\udce9t")  # the bytes 'Secr\xe9t' from a Latin-1 shell
    assert main(["list", str(jks), "--password-env", "BADPW"]) == 1
    err = one_line(capsys.readouterr().err)
    assert "not UTF-8 text" in err and "BADPW" in err
    assert "damaged" not in err and "\udce9" not in err.encode("utf-8", "replace").decode()
    assert "position" not in err and "Secr" not in err


def test_non_utf8_password_writes_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BADPW", "Secr\udce9t")
    store = tmp_path / "new.p12"
    argv = ["genkey", str(store), "--alias", "k", "--dname", "CN=k", "--password-env", "BADPW"]
    assert main([*argv, "--key-type", "ec:p-256"]) == 1
    one_line(capsys.readouterr().err)
    assert not store.exists()
    empty = Keystore(StoreType.PKCS12, [Entry("a", EntryKind.TRUSTED_CERT, [Certificate(b"0")])])
    with pytest.raises(KeystoreError, match="not UTF-8 text"):
        dump_keystore(empty, StoreType.PKCS12, "Secr\udce9t")


@pytest.mark.parametrize(
    ("content", "password"),
    [
        (b"Secret\x0bTail\n", "Secret\x0bTail"),  # Python's splitlines stopped at \v
        (b"Secret\x0cTail\x1cx\xc2\x85y\xe2\x80\xa8z\n", "Secret\x0cTail\x1cx\x85y\u2028z"),
        (b"\xef\xbb\xbfSecret\r\n", "\ufeffSecret"),
        (b"Secret\rTail\n", "Secret"),
        (b"Secret", "Secret"),
        (b"", ""),
        (b"S\xc3\xa9cret\n\xff\xfe", "Sécret"),
    ],
)
def test_password_file_first_line_as_keytool_reads_it(
    tmp_path: Path, content: bytes, password: str
) -> None:
    path = tmp_path / "pw"
    path.write_bytes(content)
    assert from_file(str(path)) == password


@requires_keytool
def test_password_file_opens_what_keytool_made_with_it(tmp_path: Path, capsys) -> None:
    pw = tmp_path / "pw"
    pw.write_bytes(b"\xef\xbb\xbfSecret\x0bTail\r\n")
    store = tmp_path / "k.jks"
    keytool(
        "-genkeypair", "-keystore", str(store), "-storetype", "JKS", "-alias", "k",
        "-dname", "CN=k", "-keyalg", "EC", "-storepass:file", str(pw), "-keypass:file", str(pw),
    )  # fmt: skip
    assert main(["list", str(store), "--password-file", str(pw)]) == 0
    assert "private-key" in capsys.readouterr().out
    # keytool kept the mark above; a store it made from a file without one opens with the same
    # file saved later by an editor that adds one
    pw.write_bytes(b"Secret\x0bTail\n")
    store.unlink()
    keytool(
        "-genkeypair", "-keystore", str(store), "-storetype", "JKS", "-alias", "k",
        "-dname", "CN=k", "-keyalg", "EC", "-storepass:file", str(pw), "-keypass:file", str(pw),
    )  # fmt: skip
    pw.write_bytes(b"\xef\xbb\xbfSecret\x0bTail\n")  # then saved by Notepad, with a mark
    assert main(["list", str(store), "--password-file", str(pw)]) == 0


@pytest.mark.parametrize(
    ("content", "why"), [(b"", "is empty"), (b"\xef\xbb\xbfSecret\n", "byte-order mark")]
)
def test_no_new_store_from_an_empty_file_or_one_keytool_reads_otherwise(
    tmp_path: Path, capsys, content: bytes, why: str
) -> None:
    pw = tmp_path / "pw"
    pw.write_bytes(content)
    store = tmp_path / "new.jks"
    argv = ["genkey", str(store), "--alias", "k", "--dname", "CN=k", "--key-type", "ec:p-256"]
    assert main([*argv, "--password-file", str(pw)]) == 1
    assert why in one_line(capsys.readouterr().err)
    assert not store.exists()


def test_no_new_pkcs12_keytool_could_not_open(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("UTF8PW", "Sécret")
    store = tmp_path / "new.p12"
    argv = ["genkey", str(store), "--alias", "k", "--dname", "CN=k", "--key-type", "ec:p-256"]
    assert main([*argv, "--password-env", "UTF8PW"]) == 1
    assert "not ASCII" in one_line(capsys.readouterr().err)
    assert not store.exists()
    assert main([*argv[:1], str(tmp_path / "new.jks"), *argv[2:], "--password-env", "UTF8PW"]) == 0


def test_a_password_given_as_a_variable_name_is_not_echoed(jks: Path, capsys) -> None:
    assert main(["list", str(jks), "--password-env", SECRET]) == 1
    err = one_line(capsys.readouterr().err)
    assert SECRET not in err and "name of an environment variable" in err


def test_a_password_given_as_a_file_name_is_not_echoed(jks: Path, capsys) -> None:
    assert main(["list", str(jks), "--password-file", SECRET]) == 1
    err = one_line(capsys.readouterr().err)
    assert SECRET not in err and "does not exist" in err


def test_wrong_password_names_the_store(jks: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    dest = tmp_path / "dest.jks"
    dest.write_bytes(hostile.jks_trusted([("b", der(make_cert("b")))], "another"))
    monkeypatch.setenv("KS_PASS", PASSWORD)
    monkeypatch.setenv("WRONG", "not-it")
    argv = ["copy-certs", str(jks), str(dest), "--password-env", "KS_PASS"]
    assert main([*argv, "--dest-password-env", "WRONG"]) == 1
    err = one_line(capsys.readouterr().err)
    assert f"{dest}: wrong password" in err
