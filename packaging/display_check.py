"""Run the app on a real X server and check its window is drawn, as a user would see it.

Starts Xvfb (``-displayfd``, so displays never collide), runs the app with ``QT_QPA_PLATFORM=xcb``
in a clean environment as ``APP --smoke-test --smoke-hold FILE...``, waits for its ``ready`` line,
then asks the X server — not Qt — about the window: mapped and viewable at the expected size
(``xwininfo``), the WM_CLASS the desktop entry names and an icon (``xprop``), and its pixels, grabbed with ImageMagick's ``import``, not blank. Then it lets the
app quit and checks it exited 0. Standard library only: runs with any Python 3.

    python3 packaging/display_check.py [--screenshot OUT.png] [--password-env VAR] APP FILE...

Used by ``packaging/smoke.sh``, the deb check, ``tests/test_xcb_display.py`` and
``benchmarks/startup.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SCREEN = (1600, 1000)
WINDOW = (1280, 760)  # MainWindow's size on first start
TOOLS = ("Xvfb", "xwininfo", "xprop", "import", "identify")
APP_ID = "keystore-gui"  # resources/desktop/keystore-gui.desktop: StartupWMClass
MIN_COLOURS = 40  # a drawn window: text, icons, frames; a blank one has one or two
READY = "keystore-gui smoke test: ready "
DRAWN = "keystore-gui smoke test: drawn"


class CheckFailed(Exception):
    pass


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@contextmanager
def xvfb(screen: tuple[int, int] = SCREEN) -> Iterator[str]:
    """A fresh Xvfb server; yields its display name (``:N``)."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{screen[0]}x{screen[1]}x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise CheckFailed(f"Xvfb did not start: {proc.communicate(timeout=10)[1].decode()}")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def clean_env(display: str, home: Path, **extra: str) -> dict[str, str]:
    """What a desktop session gives a double-clicked app, and nothing from this shell."""
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_RUNTIME_DIR": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        **extra,
    }


@dataclass
class Run:
    drawn_after: float | None = None  # seconds from launch to the first paint on the display
    drawn_cpu: float | None = None  # the app's CPU seconds until then
    ready_after: float | None = None
    window: tuple[int, int] | None = None
    colours: int = 0
    stdout: list[str] = field(default_factory=list)
    stderr: str = ""


def _tool(*argv: str) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise CheckFailed(f"{argv[0]} failed: {proc.stderr.strip()}")
    return proc.stdout


def _lines_until(proc: subprocess.Popen[str], run: Run, started: float, deadline: float) -> str:
    """Read the app's output until its ``ready`` line; note when ``drawn`` came."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = proc.stdout.readline()
            if not line:
                break
            run.stdout.append(line.rstrip("\n"))
            if line.startswith(DRAWN) and run.drawn_after is None:
                run.drawn_after = time.monotonic() - started
                cpu = line[len(DRAWN) :].strip(" ()\n").split(" ")[0]
                run.drawn_cpu = float(cpu) if cpu else None
            if line.startswith(READY):
                run.ready_after = time.monotonic() - started
                return line[len(READY) :].strip()
    return ""


def check_app(
    app: Sequence[str],
    files: Sequence[str],
    display: str,
    env: dict[str, str],
    *,
    window_size: tuple[int, int] | None = WINDOW,
    screenshot: Path | None = None,
    timeout: float = 120.0,
) -> Run:
    """Launch ``app`` on ``display`` with ``files``, check its window, let it quit (see above)."""
    run = Run()
    started = time.monotonic()
    proc = subprocess.Popen(
        [*app, "--smoke-test", "--smoke-hold", *files],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        ready = _lines_until(proc, run, started, started + timeout)
        if not ready:
            proc.kill()
            _, run.stderr = proc.communicate(timeout=30)
            raise CheckFailed(f"the app never said it was ready; it said: {run.stderr.strip()}")
        winid, _, size = ready.partition(" ")
        info = _tool("xwininfo", "-display", display, "-id", winid)
        fields = dict(
            line.strip().split(": ", 1) for line in info.splitlines() if ": " in line.strip()
        )
        if fields.get("Map State") != "IsViewable":
            raise CheckFailed(f"window {winid} is not viewable: {fields.get('Map State')}")
        run.window = (int(fields["Width"]), int(fields["Height"]))
        if f"{run.window[0]}x{run.window[1]}" != size:
            raise CheckFailed(f"the X server has the window at {run.window}, the app said {size}")
        if window_size is not None and run.window != window_size:
            raise CheckFailed(f"the window is {run.window}, expected {window_size}")
        # The desktop entry's StartupWMClass, and an icon for the task bar.
        props = _tool("xprop", "-display", display, "-id", winid, "WM_CLASS", "_NET_WM_ICON")
        if not re.search(rf'^WM_CLASS\(STRING\) = "[^"]*", "{APP_ID}"$', props, re.M):
            raise CheckFailed(f"the window's WM_CLASS is not {APP_ID}: {props.splitlines()[0]}")
        if "_NET_WM_ICON(CARDINAL) =" not in props:
            raise CheckFailed("the window has no icon (_NET_WM_ICON)")
        with tempfile.TemporaryDirectory() as tmp:
            shot = screenshot or Path(tmp) / "window.png"
            _tool("import", "-display", display, "-window", winid, str(shot))
            width, height, colours = _tool("identify", "-format", "%w %h %k", str(shot)).split()
            run.colours = int(colours)
            if (int(width), int(height)) != run.window:
                raise CheckFailed(f"the grab is {width}x{height}, the window {run.window}")
            if run.colours < MIN_COLOURS:
                raise CheckFailed(f"the window looks blank: {run.colours} colour(s) in its pixels")
        rest, run.stderr = proc.communicate("quit\n", timeout=60)
        run.stdout += rest.splitlines()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    if proc.returncode != 0:
        raise CheckFailed(f"the app exited {proc.returncode}: {run.stderr.strip()}")
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screenshot", type=Path, help="keep the grab of the window here")
    parser.add_argument("--password-env", help="variable holding the files' password")
    parser.add_argument("app", help="the keystore-gui executable")
    parser.add_argument("files", nargs="*", help="files to open")
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print(f"display_check: needs {', '.join(missing)} (apt-get install xvfb x11-utils "
              "imagemagick)", file=sys.stderr)  # fmt: skip
        return 1
    app, files = [args.app], args.files
    extra = {}
    if args.password_env:
        extra["KEYSTORE_GUI_SMOKE_PASSWORD"] = os.environ[args.password_env]
    with tempfile.TemporaryDirectory() as home, xvfb() as display:
        try:
            run = check_app(app, files, display, clean_env(display, Path(home), **extra),
                            screenshot=args.screenshot)  # fmt: skip
        except CheckFailed as exc:
            print(f"display_check: {exc}", file=sys.stderr)
            return 1
    assert run.window is not None and run.drawn_after is not None
    print(
        f"display_check: {len(files)} file(s) on Xvfb/xcb, window {run.window[0]}x{run.window[1]} "
        f"drawn after {run.drawn_after:.2f} s ({run.colours} colours), quit cleanly"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
