"""Many ``keystore-cli`` processes at once on one store, for the concurrency and crash tests.

Run as a fresh program (``python -m tests.concurrent_writers …``): it imports the CLI and every
codec once, then forks one child per run, so twenty real processes start within milliseconds of each other
without paying twenty interpreter start-ups. Prints one JSON line per child:
``{"argv", "status", "output", "killed"}``.

``race ARGV_JSON``: start every argv of the JSON list at once, wait for all.
``kill STORE ARGV_JSON``: start each argv alone and ``kill -9`` it at a random point
(:func:`kill_at_random`).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

from keystore_gui import cli
from keystore_gui.core.formats import writable_types


def start(argv: list[str]) -> tuple[int, int]:
    """Fork a child running ``keystore-cli argv``; its stdout and stderr go to a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.dup2(write_end, 1)
        os.dup2(write_end, 2)
        status = 1
        try:
            status = cli.main(argv)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def finish(pid: int, read_end: int, argv: list[str]) -> dict[str, object]:
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    output = b"".join(chunks).decode("utf-8", "replace")
    return {"argv": argv, "status": code, "output": output, "killed": code == -signal.SIGKILL}


def race(runs: list[list[str]]) -> None:
    started = [(start(argv), argv) for argv in runs]
    for (pid, fd), argv in started:
        print(json.dumps(finish(pid, fd, argv)))


def kill_at_random(store: str, runs: list[list[str]]) -> None:
    """Run the first two argvs to the end (the second, warm, times a run), then each other one
    killed (``kill -9``) after a random delay up to that time (shortened whenever a run ended
    first); after each run, copy the store to
    ``snapshots/N`` and report the dot-files (temporary and lock files) beside it."""
    rng = random.Random(int(os.environ.get("KILL_SEED", "0")) or None)
    target = Path(store)
    snapshots = target.parent / "snapshots"
    snapshots.mkdir()
    span = 0.0
    for i, argv in enumerate(runs):
        started = time.monotonic()
        pid, fd = start(argv)
        if i > 1:
            time.sleep(rng.uniform(0, span))
            os.kill(pid, signal.SIGKILL)  # a child that already ended is a zombie until finish()
        result = finish(pid, fd, argv)
        if i == 1:
            span = time.monotonic() - started
        elif i > 1:  # keep the kills inside the run as the machine's speed changes
            span *= 1.05 if result["killed"] else 0.7
        shutil.copyfile(target, snapshots / str(i))
        result["leftovers"] = sorted(p.name for p in target.parent.glob(".*"))
        print(json.dumps(result), flush=True)


def main() -> None:
    # Everything a child needs is imported and built before forking, so each child pays only
    # for its own work: every command and codec module, and the parser.
    parser = cli.build_parser()
    cli.build_parser = lambda argv=None: parser  # type: ignore[assignment]
    writable_types()
    mode = sys.argv[1]
    if mode == "race":
        race(json.loads(sys.argv[2]))
    elif mode == "kill":
        kill_at_random(sys.argv[2], json.loads(sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
