"""Existing key pairs into a keystore: a key with its certificates, or entries of another store.

The certificate whose public key is the key's becomes the leaf; the other certificates given are
put in order leaf to root by signature (:func:`chain.find_issuer`) and the chain is completed from
the store. A certificate given that does not sign the one below it is refused by name, so a
wrong intermediate in a ``fullchain.pem`` never reaches the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from .chain import complete_chain, is_self_signed, issuer_of, subject_of
from .errors import AliasError, KeystoreError
from .keyfiles import SigningKey, signing_key
from .model import Certificate, Entry, EntryKind, Keystore


class KeyPairError(KeystoreError):
    """Key and certificates that do not make a key pair entry."""


class AliasTaken(AliasError):
    """The alias names an entry already, and replacing it was not asked for."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        super().__init__(f"alias '{alias}' is already in use: replace it explicitly")


def _spki(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_matches(key: PrivateKeyTypes, cert: Certificate) -> bool:
    """``cert`` is for ``key``: their public keys are the same."""
    try:
        return _spki(cert.public_key()) == _spki(key.public_key())
    except KeystoreError:
        return False


def find_leaf(key: PrivateKeyTypes, certificates: Sequence[Certificate]) -> Certificate:
    """The certificate for ``key``; refuses when none of ``certificates`` is."""
    if not certificates:
        raise KeyPairError("no certificate for the key: give the certificate file too")
    for cert in certificates:
        if key_matches(key, cert):
            return cert
    if len(certificates) == 1:
        raise KeyPairError(
            f"the key does not belong to this certificate ('{certificates[0].subject}')"
        )
    raise KeyPairError(f"the key does not belong to any of the {len(certificates)} certificates")


def order_chain(
    leaf: Certificate, given: Iterable[Certificate], store_certs: Iterable[Certificate] = ()
) -> list[Certificate]:
    """``leaf`` and its issuers, leaf to root: every one of ``given`` must take its place.

    Issuers ``given`` lacks are taken from ``store_certs`` (an entry being replaced included: its
    CA certificates stay useful for the new chain). A given certificate left over did not
    sign the one below it: refused, naming both.
    """
    pool = [c for c in dict.fromkeys(given) if c != leaf]
    chain = [leaf, *complete_chain([leaf], pool)]
    unused = [c for c in pool if c not in chain]
    if unused:
        top, stray = chain[-1], unused[0]
        if is_self_signed(top):
            raise KeyPairError(
                f"the chain does not link: '{stray.common_name()}' is not part of the chain of "
                f"'{leaf.common_name()}', which ends at the root '{top.common_name()}'"
            )
        why = (
            "its signature does not verify"
            if subject_of(stray) == issuer_of(top)
            else f"whose issuer is '{top.common_name('issuer')}'"
        )
        raise KeyPairError(
            f"the chain does not link: '{stray.common_name()}' does not sign "
            f"'{top.common_name()}', {why}"
        )
    return chain + complete_chain(chain, store_certs)


@dataclass
class KeyPair:
    """An entry to be added (or to replace ``replaces``)."""

    alias: str
    key: SigningKey
    chain: list[Certificate]
    replaces: Entry | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """The chain reaches a self-signed root."""
        return is_self_signed(self.chain[-1])

    def entry(self) -> Entry:
        return Entry(
            alias=self.alias,
            kind=EntryKind.PRIVATE_KEY,
            chain=list(self.chain),
            key=self.key,
            timestamp=dt.datetime.now(dt.UTC),
        )


def _chain_note(chain: list[Certificate]) -> list[str]:
    top = chain[-1]
    if is_self_signed(top):
        return []
    return [
        f"the chain ends at '{top.common_name()}': its issuer '{top.common_name('issuer')}' "
        "was not given"
    ]


def check_alias(store: Keystore, alias: str, replace: bool) -> Entry | None:
    """The entry ``alias`` replaces (with ``replace``), or ``None`` when the alias is free."""
    existing = store.find(alias)
    if existing is None:
        return None
    if not replace:
        raise AliasTaken(existing.alias)
    if existing.kind is not EntryKind.PRIVATE_KEY:
        raise AliasError(
            f"entry '{existing.alias}' is a {existing.kind}, not a key pair: only a key pair "
            "can be replaced by one"
        )
    return existing


def plan_key_pair(
    store: Keystore,
    alias: str,
    key: SigningKey,
    certificates: Sequence[Certificate],
    *,
    replace: bool = False,
) -> KeyPair:
    """The entry ``key`` and ``certificates`` make under ``alias`` in ``store``; nothing changes."""
    if not alias.strip():
        raise AliasError("an alias is needed")
    leaf = find_leaf(key, certificates)
    replaces = check_alias(store, alias, replace)
    store_certs = [c for _, c in store.certificates()]
    chain = order_chain(leaf, certificates, store_certs)
    return KeyPair(alias, key, chain, replaces, _chain_note(chain))


def plan_from_store(
    store: Keystore,
    source: Keystore,
    from_aliases: Sequence[str] = (),
    *,
    alias: str | None = None,
    replace: bool = False,
) -> list[KeyPair]:
    """The key pairs of ``source`` (all, or those named) as entries of ``store``.

    Keys must be unlocked already. ``alias`` renames a single key pair.
    """
    if from_aliases:
        entries = [source.get(name) for name in from_aliases]
    else:
        entries = [e for e in source.entries if e.kind is EntryKind.PRIVATE_KEY]
    for entry in entries:
        if entry.kind is not EntryKind.PRIVATE_KEY:
            raise KeyPairError(f"entry '{entry.alias}' is a {entry.kind}, not a key pair")
    if not entries:
        raise KeyPairError("the source store holds no key pair")
    if alias is not None and len(entries) != 1:
        raise KeyPairError(f"one alias cannot name {len(entries)} key pairs: pick one to rename")
    plans: list[KeyPair] = []
    taken: set[str] = set()
    for entry in entries:
        name = alias if alias is not None else entry.alias
        if name.lower() in taken:
            raise AliasError(f"two key pairs would be named '{name}'")
        taken.add(name.lower())
        plans.append(
            plan_key_pair(
                store,
                name,
                signing_key(entry.private_key, f"entry '{entry.alias}'"),
                entry.chain,
                replace=replace,
            )
        )
    return plans


def apply(store: Keystore, plans: Sequence[KeyPair]) -> list[Entry]:
    """Add (or swap in) every planned key pair; a replaced entry keeps its place."""
    added = []
    for plan in plans:
        entry = plan.entry()
        if plan.replaces is not None:
            index = store.entries.index(plan.replaces)
            store.entries[index] = entry
        else:
            store.add(entry)
        added.append(entry)
    return added
