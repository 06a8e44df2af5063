"""Start-up time on a real X server: launch until the window is drawn, for the PyInstaller bundle
and for the pip install, under Xvfb with Qt's xcb platform, in a clean environment.

"Drawn" is the moment the app reports that its window's first paint has been flushed to the X
server (``--smoke-test``'s ``drawn`` line; ``packaging/display_check.py`` then checks with the X
server that the window is viewable and not blank), with the app's own CPU time until then, which
a busy machine does not stretch. Each launch gets a fresh home folder, so no
saved settings; one warm-up launch per app is not counted (it fills the page cache).

    python benchmarks/startup.py [--runs 5] [--bundle dist/keystore-gui/keystore-gui]
        [--pip .venv/bin/keystore-gui]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import display_check  # noqa: E402


def launch_times(app: Path, display: str, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from launch to the window drawn, and the app's CPU seconds until then."""
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(runs + 1):
        with tempfile.TemporaryDirectory() as home:
            env = display_check.clean_env(display, Path(home))
            run = display_check.check_app([str(app)], [], display, env)
        assert run.drawn_after is not None and run.drawn_cpu is not None
        if i > 0:  # the first launch warms the page cache
            wall.append(run.drawn_after)
            cpu.append(run.drawn_cpu)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--bundle", type=Path, default=ROOT / "dist" / "keystore-gui" / "keystore-gui"
    )
    parser.add_argument("--pip", type=Path, default=ROOT / ".venv" / "bin" / "keystore-gui")
    args = parser.parse_args()
    missing = display_check.missing_tools()
    if missing:
        print(f"startup.py: needs {', '.join(missing)}", file=sys.stderr)
        return 1
    apps = [(name, path) for name, path in (("bundle", args.bundle), ("pip", args.pip))]
    print(f"launch → window drawn, Xvfb + xcb, {args.runs} runs after one warm-up each")
    print("| app | median | fastest | slowest | CPU until drawn (median) |")
    print("|---|---|---|---|---|")
    with display_check.xvfb() as display:
        for name, path in apps:
            if not path.exists():
                print(f"| {name} | not built ({path}) | | | |")
                continue
            wall, cpu = launch_times(path, display, args.runs)
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            print(
                f"| {name} (`{shown}`) | {statistics.median(wall):.2f} s | {min(wall):.2f} s "
                f"| {max(wall):.2f} s | {statistics.median(cpu):.2f} s |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
