"""A lenient certificate parse, for DER that ``cryptography`` refuses.

JDK 17 and older write DSA certificates with a NULL parameter in the signature
AlgorithmIdentifier, which cryptography 49+ rejects. Such certificates must still be listed,
shown, exported and fingerprinted from their original bytes.
"""

from __future__ import annotations

from .errors import CorruptFileError
from .model import LenientCertificate


def parse_lenient(der: bytes) -> LenientCertificate:
    raise CorruptFileError("not an X.509 certificate")
