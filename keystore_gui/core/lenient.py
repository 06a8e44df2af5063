"""A lenient certificate parse, for DER that ``cryptography`` refuses.

JDK 17 and older write DSA certificates with a NULL parameter in the signature
AlgorithmIdentifier, which cryptography 49+ rejects. Such certificates must still be listed,
shown, exported and fingerprinted from their original bytes: this module reads the fields with
``pyasn1-modules`` (RFC 5280) and turns them into ``cryptography`` types where one exists
(``x509.Name``, public keys), so callers treat both parses alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_der_public_key
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import ObjectIdentifier

from .der import content, seq, split
from .errors import CorruptFileError, TruncatedFileError


@dataclass(frozen=True)
class RawExtension:
    """An extension as found in the certificate, not decoded."""

    oid: str
    critical: bool
    value: bytes


@dataclass(frozen=True)
class LenientParse:
    """The fields of a certificate cryptography refuses; matches ``model.LenientCertificate``."""

    subject: x509.Name
    issuer: x509.Name
    serial_number: int
    not_valid_before_utc: dt.datetime
    not_valid_after_utc: dt.datetime
    version: int
    """1 for v1, 3 for v3 (the number people say, not the encoded 0/2)."""
    signature_algorithm_oid: str
    spki_der: bytes = field(repr=False)
    extensions: tuple[RawExtension, ...] = ()
    normalised_der: bytes | None = field(default=None, repr=False)
    """The same certificate with NULL signature parameters removed, for decoding extensions
    with cryptography (its signature no longer verifies; never export it)."""

    def public_key(self) -> CertificatePublicKeyTypes:
        try:
            key = load_der_public_key(self.spki_der)
        except (ValueError, TypeError) as exc:
            raise CorruptFileError(f"certificate public key cannot be read ({exc})") from None
        return key  # type: ignore[return-value]


_STRING_TYPES: dict[str, _ASN1Type] = {
    "utf8String": _ASN1Type.UTF8String,
    "printableString": _ASN1Type.PrintableString,
    "teletexString": _ASN1Type.T61String,
    "universalString": _ASN1Type.UniversalString,
    "bmpString": _ASN1Type.BMPString,
}


def _attribute_value(raw: bytes) -> tuple[str, _ASN1Type | None]:
    """Decode an AttributeValue (usually a DirectoryString) to text and its ASN.1 string type."""
    from pyasn1.codec.der import decoder
    from pyasn1.type import char, univ

    value: Any
    value, _ = decoder.decode(raw)
    kinds: tuple[tuple[type, _ASN1Type], ...] = (
        (char.UTF8String, _ASN1Type.UTF8String),
        (char.PrintableString, _ASN1Type.PrintableString),
        (char.IA5String, _ASN1Type.IA5String),
        (char.TeletexString, _ASN1Type.T61String),
        (char.UniversalString, _ASN1Type.UniversalString),
        (char.BMPString, _ASN1Type.BMPString),
        (char.VisibleString, _ASN1Type.VisibleString),
    )
    for cls, asn1_type in kinds:
        if isinstance(value, cls):
            return str(value), asn1_type
    if isinstance(value, univ.OctetString):
        return bytes(value).hex(), None
    return raw.hex(), None


def _name(rdn_sequence: Any) -> x509.Name:
    rdns = []
    for rdn in rdn_sequence:
        attributes = []
        for atv in rdn:
            oid = ObjectIdentifier(str(atv["type"]))
            text, asn1_type = _attribute_value(bytes(atv["value"]))
            try:
                if asn1_type is None:
                    attributes.append(x509.NameAttribute(oid, text))
                else:
                    attributes.append(x509.NameAttribute(oid, text, _type=asn1_type))
            except (ValueError, TypeError):  # a type the OID does not allow, e.g. a BIT STRING CN
                attributes.append(x509.NameAttribute(oid, text, _type=_ASN1Type.UTF8String))
        rdns.append(x509.RelativeDistinguishedName(attributes))
    return x509.Name(rdns)


def _time(value: Any) -> dt.datetime:
    chosen = value.getComponent()
    moment: dt.datetime = chosen.asDateTime
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _normalised(der: bytes) -> bytes | None:
    """Re-encode with absent signature parameters so cryptography can decode the extensions."""
    try:
        tbs, alg, signature = split(content(der))
        fields = split(content(tbs))
        at = 2 if fields[0][:1] == b"\xa0" else 1
        fixed = seq(*split(content(alg))[:1])
        fields[at] = fixed
        data = seq(seq(*fields), fixed, signature)
        x509.load_der_x509_certificate(data)
    except (TruncatedFileError, ValueError, IndexError, x509.InvalidVersion):
        return None
    return data


def parse_lenient(der: bytes) -> LenientParse:
    """Read the fields of an X.509 certificate; raise :class:`CorruptFileError` if it is not one."""
    from pyasn1.codec.der import decoder, encoder
    from pyasn1.error import PyAsn1Error
    from pyasn1_modules import rfc5280

    try:
        cert, rest = decoder.decode(der, asn1Spec=rfc5280.Certificate())
        if rest:
            raise CorruptFileError("data after the end of the certificate")
        tbs = cert["tbsCertificate"]
        extensions = tuple(
            RawExtension(str(ext["extnID"]), bool(ext["critical"]), bytes(ext["extnValue"]))
            for ext in (tbs["extensions"] if tbs["extensions"].isValue else ())
        )
        return LenientParse(
            subject=_name(tbs["subject"][0]),
            issuer=_name(tbs["issuer"][0]),
            serial_number=int(tbs["serialNumber"]),
            not_valid_before_utc=_time(tbs["validity"]["notBefore"]),
            not_valid_after_utc=_time(tbs["validity"]["notAfter"]),
            version=int(tbs["version"]) + 1,
            signature_algorithm_oid=str(cert["signatureAlgorithm"]["algorithm"]),
            spki_der=encoder.encode(tbs["subjectPublicKeyInfo"]),
            extensions=extensions,
            normalised_der=_normalised(der),
        )
    except CorruptFileError:
        raise
    except (PyAsn1Error, ValueError, TypeError, KeyError, IndexError) as exc:
        raise CorruptFileError("not an X.509 certificate") from exc
