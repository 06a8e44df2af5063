"""One name repeated thousands of times costs linear time: aliases de-duplicate in O(1) each."""

from __future__ import annotations

from keystore_gui.core.io import load_keystore
from keystore_gui.core.model import StoreType
from keystore_gui.core.names import Suffixes
from tests import hostile
from tests.certfactory import der, make_cert, pem


def test_one_name_wanted_100000_times_costs_linear_tries() -> None:
    taken: set[str] = set()
    tries = 0

    def is_taken(name: str) -> bool:
        nonlocal tries
        tries += 1
        return name in taken

    suffixes = Suffixes()
    for _ in range(100_000):
        taken.add(suffixes.free("same", is_taken))
    assert len(taken) == 100_000 and "same-100000" in taken
    assert tries < 2 * 100_000  # searching from -2 each time: 5 billion


def test_a_name_taken_in_between_is_skipped() -> None:
    taken = {"a", "a-3"}
    suffixes = Suffixes()
    got = []
    for _ in range(3):
        got.append(suffixes.free("a", taken.__contains__))
        taken.add(got[-1])
    assert got == ["a-2", "a-4", "a-5"]


def test_one_certificate_10000_times_in_a_pem_bundle() -> None:
    store = load_keystore(pem(make_cert("same")) * 10_000, None)
    assert len(store) == 10_000
    assert store.entries[-1].alias == "same-10000"


def test_many_certificates_with_one_common_name() -> None:
    store = load_keystore(hostile.same_cn_pem(5_000), None)
    assert [e.alias for e in store.entries[:3]] == ["same", "same-2", "same-3"]
    assert store.entries[-1].alias == "same-5000"


def test_pkcs12_bags_with_one_friendly_name() -> None:
    cert = der(make_cert("x"))
    data = hostile.pfx([hostile.cert_bag(cert, "same")] * 5_000)
    store = load_keystore(data, "any", StoreType.PKCS12)
    assert len(store) == 5_000
    assert store.entries[-1].alias == "same-5000"
