"""One writer per store at a time: an advisory lock on a lock file beside the store.

The store itself cannot carry the lock: a save renames a new file over it, so a second writer
would lock the new file while the first still holds the old one. The lock file ``.NAME.lock``
holds nothing; on POSIX (``flock``) its holder removes it before letting go, and a writer that
locked a file removed meanwhile tries again; on Windows (``msvcrt.locking``) it stays. Both
locks are released by the system when the process ends, even by ``kill -9``.

Every writer of this product takes the lock around the whole read-modify-write, so processes
adding to one store queue up instead of overwriting each other; other programs (keytool) do not
take it, which is why a save also checks that the file still holds what was read.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from .errors import KeystoreError
from .text import printable

LOCK_TIMEOUT = 60.0
"""Seconds a writer waits for another to finish before giving up."""
NOTICE = 1.0
"""Seconds of waiting after which ``on_wait`` tells the user why nothing happens."""
_POLL = 0.02

_held: dict[Path, StoreLock] = {}
_held_guard = threading.Lock()


def lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def held_lock(target: Path) -> StoreLock | None:
    """The lock on ``target`` this thread holds already, if any."""
    with _held_guard:
        lock = _held.get(target)
    return lock if lock is not None and lock.owner == threading.get_ident() else None


class LockTimeoutError(KeystoreError):
    pass


class StoreLock:
    """``with StoreLock(path):`` holds the lock of the store at ``path`` (a symlink's target).

    ``on_wait(message)`` is called once if another writer holds it for more than a second;
    after ``timeout`` seconds :class:`LockTimeoutError`. Taking a lock this thread already holds is allowed and a no-op.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.target = Path(os.path.realpath(path))
        self.timeout = LOCK_TIMEOUT if timeout is None else timeout
        self.on_wait = on_wait
        self.acquired_at = 0.0
        self.owner = 0
        self._fd = -1
        self._outer: StoreLock | None = None

    def __enter__(self) -> StoreLock:
        self._outer = held_lock(self.target)
        if self._outer is not None:
            self.acquired_at = self._outer.acquired_at
            self.owner = self._outer.owner
            return self
        deadline = time.monotonic() + self.timeout
        while True:
            self._fd = _open_lock_file(self.target)
            try:
                self._wait(deadline)
            except BaseException:
                os.close(self._fd)
                self._fd = -1
                raise
            if _still_there(self._fd, lock_path(self.target)):
                break
            # the previous holder removed this lock file as it let go: lock the current one
            os.close(self._fd)
        self.acquired_at = time.time()
        self.owner = threading.get_ident()
        with _held_guard:
            _held[self.target] = self
        return self

    def _wait(self, deadline: float) -> None:
        while not _try_lock(self._fd, self.target):
            if self.on_wait is not None and time.monotonic() >= deadline - self.timeout + NOTICE:
                self.on_wait(
                    f"waiting for another program writing {printable(self.target.name)} "
                    f"(up to {self.timeout:g} s)"
                )
                self.on_wait = None
            if time.monotonic() >= deadline:
                raise LockTimeoutError(
                    f"{printable(str(self.target))} is being written by another program (it holds "
                    f"{printable(lock_path(self.target).name)}); gave up after {self.timeout:g} s"
                )
            time.sleep(_POLL)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._outer is not None:
            return
        with _held_guard:
            _held.pop(self.target, None)
        try:
            if sys.platform != "win32":
                with contextlib.suppress(OSError):
                    os.unlink(lock_path(self.target))
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = -1


def _open_lock_file(target: Path) -> int:
    name = lock_path(target)
    flags = os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        return os.open(name, os.O_RDWR | flags, 0o644)
    except PermissionError:
        if sys.platform == "win32":
            raise KeystoreError(
                f"cannot lock {printable(str(target))}: permission denied"
            ) from None
    except OSError as exc:
        raise KeystoreError(
            f"cannot lock {printable(str(target))}: {exc.strerror or exc}"
        ) from None
    # A lock file another user made: a read-only descriptor can hold a POSIX lock as well.
    try:
        return os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise KeystoreError(
            f"cannot lock {printable(str(target))}: {exc.strerror or exc}"
        ) from None


def _still_there(fd: int, name: Path) -> bool:
    """Whether the locked descriptor is still the file called ``name``."""
    try:
        mine, now = os.fstat(fd), os.stat(name, follow_symlinks=False)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int, target: Path) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int, target: Path) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            raise KeystoreError(
                f"cannot lock {printable(str(target))}: {exc.strerror or exc}"
            ) from None
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
