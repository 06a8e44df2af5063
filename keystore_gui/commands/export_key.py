"""``keystore-cli export-key --public``: the public key of an entry, as PEM, DER or OpenSSH."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.keyfiles import PUBLIC_KEY_FORMATS, public_key_bytes
from ..core.keypair_export import OutputFile, write_files
from .common import CliError, add_password_options, open_store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "export-key",
        help="write the public key of an entry (PEM, DER or OpenSSH)",
        description="Write the public key of entry ALIAS's certificate as SubjectPublicKeyInfo "
        "PEM or DER, or as an OpenSSH authorized_keys line. Private keys are written with "
        "their chain by export-keypair.",
    )
    p.add_argument("store", metavar="STORE", help="the keystore holding the entry")
    p.add_argument("--alias", required=True)
    p.add_argument("--public", action="store_true", required=True, help="the public key")
    p.add_argument("--format", choices=PUBLIC_KEY_FORMATS, default="pem")
    p.add_argument("--out", metavar="FILE", help="where to write (default stdout; not for der)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    add_password_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args, args.store)
    entry = store.get(args.alias)
    if entry.certificate is None:
        raise CliError(f"entry '{entry.alias}' has no certificate, so no public key")
    data = public_key_bytes(entry.certificate.public_key(), args.format)
    if args.out is None:
        if args.format == "der":
            raise CliError("DER is binary: give --out FILE")
        sys.stdout.write(data.decode("ascii"))
        return 0
    write_files(
        [OutputFile(Path(args.out), data, secret=False)],
        overwrite=args.overwrite,
        reading=[args.store],
    )
    print(f"wrote {args.out} ({entry.certificate.key_description} public key, {args.format})")
    return 0
