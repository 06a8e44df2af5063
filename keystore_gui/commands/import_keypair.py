"""``keystore-cli import-keypair``: an existing key and its certificates into a keystore."""

from __future__ import annotations

import argparse

from ..core import certbuild as cb
from ..core import keypair_import as ki
from ..core.errors import AliasError
from ..core.io import read_bytes, save_keystore
from ..core.keyfiles import SigningKey, read_key_file
from ..core.model import Certificate, EntryKind, Keystore
from .common import (
    CliError,
    add_key_password_options,
    add_password_options,
    locked,
    open_or_create_keystore,
    open_store,
    password_from_args,
    store_type_arg,
    unlock_entry,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "import-keypair",
        help="import a private key with its certificate chain, or the key pairs of another store",
        description="Add a key pair made elsewhere to STORE (created when missing, its type from "
        "--type or the extension). The key may be PEM or DER: PKCS#8 (also encrypted), PKCS#1 "
        "RSA, SEC1 EC, DSA, Ed25519 or Ed448, OpenSSL's encrypted traditional PEM, or one PEM "
        "with the key and its chain. The certificate for the key becomes the leaf; the others "
        "are put in order by signature and completed from STORE. Or copy the key pairs of "
        "another PKCS#12, JKS or JCEKS file with --from-pkcs12. Nothing is written when "
        "anything is refused.",
    )
    p.add_argument("store", metavar="STORE", help="the keystore to add to (created if missing)")
    p.add_argument(
        "--alias", help="alias of the new entry (with --from-pkcs12: renames one key pair)"
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--key", metavar="KEYFILE", help="the private key file")
    source.add_argument(
        "--from-pkcs12", metavar="FILE", help="copy the key pairs of this PKCS#12, JKS or JCEKS"
    )
    p.add_argument(
        "--cert",
        action="append",
        default=[],
        metavar="CERTFILE",
        help="the certificate for the key, or a file with it and its chain (PEM, DER, PKCS#7; "
        "repeatable; not needed when KEYFILE holds it)",
    )
    p.add_argument(
        "--chain",
        action="append",
        default=[],
        metavar="FILE",
        help="more CA certificates of the chain (repeatable)",
    )
    p.add_argument(
        "--from-alias",
        action="append",
        default=[],
        metavar="A",
        help="with --from-pkcs12: the entry to copy (repeatable; default every key pair)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the key pair already under the alias (the certificate and key it held "
        "are gone after the save)",
    )
    p.add_argument("--type", type=store_type_arg, metavar="TYPE", help="type of a new STORE")
    add_password_options(p)
    add_key_password_options(p, "key-", "KEYFILE's")
    add_password_options(p, "from-", "--from-pkcs12")
    add_key_password_options(p, "from-key-", "the --from-pkcs12 entries'")
    p.set_defaults(run=run)


def _key(args: argparse.Namespace) -> tuple[SigningKey, list[Certificate]]:
    key_file = read_key_file(read_bytes(args.key), args.key)
    password = None
    if key_file.encrypted:
        password = password_from_args(args, "key-", f"Password for the key in {args.key}: ")
        if password is None:
            raise CliError(
                f"the key in {args.key} is encrypted: give --key-password-env VAR or "
                "--key-password-file PATH, or run on a terminal"
            )
    key = key_file.key(password)
    certs = list(key_file.certificates)
    for path in [*args.cert, *args.chain]:
        certs += cb.read_certificates(read_bytes(path))
    return key, certs


def _source(args: argparse.Namespace) -> Keystore:
    source = open_store(args, args.from_pkcs12, "from-", args.from_pkcs12)
    if source.store_type.is_certificate_file:
        raise CliError(f"{args.from_pkcs12} is a certificate file: it holds no key")
    names = args.from_alias or [e.alias for e in source if e.kind is EntryKind.PRIVATE_KEY]
    for name in names:
        unlock_entry(args, source, source.get(name), "from-key-")
    return source


def run(args: argparse.Namespace) -> int:
    if args.from_pkcs12 is None:
        if args.alias is None:
            raise CliError("--alias is needed with --key")
        if args.from_alias:
            raise CliError("--from-alias goes with --from-pkcs12")
        key, certs = _key(args)
    else:
        if args.cert or args.chain:
            raise CliError("--cert and --chain go with --key; --from-pkcs12 brings its chains")
        source = _source(args)
    problem = cb.alias_problem(args.alias) if args.alias is not None else None
    if problem is not None:
        raise AliasError(problem)
    with locked(args.store) as read:
        store, created = open_or_create_keystore(args, args.store, args.type)
        try:
            if args.from_pkcs12 is None:
                plans = [ki.plan_key_pair(store, args.alias, key, certs, replace=args.replace)]
            else:
                plans = ki.plan_from_store(
                    store, source, args.from_alias, alias=args.alias, replace=args.replace
                )
        except ki.AliasTaken as exc:
            raise AliasError(
                f"alias '{exc.alias}' is already in use in {args.store}: give --replace to swap in "
                "the new key pair"
            ) from None
        ki.apply(store, plans)
        save_keystore(store, args.store, expect=read)
    for plan in plans:
        names = " <- ".join(c.common_name() for c in plan.chain)
        what = "replaced" if plan.replaces is not None else "added"
        print(
            f"{what} '{plan.alias}': {plan.chain[0].key_description}, "
            f"chain of {len(plan.chain)}: {names}"
        )
        for note in plan.notes:
            print(f"  note: {note}")
    print(f"{'created' if created else 'updated'} {args.store}")
    return 0
