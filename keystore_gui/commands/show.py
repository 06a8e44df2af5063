"""``keystore-cli show FILE --alias A [--json]``: one entry in full.

Every certificate of the entry's chain with every field and extension decoded, SHA-1 and
SHA-256 fingerprints and PEM (see :mod:`keystore_gui.core.certinfo`).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from ..core.certinfo import describe_entry
from ..core.errors import KeystoreError
from ..core.model import EntryKind
from .common import add_no_password_option, add_password_options, open_store, print_json


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "show",
        help="show one entry in full",
        description="Show one entry: kind, key, and each certificate of its chain with every "
        "field and extension decoded, fingerprints and PEM.",
    )
    parser.add_argument("file", metavar="FILE", help="keystore or certificate file")
    parser.add_argument("--alias", "-a", required=True, help="the entry to show")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_password_options(parser)
    add_no_password_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args, args.file)
    entry = store.get(args.alias)
    if entry.kind is EntryKind.SECRET_KEY and entry.is_locked and store.password is not None:
        # The algorithm of a sealed secret key is only known once it is decrypted; try the
        # store password (the usual case) and otherwise say it is unknown.
        with contextlib.suppress(KeystoreError):
            store.unlock(entry)
    info = describe_entry(entry)
    if args.json:
        print_json({"file": args.file, "type": store.store_type.value, "entry": info.to_json()})
    else:
        sys.stdout.write("\n".join(info.lines()) + "\n")
    return 0
