"""``keystore-cli export-keypair``: a key pair out of a keystore, for a TLS server or another
keystore."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from ..core.errors import WrongPasswordError
from ..core.keypair_export import ExportFormat, plan_export, write_files
from .common import (
    CliError,
    add_key_password_options,
    add_password_options,
    open_store,
    password_from_args,
    unlock_entry,
)

_FORMAT_BY_SUFFIX = {
    ".p12": ExportFormat.PKCS12,
    ".pfx": ExportFormat.PKCS12,
    ".pem": ExportFormat.PEM,
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "export-keypair",
        help="write a key pair as PKCS#12, one PEM, or the key and chain files nginx reads",
        description="Write the key and certificate chain of entry ALIAS. pkcs12: AES-256 and "
        "PBKDF2 (--legacy: 3DES and SHA-1, for old Windows, macOS and Java importers); pem: "
        "the key (encrypted PKCS#8) followed by the chain, as HAProxy reads it; pem-split: "
        "NAME.key, NAME.crt, NAME.chain.pem and NAME.fullchain.pem for nginx "
        "(ssl_certificate NAME.fullchain.pem, ssl_certificate_key NAME.key) and Apache. "
        "The key is encrypted unless --no-encrypt; files holding a key are created mode 0600; "
        "existing files are replaced only with --overwrite.",
    )
    p.add_argument("store", metavar="STORE", help="the keystore holding the entry")
    p.add_argument("--alias", required=True)
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="the file to write (pem-split: the name the files start with, e.g. /etc/nginx/www)",
    )
    p.add_argument(
        "--format",
        choices=[f.value for f in ExportFormat],
        help="default: pkcs12 for .p12/.pfx, pem for .pem",
    )
    p.add_argument("--legacy", action="store_true", help="pkcs12 with 3DES and SHA-1")
    p.add_argument("--no-encrypt", action="store_true", help="write the key unencrypted (PEM)")
    p.add_argument("--overwrite", action="store_true", help="replace existing files")
    add_password_options(p)
    add_key_password_options(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--out-password-env", metavar="VAR", help="the exported key's password")
    out.add_argument("--out-password-file", metavar="PATH", help="the exported key's password")
    p.set_defaults(run=run)


def _format(args: argparse.Namespace) -> ExportFormat:
    if args.format:
        return ExportFormat(args.format)
    found = _FORMAT_BY_SUFFIX.get(Path(args.out).suffix.lower())
    if found is None:
        raise CliError(f"cannot tell the format from the name {args.out}: give --format")
    return found


def _out_password(args: argparse.Namespace, fmt: ExportFormat) -> str | None:
    given = args.out_password_env or args.out_password_file
    if args.no_encrypt:
        if fmt is ExportFormat.PKCS12:
            raise CliError("a PKCS#12 file always has a password: --no-encrypt is for pem formats")
        if given:
            raise CliError("--no-encrypt and an --out-password option contradict each other")
        return None
    password = password_from_args(args, "out-", "Password for the exported key: ")
    if password is None:
        plain = "" if fmt is ExportFormat.PKCS12 else ", or --no-encrypt"
        raise CliError(
            "the exported key needs a password: give --out-password-env VAR or "
            f"--out-password-file PATH{plain}, or run on a terminal"
        )
    if not given and getpass.getpass("Repeat the password: ") != password:
        raise WrongPasswordError("the two passwords differ")
    if not password:
        raise CliError("the exported key's password is empty (use --no-encrypt for a plain key)")
    return password


def run(args: argparse.Namespace) -> int:
    fmt = _format(args)
    if args.legacy and fmt is not ExportFormat.PKCS12:
        raise CliError("--legacy applies to --format pkcs12 only")
    store = open_store(args, args.store)
    entry = store.get(args.alias)
    unlock_entry(args, store, entry)
    entry.private_key  # noqa: B018 -- refuses a trusted certificate or secret key by name
    files = plan_export(entry, fmt, args.out, _out_password(args, fmt), legacy=args.legacy)
    write_files(files, overwrite=args.overwrite, reading=[args.store])
    for f in files:
        if f.secret:
            what = "key, mode 0600" if fmt is ExportFormat.PEM_SPLIT else "key and chain, mode 0600"
        else:
            what = f"{f.data.count(b'-----BEGIN CERTIFICATE-----')} certificate(s)"
        print(f"wrote {f.path} ({what})")
    return 0
