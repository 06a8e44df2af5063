"""What the ``keystore-cli`` subcommands share: password options, opening and creating stores,
choosing entries, and writing a copy plan out.

Subcommands import from here, never from each other nor from :mod:`keystore_gui.cli`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from ..core import passwords
from ..core.errors import KeyLockedError, KeystoreError, WrongPasswordError
from ..core.formats import type_from_extension
from ..core.io import save_keystore
from ..core.model import Entry, Keystore, StoreType
from ..core.opening import Opened, open_file, try_open
from ..core.rules import store_password_must_be_ascii
from ..core.safefile import FileStamp, locked_for_update
from ..core.text import check_password_text, printable

if TYPE_CHECKING:  # chains, trust sources and copy plans are imported by the commands using them
    from ..core.chain import TrustSource
    from ..core.truststore import CopyPlan


class CliError(KeystoreError):
    """A usage problem found after parsing (a missing password source, say)."""


def add_password_options(parser: argparse.ArgumentParser, prefix: str = "", what: str = "") -> None:
    """``--{prefix}password-env VAR`` and ``--{prefix}password-file PATH``."""
    label = f"{what} " if what else ""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        f"--{prefix}password-env",
        metavar="VAR",
        help=f"read the {label}store password from environment variable VAR",
    )
    group.add_argument(
        f"--{prefix}password-file",
        metavar="PATH",
        help=f"read the {label}store password from the first line of PATH",
    )


def add_no_password_option(parser: argparse.ArgumentParser) -> None:
    """``--no-password``: read a JKS, JCEKS or PKCS#12 truststore whose password is unknown."""
    parser.add_argument(
        "--no-password",
        action="store_true",
        help="read the store without its password, as keytool does when given none: its "
        "integrity is NOT checked and encrypted keys stay encrypted (JKS, JCEKS, PKCS#12)",
    )


def password_from_args(
    args: argparse.Namespace, prefix: str = "", prompt: str = "Store password: "
) -> str | None:
    """The password the options name, a prompt on a terminal, or ``None`` if neither."""
    attr = prefix.replace("-", "_")
    env_name = getattr(args, f"{attr}password_env", None)
    file_name = getattr(args, f"{attr}password_file", None)
    if env_name:
        return passwords.from_environment(env_name, f"--{prefix}password-env")
    if file_name:
        return passwords.from_file(file_name, f"--{prefix}password-file")
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return check_password_text(getpass.getpass(prompt), "the password typed")
        except UnicodeDecodeError:
            raise CliError("the password typed is not UTF-8 text") from None
    return None


def open_store(args: argparse.Namespace, path: str, prefix: str = "", what: str = "") -> Keystore:
    """Read ``path`` with the password the ``prefix`` options give (certificate files need none).
    A wrong password names the file: a command may open two stores."""
    given: list[str | None] = []

    def password(_pending: object) -> str | None:
        given.append(password_from_args(args, prefix, f"Password for {what or path}: "))
        return given[-1]

    if not prefix and getattr(args, "no_password", False):
        return _open_unverified(path)
    try:
        store = open_file(path, password)
    except WrongPasswordError as exc:
        first = given[-1] if given else None
        if first is None or not first.startswith(passwords.BOM):
            raise WrongPasswordError(f"{path}: {exc}") from None
        try:  # a password file saved with a byte-order mark, which keytool keeps
            store = open_file(path, lambda _pending: first.removeprefix(passwords.BOM))
        except WrongPasswordError:
            raise WrongPasswordError(f"{path}: {exc}") from None
    if store is None:
        option = f"--{prefix}password-env VAR or --{prefix}password-file PATH"
        raise CliError(f"{path} needs a password: give {option}, or run on a terminal")
    return store


def _open_unverified(path: str) -> Keystore:
    result = try_open(path)
    if isinstance(result, Opened):
        return result.store
    store = result.load_unverified()
    print(
        f"warning: {path} was read without its password: its integrity was NOT checked",
        file=sys.stderr,
    )
    return store


def new_store_password(
    args: argparse.Namespace, prefix: str, path: str, kind: StoreType | None = None
) -> str:
    """A password for a store about to be created; prompts twice on a terminal. An empty
    password file is refused: it would silently make a store anyone can open; so is a password
    the Java readers of ``kind`` refuse (keytool cannot open a PKCS#12 made with a non-ASCII
    one)."""
    password = password_from_args(args, prefix, f"New password for {path}: ")
    if password is None:
        raise CliError(
            f"{path} needs a password: give --{prefix}password-env VAR or --{prefix}password-file PATH"
        )
    attr = prefix.replace("-", "_")
    from_file = getattr(args, f"{attr}password_file", None)
    if from_file and not password:
        raise CliError(
            f"the password file given to --{prefix}password-file is empty; a new store needs a "
            "password"
        )
    if from_file and password.startswith(passwords.BOM):
        raise CliError(
            f"the password file given to --{prefix}password-file starts with a byte-order mark, "
            "which keytool would take as part of the password; save it without one"
        )
    if kind is not None and store_password_must_be_ascii(kind) and not password.isascii():
        raise CliError(
            f"keytool cannot open a {kind} file whose password is not ASCII; choose an ASCII "
            "password for it"
        )
    prompted = not getattr(args, f"{attr}password_env", None) and not from_file
    if prompted and getpass.getpass("Repeat the password: ") != password:
        raise WrongPasswordError("the two passwords differ")
    return password


def lock_notice(message: str) -> None:
    print(f"keystore-cli: {message}…", file=sys.stderr)


def locked(path: str) -> AbstractContextManager[FileStamp]:
    """Hold the lock of the store at ``path`` while it is read, changed and saved; yields what
    the file held, for the save's ``expect``."""
    return locked_for_update(path, on_wait=lock_notice)


def add_overwrite_option(parser: argparse.ArgumentParser, what: str = "FILE") -> None:
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help=f"replace {what} if it exists (never the file being read, and a keystore only "
        "with a keystore; a symbolic link is written through to its target)",
    )


def add_truststore_options(parser: argparse.ArgumentParser, help: str) -> None:
    """A repeatable ``--truststore FILE`` with its ``--truststore-password-*`` options."""
    parser.add_argument("--truststore", action="append", default=[], metavar="FILE", help=help)
    add_password_options(parser, "truststore-", "truststore")


def truststore_sources(args: argparse.Namespace) -> list[TrustSource]:
    """The ``--truststore`` files, opened, as trusted sources."""
    return _file_sources(args, "truststore", trusted=True)


def add_intermediates_options(parser: argparse.ArgumentParser, help: str) -> None:
    """A repeatable ``--intermediates FILE``: certificates that help build paths, never trusted."""
    parser.add_argument("--intermediates", action="append", default=[], metavar="FILE", help=help)
    add_password_options(parser, "intermediates-", "intermediates")


def intermediates_sources(args: argparse.Namespace) -> list[TrustSource]:
    """The ``--intermediates`` files, opened, as sources that help build paths."""
    return _file_sources(args, "intermediates", trusted=False)


def _file_sources(args: argparse.Namespace, kind: str, *, trusted: bool) -> list[TrustSource]:
    """The ``--{kind}`` files, each opened with the ``--{kind}-password-*`` options."""
    from ..core.chain import source_from_store
    from ..core.trustsources import intermediates_label, truststore_label

    label = truststore_label if kind == "truststore" else intermediates_label
    return [
        source_from_store(
            open_store(args, path, f"{kind}-", f"{kind} {path}"), label(path), trusted=trusted
        )
        for path in getattr(args, kind)
    ]


def add_ca_bundle_options(parser: argparse.ArgumentParser) -> None:
    """``--java-cacerts`` and ``--system-cas``."""
    parser.add_argument(
        "--java-cacerts", action="store_true", help="trust the JDK's cacerts (password changeit)"
    )
    parser.add_argument(
        "--system-cas", action="store_true", help="trust the operating system's CA bundle"
    )


def ca_bundle_sources(args: argparse.Namespace) -> list[TrustSource]:
    """The CA bundles ``--java-cacerts`` and ``--system-cas`` chose."""
    from ..core.trustsources import java_cacerts, system_cas

    sources: list[TrustSource] = []
    if args.java_cacerts:
        sources.append(java_cacerts())
    if args.system_cas:
        sources.append(system_cas())
    return sources


def store_type_arg(value: str) -> StoreType:
    names = {
        "jks": StoreType.JKS,
        "jceks": StoreType.JCEKS,
        "pkcs12": StoreType.PKCS12,
        "p12": StoreType.PKCS12,
    }
    try:
        return names[value.lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"unknown store type '{value}' (choose jks, jceks or pkcs12)"
        ) from None


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def add_key_password_options(
    parser: argparse.ArgumentParser, prefix: str = "key-", whose: str = "the entry's"
) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        f"--{prefix}password-env", metavar="VAR", help=f"{whose} own key password from variable VAR"
    )
    group.add_argument(
        f"--{prefix}password-file", metavar="PATH", help=f"{whose} own key password from PATH"
    )


def key_password(args: argparse.Namespace, prefix: str = "key-") -> str | None:
    """The ``--{prefix}password-*`` password, if one was given (never prompts)."""
    attr = prefix.replace("-", "_")
    if not getattr(args, f"{attr}password_env") and not getattr(args, f"{attr}password_file"):
        return None
    return password_from_args(args, prefix)


def unlock_entry(
    args: argparse.Namespace, store: Keystore, entry: Entry, prefix: str = "key-"
) -> None:
    """Decrypt ``entry``'s key: with the store password, else the ``--{prefix}password-*`` one."""
    if not entry.is_locked:
        return
    try:
        store.unlock(entry)
    except KeyLockedError:
        own = key_password(args, prefix)
        if own is None:
            raise CliError(
                f"entry '{entry.alias}' has its own key password: give --{prefix}password-env "
                f"VAR or --{prefix}password-file PATH"
            ) from None
        store.unlock(entry, own)


def add_conflict_option(parser: argparse.ArgumentParser, help: str) -> None:
    from ..core.truststore import Conflict

    parser.add_argument(
        "--on-conflict",
        choices=[c.value for c in Conflict],
        default=Conflict.RENAME.value,
        help=help,
    )


def selected_entries(store: Keystore, aliases: Sequence[str]) -> list[Entry]:
    if aliases:
        return [store.get(a) for a in aliases]
    return [e for e in store.entries if e.chain]


def open_or_create_target(
    args: argparse.Namespace, path: str, store_type: StoreType | None, prefix: str
) -> tuple[Keystore, bool]:
    """The target store (password from the ``prefix`` options) and whether it is new."""
    from ..core.truststore import new_truststore

    if os.path.exists(path):
        store = open_store(args, path, prefix, "the truststore")
        if store.store_type.is_certificate_file:
            raise CliError(f"{path} is a certificate file, not a truststore")
        if store_type is not None and store.store_type is not store_type:
            raise CliError(
                f"{path} is an existing {store.store_type} file; --dest-type {store_type} applies "
                "only to a new one (convert it with keystore-cli convert)"
            )
        return store, False
    kind = store_type or type_from_extension(path)
    if kind not in (StoreType.JKS, StoreType.PKCS12):
        raise CliError(f"{path} does not exist: give --dest-type jks or pkcs12 to create it")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise CliError(f"no such folder: {folder}")
    return new_truststore(kind, new_store_password(args, prefix, path, kind)), True


NEW_KEYSTORE_TYPES = (StoreType.JKS, StoreType.JCEKS, StoreType.PKCS12)


def open_or_create_keystore(
    args: argparse.Namespace, path: str, store_type: StoreType | None
) -> tuple[Keystore, bool]:
    """The keystore at ``path``, or a new empty one (its type from ``store_type`` or the name)
    that exists only in memory until saved; and whether it is new."""
    if os.path.exists(path):
        store = open_store(args, path)
        if store_type is not None and store_type is not store.store_type:
            raise CliError(f"{path} is a {store.store_type} store, not {store_type}")
        if store.store_type not in NEW_KEYSTORE_TYPES:
            raise CliError(f"{path} is a {store.store_type} file, not a JKS, JCEKS or PKCS12 store")
        return store, False
    kind = store_type or type_from_extension(path)
    if kind is None:
        raise CliError(f"cannot tell the type of new store {path} from its name: give --type")
    if kind not in NEW_KEYSTORE_TYPES:
        raise CliError(f"a new store must be JKS, JCEKS or PKCS12, not {kind}")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise CliError(f"no such folder: {folder}")
    return Keystore(kind, [], new_store_password(args, "", path, kind)), True


def report(plan: CopyPlan, as_json: bool, dest: str, created: bool) -> None:
    if as_json:
        print_json(
            {
                "target": dest,
                "created": created,
                "certificates": [
                    {
                        "action": s.action.value,
                        "alias": s.alias,
                        "taken_alias": s.note or None,
                        "from": s.candidate.origin,
                        "subject": s.candidate.cert.subject,
                        "sha256": s.candidate.cert.sha256,
                    }
                    for s in plan.steps
                ],
            }
        )
        return
    for s in plan.steps:
        print(printable(f"{s.candidate.origin}: {s.candidate.cert.subject}: {s.outcome}"))
    added = len(plan.writes)
    if added:
        print(f"{'created' if created else 'updated'} {dest}: {added} certificate(s) written")
    else:
        print(f"{dest} unchanged: nothing to add")


def carry_out(
    plan: CopyPlan, target: Keystore, as_json: bool, dest: str, created: bool, read: FileStamp
) -> None:
    """Check ``plan``, write ``dest`` if it adds anything, and report what happened.

    ``read`` is what ``dest`` held when it was read: if another program changed it since,
    nothing is written."""
    from ..core.truststore import apply_plan

    plan.check()
    if plan.writes:
        apply_plan(plan, target)
        save_keystore(target, dest, expect=read)
    report(plan, as_json, dest, created)
