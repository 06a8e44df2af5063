"""Findings of one kind as one line: a truststore of 2,000 expiring certificates is one problem
to read about, not 2,000."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .health import Finding, Severity

_TITLES = {
    "expired": "{n} certificates have expired",
    "expiring": "{n} certificates expire within {days} days",
    "not-yet-valid": "{n} certificates are not valid yet",
    "weak-key": "{n} certificates have weak keys",
    "weak-signature": "{n} certificates are signed with MD5 or SHA-1",
    "ca-without-key-usage": "{n} CA certificates have no key usage",
    "tls-server-without-san": "{n} TLS server certificates have no subject alternative names",
    "broken-chain": "{n} chains are out of order or broken",
    "untrusted": "{n} key pairs do not chain to the truststores",
    "duplicate-certificate": "{n} certificates are stored under more than one alias",
    "alias-case-clash": "{n} sets of aliases differ only by case",
}


@dataclass(frozen=True)
class FindingGroup:
    """The findings of one code; a group of one is shown as the finding itself."""

    code: str
    severity: Severity
    title: str
    advice: str
    findings: tuple[Finding, ...]


def group_findings(findings: Iterable[Finding], *, warning_days: int) -> list[FindingGroup]:
    """One group per code and severity, worst first, in the order the codes first appear."""
    by_key: dict[tuple[Severity, str], list[Finding]] = {}
    for finding in findings:
        by_key.setdefault((finding.severity, finding.code), []).append(finding)
    groups = []
    for (severity, code), members in by_key.items():
        first = members[0]
        if len(members) == 1:
            title = first.message
        else:
            template = _TITLES.get(code, "{n} findings of kind " + code)
            title = template.format(n=f"{len(members):,}", days=warning_days)
        advices = {m.advice for m in members}
        advice = first.advice if len(advices) == 1 else "see each finding"
        groups.append(FindingGroup(code, severity, title, advice, tuple(members)))
    groups.sort(key=lambda g: -g.severity)  # stable: codes keep their order
    return groups


def concerns_entries(finding: Finding) -> bool:
    """Whether ``finding`` is about entries rather than how the store was opened or its format
    (those belong in the tab's banner, not on its badge)."""
    return finding.alias is not None
