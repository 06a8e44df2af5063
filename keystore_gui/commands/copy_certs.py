"""``keystore-cli copy-certs SRC DEST``: copy public certificates into a truststore."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from ..cli import (
    CliError,
    add_password_options,
    locked,
    new_store_password,
    open_store,
    print_json,
    store_type_arg,
)
from ..core.errors import KeystoreError
from ..core.formats import type_from_extension
from ..core.io import save_keystore
from ..core.model import Entry, Keystore, StoreType
from ..core.safefile import FileStamp, same_file
from ..core.truststore import (
    Conflict,
    CopyPlan,
    What,
    apply_plan,
    candidates_for,
    new_truststore,
    plan_copy,
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


def add_conflict_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument(
        "--on-conflict",
        choices=[c.value for c in Conflict],
        default=Conflict.RENAME.value,
        help=help,
    )


def selected_entries(store: Keystore, aliases: Sequence[str]) -> list[Entry]:
    if aliases:
        return [store.get(a) for a in aliases]
    return [e for e in store.entries if e.chain]


def open_or_create_target(
    args: argparse.Namespace, path: str, store_type: StoreType | None, prefix: str
) -> tuple[Keystore, bool]:
    """The target store (password from the ``prefix`` options) and whether it is new."""
    if os.path.exists(path):
        store = open_store(args, path, prefix, "the truststore")
        if store.store_type.is_certificate_file:
            raise CliError(f"{path} is a certificate file, not a truststore")
        if store_type is not None and store.store_type is not store_type:
            raise CliError(
                f"{path} is an existing {store.store_type} file; --dest-type {store_type} applies "
                "only to a new one (convert it with keystore-cli convert)"
            )
        return store, False
    kind = store_type or type_from_extension(path)
    if kind not in (StoreType.JKS, StoreType.PKCS12):
        raise CliError(f"{path} does not exist: give --dest-type jks or pkcs12 to create it")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise CliError(f"no such folder: {folder}")
    return new_truststore(kind, new_store_password(args, prefix, path)), True


def report(plan: CopyPlan, as_json: bool, dest: str, created: bool) -> None:
    if as_json:
        print_json(
            {
                "target": dest,
                "created": created,
                "certificates": [
                    {
                        "action": s.action.value,
                        "alias": s.alias,
                        "taken_alias": s.note or None,
                        "from": s.candidate.origin,
                        "subject": s.candidate.cert.subject,
                        "sha256": s.candidate.cert.sha256,
                    }
                    for s in plan.steps
                ],
            }
        )
        return
    for s in plan.steps:
        print(f"{s.candidate.origin}: {s.candidate.cert.subject}: {s.outcome}")
    added = len(plan.writes)
    if added:
        print(f"{'created' if created else 'updated'} {dest}: {added} certificate(s) written")
    else:
        print(f"{dest} unchanged: nothing to add")


def carry_out(
    plan: CopyPlan, target: Keystore, as_json: bool, dest: str, created: bool, read: FileStamp
) -> None:
    """Check ``plan``, write ``dest`` if it adds anything, and report what happened.

    ``read`` is what ``dest`` held when it was read: if another program changed it since,
    nothing is written."""
    plan.check()
    if plan.writes:
        apply_plan(plan, target)
        save_keystore(target, dest, expect=read)
    report(plan, as_json, dest, created)


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
