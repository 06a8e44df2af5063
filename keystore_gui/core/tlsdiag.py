"""Why would a Java client refuse this TLS server, and what is the smallest truststore fix?

The certificates a server sent (:class:`.tls.Handshake`) are judged as Java's default trust
manager judges them: the path is built with :mod:`.chain` from the sent certificates up to a
trust anchor of the chosen truststores, and only the certificates the server *sent* may stand
between its own certificate and an anchor — Java does not fetch a missing intermediate (AIA
fetching is off by default), so an intermediate found in a file or an open tab helps explain the
failure but never makes the server trusted. Hostname rules follow Java's ``HostnameChecker``:
subjectAltName DNS names and IP addresses, a wildcard only as the leftmost label, the subject CN
only when the certificate has no DNS name at all, never for an IP address.

Each cause is one :class:`Finding` with a code, a sentence and advice; :class:`Fix` is the
smallest truststore change that makes the chain trusted, when one exists.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from .chain import (
    Link,
    Purpose,
    Severity,
    TrustSource,
    Verdict,
    display_name,
    is_self_signed,
    parsed,
    signed_by,
    verify_certificate,
)
from .model import Certificate, attribute_text
from .tls import Handshake
from .truststore import export_certificates, sanitise_alias

SENT = "the server"
"""How a certificate the server sent is credited ("from the server")."""


class Code(StrEnum):
    UNTRUSTED_ROOT = "untrusted-root"
    SELF_SIGNED = "self-signed"
    MISSING_INTERMEDIATE = "missing-intermediate"
    HOSTNAME_MISMATCH = "hostname-mismatch"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    WRONG_PURPOSE = "wrong-purpose"
    WEAK_SIGNATURE = "weak-signature"
    CHAIN_ORDER = "chain-order"
    INVALID_CHAIN = "invalid-chain"
    """Any other broken link: an issuer that is not a CA, a signature that does not verify…"""


@dataclass(frozen=True)
class Finding:
    code: Code
    severity: Severity
    message: str
    advice: str
    certificate: Certificate | None = None
    """The certificate the finding is about (for a missing intermediate: the one it issued)."""


class What(StrEnum):
    """What ``trust`` adds to the truststore."""

    SUGGESTED = "suggested"
    """The fix plan."""
    ROOT = "root"
    """The top of the path: the root, or the topmost CA certificate when the root is nowhere."""
    SERVER = "server"
    """The server's own certificate (pinning it)."""
    CHAIN = "chain"
    """Every certificate of the path below what is already trusted, intermediates found in
    files or tabs included."""


@dataclass(frozen=True)
class Fix:
    add: tuple[Certificate, ...]
    reason: str
    server_must_change: bool = False
    """Only the server can fix this (it must send its intermediate, or get a new certificate)."""
    workaround: tuple[Certificate, ...] = ()
    """Intermediates the server should send, found in a file or tab: trusting them instead is
    an explicit choice, never the suggestion."""


@dataclass
class HostnameCheck:
    name: str
    """The name a client connects with: the SNI name, else the host."""
    ok: bool
    covered: list[str]
    """The names the certificate covers, as Java reads them."""
    by_common_name: bool = False
    """The names come from the subject CN (the certificate has no DNS name)."""


@dataclass
class Diagnosis:
    handshake: Handshake
    verdict: Verdict
    hostname: HostnameCheck
    findings: list[Finding]
    fix: Fix
    sent_order: dict[str, int] = field(default_factory=dict)
    """SHA-256 of each sent certificate → its position in what the server sent."""

    @property
    def path(self) -> list[Link]:
        return self.verdict.path

    @property
    def trusted(self) -> bool:
        """The chain is trusted as Java would find it: built from sent certificates only."""
        return self.verdict.trusted and not any(
            not link.anchor and link.certificate.sha256 not in self.sent_order for link in self.path
        )

    @property
    def accepted(self) -> bool:
        """A Java HTTPS client would connect: trusted, and no error at all (hostname included)."""
        return self.trusted and not any(f.severity is Severity.ERROR for f in self.findings)

    def was_sent(self, cert: Certificate) -> bool:
        return cert.sha256 in self.sent_order

    def to_add(self, what: What) -> list[Certificate]:
        """The certificates ``trust --what`` adds (none already a trust anchor on the path)."""
        if what is What.SUGGESTED:
            return list(self.fix.add)
        leaf = self.handshake.sent[0]
        if what is What.SERVER:
            return [] if self.path and self.path[0].anchor else [leaf]
        links = [link for link in self.path if not link.anchor]
        if what is What.ROOT:
            return [links[-1].certificate] if links and not self.verdict.anchored else []
        return [link.certificate for link in links]


# --- hostname -----------------------------------------------------------------------------------


def _extension(cert: x509.Certificate, kind: type[x509.ExtensionType]) -> x509.ExtensionType | None:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except (x509.ExtensionNotFound, ValueError):
        return None


def _ascii(name: str) -> str:
    try:
        return name.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return name.rstrip(".").lower()


def _dns_matches(pattern: str, host: str) -> bool:
    """RFC 6125 as Java applies it: ``*`` only in the leftmost label, matching within it."""
    pattern, host = _ascii(pattern), _ascii(host)
    if "*" not in pattern:
        return pattern == host
    first, _, rest = pattern.partition(".")
    host_first, _, host_rest = host.partition(".")
    if "*" in rest or rest.count(".") < 1 or rest != host_rest or first.count("*") != 1:
        return False
    prefix, suffix = first.split("*")
    return (
        len(host_first) >= len(prefix) + len(suffix)
        and host_first.startswith(prefix)
        and host_first.endswith(suffix)
    )


def check_hostname(cert: Certificate, name: str) -> HostnameCheck:
    parsed_cert = parsed(cert)
    if parsed_cert is None:
        return HostnameCheck(name, False, [])
    san = _extension(parsed_cert, x509.SubjectAlternativeName)
    dns = (
        list(san.get_values_for_type(x509.DNSName))
        if isinstance(san, x509.SubjectAlternativeName)
        else []
    )
    ips = (
        list(san.get_values_for_type(x509.IPAddress))
        if isinstance(san, x509.SubjectAlternativeName)
        else []
    )
    covered = dns + [str(ip) for ip in ips]
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        return HostnameCheck(name, any(ip == address for ip in ips), covered)
    if dns:
        return HostnameCheck(name, any(_dns_matches(d, name) for d in dns), covered)
    cns = parsed_cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not cns:
        return HostnameCheck(name, False, covered)
    most_specific = attribute_text(cns[-1].value)
    return HostnameCheck(
        name, _dns_matches(most_specific, name), [*covered, most_specific], by_common_name=True
    )


# --- findings -----------------------------------------------------------------------------------


def ca_issuers_urls(cert: Certificate) -> list[str]:
    """The AIA caIssuers URLs: where the issuer's certificate can be downloaded."""
    parsed_cert = parsed(cert)
    aia = _extension(parsed_cert, x509.AuthorityInformationAccess) if parsed_cert else None
    if not isinstance(aia, x509.AuthorityInformationAccess):
        return []
    return [
        str(d.access_location.value)
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.CA_ISSUERS
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    ]


def _is_ca(cert: Certificate) -> bool:
    parsed_cert = parsed(cert)
    constraints = _extension(parsed_cert, x509.BasicConstraints) if parsed_cert else None
    return isinstance(constraints, x509.BasicConstraints) and constraints.ca


def _name(cert: Certificate) -> str:
    return f"'{display_name(cert)}'"


def _day(moment: dt.datetime) -> str:
    return moment.date().isoformat()


def _validity(link: Link, leaf: bool, at: dt.datetime) -> Finding | None:
    cert = link.certificate
    try:
        not_before, not_after = cert.not_before, cert.not_after
    except (ValueError, KeyError):
        return None
    if leaf:
        advice = "renew the server's certificate and install it on the server"
    elif link.anchor:
        advice = "replace this trust anchor in the truststore with its renewed certificate"
    else:
        advice = "install the renewed CA certificate on the server (and in its chain file)"
    if at > not_after:
        return Finding(
            Code.EXPIRED,
            Severity.ERROR,
            f"{_name(cert)} expired on {_day(not_after)}",
            advice,
            cert,
        )
    if at < not_before:
        return Finding(
            Code.NOT_YET_VALID,
            Severity.ERROR,
            f"{_name(cert)} is not valid before {_day(not_before)}",
            "check the clocks of the server and the client, or wait until then",
            cert,
        )
    return None


def _purpose(leaf: Certificate) -> Finding | None:
    cert = parsed(leaf)
    if cert is None:
        return None
    eku = _extension(cert, x509.ExtendedKeyUsage)
    usage = _extension(cert, x509.KeyUsage)
    why = ""
    if (
        isinstance(eku, x509.ExtendedKeyUsage)
        and ExtendedKeyUsageOID.SERVER_AUTH not in eku
        and ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE not in eku
    ):
        why = "its extended key usage does not include TLS server authentication (serverAuth)"
    elif isinstance(usage, x509.KeyUsage) and not (
        usage.digital_signature or usage.key_encipherment
    ):
        why = "its key usage allows neither digitalSignature nor keyEncipherment"
    if not why:
        return None
    return Finding(
        Code.WRONG_PURPOSE,
        Severity.ERROR,
        f"the server's certificate is not for a TLS server: {why}",
        "issue the server a certificate for TLS server use (extendedKeyUsage serverAuth)",
        leaf,
    )


def _weakness(link: Link) -> list[Finding]:
    cert = parsed(link.certificate)
    if cert is None:
        return []
    found: list[Finding] = []
    if not link.anchor and not is_self_signed(link.certificate):
        try:
            digest = cert.signature_hash_algorithm
        except UnsupportedAlgorithm:
            digest = None
        if isinstance(digest, hashes.MD5 | hashes.SHA1):
            md5 = isinstance(digest, hashes.MD5)
            found.append(
                Finding(
                    Code.WEAK_SIGNATURE,
                    Severity.ERROR if md5 else Severity.WARNING,
                    f"{_name(link.certificate)} is signed with {digest.name.upper()}"
                    + (", which Java refuses" if md5 else ", which Java refuses below its own CAs"),
                    "reissue it with a SHA-256 signature",
                    link.certificate,
                )
            )
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return found
    if isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey) and key.key_size < 2048:
        refused = key.key_size < 1024
        found.append(
            Finding(
                Code.WEAK_SIGNATURE,
                Severity.ERROR if refused else Severity.WARNING,
                f"{_name(link.certificate)} has a {key.key_size}-bit key"
                + (", which Java refuses" if refused else ", which is weak"),
                "reissue it with a key of 2048 bits or more (or EC P-256)",
                link.certificate,
            )
        )
    return found


def _order(sent: Sequence[Certificate], path: Sequence[Link]) -> Finding | None:
    on_path = {link.certificate.sha256 for link in path}
    stray = [c for c in sent[1:] if c.sha256 not in on_path]
    if stray:
        return Finding(
            Code.CHAIN_ORDER,
            Severity.WARNING,
            f"the server sent {_name(stray[0])}, which is not part of its chain",
            "remove it from the server's chain file",
            stray[0],
        )
    for index in range(1, len(sent)):
        if signed_by(sent[index - 1], sent[index]) is not True:
            return Finding(
                Code.CHAIN_ORDER,
                Severity.WARNING,
                "the server sent its chain out of order: Java sorts it out, some clients do not",
                "list the server's certificate first, then each CA after the one it issued",
                sent[index],
            )
    return None


_EXPLAINED = ("expired on", "not valid before", "self-signed and not in", "issuer '", "chain loops")
"""Chain problems that the findings above already tell (validity, the missing anchor)."""


def _other_chain_errors(path: Sequence[Link]) -> list[Finding]:
    return [
        Finding(
            Code.INVALID_CHAIN,
            Severity.ERROR,
            f"{_name(link.certificate)}: {problem.text}",
            "reissue the certificate from a proper CA certificate",
            link.certificate,
        )
        for link in path
        for problem in link.problems
        if problem.severity is Severity.ERROR and not problem.text.startswith(_EXPLAINED)
    ]


def _trust_findings(
    sent: Sequence[Certificate], path: Sequence[Link], anchored: bool
) -> tuple[list[Finding], Fix]:
    """untrusted-root, self-signed and missing-intermediate, with the fix they call for."""
    leaf = sent[0]
    sent_set = {c.sha256 for c in sent}
    borrowed = [
        link for link in path[1:] if not link.anchor and link.certificate.sha256 not in sent_set
    ]
    findings: list[Finding] = []
    top = path[-1]
    if borrowed or (
        not anchored
        and not top.anchor
        and not _is_ca(top.certificate)
        and not is_self_signed(top.certificate)
    ):
        below = path[path.index(borrowed[0]) - 1].certificate if borrowed else top.certificate
        missing = borrowed[0].certificate if borrowed else None
        issuer = display_name(missing) if missing is not None else below.issuer
        urls = ca_issuers_urls(below)
        where = f"; it is in {borrowed[0].source}" if borrowed else ""
        url = f" (its certificate is published at {urls[0]})" if urls else ""
        findings.append(
            Finding(
                Code.MISSING_INTERMEDIATE,
                Severity.ERROR,
                f"the server did not send the CA certificate '{issuer}' that issued "
                f"{_name(below)}{url}{where}",
                "configure the server to send its intermediate CA certificates after its own "
                "(its chain file, or the full chain in its keystore entry); Java does not fetch "
                "a missing intermediate",
                below,
            )
        )
        found = tuple(link.certificate for link in borrowed)
        reason = f"the server must send the intermediate CA certificate '{issuer}'"
        if found:
            reason += (
                f"; trusting the copy found in {borrowed[0].source} instead works around it "
                "until the server is fixed"
            )
        return findings, Fix((), reason, server_must_change=True, workaround=found)
    if anchored:
        return findings, Fix((), "the truststore already trusts this chain")
    if top.certificate.sha256 == leaf.sha256 and is_self_signed(leaf):
        findings.append(
            Finding(
                Code.SELF_SIGNED,
                Severity.ERROR,
                f"the server's certificate {_name(leaf)} is self-signed and in no truststore",
                "add the server's certificate to the truststore (and again whenever the server "
                "gets a new one), or give the server a certificate from a CA the clients trust",
                leaf,
            )
        )
        return findings, Fix((leaf,), "trust the server's own (self-signed) certificate")
    if is_self_signed(top.certificate):
        where = (
            "sent by the server" if top.certificate.sha256 in sent_set else f"found in {top.source}"
        )
        message = f"the chain is complete, but its root {_name(top.certificate)} ({where}) is in no truststore"
        reason = f"trust the root CA {_name(top.certificate)}"
    else:
        message = (
            f"the chain ends at the CA {_name(top.certificate)}, whose issuer "
            f"'{top.certificate.issuer}' is in no truststore (the server did not send its root)"
        )
        reason = f"trust the topmost CA the server sent, {_name(top.certificate)}"
    findings.append(
        Finding(
            Code.UNTRUSTED_ROOT,
            Severity.ERROR,
            message,
            "add the root CA certificate to the truststore, after checking its fingerprint "
            "with the CA",
            top.certificate,
        )
    )
    return findings, Fix((top.certificate,), reason)


def diagnose(
    handshake: Handshake,
    trusted: Sequence[TrustSource],
    helpers: Sequence[TrustSource] = (),
    *,
    at: dt.datetime | None = None,
) -> Diagnosis:
    """Judge what ``handshake`` recorded against ``trusted`` (truststores, cacerts, system CAs).

    ``helpers`` (intermediates files, open tabs that are not truststores) may name a missing
    intermediate or root, never make the chain trusted.
    """
    sent = handshake.sent
    leaf = sent[0]
    from_server = TrustSource(SENT, (), tuple(sent))
    verdict = verify_certificate(
        leaf, [*trusted, from_server, *helpers], at=at, purpose=Purpose.ANY, web_pki=False
    )
    path = verdict.path
    findings, fix = _trust_findings(sent, path, verdict.anchored)
    name = handshake.servername or handshake.target.host
    hostname = check_hostname(leaf, name)
    if not hostname.ok:
        covers = ", ".join(hostname.covered) or "no name at all"
        findings.append(
            Finding(
                Code.HOSTNAME_MISMATCH,
                Severity.ERROR,
                f"the server's certificate is not for '{name}': it covers {covers}",
                "connect with a name the certificate covers, or give the server a certificate "
                f"whose subjectAltName includes '{name}'",
                leaf,
            )
        )
    for index, link in enumerate(path):
        finding = _validity(link, index == 0, verdict.at)
        if finding is not None:
            findings.append(finding)
    purpose = _purpose(leaf)
    if purpose is not None:
        findings.append(purpose)
    for link in path:
        findings.extend(_weakness(link))
    findings.extend(_other_chain_errors(path))
    order = _order(sent, path)
    if order is not None:
        findings.append(order)
    if (
        not fix.add
        and not fix.server_must_change
        and any(f.severity is Severity.ERROR for f in findings)
    ):
        first = next(f for f in findings if f.severity is Severity.ERROR)
        fix = Fix((), f"no truststore change fixes this: {first.message}", server_must_change=True)
    return Diagnosis(
        handshake,
        verdict,
        hostname,
        findings,
        fix,
        sent_order={c.sha256: i for i, c in enumerate(sent)},
    )


def sent_chain_pem(certs: Sequence[Certificate]) -> bytes:
    """The sent certificates as one PEM bundle, in the order sent, each named by its CN."""
    return export_certificates([(sanitise_alias(c.common_name()), c) for c in certs], "pem")
