"""A short fuzz run in every test run; ``make fuzz`` runs the long one (see tests/fuzz.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.core.io import load_keystore
from tests import fuzz
from tests.tools import requires_keytool, requires_openssl


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[fuzz.Seed]:
    return fuzz.make_seeds(Path(tmp_path_factory.mktemp("seeds")))


@requires_keytool
@requires_openssl
def test_every_seed_parses_as_its_type(seeds: list[fuzz.Seed]) -> None:
    for s in seeds:
        if s.name == "pkcs12-ber":  # a BER string in pieces, not a whole PFX: refused
            continue
        store = load_keystore(s.data, fuzz.PASSWORD)
        assert store.store_type is s.store_type, s.name
        assert len(store) >= 1, s.name


@requires_keytool
@requires_openssl
def test_mutated_inputs_only_raise_the_cores_errors(seeds: list[fuzz.Seed]) -> None:
    report = fuzz.run(seeds, 1500, seed=7)
    assert report.crashes == [], "\n".join(c[:300] for c in report.crashes[:5])
    assert report.inputs == 1500


def test_every_hostile_shape_is_refused_or_opened_in_one_line(tmp_path: Path) -> None:
    report, outcomes = fuzz.run_shapes(tmp_path, scale=1)
    assert report.crashes == [], "\n".join(report.crashes)
    assert report.inputs == len(outcomes) >= 16
    refused = {name for name, outcome, _ in outcomes if outcome != "opened"}
    assert "p12, 20 key bags at 5,000,000 iterations, valid MAC" in refused
    assert "a named pipe called pipe.jks" in refused
