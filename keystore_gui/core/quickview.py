"""The few certificate fields a listing shows, read straight from the DER.

``keystore-cli list`` shows each certificate's subject and key. Through ``cryptography`` that
costs a ``Name`` of Python objects and a validated public key per certificate: most of the time
of listing 10,000 entries. Here the common shapes (single-valued RDNs of UTF8/Printable/IA5
strings; RSA, EC on named curves, DSA, EdDSA keys) are read from the bytes; anything else falls
back to ``cryptography``, so the result is always what :class:`~.model.Certificate` gives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .der import children_at, oid_text, tlv_at
from .model import Certificate

_SHORT_NAMES = {
    bytes.fromhex("550403"): "CN",
    bytes.fromhex("550407"): "L",
    bytes.fromhex("550408"): "ST",
    bytes.fromhex("55040a"): "O",
    bytes.fromhex("55040b"): "OU",
    bytes.fromhex("550406"): "C",
    bytes.fromhex("550409"): "STREET",
    bytes.fromhex("0992268993f22c640119"): "DC",
    bytes.fromhex("0992268993f22c640101"): "UID",
}
_STRING_TAGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii"}
_CURVES = {
    bytes.fromhex("2a8648ce3d030107"): "secp256r1",
    bytes.fromhex("2b81040022"): "secp384r1",
    bytes.fromhex("2b81040023"): "secp521r1",
    bytes.fromhex("2b81040021"): "secp224r1",
    bytes.fromhex("2b8104000a"): "secp256k1",
    bytes.fromhex("2b2403030208010107"): "brainpoolP256r1",
    bytes.fromhex("2b240303020801010b"): "brainpoolP384r1",
    bytes.fromhex("2b240303020801010d"): "brainpoolP512r1",
}
_RSA = bytes.fromhex("2a864886f70d010101")
_EC = bytes.fromhex("2a8648ce3d0201")
_DSA = bytes.fromhex("2a8648ce380401")
_EDDSA = {bytes.fromhex("2b6570"): "Ed25519", bytes.fromhex("2b6571"): "Ed448"}
_SPECIAL = frozenset('\\"+,;<>\0')


class _Unusual(Exception):
    """A shape the fast path leaves to cryptography."""


def _tbs_fields(der: bytes) -> list[tuple[int, int, int]]:
    _, cert_start, _cert_end = tlv_at(der, 0)
    _, tbs_start, tbs_end = tlv_at(der, cert_start)
    fields = children_at(der, tbs_start, tbs_end)
    return fields[1:] if fields[0][0] == 0xA0 else fields


def _escape(value: str) -> str:
    """RFC 4514 escaping exactly as cryptography's ``Name.rfc4514_string`` does it."""
    if not value:
        return ""
    if not _SPECIAL.isdisjoint(value):
        value = value.replace("\\", "\\\\")
        for ch in '"+,;<>':
            value = value.replace(ch, "\\" + ch)
        value = value.replace("\0", "\\00")
    if value[0] == "#" or (value[0] == " " and len(value) > 1):
        value = "\\" + value
    if value[-1] == " ":
        value = value[:-1] + "\\ "
    return value


def _name(der: bytes, start: int, end: int) -> str:
    return _name_and_cn(der, start, end)[0]


def _name_and_cn(der: bytes, start: int, end: int) -> tuple[str, str | None]:
    """A name as RFC 4514 text, and the value of its first CN (``None`` if it has none)."""
    short = _short_name_and_cn(der, start, end)
    return short if short is not None else _any_name_and_cn(der, start, end)


def _short_name_and_cn(der: bytes, start: int, end: int) -> tuple[str, str | None] | None:
    """:func:`_any_name_and_cn` of a name whose every length fits in one byte and whose every
    RDN is one ``SET { SEQUENCE { OID, string } }`` exactly filling its parent (almost every
    name), read with no call per element; ``None`` for any other name."""
    parts = []
    cn = None
    pos = start
    try:
        while pos < end:
            oid_end = pos + 6 + der[pos + 5]
            value_start = oid_end + 2
            next_rdn = pos + 2 + der[pos + 1]
            lengths = der[pos + 1] | der[pos + 3] | der[pos + 5] | der[oid_end + 1]
            if (
                lengths & 0x80
                or der[pos] != 0x31
                or der[pos + 2] != 0x30
                or der[pos + 4] != 0x06
                or pos + 4 + der[pos + 3] != next_rdn
                or value_start + der[oid_end + 1] != next_rdn
                or next_rdn > end
            ):
                return None
            encoding = _STRING_TAGS.get(der[oid_end])
            if encoding is None:
                return None
            oid = der[pos + 6 : oid_end]
            label = _SHORT_NAMES.get(oid) or oid_text(oid)
            value = der[value_start:next_rdn].decode(encoding)
            if cn is None and label == "CN":
                cn = value
            parts.append(f"{label}={_escape(value)}")
            pos = next_rdn
    except (IndexError, ValueError):  # ValueError: a bad OID, a string not in its encoding
        return None
    parts.reverse()
    return ",".join(parts), cn


def _any_name_and_cn(der: bytes, start: int, end: int) -> tuple[str, str | None]:
    parts = []
    cn = None
    for _, set_start, set_end in children_at(der, start, end):
        attributes = children_at(der, set_start, set_end)
        if len(attributes) != 1:
            raise _Unusual
        _, atv_start, atv_end = attributes[0]
        (oid_tag, oid_start, oid_end), (tag, v_start, v_end) = children_at(der, atv_start, atv_end)
        encoding = _STRING_TAGS.get(tag)
        if oid_tag != 0x06 or encoding is None:
            raise _Unusual
        oid = der[oid_start:oid_end]
        label = _SHORT_NAMES.get(oid) or oid_text(oid)
        try:
            value = der[v_start:v_end].decode(encoding)
        except UnicodeDecodeError:
            raise _Unusual from None
        if cn is None and label == "CN":
            cn = value
        parts.append(f"{label}={_escape(value)}")
    parts.reverse()
    return ",".join(parts), cn


def _positive_bits(integer: bytes) -> int:
    stripped = integer.lstrip(b"\x00")
    if not stripped or integer[0] & 0x80:
        raise _Unusual
    return (len(stripped) - 1) * 8 + stripped[0].bit_length()


def _key(der: bytes, start: int, end: int) -> str:
    (_, alg_start, alg_end), (bits_tag, bits_start, _bits_end) = children_at(der, start, end)
    algorithm = children_at(der, alg_start, alg_end)
    oid = der[algorithm[0][1] : algorithm[0][2]]
    if oid == _RSA:
        if bits_tag != 0x03 or der[bits_start] != 0:
            raise _Unusual
        _, seq_start, _seq_end = tlv_at(der, bits_start + 1)
        _, n_start, n_end = tlv_at(der, seq_start)
        return f"RSA {_positive_bits(der[n_start:n_end])}"
    if oid == _EC and len(algorithm) == 2 and algorithm[1][0] == 0x06:
        curve = _CURVES.get(der[algorithm[1][1] : algorithm[1][2]])
        if curve is None:
            raise _Unusual
        return f"EC {curve}"
    if oid in _EDDSA:
        return _EDDSA[oid]
    if oid == _DSA and len(algorithm) == 2 and algorithm[1][0] == 0x30:
        _, p_start, p_end = tlv_at(der, algorithm[1][1])
        return f"DSA {_positive_bits(der[p_start:p_end])}"
    raise _Unusual


def _time(der: bytes, element: tuple[int, int, int]) -> str:
    """UTCTime or GeneralizedTime in whole seconds UTC, as ISO 8601 ``YYYY-MM-DDTHH:MM:SSZ``."""
    t = _digits(der, element)
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


def _datetime(der: bytes, element: tuple[int, int, int]) -> dt.datetime:
    t = _digits(der, element)
    return dt.datetime(
        int(t[0:4]), int(t[4:6]), int(t[6:8]), int(t[8:10]), int(t[10:12]), int(t[12:14]),
        tzinfo=dt.UTC,
    )  # fmt: skip


def _digits(der: bytes, element: tuple[int, int, int]) -> str:
    """UTCTime or GeneralizedTime in whole seconds UTC as ``YYYYMMDDHHMMSS``."""
    tag, start, end = element
    text = der[start:end]
    if tag == 0x17 and len(text) == 13:
        year = int(text[:2])
        century = b"19" if year >= 50 else b"20"
        text = century + text
    elif tag != 0x18 or len(text) != 15:
        raise _Unusual
    if text[-1:] != b"Z" or not text[:14].isdigit():
        raise _Unusual
    return text[:14].decode("ascii")


def _slow_summary(cert: Certificate) -> dict[str, str]:
    from .errors import KeystoreError

    try:
        cert.subject_name  # noqa: B018 -- a certificate no parser reads is listed, marked
    except KeystoreError as exc:
        return {
            "subject": f"unreadable certificate ({exc})",
            "issuer": "",
            "serial": "",
            "sha256": cert.sha256,
            "not_before": "",
            "not_after": "",
            "key": "unreadable",
        }
    try:
        key = cert.key_description
    except (KeystoreError, ValueError):
        key = "unreadable"
    return {
        "subject": cert.subject,
        "issuer": cert.issuer,
        "serial": format(cert.serial, "x"),
        "sha256": cert.sha256,
        "not_before": cert.not_before.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "not_after": cert.not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "key": key,
    }


Element = tuple[int, int, int]


def _tbs_walk(der: bytes) -> tuple[list[Element], int, Element, Element]:
    """The fields of the TBS certificate, its serial number, and its two validity times."""
    fields = _tbs_fields(der)
    serial_tag, serial_start, serial_end = fields[0]
    _, validity_start, validity_end = fields[3]
    not_before, not_after = children_at(der, validity_start, validity_end)
    if serial_tag != 0x02:
        raise _Unusual
    return (
        fields,
        int.from_bytes(der[serial_start:serial_end], "big", signed=True),
        not_before,
        not_after,
    )


def summary(cert: Certificate) -> dict[str, str]:
    """What ``keystore-cli list`` shows of a certificate: subject, issuer, serial (lowercase hex
    as keytool prints it), SHA-256, validity (ISO 8601 UTC) and key, from one walk of the DER."""
    der = cert.der
    try:
        fields, serial, not_before, not_after = _tbs_walk(der)
        return {
            "subject": _name(der, fields[4][1], fields[4][2]),
            "issuer": _name(der, fields[2][1], fields[2][2]),
            "serial": format(serial, "x"),
            "sha256": cert.sha256,
            "not_before": _time(der, not_before),
            "not_after": _time(der, not_after),
            "key": _key(der, fields[5][1], fields[5][2]),
        }
    except (_Unusual, IndexError, ValueError):
        return _slow_summary(cert)


def table_fields(cert: Certificate) -> tuple[str, str, str]:
    """Subject, key and expiry (ISO 8601 UTC): the part of :func:`summary` that ``list`` prints as
    a table, without reading what it does not show (issuer, serial, fingerprint)."""
    der = cert.der
    try:
        fields = _tbs_fields(der)
        _, validity_start, validity_end = fields[3]
        _, not_after = children_at(der, validity_start, validity_end)
        if fields[0][0] != 0x02:
            raise _Unusual
        return (
            _name(der, fields[4][1], fields[4][2]),
            _key(der, fields[5][1], fields[5][2]),
            _time(der, not_after),
        )
    except (_Unusual, IndexError, ValueError):
        slow = _slow_summary(cert)
        return slow["subject"], slow["key"], slow["not_after"]


@dataclass(frozen=True, slots=True)
class RowFields:
    """What a row of the window's entry tree shows of a certificate."""

    subject: str
    """RFC 4514, as :attr:`Certificate.subject`."""
    subject_cn: str
    """As :meth:`Certificate.common_name`: the first CN, or the whole name if it has none."""
    issuer_cn: str
    key: str
    not_before: dt.datetime
    not_after: dt.datetime
    serial: int


def row_fields(cert: Certificate) -> RowFields:
    """A row's fields from one walk of the DER (the window's first rows show before
    ``cryptography`` is even imported); unusual shapes through the full parse, which raises
    :class:`~.errors.KeystoreError` for a certificate nothing reads."""
    der = cert.der
    try:
        fields, serial, not_before, not_after = _tbs_walk(der)
        subject, subject_cn = _name_and_cn(der, fields[4][1], fields[4][2])
        issuer, issuer_cn = _name_and_cn(der, fields[2][1], fields[2][2])
        return RowFields(
            subject,
            subject if subject_cn is None else subject_cn,
            issuer if issuer_cn is None else issuer_cn,
            _key(der, fields[5][1], fields[5][2]),
            _datetime(der, not_before),
            _datetime(der, not_after),
            serial,
        )
    except (_Unusual, IndexError, ValueError):
        return _slow_row(cert)


def _slow_row(cert: Certificate) -> RowFields:
    return RowFields(
        cert.subject,
        cert.common_name("subject"),
        cert.common_name("issuer"),
        cert.key_description,
        cert.not_before,
        cert.not_after,
        cert.serial,
    )
