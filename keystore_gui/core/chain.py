"""Trust chains: does a certificate chain to something trusted, and if not, why not.

The path is built upward from a certificate by *verifying signatures*: a candidate issuer must
carry the right subject name and its key must verify the child's signature, so renewed CAs (same
name, new key) and cross-signed roots are told apart. Candidates come from the entry's own chain,
the other entries of its keystore and the chosen trust sources; each remembers where it came from
and whether it is a trust anchor. Every link is then checked at a chosen time (validity, signature,
CA flag, path length, key usage, name chaining) and the end certificate for its purpose. Problems
are sentences a user can act on ("expired on 2025-03-01").

The web-PKI verifier of ``cryptography`` is run as an extra opinion for TLS purposes only: it
rejects perfectly good internal PKIs (no AKI, SHA-1, keytool defaults), so it never decides alone.

Size: one job, judging a path: building it, checking each link and wording the problems.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID

from .der import oid_text, tlv_at
from .errors import KeystoreError
from .model import Certificate, Entry, EntryKind, Keystore
from .rules import DEFAULT_WARNING_DAYS
from .rules import Severity as Severity
from .webpki_words import plain_words

MAX_DEPTH = 12
"""No real path is longer; a longer one is a loop of cross-signatures."""

THIS_KEYSTORE = "this keystore"
JAVA_CACERTS = "Java cacerts"
SYSTEM_CAS = "system CAs"


class Purpose(StrEnum):
    ANY = "any"
    TLS_SERVER = "tls-server"
    TLS_CLIENT = "tls-client"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    text: str


@dataclass(frozen=True)
class TrustSource:
    """A named set of certificates: ``anchors`` are trusted as roots, ``others`` only help."""

    label: str
    anchors: tuple[Certificate, ...] = ()
    others: tuple[Certificate, ...] = ()


@dataclass(frozen=True)
class Candidate:
    certificate: Certificate
    source: str
    anchor: bool


@dataclass
class Link:
    """One certificate of a path, with what is wrong with it or with the way it was issued."""

    certificate: Certificate
    source: str
    anchor: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What is fine about this link, for display ("trust anchor", "valid until …")."""

    @property
    def severity(self) -> Severity:
        return max((p.severity for p in self.problems), default=Severity.OK)

    @property
    def reason(self) -> str:
        """One line: the problems if any, else the notes."""
        if self.problems:
            return "; ".join(p.text for p in self.problems)
        return "; ".join(self.notes)


@dataclass(frozen=True)
class WebPkiResult:
    """The opinion of ``cryptography.x509.verification`` (web-PKI rules)."""

    ok: bool
    message: str


@dataclass
class Verdict:
    path: list[Link]
    """Leaf first; the last link is the trust anchor when the path is anchored."""
    at: dt.datetime
    purpose: Purpose
    web_pki: WebPkiResult | None = None

    @property
    def anchored(self) -> bool:
        return bool(self.path) and self.path[-1].anchor

    @property
    def trusted(self) -> bool:
        return self.anchored and all(link.severity < Severity.ERROR for link in self.path)

    def _listed(self, severity: Severity) -> list[str]:
        return [
            f"'{display_name(link.certificate)}': {p.text}"
            for link in self.path
            for p in link.problems
            if p.severity == severity
        ]

    @property
    def problems(self) -> list[str]:
        """Every error, naming the certificate it concerns."""
        return self._listed(Severity.ERROR)

    @property
    def warnings(self) -> list[str]:
        return self._listed(Severity.WARNING)

    @property
    def summary(self) -> str:
        if self.trusted:
            anchor = self.path[-1]
            text = f"Trusted: chains to '{display_name(anchor.certificate)}' ({anchor.source})"
            return text + (" with warnings" if self.warnings else "")
        first = self.problems[0] if self.problems else "no trust anchor"
        more = len(self.problems) - 1
        return f"Not trusted: {first}" + (f" (and {more} more)" if more > 0 else "")


# --- parsing helpers ---------------------------------------------------------------------------


def parsed(cert: Certificate) -> x509.Certificate | None:
    """The cryptography object, or ``None`` when only a lenient parse (or none) is possible."""
    try:
        return cert.x509
    except (KeystoreError, ValueError):
        return None


def subject_of(cert: Certificate) -> x509.Name | None:
    try:
        return cert.subject_name
    except (KeystoreError, ValueError):
        return None


def issuer_of(cert: Certificate) -> x509.Name | None:
    try:
        return cert.issuer_name
    except (KeystoreError, ValueError):
        return None


def display_name(cert: Certificate) -> str:
    name = subject_of(cert)
    return name.rfc4514_string() if name is not None else f"sha256 {cert.sha256[:16]}…"


def _issuer_text(cert: Certificate) -> str:
    name = issuer_of(cert)
    return name.rfc4514_string() if name is not None else "(unreadable)"


_E = TypeVar("_E", bound=x509.ExtensionType)


def _extension(cert: x509.Certificate, kind: type[_E]) -> _E | None:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except (x509.ExtensionNotFound, ValueError):
        return None


# --- signatures --------------------------------------------------------------------------------

_RAW_ALGORITHMS: dict[str, tuple[str, hashes.HashAlgorithm | None]] = {
    "1.2.840.113549.1.1.5": ("rsa", hashes.SHA1()),
    "1.2.840.113549.1.1.14": ("rsa", hashes.SHA224()),
    "1.2.840.113549.1.1.11": ("rsa", hashes.SHA256()),
    "1.2.840.113549.1.1.12": ("rsa", hashes.SHA384()),
    "1.2.840.113549.1.1.13": ("rsa", hashes.SHA512()),
    "1.2.840.10045.4.1": ("ec", hashes.SHA1()),
    "1.2.840.10045.4.3.1": ("ec", hashes.SHA224()),
    "1.2.840.10045.4.3.2": ("ec", hashes.SHA256()),
    "1.2.840.10045.4.3.3": ("ec", hashes.SHA384()),
    "1.2.840.10045.4.3.4": ("ec", hashes.SHA512()),
    "1.2.840.10040.4.3": ("dsa", hashes.SHA1()),
    "2.16.840.1.101.3.4.3.1": ("dsa", hashes.SHA224()),
    "2.16.840.1.101.3.4.3.2": ("dsa", hashes.SHA256()),
    "1.3.101.112": ("ed", None),
    "1.3.101.113": ("ed", None),
}


def _split_certificate(der: bytes) -> tuple[bytes, str, bytes]:
    """``(tbs_bytes, signature_oid, signature)`` straight from the DER."""
    _, start, _ = tlv_at(der, 0)
    _, _, tbs_end = tlv_at(der, start)
    tbs = der[start:tbs_end]
    _, alg_start, alg_end = tlv_at(der, tbs_end)
    tag, oid_start, oid_end = tlv_at(der, alg_start)
    if tag != 0x06:
        raise ValueError("no signature algorithm")
    tag, sig_start, sig_end = tlv_at(der, alg_end)
    if tag != 0x03 or der[sig_start] != 0:
        raise ValueError("no signature")
    return tbs, oid_text(der[oid_start:oid_end]), der[sig_start + 1 : sig_end]


def _public_key_from_der(der: bytes) -> CertificatePublicKeyTypes:
    """The subject public key straight from the DER, for certificates cryptography refuses."""
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    _, start, _ = tlv_at(der, 0)
    _, pos, tbs_end = tlv_at(der, start)
    if der[pos] == 0xA0:  # [0] version
        pos = tlv_at(der, pos)[2]
    for _ in range(5):  # serial, signature, issuer, validity, subject
        pos = tlv_at(der, pos)[2]
    _, _, spki_end = tlv_at(der, pos)
    if spki_end > tbs_end:
        raise ValueError("no subject public key")
    key = load_der_public_key(der[pos:spki_end])
    if not isinstance(
        key,
        rsa.RSAPublicKey
        | ec.EllipticCurvePublicKey
        | dsa.DSAPublicKey
        | ed25519.Ed25519PublicKey
        | ed448.Ed448PublicKey,
    ):
        raise ValueError("not a certificate key")
    return key


def _issuer_key(issuer: Certificate) -> CertificatePublicKeyTypes | None:
    try:
        return issuer.public_key()
    except (KeystoreError, ValueError, UnsupportedAlgorithm):
        pass
    try:
        return _public_key_from_der(issuer.der)
    except (ValueError, IndexError, UnsupportedAlgorithm):
        return None


def _verify_with_key(
    key: CertificatePublicKeyTypes,
    signature: bytes,
    data: bytes,
    digest: hashes.HashAlgorithm | None,
    rsa_padding: padding.AsymmetricPadding | None,
) -> bool | None:
    try:
        if isinstance(key, rsa.RSAPublicKey):
            if digest is None:
                return False
            key.verify(signature, data, rsa_padding or padding.PKCS1v15(), digest)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if digest is None:
                return False
            key.verify(signature, data, ec.ECDSA(digest))
        elif isinstance(key, dsa.DSAPublicKey):
            if digest is None:
                return False
            key.verify(signature, data, digest)
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            if digest is not None:
                return False
            key.verify(signature, data)
        else:
            return None
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return True


def signed_by(child: Certificate, issuer: Certificate) -> bool | None:
    """Whether ``issuer``'s key verifies ``child``'s signature; ``None`` if it cannot be told.

    The one answer to "did this certificate sign that one" (trust paths, health, certificate
    building, truststore copy, the PKCS#12 reader): SHA-1 and certificates cryptography cannot
    parse are verified by hand from the DER. Names are not compared: see :func:`find_issuer`.
    """
    key = _issuer_key(issuer)
    if key is None:
        return None
    child_x509 = parsed(child)
    if child_x509 is not None:
        issuer_x509 = parsed(issuer)
        if issuer_x509 is not None and child_x509.issuer == issuer_x509.subject:
            try:
                child_x509.verify_directly_issued_by(issuer_x509)
                return True
            except InvalidSignature:
                return False
            except (ValueError, TypeError, UnsupportedAlgorithm):
                pass  # SHA-1 or DSA: checked by hand below
        try:
            digest = child_x509.signature_hash_algorithm
            params = child_x509.signature_algorithm_parameters
        except (UnsupportedAlgorithm, ValueError):
            return None
        rsa_padding = params if isinstance(params, padding.PKCS1v15 | padding.PSS) else None
        return _verify_with_key(
            key, child_x509.signature, child_x509.tbs_certificate_bytes, digest, rsa_padding
        )
    try:
        tbs, oid, signature = _split_certificate(child.der)
    except (ValueError, IndexError):
        return None
    known = _RAW_ALGORITHMS.get(oid)
    if known is None:
        return None
    return _verify_with_key(key, signature, tbs, known[1], None)


def is_self_signed(cert: Certificate) -> bool:
    subject, issuer = subject_of(cert), issuer_of(cert)
    return subject is not None and subject == issuer and signed_by(cert, cert) is True


# --- candidates --------------------------------------------------------------------------------


class CandidatePool:
    """Certificates that may issue others, indexed by subject; one per certificate.

    A certificate seen in several places keeps its first source, unless a later one makes it a
    trust anchor.
    """

    def __init__(self) -> None:
        self._by_sha: dict[str, Candidate] = {}
        self._by_subject: dict[x509.Name, list[Candidate]] = {}

    def add(self, cert: Certificate, source: str, anchor: bool) -> None:
        existing = self._by_sha.get(cert.sha256)
        if existing is not None and (existing.anchor or not anchor):
            return
        subject = subject_of(cert)
        if subject is None:
            return
        candidate = Candidate(cert, source, anchor)
        self._by_sha[cert.sha256] = candidate
        bucket = self._by_subject.setdefault(subject, [])
        bucket[:] = [c for c in bucket if c.certificate.sha256 != cert.sha256]
        bucket.append(candidate)

    def add_source(self, source: TrustSource) -> None:
        for cert in source.anchors:
            self.add(cert, source.label, True)
        for cert in source.others:
            self.add(cert, source.label, False)

    def lookup(self, cert: Certificate) -> Candidate | None:
        return self._by_sha.get(cert.sha256)

    def named(self, name: x509.Name) -> list[Candidate]:
        return list(self._by_subject.get(name, ()))

    def anchors(self) -> list[Candidate]:
        return [c for c in self._by_sha.values() if c.anchor]


def source_from_store(store: Keystore, label: str, *, trusted: bool) -> TrustSource:
    """The certificates of ``store`` as a trust source.

    As Java's trust manager does, a truststore trusts its trusted-certificate entries and the
    certificates of its key entries; the rest of a key entry's chain only helps build paths.
    """
    anchors: list[Certificate] = []
    others: list[Certificate] = []
    for entry in store.entries:
        for index, cert in enumerate(entry.chain):
            (anchors if trusted and index == 0 else others).append(cert)
    return TrustSource(label, tuple(anchors), tuple(others))


def certificates_source(certs: Iterable[Certificate], label: str, *, trusted: bool) -> TrustSource:
    listed = tuple(certs)
    return TrustSource(label, listed, ()) if trusted else TrustSource(label, (), listed)


# --- path building -----------------------------------------------------------------------------


def _valid_at(cert: Certificate, at: dt.datetime) -> bool:
    try:
        return cert.not_before <= at <= cert.not_after
    except (KeystoreError, ValueError):
        return False


class _Search:
    def __init__(self, pool: CandidatePool, at: dt.datetime, own: set[str]) -> None:
        self.pool = pool
        self.at = at
        self.own = own
        self.budget = 1000
        self._signed: dict[tuple[str, str], bool | None] = {}

    def signed(self, child: Certificate, issuer: Certificate) -> bool | None:
        key = (child.sha256, issuer.sha256)
        if key not in self._signed:
            self._signed[key] = signed_by(child, issuer)
        return self._signed[key]

    def self_signed(self, cert: Certificate) -> bool:
        """A self-signed certificate ends a path: it is a trust anchor or a dead end."""
        subject = subject_of(cert)
        return (
            subject is not None and subject == issuer_of(cert) and self.signed(cert, cert) is True
        )

    def issuers(self, cert: Certificate) -> list[Candidate]:
        """Name-matching candidates, best first: anchors, valid now, from the entry's chain."""
        name = issuer_of(cert)
        if name is None:
            return []
        found = [c for c in self.pool.named(name) if c.certificate.sha256 != cert.sha256]
        found.sort(
            key=lambda c: (
                not c.anchor,
                not _valid_at(c.certificate, self.at),
                c.certificate.sha256 not in self.own,
            )
        )
        return found

    def anchored(self, path: list[Candidate]) -> list[Candidate] | None:
        """Depth-first over verified signatures until a trust anchor; ``None`` if none."""
        top = path[-1]
        if top.anchor:
            return path
        self.budget -= 1
        if self.budget <= 0 or len(path) >= MAX_DEPTH or self.self_signed(top.certificate):
            return None
        seen = {c.certificate.sha256 for c in path}
        for candidate in self.issuers(top.certificate):
            if candidate.certificate.sha256 in seen:
                continue
            if self.signed(top.certificate, candidate.certificate) is not True:
                continue
            found = self.anchored([*path, candidate])
            if found is not None:
                return found
        return None

    def best_effort(self, path: list[Candidate]) -> tuple[list[Candidate], bool]:
        """The most telling path when none verifies to an anchor; ``True`` if it hit a loop."""
        while not path[-1].anchor:
            top = path[-1].certificate
            if self.self_signed(top):
                return path, False
            if len(path) >= MAX_DEPTH:
                return path, True
            seen = {c.certificate.sha256 for c in path}
            options = [c for c in self.issuers(top) if c.certificate.sha256 not in seen]
            if not options:
                looped = any(
                    c.certificate.sha256 in seen and c.certificate.sha256 != top.sha256
                    for c in self.issuers(top)
                )
                return path, looped
            verified = [c for c in options if self.signed(top, c.certificate) is True]
            path = [*path, (verified or options)[0]]
        return path, False


def build_path(
    cert: Certificate,
    pool: CandidatePool,
    *,
    at: dt.datetime,
    own_chain: Sequence[Certificate] = (),
) -> tuple[list[Candidate], bool]:
    """The path from ``cert`` up, leaf first, and whether building stopped at a loop."""
    start = pool.lookup(cert) or Candidate(cert, THIS_KEYSTORE, False)
    search = _Search(pool, at, {c.sha256 for c in own_chain})
    found = search.anchored([start])
    if found is not None:
        return found, False
    return search.best_effort([start])


# --- checking ----------------------------------------------------------------------------------


def _day(value: dt.datetime) -> str:
    return value.date().isoformat()


def _check_validity(link: Link, at: dt.datetime) -> None:
    try:
        not_before, not_after = link.certificate.not_before, link.certificate.not_after
    except (KeystoreError, ValueError):
        link.problems.append(Problem(Severity.ERROR, "validity dates cannot be read"))
        return
    if at < not_before:
        link.problems.append(Problem(Severity.ERROR, f"not valid before {_day(not_before)}"))
    elif at > not_after:
        link.problems.append(Problem(Severity.ERROR, f"expired on {_day(not_after)}"))
    elif not_after - at < dt.timedelta(days=DEFAULT_WARNING_DAYS):
        days = (not_after - at).days
        link.problems.append(
            Problem(Severity.WARNING, f"expires in {days} days, on {_day(not_after)}")
        )
    else:
        link.notes.append(f"valid until {_day(not_after)}")


def _check_weakness(link: Link) -> None:
    cert = parsed(link.certificate)
    if cert is None:
        return
    if not link.anchor:
        try:
            digest = cert.signature_hash_algorithm
        except UnsupportedAlgorithm:
            digest = None
        if isinstance(digest, hashes.SHA1 | hashes.MD5):
            link.problems.append(
                Problem(Severity.WARNING, f"signed with {digest.name.upper()}, which is weak")
            )
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return
    if isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey) and key.key_size < 2048:
        link.problems.append(Problem(Severity.WARNING, f"key of {key.key_size} bits is weak"))


def _check_issuer(link: Link, issuer: Link, cas_below: int, verified: bool | None) -> None:
    """Problems with the way ``link`` was issued by ``issuer``."""
    if issuer_of(link.certificate) != subject_of(issuer.certificate):
        link.problems.append(
            Problem(
                Severity.ERROR,
                f"issuer name does not match '{display_name(issuer.certificate)}'",
            )
        )
    if verified is False:
        link.problems.append(Problem(Severity.ERROR, "signature does not verify with issuer's key"))
    elif verified is None:
        link.problems.append(
            Problem(Severity.ERROR, "signature cannot be verified (unsupported algorithm)")
        )
    ca = parsed(issuer.certificate)
    if ca is None:
        link.problems.append(
            Problem(Severity.WARNING, "issuer's extensions cannot be read: CA flag not checked")
        )
        return
    constraints = _extension(ca, x509.BasicConstraints)
    if constraints is None:
        if issuer.anchor:
            link.problems.append(
                Problem(Severity.WARNING, "issuer is a trust anchor without basic constraints")
            )
        else:
            link.problems.append(
                Problem(Severity.ERROR, "issuer is not a CA (it has no basic constraints)")
            )
    elif not constraints.ca:
        link.problems.append(Problem(Severity.ERROR, "issuer is not a CA"))
    elif constraints.path_length is not None and cas_below > constraints.path_length:
        allowed = constraints.path_length
        link.problems.append(
            Problem(
                Severity.ERROR,
                f"path length exceeded: '{display_name(issuer.certificate)}' allows "
                f"{allowed} intermediate CA{'s' if allowed != 1 else ''} below it",
            )
        )
    usage = _extension(ca, x509.KeyUsage)
    if usage is not None and not usage.key_cert_sign:
        link.problems.append(
            Problem(Severity.ERROR, "issuer's key usage does not allow certificate signing")
        )


_PURPOSE_EKU = {
    Purpose.TLS_SERVER: (ExtendedKeyUsageOID.SERVER_AUTH, "TLS server authentication"),
    Purpose.TLS_CLIENT: (ExtendedKeyUsageOID.CLIENT_AUTH, "TLS client authentication"),
}


def _check_purpose(link: Link, purpose: Purpose) -> None:
    if purpose is Purpose.ANY:
        return
    cert = parsed(link.certificate)
    if cert is None:
        link.problems.append(
            Problem(Severity.ERROR, f"extensions cannot be read, so not usable for {purpose}")
        )
        return
    wanted, words = _PURPOSE_EKU[purpose]
    if purpose is Purpose.TLS_SERVER and _extension(cert, x509.SubjectAlternativeName) is None:
        link.problems.append(
            Problem(Severity.ERROR, "no subject alternative name (TLS servers need one)")
        )
    eku = _extension(cert, x509.ExtendedKeyUsage)
    if (
        eku is not None
        and wanted not in eku
        and ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE not in eku
    ):
        link.problems.append(Problem(Severity.ERROR, f"extended key usage does not allow {words}"))
    usage = _extension(cert, x509.KeyUsage)
    if usage is not None and not (usage.digital_signature or usage.key_encipherment):
        link.problems.append(Problem(Severity.ERROR, f"key usage does not allow {words}"))


def check_path(
    path: Sequence[Candidate], *, at: dt.datetime, purpose: Purpose, looped: bool = False
) -> list[Link]:
    links = [Link(c.certificate, c.source, c.anchor) for c in path]
    cas_below = 0
    for index, link in enumerate(links):
        _check_validity(link, at)
        _check_weakness(link)
        if index == 0:
            _check_purpose(link, purpose)
        if index > 0 and not link.certificate.is_self_issued:
            cas_below += 1
        if index + 1 < len(links):
            issuer = links[index + 1]
            _check_issuer(link, issuer, cas_below, signed_by(link.certificate, issuer.certificate))
        if link.anchor:
            link.notes.insert(0, "trust anchor")
    top = links[-1]
    if not top.anchor:
        if looped:
            top.problems.append(
                Problem(
                    Severity.ERROR, "chain loops back on itself without reaching a trust anchor"
                )
            )
        elif is_self_signed(top.certificate):
            top.problems.append(Problem(Severity.ERROR, "self-signed and not in the truststore"))
        else:
            top.problems.append(
                Problem(
                    Severity.ERROR,
                    f"issuer '{_issuer_text(top.certificate)}' not found in any trust source",
                )
            )
    return links


# --- web PKI -----------------------------------------------------------------------------------


def _leaf_name(cert: x509.Certificate) -> x509.DNSName | x509.IPAddress | None:
    san = _extension(cert, x509.SubjectAlternativeName)
    if san is None:
        return None
    for dns in san.get_values_for_type(x509.DNSName):
        if not dns.startswith("*."):
            return x509.DNSName(dns)
    ips = san.get_values_for_type(x509.IPAddress)
    if ips and isinstance(ips[0], ipaddress.IPv4Address | ipaddress.IPv6Address):
        return x509.IPAddress(ips[0])
    return None


_PURPOSE = {Purpose.TLS_SERVER: "a TLS server", Purpose.TLS_CLIENT: "a TLS client"}


def web_pki_check(
    path: Sequence[Link], anchors: Sequence[Certificate], *, at: dt.datetime, purpose: Purpose
) -> WebPkiResult | None:
    """Run ``cryptography``'s web-PKI verifier on the leaf; ``None`` where it does not apply."""
    from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

    if purpose is Purpose.ANY or not path:
        return None
    leaf = parsed(path[0].certificate)
    roots = [c for c in (parsed(a) for a in anchors) if c is not None]
    if leaf is None:
        return WebPkiResult(False, "not checked: the certificate cannot be parsed")
    if not roots:
        return WebPkiResult(False, "not checked: no trust anchors chosen")
    intermediates = [c for c in (parsed(link.certificate) for link in path[1:]) if c is not None]
    builder = PolicyBuilder().store(Store(roots)).time(at).max_chain_depth(MAX_DEPTH)
    try:
        if purpose is Purpose.TLS_SERVER:
            name = _leaf_name(leaf)
            if name is None:
                return WebPkiResult(False, "not checked: no DNS name or IP address in the SAN")
            builder.build_server_verifier(name).verify(leaf, intermediates)
        else:
            builder.build_client_verifier().verify(leaf, intermediates)
    except VerificationError as exc:
        return WebPkiResult(
            False, f"fails web-PKI rules: {plain_words(str(exc), _PURPOSE[purpose])}"
        )
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        return WebPkiResult(False, f"not checked: {plain_words(str(exc), _PURPOSE[purpose])}")
    return WebPkiResult(True, "passes web-PKI rules")


# --- entry points ------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_pool(
    sources: Sequence[TrustSource],
    *,
    own_chain: Sequence[Certificate] = (),
    store: Keystore | None = None,
) -> CandidatePool:
    pool = CandidatePool()
    for source in sources:
        pool.add_source(source)
    for cert in own_chain:
        pool.add(cert, THIS_KEYSTORE, False)
    if store is not None:
        for _, cert in store.certificates():
            pool.add(cert, THIS_KEYSTORE, False)
    return pool


def verify_certificate(
    cert: Certificate,
    sources: Sequence[TrustSource],
    *,
    own_chain: Sequence[Certificate] = (),
    store: Keystore | None = None,
    at: dt.datetime | None = None,
    purpose: Purpose = Purpose.ANY,
    web_pki: bool = True,
) -> Verdict:
    """Build and judge the path from ``cert`` to a trust anchor of ``sources``."""
    when = at or _now()
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    pool = make_pool(sources, own_chain=own_chain, store=store)
    path, looped = build_path(cert, pool, at=when, own_chain=own_chain)
    links = check_path(path, at=when, purpose=purpose, looped=looped)
    verdict = Verdict(links, when, purpose)
    if web_pki:
        anchors = [c.certificate for c in pool.anchors()]
        verdict.web_pki = web_pki_check(links, anchors, at=when, purpose=purpose)
    return verdict


def verify_entry(
    entry: Entry,
    sources: Sequence[TrustSource],
    *,
    store: Keystore | None = None,
    at: dt.datetime | None = None,
    purpose: Purpose = Purpose.ANY,
    web_pki: bool = True,
) -> Verdict:
    """Judge ``entry``'s certificate; its own chain and ``store``'s entries help build the path."""
    cert = entry.certificate
    if cert is None:
        raise KeystoreError(f"entry '{entry.alias}' holds no certificate")
    return verify_certificate(
        cert,
        sources,
        own_chain=entry.chain[1:],
        store=store,
        at=at,
        purpose=purpose,
        web_pki=web_pki,
    )


def is_issued_by(cert: Certificate, issuer: Certificate) -> bool:
    """``issuer`` issued ``cert``: its subject is ``cert``'s issuer and :func:`signed_by` is True."""
    name = issuer_of(cert)
    return name is not None and name == subject_of(issuer) and signed_by(cert, issuer) is True


def find_issuer(cert: Certificate, offered: Iterable[Certificate]) -> Certificate | None:
    """The certificate among ``offered`` whose key verifies ``cert``'s signature."""
    name = issuer_of(cert)
    for candidate in offered:
        if candidate.sha256 == cert.sha256 or subject_of(candidate) != name:
            continue
        if signed_by(cert, candidate) is True:
            return candidate
    return None


def issuer_walk(
    start: Certificate,
    pool: Iterable[Certificate],
    *,
    seen: Iterable[str] = (),
    limit: int | None = None,
    is_top: Callable[[Certificate], bool] = is_self_signed,
) -> list[Certificate]:
    """The issuers of ``start`` found in ``pool``, nearest first: the one walk up a chain.

    Each link is a verified signature (:func:`find_issuer`), never a name alone; no certificate
    comes twice (nor one whose SHA-256 is in ``seen``). The walk stops at a certificate
    ``is_top`` calls a root (default: self-signed), at a gap, or after ``limit`` issuers.
    """
    candidates = list(pool)
    found: list[Certificate] = []
    used = {start.sha256, *seen}
    top = start
    while (limit is None or len(found) < limit) and not is_top(top):
        issuer = find_issuer(top, (c for c in candidates if c.sha256 not in used))
        if issuer is None:
            break
        found.append(issuer)
        used.add(issuer.sha256)
        top = issuer
    return found


def complete_chain(
    chain: Sequence[Certificate], offered: Iterable[Certificate]
) -> list[Certificate]:
    """Certificates from ``offered`` that extend ``chain`` upward, each verified by signature.

    Stops at a self-signed certificate, or when nothing offered signed the top of the chain.
    """
    if not chain:
        return []
    return issuer_walk(
        chain[-1], offered, seen=(c.sha256 for c in chain), limit=MAX_DEPTH - len(chain)
    )


# --- issued-by grouping ------------------------------------------------------------------------


@dataclass(eq=False)
class IssuerNode:
    """A certificate of a keystore, with the certificates of the same keystore it signed."""

    certificate: Certificate
    aliases: list[str] = field(default_factory=list)
    """Entries whose own certificate this is."""
    in_chain_of: list[str] = field(default_factory=list)
    """Entries that carry it further up their chain."""
    children: list[IssuerNode] = field(default_factory=list)
    parent: IssuerNode | None = field(default=None, repr=False)
    self_signed: bool = False

    @property
    def label(self) -> str:
        if self.aliases:
            return ", ".join(self.aliases)
        return f"chain of {', '.join(self.in_chain_of)}" if self.in_chain_of else ""


@dataclass
class IssuedBy:
    roots: list[IssuerNode]
    """Self-signed certificates, with everything they signed below them."""
    orphans: list[IssuerNode]
    """Certificates whose issuer is not in the keystore, with what they signed below them."""

    def walk(self) -> Iterator[tuple[int, IssuerNode]]:
        def visit(node: IssuerNode, depth: int) -> Iterator[tuple[int, IssuerNode]]:
            yield depth, node
            for child in node.children:
                yield from visit(child, depth + 1)

        for top in [*self.roots, *self.orphans]:
            yield from visit(top, 0)


def issued_by(store: Keystore) -> IssuedBy:
    """Which certificate of ``store`` signed which: links found by signature, as XCA does."""
    nodes: dict[str, IssuerNode] = {}
    for entry in store.entries:
        if entry.kind is EntryKind.SECRET_KEY:
            continue
        for index, cert in enumerate(entry.chain):
            node = nodes.setdefault(cert.sha256, IssuerNode(cert))
            names = node.aliases if index == 0 else node.in_chain_of
            if entry.alias not in names:
                names.append(entry.alias)
    by_subject: dict[x509.Name, list[IssuerNode]] = {}
    for node in nodes.values():
        subject = subject_of(node.certificate)
        if subject is not None:
            by_subject.setdefault(subject, []).append(node)
    for node in nodes.values():
        node.self_signed = is_self_signed(node.certificate)
        if node.self_signed:
            continue
        issuer = issuer_of(node.certificate)
        for candidate in by_subject.get(issuer, []) if issuer is not None else []:
            if candidate is node or _is_below(candidate, node):
                continue
            if signed_by(node.certificate, candidate.certificate) is True:
                node.parent = candidate
                candidate.children.append(node)
                break
    roots = [n for n in nodes.values() if n.parent is None and n.self_signed]
    orphans = [n for n in nodes.values() if n.parent is None and not n.self_signed]
    return IssuedBy(roots, orphans)


def _is_below(node: IssuerNode, ancestor: IssuerNode) -> bool:
    current: IssuerNode | None = node
    while current is not None:
        if current is ancestor:
            return True
        current = current.parent
    return False
