"""Twenty processes adding to one store at once: each one that says "written" is in the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from keystore_gui.core.io import read_keystore
from tests.certs import issue

PASSWORD = "race-pass"
WRITERS = 20
ROUNDS = 5
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pems(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("race-certs")
    root = issue("Race Root", ca=True)
    files = []
    for i in range(WRITERS):
        path = folder / f"c{i}.pem"
        path.write_text(issue(f"race-{i}", root).model.pem)
        files.append(path)
    return files


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """Where the stores go: memory (/dev/shm) where there is one, so the test measures the lock
    and not the fsync latency of a shared disk; ``tmp_path`` elsewhere."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="keystore-race-") as name:
        yield Path(name)


def drive(mode: str, *args: str) -> list[dict[str, object]]:
    env = {**os.environ, "RACE_PASS": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "tests.concurrent_writers", mode, *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return [json.loads(line) for line in done.stdout.splitlines()]


def argv_for(command: str, store: Path, pem: Path, i: int) -> list[str]:
    if command == "import-certs":
        return ["import-certs", str(store), str(pem), "--alias", f"c{i}",
                "--password-env", "RACE_PASS"]  # fmt: skip
    return ["copy-certs", str(pem), str(store), "--dest-password-env", "RACE_PASS"]


@pytest.mark.parametrize(
    ("command", "name"), [("import-certs", "race.jks"), ("copy-certs", "race.p12")]
)
def test_concurrent_writers_lose_nothing(
    command: str, name: str, pems: list[Path], folder: Path
) -> None:
    for round_ in range(ROUNDS):
        store = folder / f"{round_}-{name}"
        runs = [argv_for(command, store, pem, i) for i, pem in enumerate(pems)]
        results = drive("race", json.dumps(runs))
        assert len(results) == WRITERS
        said_written = [
            i for i, r in enumerate(results) if "certificate(s) written" in str(r["output"])
        ]
        assert all(r["status"] == 0 for r in results), [r["output"] for r in results]
        assert len(said_written) == WRITERS
        subjects = {c.subject for _, c in read_keystore(store, PASSWORD).certificates()}
        assert {f"CN=race-{i}" for i in said_written} <= subjects
        assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []
