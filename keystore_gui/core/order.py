"""The order people expect for names with numbers in them: ``bulk-2`` before ``bulk-10``."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")

NaturalKey = list[str | int]


def natural_key(text: str) -> NaturalKey:
    """Case-insensitive; runs of digits compare as numbers (``["bulk-", 2, ""]``)."""
    parts: NaturalKey = list(_DIGITS.split(text.lower()))
    parts[1::2] = [int(part) for part in parts[1::2]]
    return parts
