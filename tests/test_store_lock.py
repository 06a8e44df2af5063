"""The store lock: one writer at a time, a clear line when waiting or giving up, no leftovers;
a save refuses a file another program changed since it was read."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from keystore_gui.core import filelock
from keystore_gui.core.filelock import LockTimeoutError, StoreLock, lock_path
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import Keystore, StoreType
from keystore_gui.core.safefile import FileChangedError, FileStamp, locked_for_update
from tests.certs import issue, trusted_entry

PASSWORD = "lock-pass"

HOLDER = """
import sys, time
from keystore_gui.core.filelock import StoreLock
with StoreLock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "locked.jks"
    save_keystore(Keystore(StoreType.JKS, [trusted_entry("a", issue("a"))], PASSWORD), path)
    return path


def test_another_process_holding_the_lock_makes_a_writer_wait_then_give_up(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filelock, "NOTICE", 0.0)
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as holder:  # fmt: skip
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "held\n"
        told: list[str] = []
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught:
            StoreLock(store, timeout=0.3, on_wait=told.append).__enter__()
        assert time.monotonic() - started >= 0.3
        assert told == ["waiting for another program writing locked.jks (up to 0.3 s)"]
        assert str(caught.value) == (
            f"{store} is being written by another program (it holds .locked.jks.lock); "
            "gave up after 0.3 s"
        )
        holder.stdin.write("\n")
        holder.stdin.flush()
    assert holder.returncode == 0
    with StoreLock(store, timeout=5):
        pass
    assert not lock_path(store).exists()


def test_the_lock_is_reentrant_in_one_thread_and_follows_symlinks(store: Path) -> None:
    link = store.with_name("link.jks")
    link.symlink_to(store.name)
    with StoreLock(link) as outer:
        assert lock_path(store).exists()
        with StoreLock(store, timeout=0) as inner:
            assert inner.acquired_at == outer.acquired_at
        save_keystore(read_keystore(store, PASSWORD), link)  # the save reuses the lock
        assert lock_path(store).exists()
    assert sorted(p.name for p in store.parent.iterdir()) == ["link.jks", "locked.jks"]


def test_a_save_refuses_a_file_changed_since_it_was_read(store: Path) -> None:
    with locked_for_update(store) as read:
        keystore = read_keystore(store, PASSWORD)
        keystore.add(trusted_entry("b", issue("b")))
        other = Keystore(StoreType.JKS, [trusted_entry("c", issue("c"))], PASSWORD)
        save_keystore(other, store)  # another program (not taking the lock) rewrote it
        changed = store.read_bytes()
        with pytest.raises(FileChangedError, match="changed by another program since it was read"):
            save_keystore(keystore, store, expect=read)
    assert store.read_bytes() == changed
    save_keystore(keystore, store, expect=FileStamp.of(store))
    assert [e.alias for e in read_keystore(store, PASSWORD)] == ["a", "b"]


def test_a_new_file_made_meanwhile_is_a_change(tmp_path: Path) -> None:
    path = tmp_path / "new.p12"
    with locked_for_update(path) as read:
        assert read == FileStamp(None)
        path.write_bytes(b"someone else")
        with pytest.raises(FileChangedError):
            save_keystore(Keystore(StoreType.PKCS12, [], PASSWORD), path, expect=read)
    assert path.read_bytes() == b"someone else"
