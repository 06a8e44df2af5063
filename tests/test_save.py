"""Saving never loses a keystore: faults injected at every step leave the original intact."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from keystore_gui.core.errors import CorruptFileError, KeystoreError
from keystore_gui.core.io import SaveHooks, read_keystore, save_keystore
from keystore_gui.core.model import Keystore, StoreType
from tests.certs import issue, key_entry, trusted_entry
from tests.tools import keytool_list, requires_keytool

PASSWORD = "s4ve-test"


@pytest.fixture
def store() -> Keystore:
    root = issue("Save Root", ca=True)
    leaf = issue("svc", root)
    return Keystore(
        StoreType.JKS, [key_entry("svc", leaf, root), trusted_entry("root", root)], PASSWORD
    )


@pytest.fixture
def original(tmp_path: Path, store: Keystore) -> Path:
    path = tmp_path / "server.jks"
    save_keystore(store, path)
    return path


def leftovers(folder: Path, keep: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != keep)


def _raise(exc: BaseException) -> Callable[[Path], None]:
    def hook(_path: Path) -> None:
        raise exc

    return hook


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


FAULTS = {
    "crash after write": SaveHooks(after_write=_raise(RuntimeError("killed"))),
    "disk full on write": SaveHooks(after_write=_raise(OSError(errno.ENOSPC, "No space left"))),
    "crash after fsync": SaveHooks(after_fsync=_raise(RuntimeError("killed"))),
    "written file damaged": SaveHooks(after_fsync=_truncate),
    "crash after verify": SaveHooks(after_verify=_raise(RuntimeError("killed"))),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_fault_during_save_keeps_the_original(fault: str, original: Path, store: Keystore) -> None:
    before = original.read_bytes()
    store.remove("root")
    with pytest.raises((KeystoreError, RuntimeError)):
        save_keystore(store, original, hooks=FAULTS[fault])
    assert original.read_bytes() == before
    assert leftovers(original.parent, original) == []
    assert len(read_keystore(original, PASSWORD)) == 2


def test_disk_full_is_a_clear_message(original: Path, store: Keystore) -> None:
    with pytest.raises(KeystoreError, match="No space left"):
        save_keystore(store, original, hooks=FAULTS["disk full on write"])


def test_fsync_failure_keeps_the_original(
    original: Path, store: Keystore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = original.read_bytes()

    def failing_fsync(_fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(KeystoreError, match="Input/output error"):
        save_keystore(store, original)
    assert original.read_bytes() == before


def test_read_back_mismatch_is_refused(original: Path, store: Keystore) -> None:
    with pytest.raises(CorruptFileError):
        save_keystore(store, original, hooks=FAULTS["written file damaged"])


def test_backup_keeps_the_replaced_file(original: Path, store: Keystore) -> None:
    before = original.read_bytes()
    store.remove("root")
    save_keystore(store, original, backup=True)
    assert (original.parent / "server.jks.bak").read_bytes() == before
    assert len(read_keystore(original, PASSWORD)) == 1


def test_new_files_are_private_and_saves_keep_permissions(
    tmp_path: Path, original: Path, store: Keystore
) -> None:
    assert stat.S_IMODE(original.stat().st_mode) == 0o600
    os.chmod(original, 0o640)
    save_keystore(store, original)
    assert stat.S_IMODE(original.stat().st_mode) == 0o640


def test_reading_never_writes(original: Path) -> None:
    before = (original.read_bytes(), original.stat().st_mtime_ns)
    read_keystore(original, PASSWORD)
    with pytest.raises(KeystoreError):
        read_keystore(original, "wrong")
    assert (original.read_bytes(), original.stat().st_mtime_ns) == before
    assert leftovers(original.parent, original) == []


@requires_keytool
def test_saved_file_is_read_by_keytool(original: Path) -> None:
    assert sorted((e.alias, e.kind) for e in keytool_list(original, PASSWORD)) == [
        ("root", "trusted-cert"),
        ("svc", "private-key"),
    ]
