"""Writing files without losing any: the destination guard and the atomic replace.

Every command and window action that writes a file goes through here:

* :func:`check_destination` decides whether a path may be written at all. It never lets an
  existing file be replaced without ``overwrite``, never lets the file being read be replaced
  (the same file by device and inode, whatever the spelling, symbolic or hard link), and never
  lets a keystore be replaced by something that is not one.
* :func:`replace_file` writes the new content to a temporary file beside the target (mode 0600,
  removed on SIGTERM/SIGINT), flushes, fsyncs, lets the caller read it back, gives it the
  target's owner, group, mode and extended attributes (ACLs included), and renames it into
  place, holding the store's lock (:mod:`.filelock`) and refusing when the target changed since
  the caller read it.

A symbolic link given as the destination is written through: its target is replaced and the
link is kept, as keytool does. A link to a missing file is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .errors import KeystoreError
from .filelock import StoreLock, held_lock
from .model import StoreType
from .sniff import sniff
from .text import printable

KEYSTORE_TYPES = frozenset(
    {StoreType.JKS, StoreType.JCEKS, StoreType.PKCS12, StoreType.BKS, StoreType.UBER}
)


class DestinationError(KeystoreError):
    """A file that must not be written (it exists, it is the input, it is a keystore...)."""


class FileChangedError(KeystoreError):
    """The file was changed by another program since it was read; nothing was written."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        super().__init__(
            f"{shown(path)} was changed by another program since it was read; nothing was written"
        )


def shown(path: str | os.PathLike[str]) -> str:
    """``path`` as a message shows it: control characters escaped."""
    return printable(os.fspath(path))


# --- where to write ------------------------------------------------------------------------


def write_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` replaces: ``path`` itself, or the target of a symlink.

    Raises :class:`DestinationError` for a folder, a link to a missing file, or anything that
    is not a regular file (a device, a FIFO, a socket).
    """
    given = Path(path)
    real = Path(os.path.realpath(given))
    try:
        info = real.stat()
    except FileNotFoundError:
        if given.is_symlink():
            raise DestinationError(
                f"{shown(given)} is a symbolic link to a missing file; give the file itself"
            ) from None
        if not real.parent.is_dir():
            raise DestinationError(f"no such folder: {shown(given.parent)}") from None
        return real
    except OSError as exc:
        raise DestinationError(f"cannot write {shown(given)}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DestinationError(f"{shown(given)} is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise DestinationError(f"{shown(given)} is not a regular file; it is never written")
    return real


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether ``a`` and ``b`` are one file (device and inode, after following links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def is_keystore(data: bytes) -> bool:
    """Whether ``data`` is a keystore (JKS, JCEKS, PKCS#12, BKS, UBER) by its first bytes."""
    return sniff(data[:64]) in KEYSTORE_TYPES


def is_keystore_file(path: str | os.PathLike[str]) -> bool:
    try:
        with open(path, "rb") as fh:
            return is_keystore(fh.read(64))
    except OSError:
        return False


def check_destination(
    path: str | os.PathLike[str],
    *,
    overwrite: bool,
    reading: Iterable[str | os.PathLike[str]] = (),
    keystore: bool,
) -> Path:
    """Refuse a write to ``path`` that could lose a file; return the file to be replaced.

    ``reading`` are the files the command reads (never replaced, whatever the options);
    ``keystore`` says whether the new content is a keystore (only a keystore may replace one).
    """
    target = write_target(path)
    if not target.exists():
        return target
    for source in reading:
        if same_file(target, source):
            raise DestinationError(
                f"{shown(path)} is {shown(source)}, the file being read; it is never replaced"
            )
    if not overwrite:
        raise DestinationError(f"{shown(path)} already exists; give --overwrite to replace it")
    if not keystore and is_keystore_file(target):
        raise DestinationError(
            f"{shown(path)} is a keystore; it is never replaced by a file that is not one"
        )
    return target


# --- what was read -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileStamp:
    """What a file held when it was read: its SHA-256, or ``None`` when it did not exist."""

    digest: bytes | None

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> FileStamp:
        try:
            with open(path, "rb") as fh:
                return cls(hashlib.file_digest(fh, "sha256").digest())
        except FileNotFoundError:
            return cls(None)
        except OSError as exc:
            raise KeystoreError(f"cannot read {shown(path)}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def locked_for_update(
    path: str | os.PathLike[str],
    *,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[FileStamp]:
    """Hold the lock of the store at ``path`` for a read-modify-write; yields what the file
    holds now, for the save's ``expect``. Saves inside the block reuse the lock."""
    target = write_target(path)
    with StoreLock(target, timeout=timeout, on_wait=on_wait):
        yield FileStamp.of(target)


# --- the atomic replace --------------------------------------------------------------------


@dataclass
class SaveHooks:
    """Points where tests inject failures; each is called between two steps of a save."""

    after_write: Callable[[Path], None] | None = None
    after_fsync: Callable[[Path], None] | None = None
    after_verify: Callable[[Path], None] | None = None


def temp_pattern(target: Path) -> re.Pattern[str]:
    """Names of the temporary files a save of ``target`` makes (``.NAME.xxxxxxxx.tmp``)."""
    return re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")


def remove_stale_temps(target: Path, older_than: float) -> list[Path]:
    """Remove temporary files an interrupted save of ``target`` left, made before
    ``older_than`` (the time the caller took the store's lock: no save was running then)."""
    pattern = temp_pattern(target)
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in names:
        if not pattern.fullmatch(name):
            continue
        leftover = target.parent / name
        with contextlib.suppress(OSError):
            info = leftover.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < older_than:
                leftover.unlink()
                removed.append(leftover)
    return removed


UNCHECKED = FileStamp(b"")
"""``expect=UNCHECKED``: replace the file whatever it holds now."""


def replace_file(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    new_mode: int = 0o600,
    private: bool = False,
    expect: FileStamp = UNCHECKED,
    verify: Callable[[bytes], None] | None = None,
    before_replace: Callable[[Path], None] | None = None,
    hooks: SaveHooks | None = None,
    lock_timeout: float | None = None,
) -> Path:
    """Replace the file at ``path`` (a symlink's target) with ``data``, atomically.

    ``expect`` is what the caller read: if the file holds anything else now,
    :class:`FileChangedError` and nothing is written. ``verify(data_read_back)`` may raise to
    abandon the save. A replaced file keeps its owner (when permitted), group, mode (less the
    permissions of others, if ``private``) and extended attributes; a new file gets ``new_mode``. ``before_replace(target)`` runs last,
    under the lock (to keep a backup, say). Returns the file written.
    """
    target = write_target(path)
    hooks = hooks or SaveHooks()
    lock = held_lock(target)
    with contextlib.ExitStack() as stack:
        if lock is None:
            lock = stack.enter_context(StoreLock(target, timeout=lock_timeout))
        remove_stale_temps(target, lock.acquired_at)
        if expect is not UNCHECKED and FileStamp.of(target) != expect:
            raise FileChangedError(path)
        try:
            original = target.stat()
        except FileNotFoundError:
            original = None
        except OSError as exc:
            raise KeystoreError(f"cannot write {shown(path)}: {exc.strerror or exc}") from None
        stack.enter_context(_write_error(path))
        tmp = stack.enter_context(_temp_file(target))
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            if hooks.after_write:
                hooks.after_write(tmp)
            os.fsync(fh.fileno())
        if hooks.after_fsync:
            hooks.after_fsync(tmp)
        if verify is not None:
            verify(tmp.read_bytes())
        if hooks.after_verify:
            hooks.after_verify(tmp)
        if original is None:
            os.chmod(tmp, new_mode)
        else:
            copy_attributes(original, target, tmp, private=private)
        if before_replace is not None:
            before_replace(target)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    return target


@contextlib.contextmanager
def _write_error(path: str | os.PathLike[str]) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise KeystoreError(f"cannot write {shown(path)}: {exc.strerror or exc}") from None


_live_temps: set[Path] = set()


@contextlib.contextmanager
def _temp_file(target: Path) -> Iterator[Path]:
    """A new file ``.NAME.xxxxxxxx.tmp`` beside ``target``, mode 0600, removed on the way out
    (also on SIGTERM and SIGINT) unless it was renamed into place."""
    with _cleanup_on_signals():
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        _live_temps.add(tmp)
        try:
            yield tmp
        finally:
            _live_temps.discard(tmp)
            with contextlib.suppress(OSError):
                tmp.unlink()


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    for tmp in list(_live_temps):
        with contextlib.suppress(OSError):
            tmp.unlink()
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    """While a temporary file exists, SIGTERM (and SIGINT) remove it before the program ends.

    Handlers can only be set from the main thread; a save in another thread (the window's)
    leaves the cleanup to the next save (:func:`remove_stale_temps`).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ["SIGTERM", "SIGINT", "SIGHUP"] if sys.platform != "win32" else ["SIGTERM", "SIGINT"]
    previous = {}
    for name in names:
        signum = getattr(signal, name)
        previous[signum] = signal.signal(signum, _on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def copy_attributes(
    original: os.stat_result, target: Path, tmp: Path, *, private: bool = False
) -> None:
    """Give ``tmp`` what the file it replaces had: owner and group, mode (without the
    permissions of others if ``private``), extended attributes (POSIX ACLs are one). Owner needs
    root; each step is best effort where not permitted."""
    if hasattr(os, "chown"):
        uid = original.st_uid if os.geteuid() == 0 else -1
        with contextlib.suppress(OSError):
            os.chown(tmp, uid, original.st_gid)
    mode = stat.S_IMODE(original.st_mode)
    os.chmod(tmp, mode & ~0o007 if private else mode)
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(target)
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.setxattr(tmp, name, os.getxattr(target, name))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
