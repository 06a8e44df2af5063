"""``keystore-cli``: the core, headless, for scripts and CI.

Each subcommand lives in :mod:`keystore_gui.commands` as a module with ``register(subparsers)``;
what they share is :mod:`keystore_gui.commands.common`, so no command imports this module.
Errors end the program with one line on stderr and a non-zero status, never a traceback.
Passwords come from an environment variable, a file or a prompt; never from the command line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings
from collections.abc import Sequence

from . import __version__, commands
from .commands.common import (  # noqa: F401  (old import path, until every command uses common)
    CliError,
    add_password_options,
    add_truststore_options,
    new_store_password,
    open_store,
    password_from_args,
    print_json,
    store_type_arg,
    truststore_sources,
)
from .core.errors import KeystoreError

EXIT_ERROR = 1
EXIT_USAGE = 2


SHARED_MODULES = frozenset({"common"})
"""Modules of :mod:`keystore_gui.commands` that are not commands."""


def command_modules() -> list[str]:
    """Every command module of :mod:`keystore_gui.commands`: adding a command is adding a module."""
    return sorted(
        m.name for m in pkgutil.iter_modules(commands.__path__) if m.name not in SHARED_MODULES
    )


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
