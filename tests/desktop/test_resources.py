"""The top-level resources/ folder — icon sources, app icons, desktop entry, MIME types — is found
by a checkout or editable install (the folder itself), by a wheel (inside the package, where
setup.py maps it) and by the PyInstaller build (its spec copies it to the same place; the smoke
check on the built app then loads every icon)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from keystore_gui import resource_files

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
PRINT_RESOURCES = "from keystore_gui.resource_files import RESOURCES; print(RESOURCES)"


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_resources_live_at_the_top_level_only() -> None:
    names = files_under(RESOURCES)
    assert {"app/keystore-gui.svg", "app/png/48.png", "icons/action-open.svg"} <= names
    assert {"desktop/keystore-gui.desktop", "desktop/keystore-gui-mime.xml"} <= names
    # Icons added under the old place would be missing from every installed package.
    assert not (ROOT / "keystore_gui" / "resources").exists()
    assert resource_files.RESOURCES == RESOURCES


def test_an_editable_install_finds_the_top_level_folder(tmp_path: Path) -> None:
    # From another directory the checkout is not on sys.path: only the editable install is.
    proc = subprocess.run([sys.executable, "-c", PRINT_RESOURCES], cwd=tmp_path,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert Path(proc.stdout.strip()) == RESOURCES


def test_a_wheel_install_carries_every_resource_inside_the_package(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("keystore_gui", "resources"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    # build_py lays out the files bdist_wheel zips (pip install . builds the same wheel).
    site = tmp_path / "site"
    subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(site)],
                   cwd=source, capture_output=True, check=True, timeout=300)  # fmt: skip
    assert files_under(site / "keystore_gui" / "resources") == files_under(RESOURCES)
    # -S: no site-packages, so neither the checkout nor the editable install can answer.
    code = f"import sys; sys.path.insert(0, {str(site)!r}); {PRINT_RESOURCES}"
    proc = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert Path(proc.stdout.strip()) == site / "keystore_gui" / "resources"


def test_the_pyinstaller_build_copies_the_folder_into_the_package() -> None:
    spec = (ROOT / "packaging" / "keystore-gui.spec").read_text()
    assert 'datas=[(str(ROOT / "resources"), "keystore_gui/resources")]' in spec
