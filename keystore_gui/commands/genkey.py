"""``keystore-cli genkey``: a new key pair with its certificate, in a new or existing store."""

from __future__ import annotations

import argparse

from ..core import certbuild as cb
from ..core.errors import AliasError
from ..core.io import save_keystore
from ..core.keygen import KEY_SPEC_HELP, KeySpec, parse_key_spec, signature_algorithm
from ..core.model import common_name
from ..core.rules import key_password_must_be_ascii
from .common import (
    CliError,
    add_key_password_options,
    add_password_options,
    key_password,
    locked,
    open_or_create_keystore,
    store_type_arg,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "genkey",
        help="generate a key pair and its certificate",
        description="Generate a key pair with a self-signed or CA-signed certificate and add it "
        "to STORE, creating STORE when it does not exist (its type from --type or the file "
        "extension). Nothing is written when any value is refused.",
    )
    parser.add_argument(
        "store", metavar="STORE", help="the keystore to add the key pair to (created if missing)"
    )
    parser.add_argument("--alias", required=True, help="alias of the new entry")
    parser.add_argument(
        "--key-type", default="rsa:3072", metavar="SPEC", help=f"{KEY_SPEC_HELP} (default rsa:3072)"
    )
    parser.add_argument(
        "--dname", required=True, help='subject, e.g. "CN=www.example.com, O=Example, C=LK"'
    )
    parser.add_argument("--days", type=int, help="validity in days from now (default 1 year)")
    parser.add_argument(
        "--san",
        action="append",
        default=[],
        metavar="NAME",
        help="subject alternative name dns:NAME, ip:ADDRESS, email:ADDRESS or uri:URI (repeatable)",
    )
    parser.add_argument(
        "--template",
        metavar="NAME",
        help=f"extensions template: {', '.join(cb.TEMPLATES)}; tls-server offers the CN as first DNS name",
    )
    parser.add_argument(
        "--path-length",
        type=int,
        metavar="N",
        help="with --template ca: how many CA levels may follow below this one",
    )
    parser.add_argument(
        "--issuer", metavar="ALIAS", help="sign with this CA entry of STORE (default self-signed)"
    )
    parser.add_argument(
        "--sig-alg",
        metavar="NAME",
        help="signature algorithm, e.g. SHA384withECDSA (default: matches the signing key)",
    )
    parser.add_argument(
        "--type",
        type=store_type_arg,
        metavar="TYPE",
        help="type of a new STORE: jks, jceks or pkcs12",
    )
    add_password_options(parser)
    add_key_password_options(parser)
    add_key_password_options(parser, "issuer-", "the issuer entry's")
    parser.set_defaults(run=run)


def parse_request(args: argparse.Namespace) -> tuple[KeySpec, cb.NewCertificate]:
    """Every value checked before any file is touched."""
    spec = parse_key_spec(args.key_type)
    subject = cb.parse_dn(args.dname)
    cn = common_name(subject)
    if args.template:
        choices = cb.template(args.template, spec.algorithm, cn)
    else:
        choices = cb.ExtensionChoices()
    for san in args.san:
        text = cb.format_general_name(cb.parse_general_name(san))
        if text not in choices.subject_alt_names:
            choices.subject_alt_names.append(text)
    if args.path_length is not None:
        if not choices.is_ca:
            raise CliError("--path-length needs --template ca")
        choices.basic_constraints = cb.BasicConstraintsChoice(ca=True, path_length=args.path_length)
    choices.check()
    if args.days is not None and args.days <= 0:
        raise CliError(f"--days must be at least 1, not {args.days}")
    validity = cb.Validity.from_period(args.days) if args.days else cb.Validity.default()
    sig = signature_algorithm(args.sig_alg) if args.sig_alg else None
    return spec, cb.NewCertificate(subject, validity, choices, sig)


def run(args: argparse.Namespace) -> int:
    spec, request = parse_request(args)
    alias = args.alias
    problem = cb.alias_problem(alias)
    if problem is not None:
        raise AliasError(problem)
    entry_password = key_password(args)
    with locked(args.store) as read:
        store, created = open_or_create_keystore(args, args.store, args.type)
        if store.find(alias) is not None:
            raise AliasError(f"alias '{alias}' is already in use in {args.store}")
        if entry_password is not None and not store.store_type.has_entry_passwords:
            raise CliError(f"{store.store_type} entries have no password of their own")
        ascii_only = key_password_must_be_ascii(store.store_type)
        if entry_password is not None and ascii_only and not entry_password.isascii():
            raise CliError("a JCEKS key password must be ASCII: Java cannot use any other")
        issuer = None
        if args.issuer:
            issuer_entry = store.get(args.issuer)
            if issuer_entry.is_locked:
                store.unlock(issuer_entry, key_password(args, "issuer-"))
            issuer = cb.Issuer.from_entry(issuer_entry)
        entry = cb.generate_key_entry(alias, spec, request, issuer, entry_password)
        store.add(entry)
        save_keystore(store, args.store, expect=read)
    cert = entry.chain[0]
    action = "created" if created else "updated"
    signer = f"signed by '{issuer.alias}'" if issuer is not None else "self-signed"
    print(
        f"{action} {args.store}: entry '{alias}', {spec.label}, {cert.subject}, {signer}, "
        f"valid until {cert.not_after:%Y-%m-%d}"
    )
    return 0
