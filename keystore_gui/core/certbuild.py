"""Building certificates: names, extensions and templates, validity, signing, CSRs, CA replies.

Everything here is what both the Generate Key Pair dialog and ``keystore-cli genkey`` use; the
checks that refuse bad input (``C=Lanka``, ``dns:exa mple.com``, a non-CA issuer) return or raise
one-line reasons a user can act on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificateIssuerPublicKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import (
    ExtendedKeyUsageOID,
    ExtensionOID,
    NameOID,
    ObjectIdentifier,
    SignatureAlgorithmOID,
)

from .chain import find_issuer, issuer_of, subject_of
from .chain import is_self_signed as is_self_signed
from .chain import signed_by as chain_signed_by
from .errors import KeystoreError
from .keygen import (
    KeyAlgorithm,
    SignatureAlgorithm,
    check_signature_algorithm,
    default_signature_algorithm,
    signature_algorithm,
    spec_of_key,
)
from .model import Certificate, Entry, EntryKind, attribute_text


class CertificateInputError(KeystoreError):
    """A name, extension, validity or issuer that cannot go into a certificate."""


# --- distinguished names ---------------------------------------------------------------------


@dataclass(frozen=True)
class NameAttributeType:
    key: str
    oid: ObjectIdentifier
    label: str


NAME_ATTRIBUTES: tuple[NameAttributeType, ...] = (
    NameAttributeType("CN", NameOID.COMMON_NAME, "Common name"),
    NameAttributeType("OU", NameOID.ORGANIZATIONAL_UNIT_NAME, "Organizational unit"),
    NameAttributeType("O", NameOID.ORGANIZATION_NAME, "Organization"),
    NameAttributeType("L", NameOID.LOCALITY_NAME, "Locality"),
    NameAttributeType("ST", NameOID.STATE_OR_PROVINCE_NAME, "State or province"),
    NameAttributeType("C", NameOID.COUNTRY_NAME, "Country (2 letters)"),
    NameAttributeType("E", NameOID.EMAIL_ADDRESS, "E-mail"),
    NameAttributeType("STREET", NameOID.STREET_ADDRESS, "Street"),
    NameAttributeType("DC", NameOID.DOMAIN_COMPONENT, "Domain component"),
    NameAttributeType("UID", NameOID.USER_ID, "User ID"),
    NameAttributeType("SERIALNUMBER", NameOID.SERIAL_NUMBER, "Serial number"),
    NameAttributeType("T", NameOID.TITLE, "Title"),
    NameAttributeType("GIVENNAME", NameOID.GIVEN_NAME, "Given name"),
    NameAttributeType("SN", NameOID.SURNAME, "Surname"),
    NameAttributeType("PSEUDONYM", NameOID.PSEUDONYM, "Pseudonym"),
    NameAttributeType("POSTALCODE", NameOID.POSTAL_CODE, "Postal code"),
)
_BY_KEY = {a.key: a for a in NAME_ATTRIBUTES}
_KEY_ALIASES = {
    "EMAILADDRESS": "E",
    "EMAIL": "E",
    "S": "ST",
    "TITLE": "T",
    "SURNAME": "SN",
    "GN": "GIVENNAME",
    "USERID": "UID",
}
_BY_OID = {a.oid: a for a in NAME_ATTRIBUTES}
_SHORT_NAMES = {a.oid: a.key for a in NAME_ATTRIBUTES}
_UPPER_BOUNDS = {"CN": 64, "O": 64, "OU": 64, "L": 128, "ST": 128, "E": 255, "T": 64}
_OID_RE = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _oid(dotted: str) -> ObjectIdentifier:
    try:
        return ObjectIdentifier(dotted)
    except ValueError:
        raise CertificateInputError(f"'{dotted}' is not a valid object identifier") from None


def attribute_oid(key: str) -> ObjectIdentifier:
    """``CN`` → commonName; also ``emailAddress``, ``S``, or a dotted OID such as ``2.5.4.5``."""
    name = key.strip()
    if _OID_RE.match(name):
        return _oid(name)
    upper = name.upper()
    upper = _KEY_ALIASES.get(upper, upper)
    if upper not in _BY_KEY:
        raise CertificateInputError(f"unknown name attribute '{name}'")
    return _BY_KEY[upper].oid


def attribute_key(oid: ObjectIdentifier) -> str:
    return _SHORT_NAMES.get(oid, oid.dotted_string)


def check_attribute(key: str, value: str) -> str | None:
    """Why ``key=value`` cannot go into a name, or ``None`` if it can."""
    try:
        oid = attribute_oid(key)
    except CertificateInputError as exc:
        return str(exc)
    short = attribute_key(oid)
    if not value.strip():
        return f"{short} is empty"
    if oid == NameOID.COUNTRY_NAME and not (
        len(value) == 2 and value.isascii() and value.isalpha()
    ):
        return f"C must be a two-letter country code such as LK or US, not '{value}'"
    if oid == NameOID.EMAIL_ADDRESS and not (value.isascii() and _EMAIL_RE.match(value)):
        return f"'{value}' is not an e-mail address"
    if oid == NameOID.DOMAIN_COMPONENT and not value.isascii():
        return "DC must be ASCII"
    bound = _UPPER_BOUNDS.get(short)
    if bound is not None and len(value) > bound:
        return f"{short} is longer than {bound} characters"
    return None


def _attribute(key: str, value: str) -> x509.NameAttribute[str]:
    reason = check_attribute(key, value)
    if reason is not None:
        raise CertificateInputError(reason)
    oid = attribute_oid(key)
    if oid == NameOID.COUNTRY_NAME:
        value = value.upper()
    return x509.NameAttribute(oid, value)


def name_from_pairs(pairs: Sequence[tuple[str, str]]) -> x509.Name:
    """A name from ``(key, value)`` pairs in reading order (CN first), as keytool shows it."""
    if not pairs:
        raise CertificateInputError("the name is empty: give at least CN")
    return x509.Name([_attribute(k, v) for k, v in reversed(pairs)])


def _split_unescaped(text: str, separators: str) -> list[str]:
    parts, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    """RFC 4514 value unescaping: ``\\,`` and friends, ``\\XX`` hex pairs as UTF-8 bytes."""
    out = bytearray()
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            if i + 1 >= len(value):
                raise CertificateInputError(f"'{value}' ends with a lone backslash")
            pair = value[i + 1 : i + 3]
            if len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair):
                out.append(int(pair, 16))
                i += 3
                continue
            out += value[i + 1].encode()
            i += 2
            continue
        out += ch.encode()
        i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise CertificateInputError(f"'{value}' has escaped bytes that are not UTF-8") from None


def parse_dn(text: str) -> x509.Name:
    """Read a DN as typed: ``CN=www.example.com, O=Example\\, Inc., C=LK`` (RFC 4514 order).

    Spaces around separators are ignored; ``+`` joins a multi-valued RDN; ``E`` and
    ``EMAILADDRESS`` mean the PKCS#9 e-mail attribute; dotted OIDs are accepted.
    """
    if not text.strip():
        raise CertificateInputError("the name is empty: give at least CN=...")
    rdns: list[x509.RelativeDistinguishedName] = []
    for rdn_text in _split_unescaped(text, ",;"):
        attributes = []
        for ava in _split_unescaped(rdn_text, "+"):
            key, sep, raw = ava.partition("=")
            if not sep or not key.strip():
                raise CertificateInputError(f"'{ava.strip()}' is not of the form KEY=value")
            value = raw.strip()
            if raw.rstrip().endswith("\\ "):
                value += " "
            attributes.append(_attribute(key, _unescape(value)))
        rdns.append(x509.RelativeDistinguishedName(attributes))
    return x509.Name(list(reversed(rdns)))


def format_dn(name: x509.Name) -> str:
    """RFC 4514 text with the short names users know (``E`` for the e-mail attribute)."""
    return name.rfc4514_string(_SHORT_NAMES)


def name_pairs(name: x509.Name) -> list[tuple[str, str]]:
    """``(key, value)`` pairs in reading order (CN first)."""
    pairs = []
    for rdn in reversed(name.rdns):
        for attribute in rdn:
            pairs.append((attribute_key(attribute.oid), attribute_text(attribute.value)))
    return pairs


# --- subject alternative names ---------------------------------------------------------------

SAN_KINDS = ("dns", "ip", "email", "uri")
_DNS_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def is_dns_name(text: str) -> bool:
    name = text[:-1] if text.endswith(".") else text
    if not name or len(name) > 253 or not name.isascii():
        return False
    labels = name.split(".")
    if labels[0] == "*" and len(labels) > 2:
        labels = labels[1:]
    return all(_DNS_LABEL.match(label) for label in labels)


def parse_general_name(text: str) -> x509.GeneralName:
    """``dns:www.example.com``, ``ip:10.0.0.1``, ``email:ops@example.com``, ``uri:https://…``."""
    kind, sep, value = text.strip().partition(":")
    kind = kind.strip().lower()
    value = value.strip()
    if not sep or kind not in SAN_KINDS:
        raise CertificateInputError(
            f"'{text.strip()}' is not a subject alternative name: write dns:NAME, ip:ADDRESS, "
            "email:ADDRESS or uri:URI"
        )
    if kind == "dns":
        if not is_dns_name(value):
            raise CertificateInputError(f"'{value}' is not a DNS name")
        return x509.DNSName(value)
    if kind == "ip":
        try:
            return x509.IPAddress(ipaddress.ip_address(value))
        except ValueError:
            raise CertificateInputError(f"'{value}' is not an IP address") from None
    if kind == "email":
        if not (value.isascii() and _EMAIL_RE.match(value)):
            raise CertificateInputError(f"'{value}' is not an e-mail address")
        return x509.RFC822Name(value)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) or not value.isascii():
        raise CertificateInputError(f"'{value}' is not a URI (it needs a scheme such as https:)")
    return x509.UniformResourceIdentifier(value)


def format_general_name(name: x509.GeneralName) -> str:
    if isinstance(name, x509.DNSName):
        return f"dns:{name.value}"
    if isinstance(name, x509.IPAddress):
        return f"ip:{name.value}"
    if isinstance(name, x509.RFC822Name):
        return f"email:{name.value}"
    if isinstance(name, x509.UniformResourceIdentifier):
        return f"uri:{name.value}"
    return str(name)


def name_as_san(value: str) -> str | None:
    """The SAN a CN offers (``dns:`` for a host name, ``ip:`` for an address), if any."""
    try:
        return f"ip:{ipaddress.ip_address(value)}"
    except ValueError:
        pass
    return f"dns:{value}" if ("." in value and is_dns_name(value)) or value == "localhost" else None


# --- extensions ------------------------------------------------------------------------------

KEY_USAGES = (
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
)
_KU_ARGS = {
    "digitalSignature": "digital_signature",
    "nonRepudiation": "content_commitment",
    "keyEncipherment": "key_encipherment",
    "dataEncipherment": "data_encipherment",
    "keyAgreement": "key_agreement",
    "keyCertSign": "key_cert_sign",
    "cRLSign": "crl_sign",
    "encipherOnly": "encipher_only",
    "decipherOnly": "decipher_only",
}

EXTENDED_KEY_USAGES: dict[str, ObjectIdentifier] = {
    "serverAuth": ExtendedKeyUsageOID.SERVER_AUTH,
    "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH,
    "codeSigning": ExtendedKeyUsageOID.CODE_SIGNING,
    "emailProtection": ExtendedKeyUsageOID.EMAIL_PROTECTION,
    "timeStamping": ExtendedKeyUsageOID.TIME_STAMPING,
    "OCSPSigning": ExtendedKeyUsageOID.OCSP_SIGNING,
}
_EKU_NAMES = {oid: name for name, oid in EXTENDED_KEY_USAGES.items()}


def eku_oid(name: str) -> ObjectIdentifier:
    text = name.strip()
    for known, oid in EXTENDED_KEY_USAGES.items():
        if known.lower() == text.lower():
            return oid
    if _OID_RE.match(text):
        return _oid(text)
    known_names = ", ".join(EXTENDED_KEY_USAGES)
    raise CertificateInputError(
        f"unknown extended key usage '{text}' (use {known_names} or an OID)"
    )


def eku_name(oid: ObjectIdentifier) -> str:
    return _EKU_NAMES.get(oid, oid.dotted_string)


@dataclass(frozen=True)
class BasicConstraintsChoice:
    ca: bool
    path_length: int | None = None


@dataclass
class ExtensionChoices:
    """The extensions a new certificate or CSR gets, each with its critical flag.

    ``None`` (or an empty SAN list) leaves an extension out.
    """

    subject_alt_names: list[str] = field(default_factory=list)
    san_critical: bool = False
    key_usage: frozenset[str] | None = None
    key_usage_critical: bool = True
    extended_key_usage: tuple[str, ...] | None = None
    extended_key_usage_critical: bool = False
    basic_constraints: BasicConstraintsChoice | None = None
    basic_constraints_critical: bool = True
    subject_key_identifier: bool = True
    authority_key_identifier: bool = True

    def problems_by_part(self) -> dict[str, list[str]]:
        """Reasons these choices cannot go into a certificate, keyed by the part they concern:
        ``san``, ``key_usage``, ``extended_key_usage`` and ``basic_constraints``."""
        san: list[str] = []
        for text in self.subject_alt_names:
            try:
                parse_general_name(text)
            except CertificateInputError as exc:
                san.append(str(exc))
        if self.san_critical and not self.subject_alt_names:
            san.append("the subject alternative names are marked critical but empty")
        ku: list[str] = []
        if self.key_usage is not None:
            unknown = sorted(self.key_usage - set(KEY_USAGES))
            if unknown:
                ku.append(f"unknown key usage {', '.join(unknown)}")
            elif not self.key_usage:
                ku.append("key usage is on but no usage is ticked")
            elif {"encipherOnly", "decipherOnly"} & self.key_usage and (
                "keyAgreement" not in self.key_usage
            ):
                ku.append("encipherOnly and decipherOnly need keyAgreement")
            if self.is_ca and self.key_usage and "keyCertSign" not in self.key_usage:
                ku.append("a CA certificate needs the keyCertSign key usage")
        eku: list[str] = []
        if self.extended_key_usage is not None:
            if not self.extended_key_usage:
                eku.append("extended key usage is on but empty")
            for name in self.extended_key_usage:
                try:
                    eku_oid(name)
                except CertificateInputError as exc:
                    eku.append(str(exc))
        bc_problems: list[str] = []
        bc = self.basic_constraints
        if bc is not None and bc.path_length is not None:
            if not bc.ca:
                bc_problems.append("a path length needs the CA flag")
            elif bc.path_length < 0:
                bc_problems.append("the path length cannot be negative")
        return {
            "san": san,
            "key_usage": ku,
            "extended_key_usage": eku,
            "basic_constraints": bc_problems,
        }

    def problems(self) -> list[str]:
        """Every reason these choices cannot go into a certificate; empty when they can."""
        return [p for part in self.problems_by_part().values() for p in part]

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise CertificateInputError(problems[0])

    @property
    def is_ca(self) -> bool:
        return self.basic_constraints is not None and self.basic_constraints.ca

    def request_extensions(self) -> list[x509.Extension[x509.ExtensionType]]:
        """The extensions that go into a CSR (or certificate) apart from SKI and AKI."""
        self.check()
        result: list[x509.Extension[x509.ExtensionType]] = []

        def add(value: x509.ExtensionType, critical: bool) -> None:
            result.append(x509.Extension(value.oid, critical, value))

        if self.basic_constraints is not None:
            bc = self.basic_constraints
            add(
                x509.BasicConstraints(bc.ca, bc.path_length if bc.ca else None),
                self.basic_constraints_critical,
            )
        if self.key_usage is not None:
            flags = {arg: name in self.key_usage for name, arg in _KU_ARGS.items()}
            add(x509.KeyUsage(**flags), self.key_usage_critical)
        if self.extended_key_usage is not None:
            add(
                x509.ExtendedKeyUsage([eku_oid(n) for n in self.extended_key_usage]),
                self.extended_key_usage_critical,
            )
        if self.subject_alt_names:
            names = [parse_general_name(s) for s in self.subject_alt_names]
            add(x509.SubjectAlternativeName(names), self.san_critical)
        return result

    @classmethod
    def from_extensions(cls, extensions: x509.Extensions) -> ExtensionChoices:
        """What a certificate or CSR carries, as choices (unknown extensions are left out)."""
        choices = cls(subject_key_identifier=False, authority_key_identifier=False)
        for ext in extensions:
            value = ext.value
            if isinstance(value, x509.SubjectAlternativeName):
                choices.subject_alt_names = [format_general_name(n) for n in value]
                choices.san_critical = ext.critical
            elif isinstance(value, x509.KeyUsage):
                choices.key_usage = frozenset(_key_usage_names(value))
                choices.key_usage_critical = ext.critical
            elif isinstance(value, x509.ExtendedKeyUsage):
                choices.extended_key_usage = tuple(eku_name(o) for o in value)
                choices.extended_key_usage_critical = ext.critical
            elif isinstance(value, x509.BasicConstraints):
                choices.basic_constraints = BasicConstraintsChoice(value.ca, value.path_length)
                choices.basic_constraints_critical = ext.critical
            elif isinstance(value, x509.SubjectKeyIdentifier):
                choices.subject_key_identifier = True
            elif isinstance(value, x509.AuthorityKeyIdentifier):
                choices.authority_key_identifier = True
        return choices


def _key_usage_names(value: x509.KeyUsage) -> list[str]:
    names = []
    for name, arg in _KU_ARGS.items():
        if arg in ("encipher_only", "decipher_only") and not value.key_agreement:
            continue
        if getattr(value, arg):
            names.append(name)
    return names


TEMPLATES = ("tls-server", "tls-client", "ca", "code-signing")
TEMPLATE_LABELS = {
    "tls-server": "TLS server",
    "tls-client": "TLS client",
    "ca": "CA",
    "code-signing": "Code signing",
}


def template(
    name: str, key_algorithm: KeyAlgorithm = KeyAlgorithm.EC, common_name: str | None = None
) -> ExtensionChoices:
    """The extensions of a ready template; ``common_name`` is offered as the first SAN."""
    if name not in TEMPLATES:
        raise CertificateInputError(f"unknown template '{name}' (choose {', '.join(TEMPLATES)})")
    leaf_usage = {"digitalSignature"}
    if key_algorithm is KeyAlgorithm.RSA:
        leaf_usage.add("keyEncipherment")
    sans = []
    if name in ("tls-server", "tls-client") and common_name:
        offered = name_as_san(common_name)
        if offered is not None and (name == "tls-server" or offered.startswith("dns:")):
            sans.append(offered)
    if name == "tls-server":
        return ExtensionChoices(
            subject_alt_names=sans,
            key_usage=frozenset(leaf_usage),
            extended_key_usage=("serverAuth",),
        )
    if name == "tls-client":
        return ExtensionChoices(
            subject_alt_names=sans,
            key_usage=frozenset({"digitalSignature"}),
            extended_key_usage=("clientAuth",),
        )
    if name == "code-signing":
        return ExtensionChoices(
            key_usage=frozenset({"digitalSignature"}),
            extended_key_usage=("codeSigning",),
        )
    return ExtensionChoices(
        key_usage=frozenset({"digitalSignature", "keyCertSign", "cRLSign"}),
        basic_constraints=BasicConstraintsChoice(ca=True),
    )


# --- validity --------------------------------------------------------------------------------

PERIOD_UNITS = ("days", "months", "years")
DEFAULT_PERIOD = (1, "years")


def add_period(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """``start`` plus whole days, months or years (Jan 31 + 1 month = Feb 28/29)."""
    if unit == "days":
        return start + dt.timedelta(days=amount)
    if unit not in ("months", "years"):
        raise CertificateInputError(f"unknown period unit '{unit}' (use days, months or years)")
    months = amount * (12 if unit == "years" else 1)
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if not 1 <= year <= 9998:
        raise CertificateInputError("the validity period is too long")
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Validity:
    not_before: dt.datetime
    not_after: dt.datetime

    @classmethod
    def from_period(
        cls, amount: int, unit: str = "days", start: dt.datetime | None = None
    ) -> Validity:
        if amount <= 0:
            raise CertificateInputError("the validity period must be at least 1")
        begin = _utc(start) if start is not None else _now()
        return cls.between(begin, add_period(begin, amount, unit))

    @classmethod
    def between(cls, start: dt.datetime, end: dt.datetime) -> Validity:
        begin, finish = _utc(start), _utc(end)
        if finish <= begin:
            raise CertificateInputError("the end of validity must come after its start")
        if finish.year > 9999:
            raise CertificateInputError("the end of validity is after the year 9999")
        return cls(begin, finish)

    @classmethod
    def default(cls) -> Validity:
        return cls.from_period(*DEFAULT_PERIOD)

    def within(self, issuer: Certificate) -> Validity:
        """This validity, ending no later than ``issuer`` does (a CA cannot vouch beyond it)."""
        if self.not_after <= issuer.not_after:
            return self
        if issuer.not_after <= self.not_before:
            raise CertificateInputError(
                f"the CA '{issuer.common_name()}' expires on {issuer.not_after:%Y-%m-%d}, before "
                "this certificate would start"
            )
        return Validity.between(self.not_before, issuer.not_after)


def _utc(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- signing ---------------------------------------------------------------------------------


def random_serial() -> int:
    """A positive serial of 159 random bits (fits the 20 octets RFC 5280 allows)."""
    serial = 0
    while serial == 0:
        serial = x509.random_serial_number()
    return serial


def is_ca_certificate(cert: Certificate) -> bool:
    parsed = cert.x509
    if parsed is None:
        return False
    try:
        bc = parsed.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not bc.ca:
        return False
    try:
        ku = parsed.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return bool(ku.key_cert_sign)


def _issuer_key(key: object) -> CertificateIssuerPrivateKeyTypes:
    if isinstance(
        key,
        rsa.RSAPrivateKey
        | ec.EllipticCurvePrivateKey
        | ed25519.Ed25519PrivateKey
        | ed448.Ed448PrivateKey
        | dsa.DSAPrivateKey,
    ):
        return key
    raise CertificateInputError(f"a {type(key).__name__} cannot sign certificates")


@dataclass(frozen=True)
class Issuer:
    """A CA private key with its chain (the CA's certificate first)."""

    key: CertificateIssuerPrivateKeyTypes
    chain: tuple[Certificate, ...]
    alias: str = ""

    @property
    def certificate(self) -> Certificate:
        return self.chain[0]

    @classmethod
    def from_entry(cls, entry: Entry) -> Issuer:
        """The entry as an issuer; refuses entries that are not an unlocked CA private key."""
        if entry.kind is not EntryKind.PRIVATE_KEY or not entry.chain:
            raise CertificateInputError(f"entry '{entry.alias}' is not a private key entry")
        if not is_ca_certificate(entry.chain[0]):
            raise CertificateInputError(
                f"entry '{entry.alias}' cannot issue certificates: its certificate is not a CA "
                "(no basic constraints CA flag, or no keyCertSign usage)"
            )
        return cls(_issuer_key(entry.private_key), tuple(entry.chain), entry.alias)

    def check_can_issue(self, choices: ExtensionChoices) -> None:
        check_ca_can_issue(self.certificate, choices, self.alias)


def check_ca_can_issue(ca: Certificate, choices: ExtensionChoices, alias: str = "") -> None:
    """Refuse a CA certificate under ``ca`` that its path length constraint forbids."""
    parsed = ca.x509
    if parsed is None:
        raise CertificateInputError(f"the certificate of '{alias or ca.subject}' cannot be read")
    try:
        bc = parsed.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        raise CertificateInputError(f"'{alias or ca.subject}' is not a CA") from None
    path_length = bc.path_length
    if path_length is None or not choices.is_ca:
        return
    name = alias or ca.subject
    if path_length == 0:
        raise CertificateInputError(
            f"'{name}' has path length 0: it can sign end-entity certificates only, not a CA"
        )
    assert choices.basic_constraints is not None
    wanted = choices.basic_constraints.path_length
    if wanted is None or wanted >= path_length:
        raise CertificateInputError(
            f"'{name}' has path length {path_length}: a CA it signs needs a path length of "
            f"at most {path_length - 1}"
        )


def _key_identifier(public_key: CertificatePublicKeyTypes) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(public_key)


def _authority_key_identifier(
    issuer: Certificate | None, own_ski: bytes
) -> x509.AuthorityKeyIdentifier:
    if issuer is None or issuer.x509 is None:
        return x509.AuthorityKeyIdentifier(own_ski, None, None)
    try:
        ski = issuer.x509.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(
            _certificate_issuer_public_key(issuer)
        )


def _certificate_issuer_public_key(cert: Certificate) -> CertificateIssuerPublicKeyTypes:
    key = cert.public_key()
    if isinstance(
        key,
        rsa.RSAPublicKey
        | ec.EllipticCurvePublicKey
        | ed25519.Ed25519PublicKey
        | ed448.Ed448PublicKey
        | dsa.DSAPublicKey,
    ):
        return key
    raise CertificateInputError("the issuer's key cannot sign certificates")


def _resolve_signature(
    signer: CertificateIssuerPrivateKeyTypes, sig: SignatureAlgorithm | None
) -> SignatureAlgorithm:
    spec = spec_of_key(signer)
    if sig is None:
        return default_signature_algorithm(spec)
    check_signature_algorithm(sig, spec)
    return sig


def build_certificate(
    *,
    subject: x509.Name,
    public_key: CertificatePublicKeyTypes,
    validity: Validity,
    extensions: Sequence[x509.Extension[x509.ExtensionType]],
    subject_key_identifier: bool = True,
    authority_key_identifier: bool = True,
    issuer: Issuer | None = None,
    self_key: CertificateIssuerPrivateKeyTypes | None = None,
    signature: SignatureAlgorithm | None = None,
) -> Certificate:
    """Sign a certificate for ``public_key``: by ``issuer``, or self-signed with ``self_key``."""
    if issuer is None and self_key is None:
        raise CertificateInputError("a self-signed certificate needs its own private key")
    signer = issuer.key if issuer is not None else self_key
    assert signer is not None
    sig = _resolve_signature(signer, signature)
    issuer_name = issuer.certificate.subject_name if issuer is not None else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(random_serial())
        .not_valid_before(validity.not_before)
        .not_valid_after(validity.not_after)
    )
    skip = {ExtensionOID.SUBJECT_KEY_IDENTIFIER, ExtensionOID.AUTHORITY_KEY_IDENTIFIER}
    for ext in extensions:
        if ext.oid not in skip:
            builder = builder.add_extension(ext.value, ext.critical)
    ski = _key_identifier(public_key)
    if subject_key_identifier:
        builder = builder.add_extension(ski, critical=False)
    if authority_key_identifier:
        aki = _authority_key_identifier(
            issuer.certificate if issuer is not None else None, ski.digest
        )
        builder = builder.add_extension(aki, critical=False)
    try:
        cert = builder.sign(signer, sig.hash(), rsa_padding=sig.rsa_padding())
    except ValueError as exc:
        raise CertificateInputError(f"cannot build the certificate: {exc}") from None
    return Certificate.from_x509(cert)


@dataclass(frozen=True)
class NewCertificate:
    """What a new certificate needs apart from its key: the dialog's and the CLI's result."""

    subject: x509.Name
    validity: Validity
    extensions: ExtensionChoices
    signature: SignatureAlgorithm | None = None


def issue(
    request: NewCertificate,
    key: CertificateIssuerPrivateKeyTypes,
    issuer: Issuer | None = None,
) -> list[Certificate]:
    """The chain for ``key``: a self-signed certificate, or one signed by ``issuer`` + its chain."""
    validity = request.validity
    if issuer is not None:
        issuer.check_can_issue(request.extensions)
        validity = validity.within(issuer.certificate)
    cert = build_certificate(
        subject=request.subject,
        public_key=key.public_key(),
        validity=validity,
        extensions=request.extensions.request_extensions(),
        subject_key_identifier=request.extensions.subject_key_identifier,
        authority_key_identifier=request.extensions.authority_key_identifier,
        issuer=issuer,
        self_key=key,
        signature=request.signature,
    )
    return [cert, *(issuer.chain if issuer is not None else ())]


def alias_problem(alias: str) -> str | None:
    """Why ``alias`` cannot name a new entry in any keystore format, or ``None``."""
    if not alias.strip():
        return "an alias is needed"
    if alias != alias.strip():
        return "the alias starts or ends with a space"
    if any(ord(ch) > 0xFFFF for ch in alias):
        return "keystores cannot hold characters such as emoji in an alias"
    if any(ord(ch) < 0x20 for ch in alias):
        return "the alias has a control character"
    return None


def new_key_entry(
    alias: str,
    key: CertificateIssuerPrivateKeyTypes,
    chain: list[Certificate],
    key_password: str | None = None,
) -> Entry:
    return Entry(
        alias=alias,
        kind=EntryKind.PRIVATE_KEY,
        chain=chain,
        key=key,
        key_password=key_password,
        timestamp=dt.datetime.now(dt.UTC),
    )


def renew(entry: Entry, validity: Validity, issuer: Issuer | None = None) -> list[Certificate]:
    """A new chain for the entry's key: same subject and extensions, new validity and serial.

    A self-signed certificate is signed again by its own key; any other needs its ``issuer``.
    """
    key = _issuer_key(entry.private_key)
    old = entry.certificate
    if old is None or old.x509 is None:
        raise CertificateInputError(f"entry '{entry.alias}' has no certificate to renew")
    self_signed = is_self_signed(old)
    if issuer is None and not self_signed:
        raise CertificateInputError(
            f"entry '{entry.alias}' was issued by {old.issuer}: choose that CA to renew it"
        )
    if issuer is not None and issuer.certificate.subject_name != old.issuer_name:
        raise CertificateInputError(
            f"entry '{entry.alias}' was issued by {old.issuer}, not by {issuer.certificate.subject}"
        )
    parsed = old.x509
    sig: SignatureAlgorithm | None = None
    try:
        same = signature_algorithm(_java_signature_name(parsed))
        check_signature_algorithm(same, spec_of_key(issuer.key if issuer else key))
        sig = same
    except KeystoreError:
        pass
    has = {e.oid for e in parsed.extensions}
    cert = build_certificate(
        subject=parsed.subject,
        public_key=key.public_key(),
        validity=validity.within(issuer.certificate) if issuer is not None else validity,
        extensions=list(parsed.extensions),
        subject_key_identifier=ExtensionOID.SUBJECT_KEY_IDENTIFIER in has,
        authority_key_identifier=ExtensionOID.AUTHORITY_KEY_IDENTIFIER in has,
        issuer=issuer,
        self_key=key,
        signature=sig,
    )
    return [cert, *(issuer.chain if issuer is not None else ())]


_SIGNATURE_NAMES = {
    SignatureAlgorithmOID.RSA_WITH_SHA256: "SHA256withRSA",
    SignatureAlgorithmOID.RSA_WITH_SHA384: "SHA384withRSA",
    SignatureAlgorithmOID.RSA_WITH_SHA512: "SHA512withRSA",
    SignatureAlgorithmOID.ECDSA_WITH_SHA256: "SHA256withECDSA",
    SignatureAlgorithmOID.ECDSA_WITH_SHA384: "SHA384withECDSA",
    SignatureAlgorithmOID.ECDSA_WITH_SHA512: "SHA512withECDSA",
    SignatureAlgorithmOID.ED25519: "Ed25519",
    SignatureAlgorithmOID.ED448: "Ed448",
    SignatureAlgorithmOID.DSA_WITH_SHA256: "SHA256withDSA",
}


def _java_signature_name(cert: x509.Certificate) -> str:
    """The signature algorithm of ``cert`` as :func:`signature_algorithm` names it."""
    oid = cert.signature_algorithm_oid
    if oid == SignatureAlgorithmOID.RSASSA_PSS and cert.signature_hash_algorithm is not None:
        return f"{cert.signature_hash_algorithm.name.upper()}withRSA/PSS"
    return _SIGNATURE_NAMES.get(oid, oid.dotted_string)


# --- CSRs ------------------------------------------------------------------------------------


def build_csr(
    key: CertificateIssuerPrivateKeyTypes,
    subject: x509.Name,
    extensions: Sequence[x509.Extension[x509.ExtensionType]] = (),
    signature: SignatureAlgorithm | None = None,
) -> x509.CertificateSigningRequest:
    sig = _resolve_signature(key, signature)
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    for ext in extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    try:
        return builder.sign(key, sig.hash(), rsa_padding=sig.rsa_padding())
    except ValueError as exc:
        raise CertificateInputError(f"cannot build the request: {exc}") from None


_CSR_EXTENSIONS = {
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
    ExtensionOID.KEY_USAGE,
    ExtensionOID.EXTENDED_KEY_USAGE,
    ExtensionOID.BASIC_CONSTRAINTS,
}


def csr_for_entry(entry: Entry, signature: SignatureAlgorithm | None = None) -> bytes:
    """A PEM PKCS#10 request for a private-key entry: its subject, SANs and usages."""
    key = _issuer_key(entry.private_key)
    cert = entry.certificate
    if cert is None or cert.x509 is None:
        raise CertificateInputError(f"entry '{entry.alias}' has no certificate to take a name from")
    extensions = [e for e in cert.x509.extensions if e.oid in _CSR_EXTENSIONS]
    csr = build_csr(key, cert.x509.subject, extensions, signature)
    return csr.public_bytes(serialization.Encoding.PEM)


def load_csr(data: bytes) -> x509.CertificateSigningRequest:
    """A PKCS#10 request from PEM or DER, its self-signature checked."""
    try:
        if b"-----BEGIN" in data:
            csr = x509.load_pem_x509_csr(data)
        else:
            csr = x509.load_der_x509_csr(data)
    except ValueError:
        raise CertificateInputError("not a PKCS#10 certificate request (PEM or DER)") from None
    try:
        valid = csr.is_signature_valid
    except Exception:  # an unsupported key or algorithm
        valid = False
    if not valid:
        raise CertificateInputError("the request's signature does not verify")
    return csr


def csr_choices(csr: x509.CertificateSigningRequest) -> ExtensionChoices:
    """The extensions a request asks for, as editable choices (SKI and AKI added)."""
    choices = ExtensionChoices.from_extensions(csr.extensions)
    return replace(choices, subject_key_identifier=True, authority_key_identifier=True)


def sign_csr(
    csr: x509.CertificateSigningRequest,
    issuer: Issuer,
    validity: Validity,
    choices: ExtensionChoices | None = None,
    signature: SignatureAlgorithm | None = None,
) -> list[Certificate]:
    """Sign a request with a CA; the chain returned is the new certificate + the CA's chain."""
    wanted = choices if choices is not None else csr_choices(csr)
    issuer.check_can_issue(wanted)
    cert = build_certificate(
        subject=csr.subject,
        public_key=csr.public_key(),
        validity=validity.within(issuer.certificate),
        extensions=wanted.request_extensions(),
        subject_key_identifier=wanted.subject_key_identifier,
        authority_key_identifier=wanted.authority_key_identifier,
        issuer=issuer,
        signature=signature,
    )
    return [cert, *issuer.chain]


# --- certificate files and CA replies --------------------------------------------------------


def read_certificates(data: bytes) -> list[Certificate]:
    """Every certificate in a PEM, DER or PKCS#7 (PEM or DER) file, in file order."""
    from .formats import codec_for, detect

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


def signed_by(cert: Certificate, issuer: Certificate) -> bool:
    """``issuer`` issued ``cert``: names chain and only ``chain.signed_by`` True counts."""
    name = issuer_of(cert)
    return name is not None and name == subject_of(issuer) and chain_signed_by(cert, issuer) is True


def order_chain(leaf: Certificate, pool: Iterable[Certificate]) -> list[Certificate]:
    """``leaf`` followed by its issuers from ``pool``, up to a self-signed root or a gap.

    An issuer links only on a verified signature (``chain.signed_by`` True), never by name alone.
    """
    candidates = list(dict.fromkeys(pool))
    chain = [leaf]
    while not is_self_signed(chain[-1]):
        parent = find_issuer(chain[-1], (c for c in candidates if c not in chain))
        if parent is None:
            break
        chain.append(parent)
    return chain


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
