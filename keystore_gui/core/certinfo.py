"""A certificate described as plain data, for ``keystore-cli show`` and the GUI's details pane.

:func:`describe` returns a small tree of :class:`Field` nodes (label, value, children). The GUI
shows it as a tree; the CLI prints it indented or as JSON (:meth:`Field.to_json`). Nothing here
formats for one front end only, and nothing needs Qt.

Conventions: serial numbers are lowercase hexadecimal without leading zeros, as ``keytool``
prints them (``Serial number: 1a8260eeadd6c7b6``), with the decimal form as a child; fingerprints
are uppercase, colon-separated, as keytool and OpenSSL print them; times are UTC.

A certificate ``cryptography`` refuses (a DSA certificate from JDK 17, say) is described from the
lenient parse: the same fields where they could be read, and a "Notes" node saying what could not.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.x509.oid import ObjectIdentifier

from .errors import KeystoreError
from .lenient import LenientParse, parse_lenient
from .model import NOT_TRUSTED_BY_JAVA, SHADOWED, Certificate, Entry, EntryKind, describe_public_key
from .text import printable


@dataclass(frozen=True)
class Field:
    """One line of a certificate description, with the lines below it."""

    label: str
    value: str = ""
    children: tuple[Field, ...] = ()

    def find(self, label: str) -> Field | None:
        """The first descendant (depth first) with this label."""
        for child in self.children:
            if child.label == label:
                return child
            found = child.find(label)
            if found is not None:
                return found
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "value": self.value}
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        return out

    def lines(self, indent: int = 0) -> Iterable[str]:
        """Indented ``label: value`` lines (a PEM value follows its label, line by line). What
        came from the file (an alias, a name) is shown with control characters escaped: a
        newline in it cannot make a line of its own, an ESC cannot reach the terminal."""
        pad = "  " * indent
        label, value = printable(self.label), self.value
        if value.startswith("-----BEGIN "):
            yield f"{pad}{label}:"
            for line in value.rstrip("\n").split("\n"):
                yield f"{pad}  {printable(line)}"
        elif value:
            yield f"{pad}{label}: {printable(value)}"
        else:
            yield f"{pad}{label}"
        for child in self.children:
            yield from child.lines(indent + 1)


def _f(label: str, value: object = "", children: Iterable[Field] = ()) -> Field:
    return Field(label, str(value), tuple(children))


# --- small formatters --------------------------------------------------------------------------


def serial_hex(serial: int) -> str:
    """Lowercase hex without leading zeros, as ``keytool`` prints it (negative: ``-1a``)."""
    return format(serial, "x")


def colon_hex(data: bytes) -> str:
    return ":".join(f"{b:02X}" for b in data)


def fingerprint(hex_digest: str) -> str:
    return colon_hex(bytes.fromhex(hex_digest))


def iso(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a ``Z``: ``2027-02-25T16:19:27Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def oid_name(oid: ObjectIdentifier | str) -> str:
    """``serverAuth (1.3.6.1.5.5.7.3.1)``, or the dotted OID alone when it has no known name."""
    if isinstance(oid, str):
        oid = ObjectIdentifier(oid)
    name = getattr(oid, "_name", None)
    if not name or name == "Unknown OID":
        return oid.dotted_string
    return f"{name} ({oid.dotted_string})"


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.hex()


def name_fields(name: x509.Name) -> list[Field]:
    out = []
    for rdn in name.rdns:
        for attr in rdn:
            label = attr.rfc4514_attribute_name
            if label == attr.oid.dotted_string:
                label = oid_name(attr.oid)
            out.append(_f(label, _text(attr.value)))
    return out


def general_name(gn: x509.GeneralName) -> Field:
    if isinstance(gn, x509.DNSName):
        return _f("DNS", gn.value)
    if isinstance(gn, x509.IPAddress):
        value = gn.value
        shown = (
            value.with_prefixlen
            if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network)
            else str(value)
        )
        return _f("IP address", shown)
    if isinstance(gn, x509.RFC822Name):
        return _f("Email", gn.value)
    if isinstance(gn, x509.UniformResourceIdentifier):
        return _f("URI", gn.value)
    if isinstance(gn, x509.DirectoryName):
        return _f("Directory name", gn.value.rfc4514_string())
    if isinstance(gn, x509.RegisteredID):
        return _f("Registered ID", oid_name(gn.value))
    if isinstance(gn, x509.OtherName):
        return _f("Other name", f"{oid_name(gn.type_id)}: {gn.value.hex()}")
    return _f("Name", str(gn))


def _names(names: Iterable[x509.GeneralName]) -> list[Field]:
    return [general_name(n) for n in names]


def _summary(fields: Sequence[Field]) -> str:
    return ", ".join(f"{f.label}: {f.value}" if f.value else f.label for f in fields)


# --- extensions --------------------------------------------------------------------------------

_KEY_USAGES = (
    ("digital_signature", "Digital Signature"),
    ("content_commitment", "Non Repudiation"),
    ("key_encipherment", "Key Encipherment"),
    ("data_encipherment", "Data Encipherment"),
    ("key_agreement", "Key Agreement"),
    ("key_cert_sign", "Certificate Sign"),
    ("crl_sign", "CRL Sign"),
)

_TITLES = {
    "subjectAltName": "Subject Alternative Name",
    "issuerAltName": "Issuer Alternative Name",
    "keyUsage": "Key Usage",
    "extendedKeyUsage": "Extended Key Usage",
    "basicConstraints": "Basic Constraints",
    "subjectKeyIdentifier": "Subject Key Identifier",
    "authorityKeyIdentifier": "Authority Key Identifier",
    "cRLDistributionPoints": "CRL Distribution Points",
    "freshestCRL": "Freshest CRL",
    "authorityInfoAccess": "Authority Information Access",
    "subjectInfoAccess": "Subject Information Access",
    "certificatePolicies": "Certificate Policies",
    "nameConstraints": "Name Constraints",
    "policyConstraints": "Policy Constraints",
    "policyMappings": "Policy Mappings",
    "inhibitAnyPolicy": "Inhibit Any Policy",
    "TLSFeature": "TLS Feature",
    "signedCertificateTimestampList": "Signed Certificate Timestamps",
    "OCSPNoCheck": "OCSP No Check",
}


def _key_usage(ku: x509.KeyUsage) -> list[Field]:
    out = [_f(label) for attr, label in _KEY_USAGES if getattr(ku, attr)]
    if ku.key_agreement:
        if ku.encipher_only:
            out.append(_f("Encipher Only"))
        if ku.decipher_only:
            out.append(_f("Decipher Only"))
    return out


def _distribution_points(points: Iterable[x509.DistributionPoint]) -> list[Field]:
    out = []
    for i, dp in enumerate(points, 1):
        parts: list[Field] = []
        if dp.full_name:
            parts += _names(dp.full_name)
        if dp.relative_name is not None:
            parts.append(_f("Relative name", dp.relative_name.rfc4514_string()))
        if dp.reasons:
            parts.append(_f("Reasons", ", ".join(sorted(r.value for r in dp.reasons))))
        if dp.crl_issuer:
            parts.append(_f("CRL issuer", "", _names(dp.crl_issuer)))
        out.append(_f(f"Distribution point {i}", _summary(parts[:1]), parts))
    return out


def _policies(policies: x509.CertificatePolicies) -> list[Field]:
    out = []
    for info in policies:
        qualifiers: list[Field] = []
        for q in info.policy_qualifiers or ():
            if isinstance(q, str):
                qualifiers.append(_f("CPS", q))
                continue
            parts = []
            if q.notice_reference is not None:
                ref = q.notice_reference
                numbers = ", ".join(str(n) for n in ref.notice_numbers)
                parts.append(_f("Notice reference", f"{ref.organization or ''} {numbers}".strip()))
            if q.explicit_text:
                parts.append(_f("Explicit text", q.explicit_text))
            qualifiers.append(_f("User notice", "", parts))
        out.append(_f("Policy", oid_name(info.policy_identifier), qualifiers))
    return out


def _sct(scts: Iterable[Any]) -> list[Field]:
    out = []
    for sct in scts:
        out.append(
            _f(
                "Timestamp",
                _when(sct.timestamp.replace(tzinfo=dt.UTC)),
                [_f("Log ID", colon_hex(sct.log_id)), _f("Version", sct.version.name)],
            )
        )
    return out


def _extension_body(value: x509.ExtensionType) -> tuple[str, list[Field]]:
    """A one-line summary and the decoded parts of one extension."""
    if isinstance(value, x509.SubjectAlternativeName | x509.IssuerAlternativeName):
        parts = _names(value)
        return _summary(parts), parts
    if isinstance(value, x509.KeyUsage):
        parts = _key_usage(value)
        return _summary(parts), parts
    if isinstance(value, x509.ExtendedKeyUsage):
        parts = [_f(oid_name(o)) for o in value]
        return _summary(parts), parts
    if isinstance(value, x509.BasicConstraints):
        parts = [_f("Certificate authority", "yes" if value.ca else "no")]
        if value.path_length is not None:
            parts.append(_f("Path length", value.path_length))
        return _summary(parts), parts
    if isinstance(value, x509.SubjectKeyIdentifier):
        return colon_hex(value.digest), []
    if isinstance(value, x509.AuthorityKeyIdentifier):
        parts = []
        if value.key_identifier is not None:
            parts.append(_f("Key identifier", colon_hex(value.key_identifier)))
        if value.authority_cert_issuer:
            parts.append(_f("Issuer", "", _names(value.authority_cert_issuer)))
        if value.authority_cert_serial_number is not None:
            parts.append(_f("Serial number", serial_hex(value.authority_cert_serial_number)))
        return _summary(parts[:1]), parts
    if isinstance(value, x509.CRLDistributionPoints | x509.FreshestCRL):
        parts = _distribution_points(value)
        return "; ".join(p.value for p in parts), parts
    if isinstance(value, x509.AuthorityInformationAccess | x509.SubjectInformationAccess):
        parts = [
            _f(oid_name(d.access_method), general_name(d.access_location).value) for d in value
        ]
        return _summary(parts), parts
    if isinstance(value, x509.CertificatePolicies):
        parts = _policies(value)
        return ", ".join(p.value for p in parts), parts
    if isinstance(value, x509.NameConstraints):
        parts = []
        if value.permitted_subtrees:
            parts.append(_f("Permitted", "", _names(value.permitted_subtrees)))
        if value.excluded_subtrees:
            parts.append(_f("Excluded", "", _names(value.excluded_subtrees)))
        return "", parts
    if isinstance(value, x509.PolicyConstraints):
        parts = []
        if value.require_explicit_policy is not None:
            parts.append(_f("Require explicit policy", value.require_explicit_policy))
        if value.inhibit_policy_mapping is not None:
            parts.append(_f("Inhibit policy mapping", value.inhibit_policy_mapping))
        return _summary(parts), parts
    if isinstance(value, x509.InhibitAnyPolicy):
        return str(value.skip_certs), []
    if isinstance(value, x509.TLSFeature):
        parts = [_f(f.name) for f in value]
        return _summary(parts), parts
    if isinstance(value, x509.PrecertificateSignedCertificateTimestamps):
        parts = _sct(value)
        return f"{len(parts)} timestamps", parts
    if isinstance(value, x509.OCSPNoCheck):
        return "present", []
    if isinstance(value, x509.UnrecognizedExtension):
        return value.value.hex(), []
    return str(value), []


def extension_field(ext: x509.Extension[x509.ExtensionType]) -> Field:
    name = getattr(ext.oid, "_name", "")
    title = _TITLES.get(name) or oid_name(ext.oid)
    try:
        summary, parts = _extension_body(ext.value)
    except (ValueError, TypeError, AttributeError) as exc:
        summary, parts = f"cannot be decoded ({exc})", []
    header = [_f("OID", ext.oid.dotted_string), _f("Critical", "yes" if ext.critical else "no")]
    label = f"{title} (critical)" if ext.critical else title
    return _f(label, summary, header + parts)


def _extensions(exts: Iterable[x509.Extension[x509.ExtensionType]]) -> list[Field]:
    return [extension_field(e) for e in exts]


def _raw_extensions(parse: LenientParse) -> list[Field]:
    return [
        _f(
            f"{oid_name(e.oid)} (critical)" if e.critical else oid_name(e.oid),
            e.value.hex(),
            [_f("OID", e.oid), _f("Critical", "yes" if e.critical else "no")],
        )
        for e in parse.extensions
    ]


# --- the certificate ---------------------------------------------------------------------------


def _public_key(cert: Certificate) -> Field:
    try:
        key = cert.public_key()
    except (KeystoreError, ValueError) as exc:
        return _f("Public key", f"cannot be read ({exc})")
    parts = []
    if isinstance(key, rsa.RSAPublicKey):
        parts = [
            _f("Algorithm", "RSA"),
            _f("Size", f"{key.key_size} bits"),
            _f("Public exponent", key.public_numbers().e),
        ]
    elif isinstance(key, ec.EllipticCurvePublicKey):
        parts = [
            _f("Algorithm", "EC"),
            _f("Curve", key.curve.name),
            _f("Size", f"{key.curve.key_size} bits"),
        ]
    elif isinstance(key, dsa.DSAPublicKey):
        parts = [_f("Algorithm", "DSA"), _f("Size", f"{key.key_size} bits")]
    else:
        parts = [_f("Algorithm", describe_public_key(key))]
    return _f("Public key", describe_public_key(key), parts)


def _validity(cert: Certificate, now: dt.datetime) -> Field:
    start, end = cert.not_before, cert.not_after
    if now < start:
        status = f"not valid yet (starts in {(start - now).days} days)"
    elif now > end:
        status = f"expired {(now - end).days} days ago"
    else:
        status = f"{(end - now).days} days remaining"
    return _f(
        "Validity",
        status,
        [_f("Not before", _when(start)), _f("Not after", _when(end)), _f("Status", status)],
    )


def describe(cert: Certificate, now: dt.datetime | None = None) -> Field:
    """Every field of ``cert``, decoded, as a tree."""
    now = now or dt.datetime.now(dt.UTC)
    parsed = cert.x509
    lenient = cert.lenient
    notes: list[Field] = []
    if parsed is not None:
        version = str(parsed.version.value + 1)
        signature = oid_name(parsed.signature_algorithm_oid)
        try:
            extensions = _extensions(parsed.extensions)
        except ValueError as exc:  # cryptography decodes all extensions or none
            extensions = _raw_extensions(parse_lenient(cert.der))
            notes.append(_f("Extensions", f"shown undecoded, as OID and hex value: {exc}"))
    else:
        assert isinstance(lenient, LenientParse)
        version = str(lenient.version)
        signature = oid_name(lenient.signature_algorithm_oid)
        notes.append(
            _f(
                "Read leniently",
                "the cryptography library refuses this encoding "
                "(e.g. a DSA certificate from JDK 17 or older); its signature cannot be checked",
            )
        )
        if lenient.normalised_der is not None:
            extensions = _extensions(
                x509.load_der_x509_certificate(lenient.normalised_der).extensions
            )
        else:
            extensions = _raw_extensions(lenient)
            if extensions:
                notes.append(_f("Extensions", "shown undecoded, as OID and hex value"))
    serial = cert.serial
    children = [
        _f("Version", version),
        _f("Subject", cert.subject, name_fields(cert.subject_name)),
        _f("Issuer", cert.issuer, name_fields(cert.issuer_name)),
        _f(
            "Serial number",
            serial_hex(serial),
            [_f("Hexadecimal", serial_hex(serial)), _f("Decimal", serial)],
        ),
        _validity(cert, now),
        _public_key(cert),
        _f("Signature algorithm", signature),
        _f("Extensions", str(len(extensions)), extensions),
        _f(
            "Fingerprints",
            "",
            [_f("SHA-1", fingerprint(cert.sha1)), _f("SHA-256", fingerprint(cert.sha256))],
        ),
    ]
    if notes:
        children.append(_f("Notes", "", notes))
    children.append(_f("PEM", cert.pem))
    return _f("Certificate", cert.common_name(), children)


def describe_entry(entry: Entry, now: dt.datetime | None = None) -> Field:
    """An entry: its kind, key, and each certificate of its chain (leaf first)."""
    parts = [_f("Alias", entry.alias), _f("Kind", entry.kind.value)]
    if entry.kind is EntryKind.SECRET_KEY:
        parts.append(_f("Key", _secret_description(entry)))
    elif entry.kind in (EntryKind.PRIVATE_KEY, EntryKind.PUBLIC_KEY):
        parts.append(_f("Key", entry.algorithm_description))
        if entry.key_password is not None:
            parts.append(_f("Key password", "its own (differs from the store password)"))
    if entry.loose:
        parts.append(_f("Trust", NOT_TRUSTED_BY_JAVA))
    if entry.shadowed:
        parts.append(_f("Alias clash", SHADOWED))
    if entry.timestamp is not None:
        parts.append(_f("Created", _when(entry.timestamp)))
    n = len(entry.chain)
    for i, cert in enumerate(entry.chain, 1):
        node = describe(cert, now)
        label = f"Certificate {i} of {n}" if n > 1 else "Certificate"
        parts.append(Field(label, node.value, node.children))
    return _f("Entry", entry.alias, parts)


# --- summaries for listings --------------------------------------------------------------------


def _secret_description(entry: Entry) -> str:
    algorithm, size = secret_key_info(entry)
    if algorithm is None:
        return "stored encrypted; its algorithm is not known until the key is decrypted"
    return f"{algorithm} {size}" if size else algorithm


def secret_key_info(entry: Entry) -> tuple[str | None, int | None]:
    """``(algorithm, size in bits)`` of a secret-key entry; ``None`` where not known yet."""
    from .model import SecretKey

    if isinstance(entry.key, SecretKey):
        return entry.key.algorithm, entry.key.size
    return entry.secret_algorithm, None


def certificate_summary(cert: Certificate) -> dict[str, str]:
    """The fields ``keystore-cli list --json`` gives for each certificate of a chain."""
    from .quickview import summary

    return summary(cert)
