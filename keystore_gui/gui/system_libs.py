"""The system libraries Qt's X11 (xcb) platform plugin loads, and the packages that provide them.

Qt ≥ 6.5 links its xcb plugin against the xcb-util family (libxcb-cursor0 first of all), which a
stock desktop often lacks; without them the app cannot open a window. The table below comes from
``ldd`` on PySide6's ``plugins/platforms/libqxcb.so`` and ``lib/libQt6XcbQpa.so.6`` (a test keeps
it complete). No Qt import here: ``packaging/build.sh`` runs this module before any display exists.

    python -m keystore_gui.gui.system_libs            # what is missing, and how to install it
    python -m keystore_gui.gui.system_libs --apt      # the missing libraries' Debian packages
    python -m keystore_gui.gui.system_libs --all-apt  # every Debian package in the table
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SystemLibrary:
    soname: str
    apt: str  # Debian, Ubuntu
    dnf: str  # Fedora, RHEL


XCB_LIBRARIES = (
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SystemLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11"),
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
    SystemLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLibrary("libfreetype.so.6", "libfreetype6", "freetype"),
    SystemLibrary("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
    SystemLibrary("libgthread-2.0.so.0", "libglib2.0-0", "glib2"),
    SystemLibrary("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
)
_BY_SONAME = {lib.soname: lib for lib in XCB_LIBRARIES}

XCB_PLUGIN = Path("platforms") / "libqxcb.so"


def pyside_plugins_dir() -> Path | None:
    """PySide6's Qt plugin folder, found without importing Qt (None when PySide6 is absent)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins"


def xcb_plugin_files(plugins_dir: Path) -> list[Path]:
    """The xcb plugin and Qt's xcb support library beside it, those that exist."""
    plugin = plugins_dir / XCB_PLUGIN
    qpa = [p for p in (plugins_dir.parent / "lib").glob("libQt6XcbQpa.so*") if p.is_file()]
    if not qpa:  # a PyInstaller bundle keeps Qt's libraries at the top of _internal/
        qpa = [p for p in plugins_dir.parent.parent.parent.glob("libQt6XcbQpa.so*") if p.is_file()]
    return [p for p in [plugin, *qpa[:1]] if p.is_file()]


def missing_sonames(files: list[Path]) -> list[str]:
    """The libraries ``ldd`` cannot find for ``files`` (empty without ``ldd`` or files)."""
    ldd = shutil.which("ldd")
    if ldd is None or not files:
        return []
    proc = subprocess.run(
        [ldd, *map(str, files)], capture_output=True, text=True, timeout=60, check=False
    )
    missing: list[str] = []
    for line in proc.stdout.splitlines():
        name, _, where = line.strip().partition(" => ")
        if where.strip() == "not found" and name not in missing:
            missing.append(name)
    return missing


def packages(sonames: list[str], manager: str) -> list[str]:
    """The ``apt`` or ``dnf`` packages for ``sonames``; an unknown library by its own name."""
    names: list[str] = []
    for soname in sonames:
        lib = _BY_SONAME.get(soname)
        name = soname if lib is None else getattr(lib, manager)
        if name not in names:
            names.append(name)
    return names


def install_advice(sonames: list[str]) -> str:
    """Two lines: the apt-get and the dnf command that install ``sonames``."""
    return (
        f"  Debian, Ubuntu: sudo apt-get install {' '.join(packages(sonames, 'apt'))}\n"
        f"  Fedora, RHEL:   sudo dnf install {' '.join(packages(sonames, 'dnf'))}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m keystore_gui.gui.system_libs",
        description="Check the system libraries Qt's xcb platform plugin needs.",
    )
    parser.add_argument("--plugins", type=Path, help="a Qt plugins folder (default: PySide6's)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--apt", action="store_true", help="print the missing ones' apt packages")
    group.add_argument("--all-apt", action="store_true", help="print every apt package")
    args = parser.parse_args(argv)
    if args.all_apt:
        print("\n".join(packages([lib.soname for lib in XCB_LIBRARIES], "apt")))
        return 0
    plugins = args.plugins or pyside_plugins_dir()
    files = xcb_plugin_files(plugins) if plugins else []
    if not files:
        print(f"no Qt xcb platform plugin under {plugins}", file=sys.stderr)
        return 1
    missing = missing_sonames(files)
    if args.apt:
        print("\n".join(packages(missing, "apt")))
    elif missing:
        print(f"missing: {' '.join(missing)}\n{install_advice(missing)}")
    else:
        print(f"all libraries of {files[0]} are present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
