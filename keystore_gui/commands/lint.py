"""``keystore-cli lint``: the health report of a keystore."""

from __future__ import annotations

import argparse
import sys

from ..core.health import check_store, truststore_check
from ..core.rules import DEFAULT_WARNING_DAYS, Severity
from ..core.text import printable
from .common import (
    add_password_options,
    add_truststore_options,
    open_store,
    print_json,
    truststore_sources,
)

EXIT_CLEAN = 0
EXIT_FINDINGS = 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="report what is wrong with a keystore before it breaks production",
        description="Check every entry: expiry, weak keys and signatures, default passwords, "
        "broken chains, duplicates, missing SANs and key usages. Exit status: 0 when nothing is "
        "at warning level or above, 4 otherwise, 1 on errors.",
    )
    parser.add_argument("store", metavar="STORE", help="the keystore to check")
    add_password_options(parser)
    add_truststore_options(
        parser,
        "also report private-key entries that do not chain to this truststore (repeatable)",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=DEFAULT_WARNING_DAYS,
        metavar="N",
        help=f"warn about certificates expiring within N days (default {DEFAULT_WARNING_DAYS})",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args, args.store)
    chain_check = None
    if args.truststore:
        chain_check = truststore_check(truststore_sources(args), store)
    findings = check_store(store, warning_days=args.days, chain_check=chain_check)
    status = EXIT_FINDINGS if any(f.severity >= Severity.WARNING for f in findings) else EXIT_CLEAN
    if args.json:
        print_json(
            {
                "file": args.store,
                "type": str(store.store_type),
                "findings": [f.to_json() for f in findings],
            }
        )
        return status
    out = sys.stdout
    if not findings:
        out.write(f"{args.store}: no findings\n")
    for finding in findings:
        out.write(f"{finding.severity.label.upper():7}  {printable(finding.message)}\n")
        out.write(f"         → {printable(finding.advice)}\n")
    return status
