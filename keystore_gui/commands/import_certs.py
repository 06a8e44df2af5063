"""``keystore-cli import-certs STORE FILE...``: add certificates from files as trusted entries."""

from __future__ import annotations

import argparse

from ..core.errors import KeystoreError
from ..core.io import read_bytes
from ..core.truststore import (
    Candidate,
    Conflict,
    candidates_from_file,
    plan_copy,
)
from .common import (
    CliError,
    add_conflict_option,
    add_password_options,
    carry_out,
    locked,
    open_or_create_target,
    store_type_arg,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import-certs",
        help="add the certificates of PEM, DER or PKCS#7 files to a truststore",
        description="Add every certificate of the FILEs (PEM bundles, DER, PKCS#7) to STORE as "
        "trusted entries, aliased by their CN. A certificate already in STORE is skipped. STORE "
        "is created when missing. Nothing is written on any error.",
    )
    p.add_argument("store", metavar="STORE", help="truststore to add to (created if missing)")
    p.add_argument("files", metavar="FILE", nargs="+", help="certificate file")
    p.add_argument("--alias", metavar="A", help="alias, when the files hold one certificate")
    p.add_argument(
        "--store-type",
        type=store_type_arg,
        metavar="jks|pkcs12",
        help="type of a new STORE (default: from its extension)",
    )
    add_conflict_option(
        p, "when an alias is taken by another certificate: rename (default), replace or fail"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_password_options(p, "", "truststore")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    candidates: list[Candidate] = []
    for name in args.files:
        try:
            candidates += candidates_from_file(read_bytes(name), name)
        except KeystoreError as exc:
            raise KeystoreError(f"{name}: {exc}") from None
    if args.alias is not None:
        if len(candidates) != 1:
            raise CliError(
                f"--alias needs exactly one certificate; the files hold {len(candidates)}"
            )
        candidates[0].alias = args.alias
    with locked(args.store) as read:
        target, created = open_or_create_target(args, args.store, args.store_type, "")
        plan = plan_copy(candidates, target, Conflict(args.on_conflict))
        carry_out(plan, target, args.json, args.store, created, read)
    return 0
