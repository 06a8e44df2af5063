"""Free names: ``wanted``, else ``wanted-2``, ``wanted-3``… in linear time overall.

A PEM bundle can hold one certificate 30,000 times, or 100,000 certificates with one common
name; a PKCS#12 file 30,000 bags with one ``friendlyName``. Searching from ``-2`` upwards for each
would cost n²/2 tries (5 billion for 100,000); remembering per name where the last search ended
costs n in all.
"""

from __future__ import annotations

from collections.abc import Callable


class Suffixes:
    """Hands out the first of ``wanted``, ``wanted-2``, ``wanted-3``… that ``taken`` lets through.

    Names only ever become taken (the caller claims each name it gets), so a later search for
    the same ``wanted`` starts where the previous one ended.
    """

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def free(self, wanted: str, taken: Callable[[str], bool]) -> str:
        if not taken(wanted):
            return wanted
        n = self._next.get(wanted, 2)
        while taken(candidate := f"{wanted}-{n}"):
            n += 1
        self._next[wanted] = n + 1
        return candidate
