"""Reading and saving keystore files.

Reading never writes. Saving is atomic: the new content goes to a temporary file in the same
folder, is flushed and fsynced, read back and compared entry by entry with what was meant to be
written, and only then renamed over the target. A failure at any step leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .codecs.limits import MAX_FILE_SIZE
from .errors import CorruptFileError, KeystoreError
from .formats import codec_for, detect
from .model import Entry, Keystore, SecretKey, StoreType
from .text import check_password_text, printable

_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_regular(mode: int, shown: str) -> None:
    if stat.S_ISDIR(mode):
        raise KeystoreError(f"{shown} is a folder, not a keystore file")
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _SPECIAL_FILES if test(mode)), "not a file")
        raise KeystoreError(f"{shown} is {kind}, not a regular file")


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The content of a regular file (after following links) of at most :data:`MAX_FILE_SIZE`
    bytes. A named pipe, a device (``/dev/zero``), a socket or a folder is refused in one line
    without reading from it: opening does not wait for a writer, and reading stops at the cap."""
    p = Path(path)
    shown = printable(os.fspath(p))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        _check_regular(os.stat(p).st_mode, shown)
        fd = os.open(p, flags)
        with os.fdopen(fd, "rb") as fh:
            _check_regular(os.fstat(fh.fileno()).st_mode, shown)  # replaced since the stat?
            data = fh.read(MAX_FILE_SIZE + 1)
    except FileNotFoundError:
        raise KeystoreError(f"no such file: {shown}") from None
    except PermissionError:
        raise KeystoreError(f"permission denied: {shown}") from None
    except IsADirectoryError:
        raise KeystoreError(f"{shown} is a folder, not a keystore file") from None
    except OSError as exc:
        raise KeystoreError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_SIZE:
        raise KeystoreError(f"{shown} is too large to be a keystore (over {MAX_FILE_SIZE} bytes)")
    return data


def load_keystore(
    data: bytes, password: str | None, store_type: StoreType | None = None, name: str | None = None
) -> Keystore:
    """Parse ``data``. Any failure is a :class:`KeystoreError` with a one-line message."""
    if password is not None:
        check_password_text(password)
    kind = store_type or detect(data, name)
    codec = codec_for(kind)
    store = codec.load(data, password)
    if store.password is None and password is not None:
        store.password = password
    return store


def read_keystore(
    path: str | os.PathLike[str], password: str | None, store_type: StoreType | None = None
) -> Keystore:
    return load_keystore(read_bytes(path), password, store_type, os.fspath(path))


def check_structure(data: bytes, store_type: StoreType) -> None:
    """Find truncation or damage that shows without the password, before asking for it.

    Each codec checks its own structure (JKS and JCEKS parse without their password, a PKCS#12
    file's outer DER layers do); formats without such a check are left to :func:`load_keystore`.
    Raises a :class:`KeystoreError`.
    """
    check = codec_for(store_type).check
    if check is not None:
        check(data)


# --- saving ----------------------------------------------------------------------------------


def dump_keystore(store: Keystore, store_type: StoreType, password: str) -> bytes:
    codec = codec_for(store_type)
    if codec.dump is None:
        raise KeystoreError(f"{store_type} files can be read but not written")
    return codec.dump(store, check_password_text(password))


def entry_signature(entry: Entry) -> tuple[object, ...]:
    """What must survive a save: alias (case-folded), kind, chain, looseness and the key."""
    key: object = None
    if isinstance(entry.key, SecretKey):
        key = (entry.key.algorithm.upper(), entry.key.key)
    elif entry.key is not None:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        key = entry.key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    chain = tuple(c.der for c in entry.chain)
    return (entry.alias.lower(), entry.kind, chain, entry.loose, key)


def verify_written(expected: Keystore, data: bytes, store_type: StoreType, password: str) -> None:
    """Read ``data`` back and compare it entry by entry with ``expected``."""
    try:
        written = load_keystore(data, password, store_type)
    except KeystoreError as exc:
        raise CorruptFileError(f"the written file does not read back ({exc})") from None
    if store_type.is_certificate_file:
        # DER and PKCS#7 have no place for aliases: the certificates, in order, are what counts.
        if [c.der for _, c in written.certificates()] != [
            c.der for _, c in expected.certificates()
        ]:
            raise CorruptFileError("read-back certificates differ from what was written")
        return
    by_alias = {e.alias.lower(): e for e in written.entries}
    if len(by_alias) != len(expected.entries):
        raise CorruptFileError(
            f"read-back found {len(by_alias)} entries where {len(expected.entries)} were written"
        )
    for entry in expected.entries:
        got = by_alias.get(entry.alias.lower())
        if got is None:
            raise CorruptFileError(f"read-back lost entry '{entry.alias}'")
        if got.key is None and got.sealed is not None and entry.key is not None:
            written.unlock(got, entry.key_password)
        mine, theirs = entry_signature(entry), entry_signature(got)
        if entry.key is None:
            mine, theirs = mine[:4], theirs[:4]
        if mine != theirs:
            raise CorruptFileError(
                f"read-back of entry '{entry.alias}' differs from what was written"
            )


@dataclass
class SaveHooks:
    """Points where tests inject failures; each is called between two steps of a save."""

    after_write: Callable[[Path], None] | None = None
    after_fsync: Callable[[Path], None] | None = None
    after_verify: Callable[[Path], None] | None = None


NEW_FILE_MODE = 0o600


def save_keystore(
    store: Keystore,
    path: str | os.PathLike[str],
    store_type: StoreType | None = None,
    password: str | None = None,
    *,
    backup: bool = False,
    hooks: SaveHooks | None = None,
) -> None:
    """Write ``store`` to ``path`` atomically, in ``store_type`` (default: the store's own).

    ``backup`` keeps the file being replaced as ``path + ".bak"``. A new file is readable by its
    owner only; a replaced file keeps its permissions.
    """
    target = Path(path)
    kind = store_type or store.store_type
    pw = password if password is not None else store.password
    if pw is None:
        if kind.has_password:
            raise KeystoreError(f"a password is needed to save a {kind} file")
        pw = ""
    data = dump_keystore(store, kind, pw)
    hooks = hooks or SaveHooks()

    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        exists = True
    except FileNotFoundError:
        mode, exists = NEW_FILE_MODE, False
    except OSError as exc:
        raise KeystoreError(f"cannot save {target}: {exc.strerror or exc}") from None

    fd = -1
    tmp_path: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        tmp_path = Path(tmp_name)
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(data)
            fh.flush()
            if hooks.after_write:
                hooks.after_write(tmp_path)
            os.fsync(fh.fileno())
        if hooks.after_fsync:
            hooks.after_fsync(tmp_path)
        verify_written(store, tmp_path.read_bytes(), kind, pw)
        if hooks.after_verify:
            hooks.after_verify(tmp_path)
        if backup and exists:
            shutil.copy2(target, target.with_name(target.name + ".bak"))
        os.replace(tmp_path, target)
        tmp_path = None
        _fsync_dir(folder)
    except OSError as exc:
        raise KeystoreError(f"cannot save {target}: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp_path is not None:
            with contextlib.suppress(OSError):
                tmp_path.unlink()
    store.store_type = kind
    store.password = pw


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_output_file(path: str | os.PathLike[str], data: bytes, mode: int = 0o644) -> None:
    """Replace ``path`` atomically with ``data``, mode 0644 (public data: a request or
    certificates) unless ``mode`` says otherwise; the file is its owner's alone while written."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise KeystoreError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
