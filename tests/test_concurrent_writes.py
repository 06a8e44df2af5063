"""Twenty processes adding to one store at once: each one that says "written" is in the file.
Fifty saves killed (``kill -9``) at random points: the store is always the old or the new file,
and the next save leaves no temporary file behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from keystore_gui import cli
from keystore_gui.core.io import load_keystore, read_keystore, save_keystore
from keystore_gui.core.model import Keystore, StoreType
from tests.certs import issue, trusted_entry

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


CRASHES = 50


def test_kill_9_at_random_points_leaves_the_old_or_the_new_file(
    pems: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "crash.jks"
    root = issue("Crash Root", ca=True)
    base = [trusted_entry(f"base-{i}", issue(f"base-{i}", root)) for i in range(60)]
    save_keystore(Keystore(StoreType.JKS, base, PASSWORD), store)
    files = [pems[i % len(pems)] for i in range(CRASHES + 2)]
    runs = [["import-certs", str(store), str(pem), "--alias", f"n{i}",
             "--password-env", "RACE_PASS"] for i, pem in enumerate(files)]  # fmt: skip
    results = drive("kill", str(store), json.dumps(runs))
    assert len(results) == CRASHES + 2 and results[1]["status"] == 0
    before = {e.alias for e in base}
    previous = None
    for i, result in enumerate(results):
        snapshot = (tmp_path / "snapshots" / str(i)).read_bytes()
        aliases = {e.alias for e in load_keystore(snapshot, PASSWORD, StoreType.JKS)}
        if aliases == before:  # the old file, byte for byte (the first runs always complete)
            assert previous is not None and snapshot == previous, f"run {i}"
        else:
            assert aliases == before | {f"n{i}"}, f"run {i}: {sorted(aliases - before)}"
        if "written" in str(result["output"]):
            assert f"n{i}" in aliases
        before, previous = aliases, snapshot
    killed = sum(bool(r["killed"]) for r in results)
    left = sum(any(n.endswith(".tmp") for n in r["leftovers"]) for r in results)  # type: ignore[attr-defined]
    assert killed >= CRASHES // 2, f"only {killed} of {CRASHES} runs were killed before ending"
    print(f"{killed} killed, {left} left a temporary file")
    after = pems[0].parent / "after.pem"
    after.write_text(issue("after", root).model.pem)
    monkeypatch.setenv("RACE_PASS", PASSWORD)
    assert cli.main(["import-certs", str(store), str(after), "--password-env", "RACE_PASS"]) == 0
    assert "after" in {e.alias for e in read_keystore(store, PASSWORD)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crash.jks", "snapshots"]
