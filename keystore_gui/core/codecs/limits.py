"""Bounds every reader applies to counts it takes from a file."""

from __future__ import annotations

from ..errors import CorruptFileError

MAX_ITERATIONS = 5_000_000
"""The largest key-derivation iteration count accepted when reading (the JDK's own limit for
JCEKS and PKCS#12): beyond it a damaged or hostile file could keep the program busy for hours."""


def check_iterations(count: int, what: str) -> int:
    if not 1 <= count <= MAX_ITERATIONS:
        raise CorruptFileError(f"{what}: iteration count {count} is out of range")
    return count
