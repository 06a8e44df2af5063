"""Just enough DER to split and build SEQUENCEs while keeping every element's original bytes.

Certificates inside a PKCS#7 bundle are taken out byte for byte this way, so that fingerprints
and exports match the file (a decode and re-encode could change non-canonical encodings).
"""

from __future__ import annotations

from .errors import CorruptFileError, TruncatedFileError


def header(data: bytes, pos: int = 0) -> tuple[int, int]:
    """``(header_length, content_length)`` of the element at ``pos``."""
    if len(data) < pos + 2:
        raise TruncatedFileError()
    first = data[pos + 1]
    if first < 0x80:
        return 2, first
    n = first & 0x7F
    if n == 0:
        raise CorruptFileError("indefinite-length encoding where DER was expected")
    if n > 4:
        raise CorruptFileError("impossible element length")
    if len(data) < pos + 2 + n:
        raise TruncatedFileError()
    return 2 + n, int.from_bytes(data[pos + 2 : pos + 2 + n], "big")


def element_length(data: bytes, pos: int = 0) -> int:
    """Total length (header and content) of the element at ``pos``."""
    head, length = header(data, pos)
    return head + length


def split(data: bytes) -> list[bytes]:
    """Split concatenated DER elements into their encodings (tag, length and content)."""
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
    head, length = header(element)
    if head + length > len(element):
        raise TruncatedFileError()
    return element[head : head + length]


def encode(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def sequence(parts: list[bytes]) -> bytes:
    return encode(0x30, b"".join(parts))
