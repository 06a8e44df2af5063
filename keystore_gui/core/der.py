"""The one DER reader (and writer) of the core: codecs, sniffing, chains and listings use it.

Three ways in, over one encoding:

- elements as ``(tag, value)`` pairs (:func:`first`, :func:`children`, :func:`sequence`,
  :func:`octets`, :func:`oid`...): the reader accepts BER as Windows and older tools write it
  (indefinite lengths, constructed OCTET STRINGs). A PKCS#12 truststore can hold 10,000 bags,
  and pyasn1's schema-driven decoder costs about 90 µs each, so structures are walked here: a
  tag, a length, a value, nothing more. Tests check the walker against pyasn1-modules' schemas.
- positions, ``(tag, start, end)`` (:func:`tlv_at`, :func:`children_at`), for reading a
  certificate's fields without copying it (listings, signature checks);
- whole encodings (:func:`split`, :func:`content`, :func:`element_length`), kept byte for byte,
  raising the :class:`~.errors.KeystoreError` a certificate file reports. They take BER's
  indefinite lengths too, as CAs and Windows write PKCS#7 bundles; the certificates inside
  keep their own (DER) bytes.

The writer emits DER. Reading errors are :class:`DerError` (a ``ValueError``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from .codecs.limits import MAX_DEPTH
from .errors import CorruptFileError, TruncatedFileError

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
OCTET_STRING_CONSTRUCTED = 0x24
NULL = 0x05
OID = 0x06
BMP_STRING = 0x1E
UTF8_STRING = 0x0C
CONTEXT_0 = 0xA0
CONTEXT_0_PRIMITIVE = 0x80


class DerError(ValueError):
    """The bytes are not the ASN.1 structure expected."""


class DerTruncatedError(DerError):
    """An element's length runs past the end of the data."""


Element = tuple[int, bytes]
"""A tag (single identifier octet) and the element's value octets."""


def _too_deep() -> CorruptFileError:
    return CorruptFileError(f"ASN.1 elements nested more than {MAX_DEPTH} deep")


def _read(data: bytes | memoryview, pos: int, depth: int = 0) -> tuple[int, int, int, int]:
    """Parse one element at ``pos``: (tag, value start, value end, next position)."""
    end_of_data = len(data)
    if pos + 2 > end_of_data:
        raise DerTruncatedError("element header runs past the end")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags are not used in PKCS#12")
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        if not tag & 0x20:
            raise DerError("indefinite length on a primitive element")
        if depth > MAX_DEPTH:
            raise _too_deep()
        start = pos
        while True:
            if pos + 2 > end_of_data:
                raise DerTruncatedError("indefinite-length element runs past the end")
            if data[pos] == 0 and data[pos + 1] == 0:
                return tag, start, pos, pos + 2
            pos = _read(data, pos, depth + 1)[3]
    else:
        n = first & 0x7F
        if n > 4:
            raise DerError("element length too large")
        if pos + n > end_of_data:
            raise DerTruncatedError("element length runs past the end")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    if pos + length > end_of_data:
        raise DerTruncatedError("element runs past the end")
    return tag, pos, pos + length, pos + length


def header(data: bytes, pos: int = 0) -> tuple[int, int | None]:
    """``(header_length, content_length)`` of the element at ``pos``; the length is ``None`` for
    BER's indefinite length. Only the header has to be there (sniffing reads a file's head)."""
    if pos + 2 > len(data):
        raise DerTruncatedError("element header runs past the end")
    first = data[pos + 1]
    if first < 0x80:
        return 2, first
    if first == 0x80:
        return 2, None
    n = first & 0x7F
    if n > 4:
        raise DerError("element length too large")
    if pos + 2 + n > len(data):
        raise DerTruncatedError("element length runs past the end")
    return 2 + n, int.from_bytes(data[pos + 2 : pos + 2 + n], "big")


def tlv_at(data: bytes, pos: int) -> tuple[int, int, int]:
    """``(tag, content_start, end)`` of the definite-length element at ``pos``, which must lie
    within ``data``: for walking a certificate's DER by position without copying it."""
    first = data[pos + 1]
    if first < 0x80:
        start, length = pos + 2, first
    else:
        n = first & 0x7F
        if not 0 < n <= 4:
            raise DerError("unsupported element length")
        start = pos + 2 + n
        length = int.from_bytes(data[pos + 2 : start], "big")
    end = start + length
    if end > len(data):
        raise DerTruncatedError("element runs past the end")
    return data[pos], start, end


def children_at(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """:func:`tlv_at` of each element between ``start`` and ``end`` (its body inlined: a listing
    calls this several times per certificate)."""
    out = []
    size = len(data)
    while start < end:
        first = data[start + 1]
        if first < 0x80:
            content, stop = start + 2, start + 2 + first
        else:
            n = first & 0x7F
            if not 0 < n <= 4:
                raise DerError("unsupported element length")
            content = start + 2 + n
            stop = content + int.from_bytes(data[start + 2 : content], "big")
        if stop > size:
            raise DerTruncatedError("element runs past the end")
        out.append((data[start], content, stop))
        start = stop
    return out


def first(data: bytes) -> tuple[Element, bytes]:
    """The first element of ``data`` and what follows it."""
    tag, start, end, nxt = _read(data, 0)
    return (tag, data[start:end]), data[nxt:]


def one(data: bytes, tag: int) -> bytes:
    """The value of ``data``, which must be one element with ``tag`` (trailing bytes ignored)."""
    (got, value), _ = first(data)
    if got != tag:
        raise DerError(f"expected tag {tag:#04x}, found {got:#04x}")
    return value


def children(value: bytes) -> list[Element]:
    """The elements inside a constructed value, in order. A DER header (a one-byte tag, a
    length of one to three bytes) is read inline; anything else goes through :func:`_read`."""
    out: list[Element] = []
    pos, end = 0, len(value)
    while pos < end:
        if pos + 4 <= end and value[pos] & 0x1F != 0x1F:
            first = value[pos + 1]
            if first < 0x80:
                start, stop = pos + 2, pos + 2 + first
            elif first == 0x82:
                start = pos + 4
                stop = start + (value[pos + 2] << 8 | value[pos + 3])
            elif first == 0x81:
                start = pos + 3
                stop = start + value[pos + 2]
            else:
                start = -1
            if start >= 0 and stop <= end:
                out.append((value[pos], value[start:stop]))
                pos = stop
                continue
        tag, start, stop, pos = _read(value, pos)
        out.append((tag, value[start:stop]))
    return out


def sequence(data: bytes) -> list[Element]:
    return children(one(data, SEQUENCE))


def octets(element: Element) -> bytes:
    """An OCTET STRING's content, joining the pieces of a constructed (BER) one.

    The pieces are views into ``element``'s value, never copies of each level: a string nested
    60 times costs its own size once, not 60 times; deeper nesting is refused."""
    tag, value = element
    if tag in (OCTET_STRING, CONTEXT_0_PRIMITIVE):
        return value
    if tag in (OCTET_STRING_CONSTRUCTED, CONTEXT_0):
        pieces: list[memoryview] = []
        _pieces(memoryview(value), 0, pieces)
        return b"".join(pieces)
    raise DerError(f"expected an OCTET STRING, found tag {tag:#04x}")


def _pieces(value: memoryview, depth: int, out: list[memoryview]) -> None:
    if depth > MAX_DEPTH:
        raise _too_deep()
    pos = 0
    while pos < len(value):
        tag, start, stop, pos = _read(value, pos)
        if tag in (OCTET_STRING, CONTEXT_0_PRIMITIVE):
            out.append(value[start:stop])
        elif tag in (OCTET_STRING_CONSTRUCTED, CONTEXT_0):
            _pieces(value[start:stop], depth + 1, out)
        else:
            raise DerError(f"expected an OCTET STRING piece, found tag {tag:#04x}")


def expect(element: Element, tag: int) -> bytes:
    if element[0] != tag:
        raise DerError(f"expected tag {tag:#04x}, found {element[0]:#04x}")
    return element[1]


def integer(element: Element) -> int:
    value = expect(element, INTEGER)
    if not value:
        raise DerError("empty INTEGER")
    return int.from_bytes(value, "big", signed=True)


@functools.lru_cache(maxsize=256)
def oid_text(value: bytes) -> str:
    """The dotted text of an OBJECT IDENTIFIER's content octets."""
    if not value or value[-1] & 0x80:
        raise DerError("bad OBJECT IDENTIFIER")
    arcs: list[int] = []
    n = 0
    for byte in value:
        n = (n << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(n)
            n = 0
    head = arcs[0]
    first_arcs = [min(head // 40, 2), head - 40 * min(head // 40, 2)]
    return ".".join(str(a) for a in first_arcs + arcs[1:])


def oid(element: Element) -> str:
    return oid_text(expect(element, OID))


# --- whole elements, with the errors a certificate file reports -------------------------------


def _whole(data: bytes, pos: int) -> tuple[int, int, int]:
    """``(content start, content end, element end)`` of the element at ``pos``; for BER's
    indefinite length, the content ends before the end-of-contents octets."""
    try:
        head, length = header(data, pos)
        if length is not None:
            return pos + head, pos + head + length, pos + head + length
        _tag, start, stop, end = _read(data, pos)
        return start, stop, end
    except DerTruncatedError:
        raise TruncatedFileError() from None
    except DerError:
        raise CorruptFileError("impossible element length") from None


def element_length(data: bytes, pos: int = 0) -> int:
    """Total length (header, content and any end-of-contents octets) of the element at ``pos``."""
    return _whole(data, pos)[2] - pos


def split(data: bytes) -> list[bytes]:
    """Split concatenated DER elements into their encodings (tag, length and content), each
    byte for byte as in ``data`` (fingerprints and exports match the file)."""
    out, pos = [], 0
    while pos < len(data):
        end = pos + element_length(data, pos)
        if end > len(data):
            raise TruncatedFileError()
        out.append(data[pos:end])
        pos = end
    return out


def content(element: bytes) -> bytes:
    """The content octets of one complete element."""
    start, stop, end = _whole(element, 0)
    if end > len(element):
        raise TruncatedFileError()
    return element[start:stop]


# --- writing ---------------------------------------------------------------------------------


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(size))) + size + content


def seq(*parts: bytes) -> bytes:
    return tlv(SEQUENCE, b"".join(parts))


def set_of(parts: Iterable[bytes]) -> bytes:
    """A DER SET OF: elements sorted by their encodings."""
    return tlv(SET, b"".join(sorted(parts)))


def enc_int(n: int) -> bytes:
    return tlv(INTEGER, n.to_bytes(n.bit_length() // 8 + 1, "big", signed=True))


def enc_octets(data: bytes) -> bytes:
    return tlv(OCTET_STRING, data)


def enc_null() -> bytes:
    return b"\x05\x00"


def enc_bmp(text: str) -> bytes:
    return tlv(BMP_STRING, text.encode("utf-16-be", "surrogatepass"))


@functools.lru_cache(maxsize=64)
def enc_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray()
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(OID, bytes(body))


def explicit(number: int, content: bytes) -> bytes:
    return tlv(0xA0 | number, content)
