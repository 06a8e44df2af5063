"""``keystore-cli csr``: a PKCS#10 request (PEM) for a private-key entry."""

from __future__ import annotations

import argparse
import sys

from ..core import certbuild as cb
from ..core.io import write_output_file
from ..core.keygen import signature_algorithm
from ..core.safefile import check_destination
from .common import (
    add_key_password_options,
    add_overwrite_option,
    add_password_options,
    key_password,
    open_store,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "csr",
        help="write a certificate signing request for a key entry",
        description="Write a PKCS#10 request (PEM) for the key of entry ALIAS, with the subject, "
        "subject alternative names and key usages of its certificate.",
    )
    parser.add_argument("store", metavar="STORE", help="the keystore holding the entry")
    parser.add_argument("--alias", required=True)
    parser.add_argument("--out", metavar="FILE", help="where to write the request (default stdout)")
    parser.add_argument(
        "--sig-alg", metavar="NAME", help="signature algorithm (default: matches the key)"
    )
    add_overwrite_option(parser)
    add_password_options(parser)
    add_key_password_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    sig = signature_algorithm(args.sig_alg) if args.sig_alg else None
    if args.out:
        check_destination(args.out, overwrite=args.overwrite, reading=[args.store], keystore=False)
    store = open_store(args, args.store)
    entry = store.get(args.alias)
    if entry.is_locked:
        store.unlock(entry, key_password(args))
    pem = cb.csr_for_entry(entry, sig)
    if args.out:
        write_output_file(args.out, pem, overwrite=args.overwrite, reading=[args.store])
    else:
        sys.stdout.write(pem.decode("ascii"))
    return 0
