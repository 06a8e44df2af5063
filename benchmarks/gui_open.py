"""Time the window against ``keytool -list`` on the same files, in the same run.

Three measurements, each in a fresh process (Qt offscreen):

1. launch → a populated, scrollable tree, for a JKS of 10,000 trusted certificates: the wall time
   from starting ``keystore-gui FILE`` (``keystore_gui.gui.app.main``, with fresh settings) until
   its tree has painted its first rows (``model.FIRST_BATCH``, a few screenfuls) and can scroll;
   also until every row is in the tree; against ``keytool -list`` on the same file. Peak
   resident memory of each, from ``wait4``.
2. typing in the filter box on that store: each keystroke (key event → filtered tree laid out),
   in milliseconds, once the search index is built; then, as a person types, 8 keys a second
   from 1 s after the tree shows (index built or not), a narrow and a broad text: the longest
   stall of the GUI thread (a 5 ms heartbeat from the moment the tree shows) and how long after
   the last key its result is in the tree.
3. a JKS of 100,000 trusted certificates: launch → populated tree, and the longest stall of the
   GUI thread until then and in the 3 s after, while the next rows, the menus' features and the
   search index arrive (a 10 ms heartbeat timer; a window that freezes shows a long gap).

The store's password reaches the window as the first of the passwords it tries before asking
(it tries the well-known defaults that way), so nobody types it. ``benchmarks/profile_start.py``
shows where a start's time goes.

The stores are made by ``benchmarks/list_speed.py``'s generator (certificates from
``cryptography``, keystores written by the JDK's own ``KeyStore`` in one JVM run).

Usage: python benchmarks/gui_open.py [--runs 3] [--certs 10000] [--big 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

import list_speed  # noqa: E402

SETTLE_MS = 3000
"""How long the GUI thread is watched after a big store's tree shows (its next batch of rows,
the menus' features and the search index arrive meanwhile)."""
FILTER_TEXT = "benchmark ca 00999"
BROAD_TEXT = "cc"


# --- the measured process ----------------------------------------------------------------------


def child(path: Path, mode: str) -> int:
    """Start the app as ``keystore-gui FILE`` does, and report (JSON on stdout) when the tree
    is ready. The store's password is put first among the passwords the window tries before
    asking (as it tries the well-known defaults), so that nobody has to type it."""
    started = time.perf_counter()
    from keystore_gui.gui import app as app_module
    from keystore_gui.gui import opening

    opening.DEFAULT_PASSWORDS = (os.environ[list_speed.PASSWORD_VAR],)
    set_window = app_module.KeystoreApplication.set_window

    def measuring(app: Any, window: Any) -> None:
        set_window(app, window)
        measure(app, window, mode, started)

    app_module.KeystoreApplication.set_window = measuring  # type: ignore[method-assign]
    return app_module.main([str(path)])


def measure(app: Any, window: Any, mode: str, started: float) -> None:
    """From the moment the window shows (the file is opened right after): watch the GUI thread
    and the tree, and run ``mode``'s measurement."""
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from keystore_gui.gui.model import FIRST_BATCH

    result: dict[str, float] = {}
    beat = QElapsedTimer()
    beat.start()
    longest = [0]

    def heartbeat() -> None:
        longest[0] = max(longest[0], beat.restart())

    ticker = QTimer(app)
    ticker.setInterval(10)
    ticker.timeout.connect(heartbeat)

    def painted() -> None:
        result["painted_at"] = time.time()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        result["ready_cpu_s"] = usage.ru_utime + usage.ru_stime

    class FirstPaint(QObject):
        """Notes the moment the tree has painted rows for the first time (as that paint event
        ends), and the process CPU time then."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            tab = window.current_tab()
            if event.type() == QEvent.Type.Paint and tab is not None and tab.proxy.rowCount():
                watched.removeEventFilter(self)
                # Paint now and note the time, rather than in a callback posted from here:
                # that would run after what the app itself posted on this paint (the next
                # batch of rows and its layout), and report their time as the paint's.
                QApplication.sendEvent(watched, event)
                painted()
                return True
            return False

    first_paint = FirstPaint(app)

    def tab_added(_index: int) -> None:
        tab = window.current_tab()
        if tab is not None:
            tab.tree.viewport().installEventFilter(first_paint)

    window.tab_widget.currentChanged.connect(tab_added)

    def ready() -> bool:
        tab = window.current_tab()
        if tab is None:
            return False
        # (no processEvents() here: a nested event loop in this 1 ms poll would run the app's
        # queued work inside one timer event and report the sum as a single stall)
        # the tree painted its first rows (a few screenfuls: FIRST_BATCH), and it scrolls
        wanted = min(len(tab.store), FIRST_BATCH)
        return (
            "painted_at" in result
            and tab.proxy.rowCount() >= wanted
            and tab.tree.verticalScrollBar().maximum() > 0
        )

    def all_rows() -> None:
        """When the tree holds a whole batch (every row of a store up to 10,000 entries)."""
        tab = window.current_tab()
        assert tab is not None
        if tab.proxy.rowCount() < min(len(tab.store), tab.model.batch):
            QTimer.singleShot(1, all_rows)
            return
        result["batch_at"] = time.time()
        print(json.dumps(result), flush=True)
        os._exit(0)

    def poll() -> None:
        if not ready():
            QTimer.singleShot(1, poll)
            return
        result["ready_s"] = result["painted_at"] - time.time() + time.perf_counter() - started
        result["ready_at"] = result["painted_at"]
        result["longest_stall_ms"] = longest[0]
        if mode == "launch":
            QTimer.singleShot(0, all_rows)
            return
        if mode == "filter":
            QTimer.singleShot(0, type_filter)
        elif mode.startswith("type:"):
            _, expected, text = mode.split(":", 2)
            QTimer.singleShot(0, lambda: type_at_human_speed(text, int(expected)))
        else:  # the big store: keep watching while the rest settles (rows, features, index)
            longest[0] = 0
            QTimer.singleShot(SETTLE_MS, after_settling)

    def after_settling() -> None:
        result["longest_stall_after_ms"] = longest[0]
        print(json.dumps(result), flush=True)
        os._exit(0)

    def type_filter() -> None:
        tab = window.current_tab()
        assert tab is not None
        if not tab.search_ready:
            QTimer.singleShot(10, type_filter)
            return
        from PySide6.QtTest import QTest

        times = []
        for ch in FILTER_TEXT:
            t0 = time.perf_counter()
            QTest.keyClicks(tab.filter_edit, ch)
            app.processEvents()
            times.append((time.perf_counter() - t0) * 1000)
        result["keystroke_ms"] = times  # type: ignore[assignment]
        result["rows_after"] = tab.proxy.rowCount()
        print(json.dumps(result), flush=True)
        os._exit(0)

    def type_at_human_speed(text: str, expected: int) -> None:
        """Type ``text`` at 8 keys a second, starting 1 s after the tree shows (a user needs
        that long to reach the filter box; the search index may still be building), with a
        5 ms heartbeat from the moment the tree shows. Report the longest gap between beats
        until the last key's result is in the tree, and how long after the last key that was.
        """
        from PySide6.QtTest import QTest

        tab = window.current_tab()
        assert tab is not None
        ticker.setInterval(5)
        longest[0] = 0
        beat.restart()
        keys = list(text)
        last_key = [0.0]

        def press() -> None:
            QTest.keyClicks(tab.filter_edit, keys.pop(0))
            if keys:
                QTimer.singleShot(125, press)
            else:
                last_key[0] = time.perf_counter()
                QTimer.singleShot(0, settled)

        def settled() -> None:
            if tab.proxy.rowCount() != expected or tab.filter_edit.text() != text:
                QTimer.singleShot(1, settled)
                return
            tab.tree.viewport().repaint()
            result["shown_after_last_key_ms"] = (time.perf_counter() - last_key[0]) * 1000
            result["longest_stall_ms"] = longest[0]
            result["rows_after"] = expected
            print(json.dumps(result), flush=True)
            os._exit(0)

        QTimer.singleShot(1000, press)

    ticker.start()
    QTimer.singleShot(0, poll)


def expected_rows(path: Path, text: str) -> int:
    """How many entries ``text`` keeps, decided from the store itself (not the window), in the
    driver so that the measured window parses nothing ahead of its time."""
    from keystore_gui.core.io import read_keystore
    from keystore_gui.gui.model import certificate_search_text

    needle = text.strip().lower()
    compact = needle.replace(":", "").replace(" ", "")
    store = read_keystore(path, list_speed.PASSWORD)
    count = 0
    for entry in store.entries:
        texts = [entry.alias.lower()] + [certificate_search_text(c) for c in entry.chain]
        if any(needle in t or (compact and compact in t) for t in texts):
            count += 1
    return count


# --- the driver --------------------------------------------------------------------------------


def run_child(path: Path, mode: str, env: dict[str, str]) -> tuple[dict[str, float], float, int]:
    """Run the window process; returns its report, the wall time from launch to the populated
    tree (to the whole batch with ``batch``), and its peak RSS."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(path)]
    start = time.time()  # the child reports time.time() too: one clock for both
    proc = subprocess.Popen(argv, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0 or not out.strip():
        raise SystemExit(f"gui_open: the window process failed:\n{err}")
    report = json.loads(out.strip().splitlines()[-1])
    return report, report["ready_at"] - start, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--certs", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="0 to skip the big store")
    parser.add_argument("--keep", metavar="DIR", help="make (or reuse) the files in DIR")
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child[1]), args.child[0])
    keytool = shutil.which("keytool")
    if keytool is None or shutil.which("java") is None:
        print("gui_open: the JDK (java, keytool) must be on PATH", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="keystore-gui-bench-") as tmp:
        base = Path(args.keep) if args.keep else Path(tmp)
        stores = {}
        for count in [args.certs] + ([args.big] if args.big else []):
            folder = base / str(count)
            target = folder / f"trusted-{count}.jks"
            if not target.exists():
                folder.mkdir(parents=True, exist_ok=True)
                t0 = time.perf_counter()
                list_speed.make_files(folder, count, 1)
                print(f"made {target.name} in {time.perf_counter() - t0:.0f} s")
            stores[count] = target
        print(list_speed.machine())
        list_speed.compile_bytecode()
        env = {
            **os.environ,
            list_speed.PASSWORD_VAR: list_speed.PASSWORD,
            "PYTHONPATH": str(REPO),
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),  # fresh settings, none of the user's
            "KEYSTORE_GUI_INSTANCE": f"keystore-gui-bench-{os.getpid()}",
        }
        path = stores[args.certs]
        ours = [run_child(path, "launch", env) for _ in range(args.runs)]
        theirs = list_speed.measure(
            [keytool, "-J-Duser.language=en", "-list", "-keystore", str(path),
             "-storepass:env", list_speed.PASSWORD_VAR],
            args.runs,
            env,
        )  # fmt: skip
        if theirs.failed:
            print(f"keytool failed: {theirs.failed}", file=sys.stderr)
            return 1
        wall = statistics.median(o[1] for o in ours)
        rss = max(o[2] for o in ours)
        print(f"\n{path.name}: median of {args.runs} runs")
        print(f"  window, launch to populated tree  {wall:7.3f} s   peak RSS {rss / 1024:5.0f} MB")
        batch = statistics.median(o[1] + o[0]["batch_at"] - o[0]["ready_at"] for o in ours)
        print(f"  window, launch to every row shown {batch:7.3f} s")
        print(
            f"  keytool -list                     {theirs.median:7.3f} s   "
            f"peak RSS {theirs.peak_rss_kib / 1024:5.0f} MB"
        )
        print(f"  ratio window/keytool              {wall / theirs.median:7.2f}  (target <= 0.15)")

        typed, _, _ = run_child(path, "filter", env)
        strokes = typed["keystroke_ms"]
        print(
            f"\nfilter box, typing {FILTER_TEXT!r} on {args.certs} entries: "
            f"median {statistics.median(strokes):.1f} ms, max {max(strokes):.1f} ms per keystroke "
            f"(target <= 50 ms); {int(typed['rows_after'])} row(s) left"
        )
        print(
            "  per keystroke: "
            + " ".join(f"{ch}:{ms:.0f}" for ch, ms in zip(FILTER_TEXT, strokes, strict=True))
        )
        for text in (FILTER_TEXT, BROAD_TEXT):
            human, _, _ = run_child(path, f"type:{expected_rows(path, text)}:{text}", env)
            print(
                f"typing {text!r} at 8 keys/s from the moment the tree shows: longest GUI-thread "
                f"stall {human['longest_stall_ms']:.0f} ms (target <= 50 ms), result shown "
                f"{human['shown_after_last_key_ms']:.0f} ms after the last key (target <= 100 ms); "
                f"{int(human['rows_after'])} row(s)"
            )
        if args.big:
            big, big_wall, big_rss = run_child(stores[args.big], "freeze", env)
            print(
                f"\n{stores[args.big].name}: launch to populated tree {big_wall:.2f} s, "
                f"longest GUI-thread stall {big['longest_stall_ms']:.0f} ms until then and "
                f"{big['longest_stall_after_ms']:.0f} ms in the {SETTLE_MS / 1000:.0f} s after "
                "(target <= 50 ms), "
                f"peak RSS {big_rss / 1024:.0f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
