"""``keystore-cli import-reply``: a CA's reply replaces a key entry's certificate chain."""

from __future__ import annotations

import argparse

from ..core import certbuild as cb
from ..core.io import read_bytes, save_keystore
from .common import add_password_options, locked, open_store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import-reply",
        help="install a CA reply (certificate or chain) on a key entry",
        description="Read the certificate or chain a CA returned for a request (PEM, DER or "
        "PKCS#7), check it is for the key of entry ALIAS, order it leaf to root (issuers the "
        "reply lacks are taken from STORE) and make it the entry's chain. STORE is saved "
        "atomically; nothing changes when the reply is refused.",
    )
    parser.add_argument("store", metavar="STORE", help="the keystore holding the entry")
    parser.add_argument("--alias", required=True)
    parser.add_argument("--in", dest="input", required=True, metavar="FILE", help="the CA reply")
    add_password_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reply = cb.read_certificates(read_bytes(args.input))
    with locked(args.store) as read:
        store = open_store(args, args.store)
        entry = store.get(args.alias)
        anchors = [cert for other, cert in store.certificates() if other is not entry]
        chain = cb.import_ca_reply(entry, reply, anchors)
        entry.chain = chain
        save_keystore(store, args.store, expect=read)
    names = " <- ".join(c.common_name() for c in chain)
    print(f"updated {args.store}: entry '{entry.alias}' now has a chain of {len(chain)}: {names}")
    return 0
