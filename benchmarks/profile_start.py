"""Where the window's start-up goes: CPU per phase, the slowest imports, and a profile.

Opens FILE as ``keystore-gui FILE`` does (features installed after the first tab) and prints:

1. the process CPU time and the wall time since launch at each phase: Qt imported, the window's
   modules imported, the window built, the file read in the worker, its tab added, the tree
   painted (wall time well above CPU time is waiting: for the disk, the other thread, a timer);
2. with ``--imports``, the 25 slowest imports of the same start (``python -X importtime``);
3. with ``--profile OUT``, a cProfile of the GUI thread from launch to the painted tree, saved
   to OUT and its 25 costliest functions printed (cumulative).

Usage: python benchmarks/profile_start.py FILE [--password-env VAR] [--imports] [--profile OUT]
(with no FILE of your own, ``benchmarks/list_speed.py --keep DIR`` makes one).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


LAUNCHED_ENV = "PROFILE_START_LAUNCHED"  # the parent's time.time() when it started this process


def phases(path: Path, password: str, profile_out: str | None) -> int:
    launched = float(os.environ.get(LAUNCHED_ENV, time.time()))
    marks: list[tuple[str, float, float]] = []

    def mark(name: str) -> None:
        marks.append((name, time.process_time(), time.time() - launched))

    mark("python started")
    profiler = None
    if profile_out:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    mark("Qt imported")
    app = QApplication([sys.argv[0]])
    from keystore_gui.gui.main_window import MainWindow
    from keystore_gui.gui.opening import OpenRequest

    mark("window modules imported")
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "profile.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, defer_features=True)
    window.opener.settled.connect(window.install_features_soon)
    window.show()
    mark("window built and shown")
    real_add = window.add_store_tab

    def add_store_tab(*args, **kwargs):  # type: ignore[no-untyped-def]
        mark("file read (worker)")
        tab = real_add(*args, **kwargs)
        mark("tab added")
        return tab

    window.add_store_tab = add_store_tab  # type: ignore[method-assign]
    window.opener.open([OpenRequest(path, (password,))])

    def poll() -> None:
        tab = window.current_tab()
        if tab is None or tab.proxy.rowCount() == 0:
            QTimer.singleShot(1, poll)
            return
        tab.tree.viewport().repaint()
        mark("tree painted")
        if profiler is not None and profile_out is not None:
            import pstats

            profiler.disable()
            profiler.dump_stats(profile_out)
        previous = (0.0, 0.0)
        print("time since launch (s), cumulative and per phase:")
        print(f"  {'':26s} {'CPU':>15s} {'wall':>15s}")
        for name, cpu, wall in marks:
            print(
                f"  {name:26s} {cpu:6.3f} +{cpu - previous[0]:6.3f}"
                f"  {wall:6.3f} +{wall - previous[1]:6.3f}"
            )
            previous = (cpu, wall)
        if profile_out is not None:
            print(f"\nprofile saved to {profile_out}; the costliest functions:")
            pstats.Stats(profile_out).sort_stats("cumulative").print_stats(25)
        sys.stdout.flush()
        os._exit(0)

    QTimer.singleShot(0, poll)
    return app.exec()


def slowest_imports(path: Path, env: dict[str, str]) -> None:
    argv = [sys.executable, "-X", "importtime", __file__, "--child", str(path)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=REPO)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|", 2)
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    print("\nthe 25 slowest imports (cumulative µs, nesting shown by indentation):")
    for micros, name in sorted(rows, reverse=True)[:25]:
        print(f"  {micros:9d} {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--password-env", default="BENCH_STORE_PASSWORD", metavar="VAR")
    parser.add_argument("--imports", action="store_true", help="list the slowest imports too")
    parser.add_argument("--profile", metavar="OUT", help="save a cProfile of the start to OUT")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    password = os.environ.get(args.password_env, "bench-password")
    if args.child:
        return phases(args.file, password, args.profile)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import list_speed

    list_speed.compile_bytecode()
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env["PYTHONPATH"] = str(REPO)
    argv = [sys.executable, __file__, "--child", str(args.file)]
    if args.profile:
        argv += ["--profile", args.profile]
    subprocess.run(argv, env={**env, LAUNCHED_ENV: repr(time.time())}, check=False, cwd=REPO)
    if args.imports:
        slowest_imports(args.file, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
