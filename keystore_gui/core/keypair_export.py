"""A key pair out of a keystore, as the files a TLS server or another keystore reads.

``pkcs12`` is one PKCS#12 file; ``pem`` one PEM with the key followed by the chain (HAProxy's
``crt``); ``pem-split`` the files nginx and Apache name separately: ``NAME.key``, ``NAME.crt``
(the leaf), ``NAME.chain.pem`` (its issuers, when it has any) and ``NAME.fullchain.pem``. The PEM
formats leave out a self-signed root, as servers send chains; PKCS#12 keeps the whole chain. Every
file holding a key is created readable by its owner only; nothing is written when any target
exists, unless replacing was asked for.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .chain import is_self_signed
from .errors import KeystoreError
from .io import write_output_file
from .keyfiles import pkcs12_bytes, private_key_pem, signing_key
from .model import Certificate, Entry
from .safefile import check_destination, is_keystore

SECRET_MODE = 0o600
PUBLIC_MODE = 0o644


class ExportFormat(StrEnum):
    PKCS12 = "pkcs12"
    PEM = "pem"
    PEM_SPLIT = "pem-split"


@dataclass(frozen=True)
class OutputFile:
    path: Path
    data: bytes
    secret: bool

    @property
    def mode(self) -> int:
        return SECRET_MODE if self.secret else PUBLIC_MODE


def split_names(out: str | os.PathLike[str]) -> dict[str, Path]:
    """The pem-split files for ``out`` (``www`` or ``www.key`` both give ``www.key``…)."""
    base = Path(out)
    if base.suffix.lower() in (".key", ".pem", ".crt"):
        base = base.with_suffix("")
    if base.name.endswith(".fullchain"):
        base = base.with_name(base.name.removesuffix(".fullchain"))
    return {
        part: base.with_name(f"{base.name}{suffix}")
        for part, suffix in (
            ("key", ".key"),
            ("cert", ".crt"),
            ("chain", ".chain.pem"),
            ("fullchain", ".fullchain.pem"),
        )
    }


def _pem(certs: Sequence[Certificate]) -> bytes:
    return "".join(c.pem for c in certs).encode("ascii")


def plan_export(
    entry: Entry,
    fmt: ExportFormat,
    out: str | os.PathLike[str],
    password: str | None,
    *,
    legacy: bool = False,
) -> list[OutputFile]:
    """The files exporting ``entry`` makes; ``password`` None leaves the key unencrypted (PEM)."""
    key = signing_key(entry.private_key, f"entry '{entry.alias}'")
    chain = entry.chain
    if not chain:
        raise KeystoreError(f"entry '{entry.alias}' has no certificate")
    if fmt is ExportFormat.PKCS12:
        if password is None:
            raise KeystoreError("a PKCS#12 file needs a password")
        data = pkcs12_bytes(entry.alias, key, chain, password, legacy=legacy)
        return [OutputFile(Path(out), data, secret=True)]
    if legacy:
        raise KeystoreError("legacy encryption applies to PKCS#12 only")
    key_pem = private_key_pem(key, password)
    served = served_chain(chain)
    if fmt is ExportFormat.PEM:
        return [OutputFile(Path(out), key_pem + _pem(served), secret=True)]
    names = split_names(out)
    files = [
        OutputFile(names["key"], key_pem, secret=True),
        OutputFile(names["cert"], _pem(served[:1]), secret=False),
    ]
    if len(served) > 1:
        files.append(OutputFile(names["chain"], _pem(served[1:]), secret=False))
    files.append(OutputFile(names["fullchain"], _pem(served), secret=False))
    return files


def served_chain(chain: Sequence[Certificate]) -> list[Certificate]:
    """What a TLS server sends: the chain without its self-signed root (clients hold their
    roots; sending one only costs bytes), unless the leaf is itself self-signed."""
    if len(chain) > 1 and is_self_signed(chain[-1]):
        return list(chain[:-1])
    return list(chain)


def write_files(
    files: Sequence[OutputFile],
    overwrite: bool = False,
    reading: Sequence[str | os.PathLike[str]] = (),
) -> None:
    """Write each file atomically with its mode (0600 for keys) once every target is checked
    (:func:`.safefile.check_destination`: ``reading`` are the files the export reads)."""
    for f in files:
        check_destination(
            f.path, overwrite=overwrite, reading=reading, keystore=is_keystore(f.data)
        )
    for f in files:
        write_output_file(f.path, f.data, f.mode, overwrite=overwrite, reading=reading)
