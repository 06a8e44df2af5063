"""Copy public certificates into a truststore, import them from files, export them.

The workflow: a server's identity keystore holds its private key and certificate; the parties that
talk to it need that *public* certificate (or its CA) in their truststore. This module computes a
:class:`CopyPlan` first — for each certificate, whether it will be added, is already present
(same SHA-256, under some alias: skipped, never duplicated), or meets a taken alias (renamed or
replaced, the caller chooses) — and then applies it. Applying only ever creates trusted-certificate
entries built from certificate DER bytes: no private key or secret key can reach the target.

Only trusted-certificate entries of the target count as "already present": Java's trust managers
take their anchors from trusted-certificate entries alone, so a certificate that only appears in a
private-key entry's chain is not trusted yet.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .chain import issuer_walk
from .errors import AliasError, KeystoreError
from .formats import detect
from .io import dump_keystore, load_keystore, write_output_file
from .model import Certificate, Entry, EntryKind, Keystore, StoreType
from .names import Suffixes
from .safefile import check_destination


class What(StrEnum):
    """Which certificates of an entry to copy."""

    CERT = "cert"
    """The entry's own certificate (the first of its chain)."""
    CA = "ca"
    """The certificates that issued it (the rest of its chain, or found among the sources)."""
    CHAIN = "chain"
    """Both: the whole chain."""


class Conflict(StrEnum):
    """What to do when the wanted alias is taken by a different certificate or entry."""

    RENAME = "rename"
    REPLACE = "replace"
    FAIL = "fail"


class Action(StrEnum):
    ADD = "add"
    PRESENT = "present"
    """Already in the target as a trusted certificate: skipped."""
    DUPLICATE = "duplicate"
    """Listed twice in this copy (say, a CA shared by two entries): copied once."""
    RENAME = "rename"
    REPLACE = "replace"
    BLOCKED = "blocked"
    """Cannot be done as asked (alias taken with ``fail``, an invalid alias…); see the note."""

    @property
    def writes(self) -> bool:
        return self in (Action.ADD, Action.RENAME, Action.REPLACE)


@dataclass(eq=False)
class Candidate:
    """One certificate offered for copying, with the alias wanted for it (editable)."""

    cert: Certificate
    alias: str
    origin: str
    """Where it comes from, for display: ``wso2carbon`` or ``issuer of wso2carbon``."""
    on_conflict: Conflict | None = None
    """This certificate's own choice; ``None`` follows the plan's default."""


@dataclass(frozen=True)
class Step:
    candidate: Candidate
    action: Action
    alias: str
    """The alias the certificate will have (add, rename, replace) or already has (present)."""
    note: str = ""
    """For rename/replace: the alias that was taken; for blocked: why."""
    alias_taken: bool = False
    """The wanted alias is held by another entry of the target (so rename/replace applies)."""

    @property
    def description(self) -> str:
        """One line for the preview: ``add as 'x'``, ``already present as 'y' (skipped)``…"""
        return self._say(done=False)

    @property
    def outcome(self) -> str:
        """The same, once the plan was applied: ``added as 'x'``…"""
        return self._say(done=True)

    def _say(self, done: bool) -> str:
        if self.action is Action.ADD:
            return f"{'added' if done else 'add'} as '{self.alias}'"
        if self.action is Action.PRESENT:
            return f"already present as '{self.alias}' (skipped)"
        if self.action is Action.DUPLICATE:
            return f"listed twice: copied once, as '{self.alias}'"
        if self.action is Action.RENAME:
            verb = "was taken: added" if done else "is taken: add"
            return f"alias '{self.note}' {verb} as '{self.alias}'"
        if self.action is Action.REPLACE:
            return f"{'replaced' if done else 'replace'} the certificate under '{self.alias}'"
        return self.note


@dataclass
class CopyPlan:
    steps: list[Step]

    @property
    def problems(self) -> list[str]:
        return [
            f"{s.candidate.cert.common_name()}: {s.note}"
            for s in self.steps
            if s.action is Action.BLOCKED
        ]

    @property
    def writes(self) -> list[Step]:
        return [s for s in self.steps if s.action.writes]

    def check(self) -> None:
        """Raise :class:`KeystoreError` if any step is blocked; nothing is written then."""
        problems = self.problems
        if problems:
            raise KeystoreError("; ".join(problems))


# --- aliases ---------------------------------------------------------------------------------


def sanitise_alias(text: str) -> str:
    """An alias from a name: lowercase, runs of other characters turned into one ``-``.

    Letters outside the Basic Multilingual Plane are dropped: Java writes aliases in "modified
    UTF-8", which pyjks cannot read or write for them.
    """
    text = unicodedata.normalize("NFC", text).lower()
    out = []
    for ch in text:
        if ord(ch) > 0xFFFF:
            out.append("-")
        elif ch.isalnum() or ch in "._@":
            out.append(ch)
        else:
            out.append("-")
    alias = re.sub(r"-{2,}", "-", "".join(out)).strip("-.")
    return alias or "certificate"


def alias_problem(alias: str) -> str | None:
    """Why ``alias`` cannot be used, or ``None``."""
    if not alias.strip():
        return "an alias cannot be empty"
    if alias != alias.strip():
        return f"alias '{alias}' starts or ends with a space"
    if any(ord(ch) > 0xFFFF for ch in alias):
        return f"alias '{alias}' has a character Java keystores cannot store"
    if any(unicodedata.category(ch) == "Cc" for ch in alias):
        return "an alias cannot contain control characters"
    return None


def target_alias(alias: str, store_type: StoreType) -> str:
    """The alias as the target stores it: JKS, JCEKS and PKCS#12 keep aliases lowercase (keytool
    cannot find a mixed-case alias in a JKS)."""
    return alias.lower() if store_type.case_insensitive_aliases else alias


# --- choosing certificates -------------------------------------------------------------------


def _issuer_chain(start: Certificate, pool: Sequence[Certificate]) -> list[Certificate]:
    """The issuers of ``start`` found in ``pool``, nearest first, up to a self-issued root.

    Only a verified signature links (``signed_by`` True); one that cannot be checked ends the chain.
    """
    return issuer_walk(start, pool, is_top=lambda c: c.is_self_issued)


def candidates_for(
    entries: Iterable[Entry],
    what: What = What.CERT,
    pool: Iterable[Certificate] = (),
) -> list[Candidate]:
    """The certificates to copy from ``entries``.

    An entry's own certificate keeps the entry's alias; an issuer gets its CN, sanitised. Issuers
    come from the entry's chain, completed from ``pool`` (the other certificates of the source
    stores) by signature. A self-signed certificate is its own CA. Raises :class:`KeystoreError`
    for a secret key (it has no certificate) or, for ``ca``, an entry whose issuer is nowhere.
    """
    pool_list = list(pool)
    out: list[Candidate] = []
    for entry in entries:
        if entry.kind is EntryKind.SECRET_KEY or not entry.chain:
            raise KeystoreError(f"entry '{entry.alias}' is a {entry.kind}: it has no certificate")
        own = entry.chain[0]
        issuers = list(entry.chain[1:])
        last = issuers[-1] if issuers else own
        issuers += _issuer_chain(last, [*pool_list, *entry.chain])
        if what in (What.CERT, What.CHAIN):
            out.append(Candidate(own, entry.alias, entry.alias))
        if what in (What.CA, What.CHAIN):
            if what is What.CA and not issuers:
                if own.is_self_issued:
                    out.append(Candidate(own, entry.alias, entry.alias))
                    continue
                raise KeystoreError(
                    f"entry '{entry.alias}': its issuer ({own.issuer}) is not in the source"
                )
            out.extend(
                Candidate(
                    cert,
                    sanitise_alias(cert.common_name()),
                    f"issuer of {entry.alias}",
                )
                for cert in issuers
            )
    return out


# --- planning --------------------------------------------------------------------------------


def plan_copy(
    candidates: Sequence[Candidate],
    target: Keystore,
    on_conflict: Conflict = Conflict.RENAME,
) -> CopyPlan:
    """Decide, per certificate, what copying ``candidates`` into ``target`` does.

    Pure: ``target`` is not changed. Aliases given to earlier certificates of the same copy count
    as taken. Call again after editing a candidate's alias or choice.
    """
    kind = target.store_type
    trusted: dict[str, str] = {}
    for entry in target.entries:
        if entry.kind is EntryKind.TRUSTED_CERT and entry.chain:
            trusted.setdefault(entry.chain[0].sha256, entry.alias)
    taken: dict[str, Entry] = {target_alias(e.alias, kind): e for e in target.entries}
    claimed: set[str] = set()
    planned: dict[str, str] = {}

    def free(alias: str) -> bool:
        folded = target_alias(alias, kind)
        return folded not in claimed and folded not in taken

    suffixes = Suffixes()

    def unique(wanted: str) -> str:
        return suffixes.free(wanted, lambda a: not free(a))

    steps: list[Step] = []
    for cand in candidates:
        sha = cand.cert.sha256
        if sha in trusted:
            steps.append(Step(cand, Action.PRESENT, trusted[sha]))
            continue
        if sha in planned:
            steps.append(Step(cand, Action.DUPLICATE, planned[sha]))
            continue
        alias = target_alias(cand.alias, kind)
        problem = alias_problem(alias)
        if problem is not None:
            steps.append(Step(cand, Action.BLOCKED, alias, problem))
            continue
        folded = target_alias(alias, kind)
        if free(alias):
            step = Step(cand, Action.ADD, alias)
        else:
            choice = cand.on_conflict or on_conflict
            holder = taken.get(folded)
            if folded in claimed:
                # taken by another certificate of this very copy: only a new alias makes sense
                if choice is Conflict.FAIL:
                    step = Step(cand, Action.BLOCKED, alias, f"alias '{alias}' is used twice")
                else:
                    step = Step(cand, Action.RENAME, unique(alias), alias)
            elif choice is Conflict.RENAME:
                step = Step(cand, Action.RENAME, unique(alias), alias, True)
            elif choice is Conflict.REPLACE and holder is not None:
                if holder.kind is not EntryKind.TRUSTED_CERT:
                    step = Step(
                        cand,
                        Action.BLOCKED,
                        alias,
                        f"alias '{holder.alias}' holds a {holder.kind} entry; "
                        "only a trusted certificate can be replaced",
                        True,
                    )
                else:
                    # the certificate it replaces is no longer "already present" for later ones
                    trusted = {k: v for k, v in trusted.items() if v != holder.alias}
                    step = Step(cand, Action.REPLACE, holder.alias, holder.alias, True)
            else:
                step = Step(
                    cand,
                    Action.BLOCKED,
                    alias,
                    f"alias '{alias}' is taken by another entry in the target",
                    True,
                )
        if step.action.writes:
            claimed.add(target_alias(step.alias, kind))
            planned[sha] = step.alias
        steps.append(step)
    return CopyPlan(steps)


def trusted_entry(alias: str, cert: Certificate, when: dt.datetime | None = None) -> Entry:
    """A new trusted-certificate entry holding a copy of ``cert`` and nothing else."""
    return Entry(
        alias=alias,
        kind=EntryKind.TRUSTED_CERT,
        chain=[Certificate(cert.der)],
        timestamp=when or dt.datetime.now(dt.UTC),
    )


def new_entries(plan: CopyPlan) -> list[Entry]:
    """The trusted entries ``plan`` adds (for a caller that adds them itself, e.g. undoably)."""
    plan.check()
    when = dt.datetime.now(dt.UTC)
    return [trusted_entry(step.alias, step.candidate.cert, when) for step in plan.writes]


def apply_plan(plan: CopyPlan, target: Keystore) -> list[Entry]:
    """Carry out ``plan`` on ``target`` and return the entries added. Raises before changing
    anything if a step is blocked; a replaced certificate's entry keeps its place."""
    entries = new_entries(plan)
    for step in plan.writes:
        if (
            step.action is Action.REPLACE
            and target.get(step.alias).kind is not EntryKind.TRUSTED_CERT
        ):
            raise AliasError(f"alias '{step.alias}' does not hold a trusted certificate")
    for step, entry in zip(plan.writes, entries, strict=True):
        if step.action is Action.REPLACE:
            old = target.get(step.alias)
            index = target.entries.index(old)
            target.entries.remove(old)
            target.add(entry, index)
        else:
            target.add(entry)
    return entries


def new_truststore(store_type: StoreType, password: str) -> Keystore:
    if store_type not in (StoreType.JKS, StoreType.PKCS12):
        raise KeystoreError(f"a new truststore is JKS or PKCS12, not {store_type}")
    return Keystore(store_type, [], password)


# --- certificate files -----------------------------------------------------------------------


def read_certificate_file(data: bytes, name: str | None = None) -> Keystore:
    """A PEM bundle, DER certificate or PKCS#7 file (DER or PEM), read by its codec."""
    kind = detect(data, name)
    if not kind.is_certificate_file:
        raise KeystoreError(
            f"this is a {kind} keystore, not a certificate file: copy its certificates with "
            "copy-certs, or open it and use Copy Certificates to Truststore"
        )
    return load_keystore(data, None, kind, name)


def read_certificates(data: bytes, name: str | None = None) -> list[Certificate]:
    """Every certificate of a certificate file, in file order."""
    return [c for e in read_certificate_file(data, name).entries for c in e.chain]


def candidates_from_file(data: bytes, origin: str) -> list[Candidate]:
    """Candidates for the certificates of a file or pasted text.

    A PEM bundle that names its certificates (OpenSSL's ``friendlyName`` lines, which this
    product's PEM export writes too) keeps those names; otherwise aliases come from the CN.
    """
    store = read_certificate_file(data, origin)
    named = b"friendlyName:" in data
    return [
        Candidate(
            cert,
            entry.alias if named else sanitise_alias(cert.common_name()),
            origin,
        )
        for entry in store.entries
        for cert in entry.chain
    ]


_EXPORT_TYPES = {"pem": StoreType.PEM, "der": StoreType.DER, "pkcs7": StoreType.PKCS7}


def export_certificates(certs: Sequence[tuple[str, Certificate]], fmt: str) -> bytes:
    """``pem`` (a bundle naming each certificate), ``der`` (exactly one) or ``pkcs7``.

    ``certs`` are (alias, certificate) pairs; the certificate file codec writes each
    certificate's original DER bytes.
    """
    if not certs:
        raise KeystoreError("no certificate to export")
    kind = _EXPORT_TYPES.get(fmt)
    if kind is None:
        raise KeystoreError(f"unknown certificate format '{fmt}' (choose pem, der or pkcs7)")
    if kind is StoreType.DER and len(certs) != 1:
        raise KeystoreError(
            f"a DER file holds one certificate, not {len(certs)}: choose PEM or PKCS#7"
        )
    store = Keystore(kind, [trusted_entry(alias, cert) for alias, cert in certs])
    return dump_keystore(store, kind, "")


def certificates_of(entries: Iterable[Entry], chain: bool = False) -> list[tuple[str, Certificate]]:
    """(alias, certificate) for export: each entry's own certificate under the entry's alias, or
    its whole chain (issuers named by their CN); no certificate twice."""
    seen: set[str] = set()
    out: list[tuple[str, Certificate]] = []
    for entry in entries:
        if not entry.chain:
            raise KeystoreError(f"entry '{entry.alias}' is a {entry.kind}: it has no certificate")
        for i, cert in enumerate(entry.chain if chain else entry.chain[:1]):
            if cert.sha256 not in seen:
                seen.add(cert.sha256)
                out.append((entry.alias if i == 0 else sanitise_alias(cert.common_name()), cert))
    return out


def export_selection(
    entries: Sequence[Entry],
    fmt: str,
    path: str | os.PathLike[str],
    chain: bool = False,
    *,
    overwrite: bool,
    reading: Sequence[str | os.PathLike[str]] = (),
) -> list[Path]:
    """Write the certificates of ``entries`` to ``path`` and return the files written.

    ``fmt`` is ``pem``, ``der``, ``pkcs7``, or ``pem-each``: one ``ALIAS.pem`` per certificate
    in the folder ``path`` (an issuer from a chain is named by its CN). ``overwrite`` and
    ``reading`` as for :func:`.io.write_output_file`; with ``pem-each`` every file is checked
    before any is written.
    """
    certs = certificates_of(entries, chain)
    if fmt != "pem-each":
        write_output_file(
            path, export_certificates(certs, fmt), overwrite=overwrite, reading=reading
        )
        return [Path(path)]
    folder = Path(path)
    if not folder.is_dir():
        raise KeystoreError(f"no such folder: {folder}")
    used: set[str] = set()
    suffixes = Suffixes()
    files: list[tuple[Path, tuple[str, Certificate]]] = []
    for alias, cert in certs:
        name = suffixes.free(sanitise_alias(alias), used.__contains__)
        used.add(name)
        files.append((folder / f"{name}.pem", (alias, cert)))
    for file, _ in files:
        check_destination(file, overwrite=overwrite, reading=reading, keystore=False)
    for file, pair in files:
        write_output_file(
            file, export_certificates([pair], "pem"), overwrite=overwrite, reading=reading
        )
    return [file for file, _ in files]
