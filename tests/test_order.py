"""Natural alias order: the whole-store fast path sorts exactly as :func:`natural_key` does."""

from __future__ import annotations

import random
import re

import pytest

from keystore_gui.core import order
from keystore_gui.core.model import Entry, EntryKind, Keystore, StoreType
from keystore_gui.core.order import natural_key, sort_by_alias


def reference_key(text: str) -> list[str | int]:
    """The definition: lower case, digit runs as numbers."""
    parts: list[str | int] = list(re.split(r"(\d+)", text.lower()))
    parts[1::2] = [int(str(p)) for p in parts[1::2]]  # (fine below 4,300 digits)
    return parts


def sorted_aliases(aliases: list[str], descending: bool = False) -> list[int]:
    """The positions of ``aliases`` in the order :func:`sort_by_alias` puts them."""
    entries = [Entry(alias, EntryKind.TRUSTED_CERT) for alias in aliases]
    store = sort_by_alias(Keystore(StoreType.JKS, list(entries)), descending=descending)
    return [entries.index(entry) for entry in store.entries]


def expected_order(aliases: list[str], descending: bool = False) -> list[int]:
    return sorted(range(len(aliases)), key=lambda i: reference_key(aliases[i]), reverse=descending)


@pytest.mark.parametrize(
    "pieces",
    [
        ["a", "b", "0", "7", "9", "00", "-", " ", "/", "~", "A", "Z", "\x02"],  # the fast path
        ["a", "0", "1", "-", "\x00", "\x01", "é", "\u0661", "\u212a", "ß", "Σ"],  # the general one
    ],
    ids=["ascii", "other"],
)
def test_sorting_a_store_matches_the_natural_key(pieces: list[str]) -> None:
    rng = random.Random(18)
    for _ in range(400):
        aliases = [
            "".join(rng.choice(pieces) for _ in range(rng.randrange(7)))
            for _ in range(rng.randrange(2, 25))
        ]
        assert [natural_key(a) for a in aliases] == [reference_key(a) for a in aliases]
        for descending in (False, True):
            assert sorted_aliases(aliases, descending) == expected_order(aliases, descending)


def test_many_aliases_are_ordered_in_steps_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large store is worked through a few aliases at a time (each call into C holds every
    other Python thread): the widest number in a later step still pads the earlier ones."""
    monkeypatch.setattr(order, "CHUNK", 3)
    rng = random.Random(5)
    pieces = ["a", "b", "7", "12", "000", "-", "Z", "123456789"]
    for _ in range(200):
        aliases = [
            "".join(rng.choice(pieces) for _ in range(rng.randrange(5)))
            for _ in range(rng.randrange(2, 20))
        ]
        for descending in (False, True):
            assert sorted_aliases(aliases, descending) == expected_order(aliases, descending)
    assert sorted_aliases(["x9", "x", "y", "x10", "x123456789"]) == [1, 0, 3, 4, 2]


def test_edge_cases_of_the_order() -> None:
    aliases = ["a-", "a1", "a", "A01", "a1b", "a1-", "a10", "a9", "b", "", "a0", "-", "1", "01"]
    order = [aliases[i] for i in sorted_aliases(aliases)]
    # a text part that ends first sorts first ("1" before "-", "a1" before "a-") whatever follows
    # it; numbers that differ only in leading zeros are equal and keep the file order both ways
    assert order == [
        "", "1", "01", "-", "a", "a0", "a1", "A01", "a1-", "a1b", "a9", "a10", "a-", "b",
    ]  # fmt: skip
    assert [aliases[i] for i in sorted_aliases(aliases, descending=True)] == [
        "b", "a-", "a10", "a9", "a1b", "a1-", "a1", "A01", "a0", "a", "-", "1", "01", "",
    ]  # fmt: skip


def test_digit_runs_longer_than_int_reads() -> None:
    """Python's ``int()`` refuses more than 4,300 digits; an alias may hold 65,535."""
    huge = "9" * 5000
    assert natural_key(f"n{huge}x") == ["n", int("9" * 2500) * 10**2500 + int("9" * 2500), "x"]
    assert sorted_aliases([f"n{huge}", "n10", f"n1{huge}", "n2"]) == [3, 1, 0, 2]
    assert sorted_aliases([f"n{huge}", "n10", f"n1{huge}", "é" + huge, "n2"]) == [4, 1, 0, 2, 3]


@pytest.mark.parametrize("aliases", [[], ["only"]])
def test_tiny_stores(aliases: list[str]) -> None:
    assert sorted_aliases(aliases) == list(range(len(aliases)))


def test_one_long_number_does_not_pad_every_key() -> None:
    """The one-string keys pad every digit run to the widest: a crafted alias of 65,000 digits
    among 10,000 others made 650 MB of keys. Such a store is ordered alias by alias instead."""
    aliases = [f"a{i}" for i in range(3000, 0, -1)] + ["a" + "9" * 65_000]
    assert order._flat_keys(aliases) is None
    assert order._flat_keys(aliases[:-1]) is not None  # the usual case keeps the fast path
    rows = order.natural_order(aliases)
    assert rows[:3] == [2999, 2998, 2997] and rows[-1] == 3000
