"""Certificate files and CA replies: read, ordered into a chain, checked against the key entry,
and written out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificatePublicKeyTypes,
)
from cryptography.hazmat.primitives.serialization import pkcs7

from ..chain import issuer_walk
from ..errors import KeystoreError
from ..model import Certificate, Entry, EntryKind
from .names import CertificateInputError


def read_certificates(data: bytes) -> list[Certificate]:
    """Every certificate in a PEM, DER or PKCS#7 (PEM or DER) file, in file order."""
    from ..formats import codec_for, detect

    try:
        kind = detect(data)
    except KeystoreError:
        raise CertificateInputError(
            "not a certificate file (PEM, DER or PKCS#7 expected)"
        ) from None
    if not kind.is_certificate_file:
        raise CertificateInputError(
            f"this is a {kind} keystore, not a certificate file (PEM, DER or PKCS#7 expected)"
        )
    store = codec_for(kind).load(data, None)
    return [cert for entry in store.entries for cert in entry.chain]


def public_key_der(key: CertificatePublicKeyTypes) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def order_chain(leaf: Certificate, pool: Iterable[Certificate]) -> list[Certificate]:
    """``leaf`` followed by its issuers from ``pool``, up to a self-signed root or a gap.

    An issuer links only on a verified signature (``chain.signed_by`` True), never by name alone.
    """
    return [leaf, *issuer_walk(leaf, pool)]


def import_ca_reply(
    entry: Entry, reply: Sequence[Certificate], anchors: Iterable[Certificate] = ()
) -> list[Certificate]:
    """The entry's new chain from a CA reply, leaf to root; refuses replies that don't fit.

    The reply must hold a certificate for the entry's public key; the others must form its chain.
    Issuers the reply lacks are taken from ``anchors`` (the store's other certificates).
    """
    if entry.kind is not EntryKind.PRIVATE_KEY or entry.certificate is None:
        raise CertificateInputError(f"entry '{entry.alias}' is not a private key entry")
    if not reply:
        raise CertificateInputError("the reply holds no certificate")
    own = public_key_der(entry.certificate.public_key())
    leaves = [c for c in reply if public_key_der(c.public_key()) == own]
    if not leaves:
        raise CertificateInputError(
            f"the reply has no certificate for the key of entry '{entry.alias}'"
        )
    leaf = leaves[0]
    if len(reply) == 1 and leaf == entry.certificate:
        raise CertificateInputError("the reply is the entry's own certificate")
    chain = order_chain(leaf, [*reply, *anchors])
    unused = [c for c in reply if c not in chain]
    if unused:
        raise CertificateInputError(
            f"the reply's certificate '{unused[0].subject}' is not part of the chain of "
            f"'{leaf.subject}'"
        )
    if not leaf.is_self_issued and len(chain) == 1:
        raise CertificateInputError(
            f"the issuer of the reply ('{leaf.issuer}') is neither in the reply nor in the store"
        )
    return chain


# --- writing ---------------------------------------------------------------------------------


def encode_chain(chain: Sequence[Certificate], name: str) -> bytes:
    """A chain as PKCS#7 for a ``.p7b``/``.p7c`` name, else as PEM (leaf first)."""
    if Path(name).suffix.lower() in (".p7b", ".p7c"):
        parsed = [c.x509 for c in chain]
        return pkcs7.serialize_certificates(
            [c for c in parsed if c is not None], serialization.Encoding.DER
        )
    return "".join(c.pem for c in chain).encode("ascii")
