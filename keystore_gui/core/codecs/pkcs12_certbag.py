"""A PKCS#12 certificate bag laid out as the JDK and OpenSSL write it, read in one match.

A truststore of 10,000 certificates is 10,000 such bags, and :mod:`.pkcs12`'s general walk (nine
constructed values per bag, every element read and copied) was most of the time it took to open.
The usual layout, ``SEQUENCE { certBag, [0] { SEQUENCE { x509Certificate, [0] { OCTET STRING }
} }, SET OF attributes }`` with two-byte lengths around the certificate and one-byte lengths in
the attributes, is matched here with one pattern, its lengths checked to nest exactly, and the
attributes the reader uses (friendlyName, localKeyId, Oracle's trusted-key-usage) read in a short
loop. Any other bag (another layout or length form, another attribute, BER) gives ``None`` and the
general walk reads it: a bag is read the same whichever way it goes.
"""

from __future__ import annotations

import re
import struct

_LAYOUT = re.compile(
    rb"\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x0a\x01\x03"  # certBag
    rb"\xa0\x82..\x30\x82.."
    rb"\x06\x0a\x2a\x86\x48\x86\xf7\x0d\x01\x09\x16\x01"  # x509Certificate
    rb"\xa0\x82..\x04\x82..",
    re.DOTALL,
)
_LENGTHS = struct.Struct(">15xH2xH14xH2xH")
"""The four two-byte lengths of :data:`_LAYOUT`: [0], SEQUENCE, [0], OCTET STRING."""
_CERT_START = 41

_FRIENDLY_NAME = bytes.fromhex("2a864886f70d010914")
_LOCAL_KEY_ID = bytes.fromhex("2a864886f70d010915")
_ORACLE_TRUSTED_KEY_USAGE = bytes.fromhex("6086480186f966adca7b0101")
_BMP_STRING, _OCTET_STRING, _CONTEXT_0_PRIMITIVE = 0x1E, 0x04, 0x80

CertBag = tuple[bytes, str | None, bytes | None, bool]
"""The certificate's DER, friendlyName, localKeyId, and whether the trust attribute is there."""


def read_cert_bag(value: bytes) -> CertBag | None:
    """The certificate bag whose SEQUENCE holds ``value``, or ``None`` if it is laid out in any
    other way (the general walk then reads it)."""
    if _LAYOUT.match(value) is None:
        return None
    outer, inner, explicit, octets = _LENGTHS.unpack_from(value)
    cert_end = _CERT_START + octets
    if not (explicit == octets + 4 and inner == explicit + 16 and outer == inner + 4):
        return None
    size = len(value)
    if cert_end == size:
        return value[_CERT_START:cert_end], None, None, False
    if (
        cert_end + 2 > size
        or value[cert_end] != 0x31
        or value[cert_end + 1] & 0x80
        or cert_end + 2 + value[cert_end + 1] != size
    ):
        return None
    friendly_name, local_key_id, trusted = None, None, False
    pos = cert_end + 2
    try:
        while pos < size:
            # SEQUENCE { OID, SET OF values }, every length in one byte, exactly nested
            oid_end = pos + 4 + value[pos + 3]
            attribute_end = pos + 2 + value[pos + 1]
            values_start = oid_end + 2
            if (
                (value[pos + 1] | value[pos + 3] | value[oid_end + 1]) & 0x80
                or value[pos] != 0x30
                or value[pos + 2] != 0x06
                or value[oid_end] != 0x31
                or values_start + value[oid_end + 1] != attribute_end
                or attribute_end > size
            ):
                return None
            first: tuple[int, int, int] | None = None
            at = values_start
            while at < attribute_end:
                tag, length = value[at], value[at + 1]
                if tag & 0x1F == 0x1F or length & 0x80:
                    return None
                if first is None:
                    first = (tag, at + 2, at + 2 + length)
                at += 2 + length
            if at != attribute_end:
                return None
            oid = value[pos + 4 : oid_end]
            if oid == _FRIENDLY_NAME:
                if first is not None:
                    tag, start, end = first
                    text = value[start:end]
                    friendly_name = (
                        text.decode("utf-16-be", "replace")
                        if tag == _BMP_STRING
                        else text.decode("utf-8", "replace")
                    )
            elif oid == _LOCAL_KEY_ID:
                if first is not None:
                    if first[0] not in (_OCTET_STRING, _CONTEXT_0_PRIMITIVE):
                        return None
                    local_key_id = value[first[1] : first[2]]
            elif oid == _ORACLE_TRUSTED_KEY_USAGE:
                trusted = True
            else:
                return None
            pos = attribute_end
    except IndexError:
        return None
    return value[_CERT_START:cert_end], friendly_name, local_key_id, trusted
