"""``keystore-cli export-certs STORE --out FILE``: write certificates as PEM, DER or PKCS#7."""

from __future__ import annotations

import argparse

from ..core.safefile import check_destination
from ..core.truststore import certificates_of, export_selection
from .common import add_overwrite_option, add_password_options, open_store, selected_entries


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export-certs",
        help="write the certificates of entries to a PEM, DER or PKCS#7 file",
        description="Write the certificates of STORE's entries (never their keys) to FILE.",
    )
    p.add_argument("store", metavar="STORE", help="keystore or certificate file to read")
    p.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="A",
        help="entry to export (repeatable; default: every entry with a certificate)",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="file to write")
    p.add_argument(
        "--format",
        choices=("pem", "der", "pkcs7"),
        default="pem",
        help="pem: one file with every certificate (default); der: exactly one certificate; "
        "pkcs7: a .p7b bundle",
    )
    p.add_argument("--chain", action="store_true", help="each entry's whole chain, not its own")
    add_overwrite_option(p)
    add_password_options(p, "", "")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_destination(args.out, overwrite=args.overwrite, reading=[args.store], keystore=False)
    store = open_store(args, args.store)
    entries = selected_entries(store, args.alias)
    count = len(certificates_of(entries, chain=args.chain))
    export_selection(
        entries,
        args.format,
        args.out,
        chain=args.chain,
        overwrite=args.overwrite,
        reading=[args.store],
    )
    print(f"wrote {count} certificate(s) to {args.out}")
    return 0
