"""Reading and saving keystore files.

Reading never writes. Saving is atomic (:mod:`.safefile`): the new content goes to a temporary
file in the same folder, is flushed and fsynced, read back and compared entry by entry with what
was meant to be written, and only then renamed over the target, under the store's lock. A failure
at any step leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from .codecs.limits import MAX_FILE_SIZE
from .errors import CorruptFileError, KeystoreError
from .formats import codec_for, detect
from .model import Entry, Keystore, SecretKey, StoreType
from .safefile import (
    UNCHECKED,
    FileStamp,
    SaveHooks,
    check_destination,
    is_keystore,
    replace_file,
)
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


_T = TypeVar("_T")
_paused_lock = threading.Lock()
_paused = 0
_was_enabled = True


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a store is parsed. Parsing makes several objects per
    entry and frees none, so the collector only walks the growing heap again and again: on
    100,000 entries pauses of up to 0.15 s, each holding the lock every thread needs (the
    window stood still meanwhile). Reference counting still frees what parsing drops."""
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def collection_is_paused() -> bool:
    """Whether a store is being parsed somewhere (:func:`collection_paused`): a collection now
    would walk every object parsing has made so far."""
    return _paused > 0


def walk_store(work: Callable[[], _T]) -> _T:
    """Run ``work``, a pass over every entry of a store that makes objects kept as long as the
    store (parsed certificates, search texts, findings), as parsing runs: with the collector
    paused, then with everything alive set aside from it (``gc.freeze``). Otherwise each full
    collection walks those objects again while holding the lock every thread needs: on 100,000
    entries the window stood still up to a quarter of a second, a little longer each time.
    Reference counting still frees whatever is dropped."""
    with collection_paused():
        result = work()
        gc.freeze()  # before the collector is back: else its next pass walks all that is new
    return result


def load_keystore(
    data: bytes,
    password: str | None,
    store_type: StoreType | None = None,
    name: str | None = None,
    *,
    digest: bytes | None = None,
) -> Keystore:
    """Parse ``data``. Any failure is a :class:`KeystoreError` with a one-line message.
    ``digest`` is SHA-256 of ``data`` when the caller has it already."""
    if password is not None:
        check_password_text(password)
    kind = store_type or detect(data, name)
    codec = codec_for(kind)
    with collection_paused():
        store = codec.load(data, password)
    if store.password is None and password is not None:
        store.password = password
    store.read_digest = digest if digest is not None else hashlib.sha256(data).digest()
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


NEW_FILE_MODE = 0o600


def save_keystore(
    store: Keystore,
    path: str | os.PathLike[str],
    store_type: StoreType | None = None,
    password: str | None = None,
    *,
    backup: bool = False,
    hooks: SaveHooks | None = None,
    expect: FileStamp = UNCHECKED,
    overwrite: bool = True,
    reading: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write ``store`` to ``path`` atomically, in ``store_type`` (default: the store's own).

    The guard and the atomic replace are :mod:`.safefile`'s: ``expect`` is what the caller read
    from ``path`` (the save is refused if the file holds anything else now), ``overwrite`` and
    ``reading`` as for :func:`~.safefile.check_destination`. ``backup`` keeps the file being
    replaced as ``path + ".bak"``. A new file is readable by its owner only; a replaced file
    keeps its owner, group, mode and extended attributes.
    """
    if store.unverified:
        raise KeystoreError(
            "this store was opened without its password, so its integrity was not checked: "
            "it is read-only (open it with its password to save it)"
        )
    kind = store_type or store.store_type
    pw = password if password is not None else store.password
    if pw is None:
        if kind.has_password:
            raise KeystoreError(f"a password is needed to save a {kind} file")
        pw = ""
    check_destination(path, overwrite=overwrite, reading=reading, keystore=True)
    data = dump_keystore(store, kind, pw)

    def keep_backup(target: Path) -> None:
        if backup and target.exists():
            shutil.copy2(target, target.with_name(target.name + ".bak"))

    replace_file(
        path,
        data,
        new_mode=NEW_FILE_MODE,
        expect=expect,
        verify=lambda written: verify_written(store, written, kind, pw),
        before_replace=keep_backup,
        hooks=hooks,
    )
    store.store_type = kind
    store.password = pw
    store.read_digest = hashlib.sha256(data).digest()


def write_output_file(
    path: str | os.PathLike[str],
    data: bytes,
    mode: int = 0o644,
    *,
    overwrite: bool,
    reading: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write ``data`` (a request, certificates, a key file) to ``path`` atomically; a new file
    gets ``mode``.

    Refused (:class:`~.safefile.DestinationError`) when ``path`` exists and ``overwrite`` is
    false, when it is one of the ``reading`` files, and when it holds a keystore and ``data``
    is not one. A file written
    with a ``mode`` that others cannot read (a private key, 0600) never becomes world-readable,
    even where it replaces a file that was.
    """
    check_destination(path, overwrite=overwrite, reading=reading, keystore=is_keystore(data))
    replace_file(path, data, new_mode=mode, private=not mode & 0o077)
