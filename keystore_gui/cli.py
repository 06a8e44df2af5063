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
from typing import Any, TextIO

from . import __version__, commands
from .core.errors import KeystoreError
from .core.text import printable, printable_lines

EXIT_ERROR = 1
EXIT_USAGE = 2


SHARED_MODULES = frozenset({"common"})
"""Modules of :mod:`keystore_gui.commands` that are not commands."""


def command_modules() -> list[str]:
    """Every command module of :mod:`keystore_gui.commands`: adding a command is adding a module."""
    return sorted(
        m.name for m in pkgutil.iter_modules(commands.__path__) if m.name not in SHARED_MODULES
    )


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for every command, or, when ``argv`` names a command whose module bears its
    name, for that one alone: ``keystore-cli list`` does not import what ``examine`` needs."""
    modules = command_modules()
    word = next((a for a in argv or () if not a.startswith("-")), None)
    named = word.replace("-", "_") if word else None
    if named in modules:
        parser, sub = _empty_parser()
        importlib.import_module(f"{commands.__name__}.{named}").register(sub)
        if word in sub.choices:
            return parser
    parser, sub = _empty_parser()
    for name in modules:
        importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return parser


def _empty_parser() -> tuple[argparse.ArgumentParser, Any]:
    parser = argparse.ArgumentParser(
        prog="keystore-cli",
        description="Inspect, convert and edit Java keystores (JKS, JCEKS, PKCS#12) and "
        "certificate files. Passwords are read from --password-env, --password-file or a prompt.",
        epilog="Writing files: an existing file is replaced only with --overwrite, the file being "
        "read never, and a keystore only by a keystore. A symbolic link given as a file to write "
        "is written through (its target is replaced, the link stays); a link to a missing file is "
        "refused. A command that changes a store locks it (.NAME.lock beside it) from reading to "
        "saving, and refuses to save if another program changed it meanwhile. A saved file keeps "
        "its owner, group and mode.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser, parser.add_subparsers(dest="command", metavar="COMMAND", required=True)


def main(argv: Sequence[str] | None = None) -> int:
    # cryptography warns about certificates it will refuse one day (serial number 0, as nine
    # roots in Debian's cacerts have); the core falls back to a lenient parse then, and a warning
    # on stderr would break the one-line-of-stderr contract for something the user cannot fix.
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    stdout = sys.stdout
    sys.stdout = _PrintableStream(stdout)
    try:
        status = args.run(args)
        sys.stdout.flush()
    except KeystoreError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        _discard(stdout)
        return EXIT_ERROR
    except OSError as exc:  # the output cannot be written: a full disk (/dev/full), a quota
        _discard(stdout)
        where = f"cannot write {exc.filename}" if exc.filename else "cannot write the output"
        _error(f"{where}: {(exc.strerror or str(exc)).lower()}")
        return EXIT_ERROR
    except Exception as exc:  # a bug: still one line, never a traceback
        _error(f"internal error ({type(exc).__name__}: {exc})")
        return EXIT_ERROR
    finally:
        sys.stdout = stdout
    return int(status or 0)


def _error(message: str) -> None:
    """One line on stderr; what came from a file (an alias, a name) cannot add a line or reach
    the terminal as a control sequence."""
    print(f"keystore-cli: {printable(message)}", file=sys.stderr)


def _discard(stream: TextIO) -> None:
    """Point ``stream`` at the null device, so that the interpreter's final flush of what could
    not be written adds no second message."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # not a file (a test's StringIO): nothing will flush it
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class _PrintableStream:
    """Standard output with control characters from files (ESC sequences, bidirectional
    overrides) escaped; newlines and tabs are the output's own and stay."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable_lines(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


if __name__ == "__main__":
    sys.exit(main())
