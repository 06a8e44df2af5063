"""``keystore-cli convert SRC DEST --to jks|jceks|pkcs12``: every entry, or nothing.

If DEST's format cannot hold an entry (a secret key in JKS, say) the command fails naming the
entry and writes nothing. Keys protected by a password of their own are unlocked with, in turn,
the store password, ``--key-password-env ALIAS=VAR`` for that entry, ``--key-password-env VAR``,
and a prompt per entry on a terminal. DEST is
written atomically and read back before it replaces anything; an existing DEST (including SRC
itself, for an in-place conversion) is replaced only with ``--overwrite``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from ..core import passwords
from ..core.errors import CannotHoldError, KeyLockedError, KeystoreError, WrongPasswordError
from ..core.io import save_keystore
from ..core.model import PUBLIC_KEY_PROBLEM, Entry, EntryKind, Keystore, StoreType
from ..core.safefile import check_destination, same_file
from .common import (
    CliError,
    add_password_options,
    locked,
    new_store_password,
    open_store,
    store_type_arg,
)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "convert",
        help="convert a keystore to JKS, JCEKS or PKCS#12",
        description="Write every entry of SRC into a new DEST of another format, or nothing "
        "if DEST's format cannot hold one of them.",
    )
    parser.add_argument("src", metavar="SRC", help="keystore or certificate file to read")
    parser.add_argument("dest", metavar="DEST", help="keystore file to write")
    parser.add_argument(
        "--to",
        required=True,
        type=store_type_arg,
        metavar="{jks,jceks,pkcs12}",
        help="format of DEST",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace DEST if it exists (DEST may then be SRC itself); a symbolic link is "
        "written through to its target",
    )
    parser.add_argument(
        "--key-password-env",
        action="append",
        default=[],
        metavar="[ALIAS=]VAR",
        help="password of keys whose own password differs from the store password: VAR for "
        "any key, ALIAS=VAR for one entry (repeatable)",
    )
    parser.add_argument(
        "--loose-certs",
        choices=("trust", "skip"),
        help="certificates a PKCS#12 file holds without trusting them, when DEST is JKS or "
        "JCEKS (which have no place for them): make them trusted entries, or leave them out",
    )
    add_password_options(parser, "", "source")
    add_password_options(parser, "dest-", "destination")
    parser.set_defaults(run=run)


def check_capacity(store: Keystore, target: StoreType) -> None:
    """Refuse before any password is asked for when the target clearly cannot hold an entry."""
    public = [e for e in store.entries if e.kind is EntryKind.PUBLIC_KEY]
    if public:
        raise CannotHoldError(str(target), [(e.alias, PUBLIC_KEY_PROBLEM) for e in public])
    loose = store.loose_entries()
    if loose and target in (StoreType.JKS, StoreType.JCEKS):
        raise CannotHoldError(
            str(target),
            [
                (e.alias, "not trusted by Java in SRC; give --loose-certs trust or skip")
                for e in loose
            ],
        )
    if target is StoreType.JKS:
        secrets = [e for e in store.entries if e.kind is EntryKind.SECRET_KEY]
        if secrets:
            raise CannotHoldError(
                "JKS",
                [(e.alias, "JKS cannot store secret keys (use JCEKS or PKCS12)") for e in secrets],
            )


KeyPasswords = dict[str | None, str]
"""Key passwords by lowercased alias; the ``None`` key holds the one for any entry."""


def key_passwords_from_args(options: list[str]) -> KeyPasswords:
    """``--key-password-env`` values (``VAR`` or ``ALIAS=VAR``) resolved from the environment."""
    found: KeyPasswords = {}
    for option in options:
        alias, _, var = option.rpartition("=")
        value = passwords.from_environment(var, "--key-password-env")
        found[alias.lower() if alias else None] = value
    return found


def _unlock(store: Keystore, entry: Entry, key_passwords: KeyPasswords) -> None:
    try:
        store.unlock(entry)
        return
    except KeyLockedError:
        pass
    candidates = [key_passwords.get(entry.alias.lower()), key_passwords.get(None)]
    for key_password in candidates:
        if key_password is None:
            continue
        try:
            store.unlock(entry, key_password)
            return
        except WrongPasswordError:
            pass
    if sys.stdin is not None and sys.stdin.isatty():
        for _ in range(3):
            try:
                store.unlock(entry, getpass.getpass(f"Key password for entry '{entry.alias}': "))
                return
            except WrongPasswordError:
                print("wrong password, try again", file=sys.stderr)
    tried = (
        "neither the store password nor --key-password-env opens"
        if any(c is not None for c in candidates)
        else "the store password does not open"
    )
    raise KeystoreError(
        f"entry '{entry.alias}' has its own key password, which {tried}: "
        f"give --key-password-env {entry.alias}=VAR, or run on a terminal"
    )


def unlock_for(
    store: Keystore,
    target: StoreType,
    key_passwords: KeyPasswords | None,
    new_password: str | None = None,
) -> None:
    """Decrypt every key the target codec cannot copy sealed as it is.

    A sealed key is copied verbatim only into its own format under the same store password;
    otherwise it would stay under the old password in a store with a new one.
    """
    same_password = new_password is None or new_password == store.password
    for entry in store.entries:
        sealed = entry.sealed if entry.is_locked else None
        if sealed is not None and (sealed.store_type is not target or not same_password):
            _unlock(store, entry, key_passwords or {})


def run(args: argparse.Namespace) -> int:
    src, dest = Path(args.src), Path(args.dest)
    if not args.overwrite and same_file(src, dest):
        raise CliError(f"{dest} already exists (it is SRC itself); give --overwrite to replace it")
    # SRC itself is allowed with --overwrite: an in-place conversion, every entry or none.
    check_destination(dest, overwrite=args.overwrite, keystore=True)
    with locked(args.dest) as read:
        store = open_store(args, args.src)
        target: StoreType = args.to
        left_out: list[Entry] = []
        if args.loose_certs and target in (StoreType.JKS, StoreType.JCEKS):
            left_out = store.settle_loose(trust=args.loose_certs == "trust")
        check_capacity(store, target)
        key_passwords = key_passwords_from_args(args.key_password_env)
        password = new_store_password(args, "dest-", args.dest, target)
        unlock_for(store, target, key_passwords, password)
        save_keystore(store, dest, target, password, expect=read, overwrite=args.overwrite)
    n = len(store.entries)
    print(f"wrote {n} entr{'y' if n == 1 else 'ies'} to {dest} ({target.value})", file=sys.stderr)
    if left_out and args.loose_certs == "skip":
        names = ", ".join(f"'{e.alias}'" for e in left_out)
        print(
            f"left out {len(left_out)} certificate(s) SRC did not trust: {names}", file=sys.stderr
        )
    return 0
