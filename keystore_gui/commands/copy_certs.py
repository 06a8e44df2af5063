"""``keystore-cli copy-certs SRC DEST``: copy public certificates into a truststore."""

from __future__ import annotations

import argparse

from ..core.errors import KeystoreError
from ..core.safefile import same_file
from ..core.truststore import (
    Conflict,
    What,
    candidates_for,
    plan_copy,
)
from .common import (
    CliError,
    add_conflict_option,
    add_password_options,
    carry_out,
    locked,
    open_or_create_target,
    open_store,
    selected_entries,
    store_type_arg,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "copy-certs",
        help="copy public certificates of a keystore into a truststore",
        description="Copy the certificates of SRC's entries (never their keys) into DEST as "
        "trusted entries. DEST is created when missing. A certificate already in DEST is "
        "skipped and the alias it is under reported. Nothing is written on any error.",
    )
    p.add_argument("src", metavar="SRC", help="keystore to copy from")
    p.add_argument("dest", metavar="DEST", help="truststore to copy into (created if missing)")
    p.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="A",
        help="entry of SRC to copy (repeatable; default: every entry with a certificate)",
    )
    p.add_argument(
        "--what",
        choices=[w.value for w in What],
        default=What.CERT.value,
        help="cert: the entry's own certificate; ca: its issuing CA(s); chain: both "
        "(default: cert)",
    )
    p.add_argument(
        "--dest-type",
        type=store_type_arg,
        metavar="jks|pkcs12",
        help="type of a new DEST (default: from its extension)",
    )
    add_conflict_option(
        p,
        "when an alias is taken by another certificate: add under a new alias (rename, "
        "the default), replace that trusted certificate, or fail",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_password_options(p, "", "source")
    add_password_options(p, "dest-", "destination")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if same_file(args.src, args.dest):
        raise CliError("SRC and DEST are the same file")
    source = open_store(args, args.src, "", "the source keystore")
    entries = selected_entries(source, args.alias)
    if not entries:
        raise KeystoreError(f"{args.src} has no entry with a certificate")
    with locked(args.dest) as read:
        target, created = open_or_create_target(args, args.dest, args.dest_type, "dest-")
        pool = [cert for _, cert in source.certificates()]
        plan = plan_copy(
            candidates_for(entries, What(args.what), pool), target, Conflict(args.on_conflict)
        )
        carry_out(plan, target, args.json, args.dest, created, read)
    return 0
