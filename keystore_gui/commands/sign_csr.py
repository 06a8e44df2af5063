"""``keystore-cli sign-csr``: a CA entry of a store signs a PKCS#10 request."""

from __future__ import annotations

import argparse

from ..core import certbuild as cb
from ..core.io import read_bytes, write_output_file
from ..core.keygen import signature_algorithm, spec_of_key
from ..core.model import common_name
from ..core.safefile import check_destination
from .common import (
    CliError,
    add_key_password_options,
    add_overwrite_option,
    add_password_options,
    key_password,
    open_store,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sign-csr",
        help="sign a certificate request with a CA entry",
        description="Sign the PKCS#10 request IN with the CA entry ISSUER of STORE and write the "
        "new certificate followed by the CA's chain to OUT (PEM, or PKCS#7 for .p7b). The "
        "request's extensions are kept unless --template replaces them. STORE is not changed.",
    )
    parser.add_argument("store", metavar="STORE", help="the keystore holding the CA entry")
    parser.add_argument(
        "--issuer", required=True, metavar="ALIAS", help="the CA entry to sign with"
    )
    parser.add_argument(
        "--in", dest="input", required=True, metavar="FILE", help="the request (PEM or DER)"
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write the chain")
    parser.add_argument("--days", type=int, help="validity in days from now (default 1 year)")
    parser.add_argument(
        "--template",
        metavar="NAME",
        help=f"replace the requested extensions: {', '.join(cb.TEMPLATES)}",
    )
    parser.add_argument(
        "--san",
        action="append",
        default=[],
        metavar="NAME",
        help="add a subject alternative name (repeatable)",
    )
    parser.add_argument(
        "--sig-alg", metavar="NAME", help="signature algorithm (default: matches the CA's key)"
    )
    add_overwrite_option(parser, "OUT")
    add_password_options(parser)
    add_key_password_options(parser, "issuer-", "the issuer entry's")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reading = [args.store, args.input]
    check_destination(args.out, overwrite=args.overwrite, reading=reading, keystore=False)
    csr = cb.load_csr(read_bytes(args.input))
    if args.template:
        key_algorithm = spec_of_key(csr.public_key()).algorithm
        choices = cb.template(args.template, key_algorithm, common_name(csr.subject))
    else:
        choices = cb.csr_choices(csr)
    for san in args.san:
        text = cb.format_general_name(cb.parse_general_name(san))
        if text not in choices.subject_alt_names:
            choices.subject_alt_names.append(text)
    choices.check()
    if args.days is not None and args.days <= 0:
        raise CliError(f"--days must be at least 1, not {args.days}")
    validity = cb.Validity.from_period(args.days) if args.days else cb.Validity.default()
    sig = signature_algorithm(args.sig_alg) if args.sig_alg else None
    store = open_store(args, args.store)
    entry = store.get(args.issuer)
    if entry.is_locked:
        store.unlock(entry, key_password(args, "issuer-"))
    chain = cb.sign_csr(csr, cb.Issuer.from_entry(entry), validity, choices, sig)
    write_output_file(
        args.out, cb.encode_chain(chain, args.out), overwrite=args.overwrite, reading=reading
    )
    cert = chain[0]
    print(
        f"wrote {args.out}: {cert.subject}, signed by '{entry.alias}', "
        f"valid until {cert.not_after:%Y-%m-%d}, chain of {len(chain)}"
    )
    return 0
