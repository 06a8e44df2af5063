"""Bounds every reader applies to what it takes from a file: iteration counts, the key-derivation
work of one open, nesting depth, decoded size and the size of the file itself.

Each bound sits well above what keytool, OpenSSL and Windows write, so that no legitimate file
meets it, and low enough that a damaged or hostile file is refused in seconds, in one line.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Protocol, runtime_checkable

from ..errors import CorruptFileError, KeystoreError

MAX_ITERATIONS = 5_000_000
"""The largest key-derivation iteration count accepted when reading (the JDK's own limit for
JCEKS and PKCS#12): beyond it a damaged or hostile file could keep the program busy for hours."""

MAX_OPEN_ITERATIONS = 40_000_000
"""Iterations summed over every key derivation one open of a file may need (each distinct
derivation counted once). The largest legitimate case is a JDK 11 PKCS#12 of 300 keys:
300 x 2 x 50,000 = 30,000,000, about 5 s here; JDK 17 writes 10,000 per key (3,000,000 for 300
keys) and OpenSSL 2,048. A hostile file is refused before the first derivation when what it
shows in clear is already over, and as soon as it goes over otherwise."""

MAX_LIST_REVEAL_ITERATIONS = 8_000_000
"""``list`` decrypts a JCEKS secret key only to name its algorithm and size: it does so while the
iterations summed over those keys stay within this (20 keys of JDK 17 at 2 x 200,000, about
3 s in Python); the others are listed as encrypted."""

MAX_FILE_SIZE = 512 * 1024 * 1024
"""No keystore or certificate file is read beyond this."""

MAX_DEPTH = 64
"""Nesting of ASN.1 elements read recursively (BER strings in pieces, indefinite lengths): real
PKCS#12 files nest about 12 deep. Joining a string's pieces copies it once, whatever its depth,
so what a file decodes to stays within a small multiple of its size."""


@runtime_checkable
class CostedUnlock(Protocol):
    """A sealed key that can tell what unlocking it costs before doing it."""

    def unlock_iterations(self) -> int: ...


class TooMuchWorkError(KeystoreError):
    """Opening the file would need more key-derivation work than :data:`MAX_OPEN_ITERATIONS`."""

    def __init__(self, counts: list[int], limit: int) -> None:
        most = max(counts)
        each = f"{most:,}" if most == min(counts) else f"up to {most:,}"
        super().__init__(
            f"this file would take minutes to open: {len(counts)} key derivations of "
            f"{each} iterations (more than {limit:,} in all)"
        )


def check_iterations(count: int, what: str) -> int:
    if not 1 <= count <= MAX_ITERATIONS:
        raise CorruptFileError(f"{what}: iteration count {count} is out of range")
    return count


class DerivationBudget:
    """The key-derivation work of one open: each derived key is computed once (cached by all
    its inputs: function, password, salt, count, purpose) and the iterations are summed."""

    def __init__(self, limit: int = MAX_OPEN_ITERATIONS) -> None:
        self.limit = limit
        self.spent = 0
        self.counts: list[int] = []
        self._cache: dict[Hashable, bytes] = {}

    def plan(self, derivations: Iterable[tuple[Hashable, int]]) -> None:
        """Refuse before any work when the derivations already known (each identified by its
        inputs, so that repeats count once) are over the limit."""
        planned = [c for c in dict(derivations).values() if c > 0]
        if sum(planned) > self.limit:
            raise TooMuchWorkError(planned, self.limit)

    def derive(self, key: Hashable, iterations: int, compute: Callable[[], bytes]) -> bytes:
        found = self._cache.get(key)
        if found is not None:
            return found
        if self.spent + iterations > self.limit:
            raise TooMuchWorkError([*self.counts, iterations], self.limit)
        self.spent += iterations
        self.counts.append(iterations)
        self._cache[key] = derived = compute()
        return derived
