"""``keystore-cli list FILE [--json]``: every entry, one line each (or JSON).

Listing never decrypts a key: kinds, chains and key algorithms come from what the format keeps
in clear, so a store of 10,000 entries lists in well under a second.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from ..core.codecs.limits import MAX_LIST_REVEAL_ITERATIONS, CostedUnlock
from ..core.errors import KeystoreError
from ..core.model import NOT_TRUSTED_BY_JAVA, SHADOWED, Entry, EntryKind, Keystore
from ..core.quickview import summary as certificate_summary
from ..core.quickview import table_fields
from ..core.text import is_inert, printable
from .common import add_no_password_option, add_password_options, open_store, print_json


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "list",
        help="list the entries of a keystore or certificate file",
        description="List every entry: alias, kind, key and the leaf certificate's subject and "
        "expiry. --json gives each entry's whole chain, leaf first.",
    )
    parser.add_argument("file", metavar="FILE", help="keystore or certificate file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_password_options(parser)
    add_no_password_option(parser)
    parser.set_defaults(run=run)


def entry_json(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "alias": entry.alias,
        "kind": entry.kind.value,
        "chain": [certificate_summary(c) for c in entry.chain],
    }
    if entry.loose:
        out["loose"] = True
        out["note"] = NOT_TRUSTED_BY_JAVA
    if entry.shadowed:
        out["shadowed"] = True
        out["note"] = SHADOWED
    if entry.kind is EntryKind.SECRET_KEY:
        from ..core.certinfo import secret_key_info

        algorithm, size = secret_key_info(entry)
        out["algorithm"] = algorithm
        out["size"] = size
        if algorithm is None:
            out["note"] = (
                "stored encrypted: algorithm and size are known once the key is decrypted "
                "(keystore-cli show tries the store password)"
            )
        elif size is None:
            out["note"] = "stored encrypted: the size is known once the key is decrypted"
    if not entry.kind_known:
        out["note"] = (
            "sealed under a password of its own, which keeps what the key is: taken for a "
            f"{entry.kind.value} (as keytool does) until the key is opened"
        )
    return out


def store_json(store: Keystore, path: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "file": path,
        "type": store.store_type.value,
        "entries": [entry_json(e) for e in store.entries],
    }
    if store.unverified:
        out["unverified"] = True
    return out


def _kind(entry: Entry) -> str:
    if entry.shadowed:
        return f"{entry.kind.value} (unused: same alias below)"
    return "certificate (not trusted by Java)" if entry.loose else entry.kind.value


def _row(entry: Entry) -> tuple[str, str, str, str, str]:
    if entry.kind is EntryKind.SECRET_KEY:
        from ..core.certinfo import secret_key_info

        algorithm, size = secret_key_info(entry)
        key = "encrypted (algorithm unknown)" if algorithm is None else f"{algorithm} {size or ''}"
        return entry.alias, entry.kind.value, key.strip(), "", ""
    cert = entry.certificate
    if cert is None:
        return entry.alias, _kind(entry), entry.algorithm_description, "", ""
    subject, key, not_after = table_fields(cert)
    if len(entry.chain) > 1:
        subject += f"  (chain of {len(entry.chain)})"
    return entry.alias, _kind(entry), key, not_after[:10], subject


HEADERS = ("ALIAS", "KIND", "KEY", "EXPIRES", "SUBJECT")


def table(store: Keystore) -> str:
    """One line per entry; aliases and names are shown with control characters escaped, so
    that none can forge a line or reach the terminal."""
    rows: list[tuple[str, ...]] = [HEADERS, *(_row(e) for e in store.entries)]
    if not is_inert(" ".join(cell for row in rows for cell in row)):  # checked once, not per cell
        rows = [tuple(printable(cell) for cell in row) for row in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    fmt = "{:<%d}  {:<%d}  {:<%d}  {:<%d}  {}" % tuple(widths)  # noqa: UP031
    return "\n".join(fmt.format(*r).rstrip() for r in rows) + "\n"


def reveal_secret_keys(store: Keystore, budget: int = MAX_LIST_REVEAL_ITERATIONS) -> None:
    """JCEKS keeps a secret key's algorithm inside its encryption: decrypt secret keys with the
    store password so the listing can say "AES 256", as long as the key derivations this costs
    stay within ``budget`` iterations in all (the rest are listed as encrypted). Private keys
    are never decrypted to list."""
    for entry in store.entries:
        if entry.kind is not EntryKind.SECRET_KEY or not entry.is_locked:
            continue
        cost = entry.sealed.unlock_iterations() if isinstance(entry.sealed, CostedUnlock) else 0
        if not 0 < cost <= budget:
            continue
        budget -= cost
        with contextlib.suppress(KeystoreError):  # its own password: listed as unknown
            store.unlock(entry)


def run(args: argparse.Namespace) -> int:
    store = open_store(args, args.file)
    reveal_secret_keys(store)
    if args.json:
        print_json(store_json(store, args.file))
        return 0
    n = len(store.entries)
    sys.stdout.write(
        f"{printable(args.file)}: {store.store_type.value}, {n} entr{'y' if n == 1 else 'ies'}\n"
    )
    if n:
        sys.stdout.write("\n" + table(store))
    return 0
