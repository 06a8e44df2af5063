"""``keystore-cli verify``: does an entry chain to a trusted root, and if not, why not."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from ..core.chain import Purpose, Severity, TrustSource, Verdict, verify_entry
from ..core.errors import KeystoreError
from .common import (
    add_ca_bundle_options,
    add_intermediates_options,
    add_password_options,
    add_truststore_options,
    ca_bundle_sources,
    intermediates_sources,
    open_store,
    print_json,
    truststore_sources,
)

EXIT_TRUSTED = 0
EXIT_NOT_TRUSTED = 3

_MARKS = {Severity.OK: "ok", Severity.WARNING: "warn", Severity.ERROR: "FAIL"}


def when_arg(value: str) -> dt.datetime:
    """An ISO date or date-time; UTC unless it says otherwise."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check that an entry's certificate chains to a trusted root",
        description="Build the certificate path of an entry up to a trust anchor by verifying "
        "signatures, check every link, and say why it is not trusted. Exit status: 0 trusted, "
        "3 not trusted, 1 on errors.",
    )
    parser.add_argument("store", metavar="STORE", help="the keystore holding the entry")
    parser.add_argument("--alias", required=True, help="the entry to check")
    add_password_options(parser)
    add_truststore_options(
        parser, "a truststore or certificate file whose certificates are trusted (repeatable)"
    )
    add_intermediates_options(
        parser,
        "certificates that may complete a path but are not trusted, like "
        "openssl verify -untrusted (repeatable)",
    )
    add_ca_bundle_options(parser)
    parser.add_argument(
        "--at",
        type=when_arg,
        metavar="DATE",
        help="judge validity at DATE (YYYY-MM-DD or ISO date-time, UTC by default); default now",
    )
    parser.add_argument(
        "--purpose",
        choices=[p.value for p in Purpose],
        default=Purpose.ANY.value,
        help="what the entry's certificate is for (default: any)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def _sources(args: argparse.Namespace) -> list[TrustSource]:
    return [*truststore_sources(args), *intermediates_sources(args), *ca_bundle_sources(args)]


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    result: dict[str, Any] = {
        "trusted": verdict.trusted,
        "path": [
            {
                "subject": link.certificate.subject,
                "issuer": link.certificate.issuer,
                "sha256": link.certificate.sha256,
                "source": link.source,
                "anchor": link.anchor,
                "problems": [p.text for p in link.problems if p.severity is Severity.ERROR],
                "warnings": [p.text for p in link.problems if p.severity is Severity.WARNING],
            }
            for link in verdict.path
        ],
        "problems": verdict.problems,
        "warnings": verdict.warnings,
        "at": verdict.at.isoformat(),
        "purpose": str(verdict.purpose),
    }
    if verdict.web_pki is not None:
        result["web_pki"] = {"ok": verdict.web_pki.ok, "message": verdict.web_pki.message}
    return result


def print_verdict(verdict: Verdict) -> None:
    out = sys.stdout
    out.write("Path, leaf first:\n")
    for depth, link in enumerate(verdict.path):
        out.write(f"  {depth}  [{_MARKS[link.severity]}] {link.certificate.subject}\n")
        out.write(f"        from {link.source}\n")
        if link.reason:
            out.write(f"        {link.reason}\n")
    out.write(f"\n{'TRUSTED' if verdict.trusted else 'NOT TRUSTED'}")
    out.write(f" at {verdict.at:%Y-%m-%d %H:%M} UTC for purpose {verdict.purpose}\n")
    for problem in verdict.problems:
        out.write(f"  - {problem}\n")
    for warning in verdict.warnings:
        out.write(f"  warning: {warning}\n")
    if verdict.web_pki is not None:
        out.write(f"Web PKI: {verdict.web_pki.message}\n")


def run(args: argparse.Namespace) -> int:
    store = open_store(args, args.store)
    entry = store.get(args.alias)
    if entry.certificate is None:
        raise KeystoreError(f"entry '{entry.alias}' is a {entry.kind} and holds no certificate")
    verdict = verify_entry(
        entry, _sources(args), store=store, at=args.at, purpose=Purpose(args.purpose)
    )
    if args.json:
        print_json(verdict_json(verdict))
    else:
        print_verdict(verdict)
    return EXIT_TRUSTED if verdict.trusted else EXIT_NOT_TRUSTED
