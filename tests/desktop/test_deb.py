"""packaging/linux/build-deb.sh on a stand-in bundle (``/bin/true`` as the app): the package's
layout, its control fields and its Depends computed from what the binaries load. The real bundle
is packaged, installed, used and removed by ``make package-check``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from keystore_gui import __version__

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None or shutil.which("ldd") is None, reason="needs dpkg-deb, ldd"
)


def test_the_deb_installs_app_commands_desktop_entry_mime_types_and_icons(tmp_path: Path) -> None:
    bundle = tmp_path / "keystore-gui"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy("/bin/true", bundle / "keystore-gui")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        ["bash", str(ROOT / "packaging" / "linux" / "build-deb.sh"), str(bundle), str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    deb = out / f"keystore-gui_{__version__}_{arch.stdout.strip()}.deb"
    assert deb.is_file()

    def field(name: str) -> str:
        return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True,
                              text=True, check=True).stdout.strip()  # fmt: skip

    assert field("Package") == "keystore-gui"
    assert field("Version") == __version__
    assert "libc6" in field("Depends").split(", ")  # what /bin/true loads
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
    entries = {line.split()[5].removeprefix("."): line for line in listing.splitlines()}
    for link in ("/usr/bin/keystore-gui", "/usr/bin/keystore-cli"):
        assert (
            entries[link].startswith("l") and "-> ../lib/keystore-gui/keystore-gui" in entries[link]
        )
    assert entries["/usr/lib/keystore-gui/keystore-gui"].startswith("-rwxr-xr-x root/root")
    for path in (
        "/usr/share/applications/keystore-gui.desktop",
        "/usr/share/mime/packages/keystore-gui.xml",
        "/usr/share/icons/hicolor/scalable/apps/keystore-gui.svg",
        "/usr/share/icons/hicolor/48x48/apps/keystore-gui.png",
        "/usr/share/icons/hicolor/512x512/apps/keystore-gui.png",
        "/usr/share/doc/keystore-gui/copyright",
    ):
        assert entries[path].startswith("-rw-r--r-- root/root"), path
