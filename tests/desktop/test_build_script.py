"""packaging/build.sh's checks before and after PyInstaller, run with stand-ins for ldd, apt-get,
id, sudo and PyInstaller so that nothing is installed and nothing is built: a missing xcb library
is installed with apt-get as root, named with its apt-get and dnf packages otherwise, and a
library PyInstaller could not bundle for the xcb plugin fails the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_system_libs import fake_ldd

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "packaging" / "build.sh"


def stand_ins(folder: Path, uid: int) -> Path:
    """``apt-get`` that logs its arguments, ``id -u`` saying ``uid``, ``sudo`` that refuses."""
    folder.mkdir(parents=True, exist_ok=True)
    scripts = {
        "apt-get": f'#!/bin/sh\necho "$@" >>"{folder}/apt-get.log"\n',
        "id": f"#!/bin/sh\necho {uid}\n",
        "sudo": "#!/bin/sh\nexit 1\n",
    }
    for name, text in scripts.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)
    return folder


def run_build(bin_dir: Path, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(BUILD)],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHON": python, "HOME": str(bin_dir)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_as_root_the_missing_libraries_are_installed_with_apt_get(tmp_path: Path) -> None:
    bin_dir = stand_ins(fake_ldd(tmp_path, "libxcb-cursor.so.0", "libxcb-icccm.so.4"), uid=0)
    proc = run_build(bin_dir)
    log = (bin_dir / "apt-get.log").read_text().splitlines()
    assert log[0] == "install -y -q libxcb-cursor0 libxcb-icccm4"
    # The stand-in installs nothing, so the check after it still fails, before PyInstaller.
    assert proc.returncode == 1
    assert "still missing after installing: libxcb-cursor0 libxcb-icccm4" in proc.stderr


def test_without_the_rights_the_packages_are_named_and_the_build_stops(tmp_path: Path) -> None:
    bin_dir = stand_ins(fake_ldd(tmp_path, "libxcb-cursor.so.0", "libxkbcommon-x11.so.0"), uid=1000)
    proc = run_build(bin_dir)
    assert proc.returncode == 1
    assert not (bin_dir / "apt-get.log").exists()
    assert "Qt's xcb platform plugin needs system libraries this machine lacks" in proc.stderr
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in proc.stderr
    assert "sudo dnf install xcb-util-cursor libxkbcommon-x11" in proc.stderr
    assert "PyInstaller" not in proc.stdout


def test_a_library_pyinstaller_could_not_bundle_for_the_xcb_plugin_fails(tmp_path: Path) -> None:
    if any(
        shutil.which(t) is None for t in ("Xvfb", "xwininfo", "import", "desktop-file-validate")
    ):
        pytest.skip("needs the smoke check's tools installed (.ci/run installs them)")
    bin_dir = stand_ins(tmp_path / "bin", uid=0)
    python = tmp_path / "python"
    warning = (
        "4242 WARNING: Library not found: could not resolve 'libxcb-cursor.so.0', dependency "
        "of '/venv/PySide6/Qt/plugins/platforms/libqxcb.so'."
    )
    python.write_text(
        '#!/bin/sh\nif [ "$1 $2" = "-m PyInstaller" ]; then\n'
        '  [ "$3" = --version ] && { echo 6.0; exit 0; }\n'
        f'  echo "{warning}" >&2; exit 0\nfi\nexec "{sys.executable}" "$@"\n'
    )
    python.chmod(0o755)
    proc = run_build(bin_dir, str(python))
    assert proc.returncode == 1
    assert "PyInstaller could not bundle the xcb plugin's libxcb-cursor.so.0" in proc.stderr
    assert "built dist/keystore-gui" not in proc.stdout
