"""The order people expect for names with numbers in them: ``bulk-2`` before ``bulk-10``."""

from __future__ import annotations

import re

from .model import Keystore

_DIGITS = re.compile(r"(\d+)")

NaturalKey = list[str | int]


def sort_by_alias(store: Keystore, *, descending: bool = False) -> Keystore:
    """``store`` with its entries in natural alias order (in place), as the window lists them:
    done where the store is read, so the window has nothing to reorder."""
    store.entries.sort(key=lambda entry: natural_key(entry.alias), reverse=descending)
    return store


def natural_key(text: str) -> NaturalKey:
    """Case-insensitive; runs of digits compare as numbers (``["bulk-", 2, ""]``)."""
    parts: NaturalKey = list(_DIGITS.split(text.lower()))
    parts[1::2] = [int(part) for part in parts[1::2]]
    return parts
