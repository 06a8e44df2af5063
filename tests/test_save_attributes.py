"""A save keeps what the replaced file had (owner, group, mode, extended attributes), writes its
temporary file 0600, removes it on SIGTERM, and clears what an interrupted save left."""

from __future__ import annotations

import grp
import os
import pwd
import signal
import stat
import time
from pathlib import Path

import pytest

from keystore_gui import cli
from keystore_gui.core.io import read_keystore, save_keystore, write_output_file
from keystore_gui.core.model import Keystore, StoreType
from keystore_gui.core.safefile import SaveHooks
from tests.certs import issue, trusted_entry

PASSWORD = "attr-pass"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "truststore.jks"
    save_keystore(Keystore(StoreType.JKS, [trusted_entry("a", issue("a"))], PASSWORD), path)
    return path


def add_certificate(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pem = path.parent / "new.pem"
    pem.write_text(issue("new").model.pem)
    monkeypatch.setenv("ATTR_PASS", PASSWORD)
    assert cli.main(["import-certs", str(path), str(pem), "--password-env", "ATTR_PASS"]) == 0
    pem.unlink()
    assert len(read_keystore(path, PASSWORD)) == 2


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_root_saving_keeps_owner_group_and_mode(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nobody = pwd.getpwnam("nobody").pw_uid
    nogroup = grp.getgrnam("nogroup").gr_gid if _has_group("nogroup") else 65534
    os.chown(store, nobody, nogroup)
    store.chmod(0o640)
    add_certificate(store, monkeypatch)
    info = store.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (nobody, nogroup, 0o640)


def _has_group(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def test_mode_and_extended_attributes_are_kept(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.chmod(0o644)  # a truststore without keys, readable by every service
    try:
        os.setxattr(store, "user.owner-note", b"managed by ops")
    except OSError as exc:
        pytest.skip(f"no user extended attributes here: {exc.strerror}")
    add_certificate(store, monkeypatch)
    assert stat.S_IMODE(store.stat().st_mode) == 0o644
    assert os.getxattr(store, "user.owner-note") == b"managed by ops"


def test_a_key_file_never_becomes_world_readable(tmp_path: Path) -> None:
    out = tmp_path / "server.key"
    out.write_text("old")
    out.chmod(0o644)
    write_output_file(out, b"-----BEGIN PRIVATE KEY-----\n", 0o600, overwrite=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_the_temporary_file_is_the_owners_alone(store: Path) -> None:
    store.chmod(0o644)
    modes: list[int] = []
    hooks = SaveHooks(after_write=lambda tmp: modes.append(stat.S_IMODE(tmp.stat().st_mode)))
    save_keystore(read_keystore(store, PASSWORD), store, hooks=hooks)
    assert modes == [0o600]
    assert stat.S_IMODE(store.stat().st_mode) == 0o644


def test_sigterm_during_a_save_removes_the_temporary_file(store: Path) -> None:
    before = store.read_bytes()
    keystore = read_keystore(store, PASSWORD)
    keystore.add(trusted_entry("b", issue("b")))
    hooks = SaveHooks(after_fsync=lambda _tmp: os.kill(os.getpid(), signal.SIGTERM))
    with pytest.raises(KeyboardInterrupt):
        save_keystore(keystore, store, hooks=hooks)
    assert store.read_bytes() == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["truststore.jks"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_the_next_save_removes_what_an_interrupted_one_left(store: Path) -> None:
    stale = store.with_name(".truststore.jks.a1b2c3d4.tmp")
    stale.write_bytes(b"a whole keystore, keys included")
    old = time.time() - 60
    os.utime(stale, (old, old))
    unrelated = store.with_name(".truststore.jks.notes.tmp")
    unrelated.write_text("not ours")
    save_keystore(read_keystore(store, PASSWORD), store)
    assert sorted(p.name for p in store.parent.iterdir()) == [
        ".truststore.jks.notes.tmp",
        "truststore.jks",
    ]
