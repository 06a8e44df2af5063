"""Distinguished names and subject alternative names: parsed from what users type, checked,
formatted back."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import (
    NameOID,
    ObjectIdentifier,
)

from ..errors import KeystoreError
from ..model import attribute_text


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
OID_PATTERN = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_oid(dotted: str) -> ObjectIdentifier:
    try:
        return ObjectIdentifier(dotted)
    except ValueError:
        raise CertificateInputError(f"'{dotted}' is not a valid object identifier") from None


def attribute_oid(key: str) -> ObjectIdentifier:
    """``CN`` → commonName; also ``emailAddress``, ``S``, or a dotted OID such as ``2.5.4.5``."""
    name = key.strip()
    if OID_PATTERN.match(name):
        return parse_oid(name)
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
