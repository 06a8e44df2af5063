"""The keystore health report: what is wrong with a keystore before it breaks production.

Each :class:`Finding` has a severity, the entry it concerns (if any), what is wrong and what to do.
The checks look only at what the store holds and how it was opened; no network, no key use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, SignatureAlgorithmOID

from .chain import TrustSource, signed_by, verify_entry
from .model import Certificate, Entry, EntryKind, Keystore, StoreType
from .pacing import give_way
from .rules import DEFAULT_WARNING_DAYS as DEFAULT_WARNING_DAYS
from .rules import Severity as Severity

DEFAULT_PASSWORDS = ("changeit", "wso2carbon", "password", "")


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    """A stable identifier, e.g. ``expired`` or ``weak-key``, for scripts and tests."""
    message: str
    advice: str
    alias: str | None = None
    sha256: str | None = None
    """The certificate concerned, when the finding is about one certificate of a chain."""

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.label,
            "code": self.code,
            "alias": self.alias,
            "sha256": self.sha256,
            "message": self.message,
            "advice": self.advice,
        }


ChainCheck = Callable[[Entry], Sequence[str]]
"""Given a private-key entry, the reasons it does not chain to the given truststores (empty: ok)."""


def _cn(cert: Certificate) -> str:
    return cert.common_name()


def _is_leaf(entry: Entry, index: int) -> bool:
    """The certificate at ``index`` of ``entry.chain`` is a key pair's own certificate."""
    return entry.kind is EntryKind.PRIVATE_KEY and index == 0


def _where(entry: Entry, cert: Certificate, index: int) -> str:
    if entry.kind is EntryKind.PRIVATE_KEY and len(entry.chain) > 1:
        position = "certificate" if index == 0 else f"chain certificate '{_cn(cert)}'"
        return f"entry '{entry.alias}': {position}"
    return f"entry '{entry.alias}'"


def _validity(
    entry: Entry, cert: Certificate, index: int, now: dt.datetime, days: int
) -> Iterable[Finding]:
    where = _where(entry, cert, index)
    if cert.not_after < now:
        yield Finding(
            Severity.ERROR,
            "expired",
            f"{where} expired on {cert.not_after:%Y-%m-%d}",
            "renew the certificate, or remove it if it is no longer used",
            entry.alias,
            cert.sha256,
        )
    elif cert.not_after < now + dt.timedelta(days=days):
        left = (cert.not_after - now).days
        yield Finding(
            Severity.WARNING,
            "expiring",
            f"{where} expires in {left} day{'s' if left != 1 else ''} ({cert.not_after:%Y-%m-%d})",
            "renew it before it expires",
            entry.alias,
            cert.sha256,
        )
    if cert.not_before > now:
        yield Finding(
            Severity.WARNING,
            "not-yet-valid",
            f"{where} is not valid before {cert.not_before:%Y-%m-%d}",
            "check the clock of the machine that issued it, or wait until it becomes valid",
            entry.alias,
            cert.sha256,
        )


def _key_strength(entry: Entry, cert: Certificate, index: int) -> Iterable[Finding]:
    key = cert.public_key()
    weak: str | None = None
    if isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey) and key.key_size < 2048:
        weak = f"{cert.key_description} bits"
    elif isinstance(key, ec.EllipticCurvePublicKey) and key.curve.key_size < 256:
        weak = cert.key_description
    if weak:
        yield Finding(
            Severity.WARNING,
            "weak-key",
            f"{_where(entry, cert, index)} has a weak key ({weak})",
            "replace it with RSA 3072 or EC P-256 or stronger",
            entry.alias,
            cert.sha256,
        )


_WEAK_SIGNATURES = {
    SignatureAlgorithmOID.RSA_WITH_MD5: ("MD5", Severity.ERROR),
    SignatureAlgorithmOID.RSA_WITH_SHA1: ("SHA-1", Severity.WARNING),
    SignatureAlgorithmOID.ECDSA_WITH_SHA1: ("SHA-1", Severity.WARNING),
    SignatureAlgorithmOID.DSA_WITH_SHA1: ("SHA-1", Severity.WARNING),
}


def _signature_strength(entry: Entry, cert: Certificate, index: int) -> Iterable[Finding]:
    parsed = cert.x509
    if parsed is None or cert.is_self_issued:
        # A trust anchor's own signature is never checked by a relying party.
        return
    weak = _WEAK_SIGNATURES.get(parsed.signature_algorithm_oid)
    if weak:
        name, severity = weak
        yield Finding(
            severity,
            "weak-signature",
            f"{_where(entry, cert, index)} is signed with {name}",
            "have it re-issued with a SHA-256 (or stronger) signature",
            entry.alias,
            cert.sha256,
        )


def _extension(cert: Certificate, kind: type[x509.ExtensionType]) -> x509.ExtensionType | None:
    parsed = cert.x509
    if parsed is None:
        return None
    try:
        return parsed.extensions.get_extension_for_class(kind).value
    except (x509.ExtensionNotFound, ValueError):
        return None


def _usage(entry: Entry, cert: Certificate, index: int) -> Iterable[Finding]:
    constraints = _extension(cert, x509.BasicConstraints)
    is_ca = isinstance(constraints, x509.BasicConstraints) and constraints.ca
    if is_ca and _extension(cert, x509.KeyUsage) is None:
        yield Finding(
            Severity.WARNING,
            "ca-without-key-usage",
            f"{_where(entry, cert, index)} is a CA certificate without a key usage extension",
            "CA certificates should state keyCertSign and cRLSign (RFC 5280 4.2.1.3)",
            entry.alias,
            cert.sha256,
        )
    if _is_leaf(entry, index) and not is_ca:
        eku = _extension(cert, x509.ExtendedKeyUsage)
        server = isinstance(eku, x509.ExtendedKeyUsage) and ExtendedKeyUsageOID.SERVER_AUTH in eku
        if server and _extension(cert, x509.SubjectAlternativeName) is None:
            yield Finding(
                Severity.WARNING,
                "tls-server-without-san",
                f"{_where(entry, cert, index)} is a TLS server certificate without subject "
                "alternative names",
                "clients match host names against the SAN only: re-issue it with DNS names",
                entry.alias,
                cert.sha256,
            )


def _verified_or_unknown(child: Certificate, parent: Certificate) -> bool:
    """A signature that cannot be checked (an unsupported algorithm) is not called broken."""
    return signed_by(child, parent) is not False


def _chain_order(
    entry: Entry, chain: Sequence[Certificate], verify: Callable[[Certificate, Certificate], bool]
) -> Iterable[Finding]:
    for child, parent in pairwise(chain):
        if child.issuer_name != parent.subject_name:
            problem = f"'{_cn(parent)}' is not the issuer of '{_cn(child)}' (chain out of order?)"
        elif not verify(child, parent):
            problem = f"'{_cn(parent)}' did not sign '{_cn(child)}'"
        else:
            continue
        yield Finding(
            Severity.ERROR,
            "broken-chain",
            f"entry '{entry.alias}': {problem}",
            "import the CA reply again so the chain is ordered leaf first, each certificate "
            "signed by the next",
            entry.alias,
            child.sha256,
        )
        return


def check_store(
    store: Keystore,
    *,
    now: dt.datetime | None = None,
    warning_days: int = DEFAULT_WARNING_DAYS,
    opened_with_default_password: bool | None = None,
    chain_check: ChainCheck | None = None,
    verify_signature: Callable[[Certificate, Certificate], bool] | None = None,
) -> list[Finding]:
    """Every finding for ``store``, most severe first.

    ``opened_with_default_password`` defaults to checking ``store.password`` against
    :data:`DEFAULT_PASSWORDS`. ``chain_check`` is given only when truststores were given.
    ``verify_signature(child, parent)``: default :func:`chain.signed_by`.
    """
    now = now or dt.datetime.now(dt.UTC)
    findings: list[Finding] = []

    if opened_with_default_password is None:
        opened_with_default_password = (
            store.store_type.has_password and store.password in DEFAULT_PASSWORDS
        )
    if opened_with_default_password:
        shown = f"'{store.password}'" if store.password else "an empty password"
        findings.append(
            Finding(
                Severity.WARNING,
                "default-password",
                f"the store opened with a well-known default password ({shown})",
                "set a store password of your own (and the key passwords)",
            )
        )
    if store.store_type in (StoreType.JKS, StoreType.JCEKS):
        findings.append(
            Finding(
                Severity.INFO,
                "proprietary-format",
                f"{store.store_type} is a Java-only format",
                "PKCS#12 is the default keystore type since Java 9 and is read by OpenSSL too",
            )
        )

    seen: dict[str, list[str]] = defaultdict(list)
    by_folded: dict[str, list[str]] = defaultdict(list)
    for entry in store.entries:
        give_way()
        by_folded[entry.alias.lower()].append(entry.alias)
        if entry.certificate is not None:
            seen[entry.certificate.sha256].append(entry.alias)
        chain = [cert.for_one_pass() for cert in entry.chain]
        for index, cert in enumerate(chain):
            findings.extend(_validity(entry, cert, index, now, warning_days))
            findings.extend(_key_strength(entry, cert, index))
            findings.extend(_signature_strength(entry, cert, index))
            findings.extend(_usage(entry, cert, index))
        if entry.kind is EntryKind.PRIVATE_KEY:
            findings.extend(_chain_order(entry, chain, verify_signature or _verified_or_unknown))
            if chain_check is not None and entry.chain:
                for reason in chain_check(entry):
                    findings.append(
                        Finding(
                            Severity.ERROR,
                            "untrusted",
                            f"entry '{entry.alias}' does not chain to the truststores: {reason}",
                            "add the issuing CA certificates to the truststore, or import the "
                            "full chain into this entry",
                            entry.alias,
                        )
                    )

    for aliases in seen.values():
        if len(aliases) > 1:
            listed = ", ".join(f"'{a}'" for a in aliases)
            findings.append(
                Finding(
                    Severity.WARNING,
                    "duplicate-certificate",
                    f"the same certificate is stored under {len(aliases)} aliases: {listed}",
                    "keep one alias and remove the others",
                    aliases[0],
                )
            )
    for group in store.duplicate_aliases():
        if any(e.shadowed for e in group):
            findings.append(
                Finding(
                    Severity.ERROR,
                    "duplicate-alias",
                    f"{len(group)} entries share the alias '{group[0].alias}': Java uses only "
                    "the last one in the file",
                    "rename or delete all but one of them; the store cannot be saved until then",
                    group[0].alias,
                )
            )
    for aliases in by_folded.values():
        if len(aliases) > 1 and len(set(aliases)) > 1:
            listed = ", ".join(f"'{a}'" for a in aliases)
            findings.append(
                Finding(
                    Severity.WARNING,
                    "alias-case-clash",
                    f"aliases differ only by case: {listed}",
                    "Java treats JKS and PKCS#12 aliases case-insensitively: rename one",
                    aliases[0],
                )
            )

    findings.sort(key=lambda f: (-f.severity, f.alias or "", f.code))
    return findings


def truststore_check(sources: Sequence[TrustSource], store: Keystore) -> ChainCheck:
    """A :data:`ChainCheck` against ``sources``: does the entry reach one of their anchors?

    Only the anchoring is judged here; validity and weak keys have findings of their own.
    """

    def check(entry: Entry) -> list[str]:
        verdict = verify_entry(entry, sources, store=store, web_pki=False)
        if verdict.anchored:
            return []
        top = verdict.path[-1]
        return [top.problems[-1].text] if top.problems else ["no trust anchor"]

    return check


def worst(findings: Iterable[Finding]) -> Severity | None:
    return max((f.severity for f in findings), default=None)
