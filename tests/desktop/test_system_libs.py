"""The xcb plugin's system libraries: the table is complete, a missing one is found and named
with its apt-get and dnf packages, and keystore-gui says so instead of Qt's abort message.
Missing libraries are simulated with an ``ldd`` that reports them not found."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from keystore_gui.gui import system_libs

PLUGINS = system_libs.pyside_plugins_dir()


def fake_ldd(folder: Path, *missing: str) -> Path:
    """A folder with an ``ldd`` that reports ``missing`` as not found for every file."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"\\t{name} => not found\\n" for name in missing)
    script = folder / "ldd"
    script.write_text(
        '#!/bin/sh\nfor f; do echo "$f:"; '
        f'printf "{lines}\\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x0)\\n"; done\n'
    )
    script.chmod(0o755)
    return folder


def test_the_table_covers_every_x_library_the_plugin_links() -> None:
    if shutil.which("ldd") is None or PLUGINS is None:
        pytest.skip("needs ldd and PySide6's plugins")
    files = system_libs.xcb_plugin_files(PLUGINS)
    assert files and files[0].name == "libqxcb.so"
    out = subprocess.run(["ldd", *map(str, files)], capture_output=True, text=True).stdout
    linked = {line.split()[0] for line in out.splitlines() if "=>" in line}
    x_libs = {n for n in linked if n.startswith(("libxcb", "libX11", "libxkb", "libGL."))}
    assert x_libs >= {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0"}
    known = {lib.soname for lib in system_libs.XCB_LIBRARIES}
    assert x_libs <= known, x_libs - known


def test_missing_libraries_are_named_with_their_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "PATH",
        f"{fake_ldd(tmp_path, 'libxcb-cursor.so.0', 'libxcb-icccm.so.4')}:{os.environ['PATH']}",
    )
    plugin = tmp_path / "plugins" / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"")
    missing = system_libs.missing_sonames(system_libs.xcb_plugin_files(tmp_path / "plugins"))
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    advice = system_libs.install_advice([*missing, "libxcb-new.so.9"])
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-new.so.9" in advice
    assert "sudo dnf install xcb-util-cursor xcb-util-wm libxcb-new.so.9" in advice
    assert system_libs.packages(["libxcb-shm.so.0", "libxcb.so.1"], "dnf") == ["libxcb"]


def start_gui(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "keystore_gui.gui.app"],
        env={"HOME": env.pop("HOME"), "LANG": "C.UTF-8", **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_keystore_gui_names_the_packages_when_xcb_libraries_are_missing(tmp_path: Path) -> None:
    bin_dir = fake_ldd(tmp_path / "bin", "libxcb-cursor.so.0")
    proc = start_gui({"HOME": str(tmp_path), "PATH": f"{bin_dir}:/usr/bin:/bin",
                      "QT_QPA_PLATFORM": "xcb"})  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith("keystore-gui: cannot open a window: Qt's X11 platform needs")
    assert "sudo apt-get install libxcb-cursor0\n" in proc.stderr
    assert "sudo dnf install xcb-util-cursor\n" in proc.stderr
    assert "no display (DISPLAY is not set)" in proc.stderr
    assert "Reinstalling the application" not in proc.stderr
    assert "Traceback" not in proc.stderr and "core dumped" not in proc.stderr


def test_keystore_gui_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    proc = start_gui({"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "xcb"})
    assert proc.returncode == 1
    assert proc.stderr == (
        "keystore-gui: cannot open a window: no display (DISPLAY is not set). Start it in a "
        "desktop session; keystore-cli works without one.\n"
    )


def test_an_unknown_platform_is_named_with_the_ones_available(tmp_path: Path) -> None:
    proc = start_gui({"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "nope"})
    assert proc.returncode == 1
    assert proc.stderr.startswith(
        "keystore-gui: cannot open a window: no Qt platform plugin could be started "
        "(QT_QPA_PLATFORM='nope'): Could not find the Qt platform plugin \"nope\""
    )
    assert "available: " in proc.stderr and "xcb" in proc.stderr


def test_started_without_a_terminal_it_also_says_so_in_a_desktop_dialog(tmp_path: Path) -> None:
    bin_dir = fake_ldd(tmp_path / "bin", "libxcb-cursor.so.0")
    said = tmp_path / "zenity-args"
    zenity = bin_dir / "zenity"
    zenity.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" >"{said}.part" && mv "{said}.part" "{said}"\n'
    )
    zenity.chmod(0o755)
    # An X display nobody listens on: Qt cannot connect, the stand-in zenity does not need to.
    proc = start_gui({"HOME": str(tmp_path), "PATH": f"{bin_dir}:/usr/bin:/bin",
                      "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":987"})  # fmt: skip
    assert proc.returncode == 1
    deadline = time.monotonic() + 30
    while not said.exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the dialog runs detached from the exiting app
    args = said.read_text().splitlines()
    assert args[:4] == ["--error", "--no-markup", "--title", "Keystore GUI"]
    text = "\n".join(args[5:])
    assert text.startswith("keystore-gui: cannot open a window: Qt's X11 platform needs")
    assert "sudo apt-get install libxcb-cursor0" in text
    assert "cannot connect to the X display ':987'" in text
