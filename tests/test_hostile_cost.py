"""The key-derivation work of one open is bounded over the whole file, not per item."""

from __future__ import annotations

import functools
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from keystore_gui.cli import main
from keystore_gui.commands.list import reveal_secret_keys
from keystore_gui.core.codecs import pkcs12 as p12
from keystore_gui.core.codecs import pkcs12_kdf
from keystore_gui.core.codecs.limits import DerivationBudget, TooMuchWorkError
from keystore_gui.core.io import dump_keystore, load_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from tests import hostile
from tests.certfactory import der, make_cert

PASSWORD = "changeit"


@pytest.mark.parametrize("with_mac", [False, True])
def test_twenty_bags_at_the_limit_are_refused_before_any_derivation(with_mac: bool) -> None:
    bags = [hostile.shrouded_bag(5_000_000, f"k{i}") for i in range(20)]
    data = hostile.pfx(bags, PASSWORD if with_mac else None)
    with pytest.raises(TooMuchWorkError, match=r"would take minutes to open: \d+ key derivations"):
        load_keystore(data, "wrong" if not with_mac else PASSWORD, StoreType.PKCS12)


def test_the_cli_says_it_in_one_line(tmp_path, capsys, monkeypatch) -> None:
    path = tmp_path / "slow.p12"
    path.write_bytes(hostile.pfx([hostile.shrouded_bag(5_000_000) for _ in range(20)]))
    monkeypatch.setenv("KS_PASS", "wrong")
    assert main(["list", str(path), "--password-env", "KS_PASS"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "40 key derivations of 5,000,000 iterations" in err


def test_bags_hidden_in_encrypted_contents_meet_the_budget_as_they_are_reached(
    monkeypatch,
) -> None:
    budget = functools.partial(DerivationBudget, limit=1_000_000)
    monkeypatch.setattr(p12, "DerivationBudget", budget)
    bags = [hostile.shrouded_bag(100_000, f"k{i}") for i in range(30)]
    data = hostile.pfx(bags, PASSWORD, encrypted=True)
    with pytest.raises(TooMuchWorkError, match="up to 100,000 iterations"):
        load_keystore(data, PASSWORD, StoreType.PKCS12)


def test_a_repeated_derivation_is_made_once(monkeypatch) -> None:
    # 20 bags x 2 derivations of 1,000,000 would be 40,000,000; made once, 2,000,000
    monkeypatch.setattr(
        p12, "DerivationBudget", functools.partial(DerivationBudget, limit=3_000_000)
    )
    salt = os.urandom(8)
    bag = hostile.shrouded_bag(1_000_000)
    same = [bag.replace(bag[bag.index(b"\x04\x08") + 2 :][:8], salt) for _ in range(20)]
    data = hostile.pfx(same, PASSWORD)
    store = load_keystore(data, PASSWORD, StoreType.PKCS12)  # 20 sealed keys, 2 derivations
    assert [e.is_locked for e in store.entries] == [True] * 20


def test_native_derivation_matches_rfc_7292() -> None:
    for digest, block in (("sha1", 64), ("sha256", 64), ("sha512", 128), ("md5", 64)):
        for password in (b"", b"\0s\0e\0c\0\0", bytes(range(150))):
            args = (digest, block, password, b"salt-salt", 2, 33, 50)
            assert pkcs12_kdf.derive(*args) == pkcs12_kdf.derive_python(*args)


def test_three_hundred_keys_at_jdk_17s_count_still_open() -> None:
    cert = Certificate(der(make_cert("k")))
    store = Keystore(StoreType.PKCS12, password=PASSWORD)
    for i in range(300):
        key = ec.generate_private_key(ec.SECP256R1())
        store.entries.append(Entry(f"k{i}", EntryKind.PRIVATE_KEY, [cert], key=key))
    data = dump_keystore(store, StoreType.PKCS12, PASSWORD)  # 10,000 iterations a key, as JDK 17
    assert len(load_keystore(data, PASSWORD, StoreType.PKCS12)) == 300


def test_list_never_spends_minutes_revealing_jceks_secret_keys() -> None:
    slow = load_keystore(
        hostile.jceks_slow_secret_keys(4, 5_000_000, PASSWORD), PASSWORD, StoreType.JCEKS
    )
    reveal_secret_keys(slow)
    assert all(e.is_locked for e in slow.entries)
    # at a count the budget allows they are revealed as before
    normal = load_keystore(
        hostile.jceks_slow_secret_keys(4, 0x010000, PASSWORD), PASSWORD, StoreType.JCEKS
    )
    reveal_secret_keys(normal)
    assert [e.algorithm_description for e in normal.entries] == ["AES 128"] * 4
