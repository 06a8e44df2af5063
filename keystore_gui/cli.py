"""``keystore-cli``: the core, headless, for scripts and CI.

Each subcommand lives in :mod:`keystore_gui.commands` as a module with ``register(subparsers)``.
Errors end the program with one line on stderr and a non-zero status, never a traceback.
Passwords come from an environment variable, a file or a prompt; never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import pkgutil
import sys
import warnings
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from . import __version__, commands
from .core.chain import TrustSource, source_from_store
from .core.errors import KeystoreError, WrongPasswordError
from .core.formats import detect
from .core.io import load_keystore, read_bytes
from .core.model import Keystore, StoreType
from .core.safefile import FileStamp, locked_for_update
from .core.trustsources import truststore_label

EXIT_ERROR = 1
EXIT_USAGE = 2


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


def password_from_args(
    args: argparse.Namespace, prefix: str = "", prompt: str = "Store password: "
) -> str | None:
    """The password the options name, a prompt on a terminal, or ``None`` if neither."""
    attr = prefix.replace("-", "_")
    env_name = getattr(args, f"{attr}password_env", None)
    file_name = getattr(args, f"{attr}password_file", None)
    if env_name:
        value = os.environ.get(env_name)
        if value is None:
            raise CliError(f"environment variable {env_name} is not set")
        return value
    if file_name:
        try:
            text = read_bytes(file_name).decode("utf-8")
        except UnicodeDecodeError:
            raise CliError(f"password file {file_name} is not UTF-8 text") from None
        return text.splitlines()[0] if text else ""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return None


def open_store(args: argparse.Namespace, path: str, prefix: str = "", what: str = "") -> Keystore:
    """Read ``path`` with the password the ``prefix`` options give (certificate files need none)."""
    data = read_bytes(path)
    kind = detect(data, path)
    if not kind.has_password:
        return load_keystore(data, None, kind, path)
    password = password_from_args(args, prefix, f"Password for {what or path}: ")
    if password is None:
        option = f"--{prefix}password-env VAR or --{prefix}password-file PATH"
        raise CliError(f"{path} needs a password: give {option}, or run on a terminal")
    return load_keystore(data, password, kind, path)


def new_store_password(args: argparse.Namespace, prefix: str, path: str) -> str:
    """A password for a store about to be created; prompts twice on a terminal."""
    password = password_from_args(args, prefix, f"New password for {path}: ")
    if password is None:
        raise CliError(
            f"{path} needs a password: give --{prefix}password-env VAR or --{prefix}password-file PATH"
        )
    attr = prefix.replace("-", "_")
    prompted = not getattr(args, f"{attr}password_env", None) and not getattr(
        args, f"{attr}password_file", None
    )
    if prompted and getpass.getpass("Repeat the password: ") != password:
        raise WrongPasswordError("the two passwords differ")
    return password


def lock_notice(message: str) -> None:
    print(f"keystore-cli: {message}…", file=sys.stderr)


def locked(path: str) -> AbstractContextManager[FileStamp]:
    """Hold the lock of the store at ``path`` while it is read, changed and saved."""
    return locked_for_update(path, on_wait=lock_notice)


def add_overwrite_option(parser: argparse.ArgumentParser, what: str = "FILE") -> None:
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help=f"replace {what} if it exists (never the file being read, and a keystore only "
        f"with a keystore; a symbolic link is written through to its target)",
    )


def add_truststore_options(parser: argparse.ArgumentParser, help: str) -> None:
    """A repeatable ``--truststore FILE`` with its ``--truststore-password-*`` options."""
    parser.add_argument("--truststore", action="append", default=[], metavar="FILE", help=help)
    add_password_options(parser, "truststore-", "truststore")


def truststore_sources(args: argparse.Namespace) -> list[TrustSource]:
    """The ``--truststore`` files, opened, as trusted sources."""
    return [
        source_from_store(
            open_store(args, path, "truststore-", f"truststore {path}"),
            truststore_label(path),
            trusted=True,
        )
        for path in args.truststore
    ]


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


def command_modules() -> list[str]:
    """Every module of :mod:`keystore_gui.commands`: adding a command is adding a module."""
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keystore-cli",
        description="Inspect, convert and edit Java keystores (JKS, JCEKS, PKCS#12) and "
        "certificate files. Passwords are read from --password-env, --password-file or a prompt.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_modules():
        importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # cryptography warns about certificates it will refuse one day (serial number 0, as nine
    # roots in Debian's cacerts have); the core falls back to a lenient parse then, and a warning
    # on stderr would break the one-line-of-stderr contract for something the user cannot fix.
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.run(args)
        sys.stdout.flush()
    except KeystoreError as exc:
        print(f"keystore-cli: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("keystore-cli: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:  # a bug: still one line, never a traceback
        print(f"keystore-cli: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_ERROR
    return int(status or 0)


if __name__ == "__main__":
    sys.exit(main())
