"""Desktop integration files: the .desktop entry, MIME types, icons, the Linux installer and the
declared associations for macOS and Windows. (The PyInstaller build itself is slow and runs in
`make package`, not here.)"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DESKTOP = ROOT / "resources" / "desktop" / "keystore-gui.desktop"
MIME_XML = ROOT / "resources" / "desktop" / "keystore-gui-mime.xml"
INSTALL = PACKAGING / "linux" / "install.sh"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

REQUIRED_MIME = {
    "application/x-java-keystore",
    "application/x-java-jce-keystore",
    "application/x-pkcs12",
    "application/pkcs12",
    "application/x-x509-ca-cert",
    "application/pkix-cert",
    "application/x-pem-file",
}


def desktop_entry(path: Path = DESKTOP) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep key case
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def validate(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    proc = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Hints are advice; errors and warnings are not acceptable.
    assert "error" not in proc.stdout and "warning" not in proc.stdout, proc.stdout


def test_desktop_file_passes_desktop_file_validate() -> None:
    validate(DESKTOP)


def test_desktop_file_opens_keystores_and_certificates() -> None:
    entry = desktop_entry()
    assert entry["Exec"] == "keystore-gui %F"
    assert entry["Icon"] == "keystore-gui"
    assert entry["StartupWMClass"] == "keystore-gui"
    types = set(filter(None, entry["MimeType"].split(";")))
    assert types >= REQUIRED_MIME


def test_mime_xml_declares_the_missing_extensions_with_magic() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(MIME_XML).getroot()
    types = {t.get("type"): t for t in root.findall("m:mime-type", ns)}
    globs = {g.get("pattern"): name for name, t in types.items() for g in t.findall("m:glob", ns)}
    assert globs["*.keystore"] == globs["*.truststore"] == "application/x-java-keystore"
    assert globs["*.bks"] == "application/x-bouncycastle-keystore"
    assert globs["*.jks"] == "application/x-java-keystore"
    assert globs["*.jceks"] == "application/x-java-jce-keystore"
    magic = {
        name: [m.get("value") for m in t.findall("m:magic/m:match", ns)]
        for name, t in types.items()
    }
    assert magic["application/x-java-keystore"] == ["0xfeedfeed"]
    assert magic["application/x-java-jce-keystore"] == ["0xcececece"]
    # Every type the .desktop file claims but the XML adds must be one the entry lists.
    listed = set(filter(None, desktop_entry()["MimeType"].split(";")))
    assert set(types) <= listed


def run_install(prefix: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(prefix / "home")}
    return subprocess.run(
        ["bash", str(INSTALL), "--prefix", str(prefix), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_install_script_places_everything_and_uninstalls(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    proc = run_install(prefix)
    assert proc.returncode == 0, proc.stderr
    share = prefix / "share"
    installed = share / "applications" / "keystore-gui.desktop"
    assert installed.is_file()
    if shutil.which("desktop-file-validate"):
        validate(installed)
    assert (share / "mime" / "packages" / "keystore-gui.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "keystore-gui.svg").is_file()
    for size in PNG_SIZES:
        assert (
            share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "keystore-gui.png"
        ).is_file()
    if shutil.which("update-mime-database"):
        globs = (share / "mime" / "globs2").read_text()
        for pattern in ("*.keystore", "*.truststore", "*.bks", "*.jks", "*.jceks"):
            assert re.search(rf":{re.escape(pattern)}$", globs, re.M), pattern
        assert (share / "mime" / "magic").is_file()
    if shutil.which("update-desktop-database"):
        cache = (share / "applications" / "mimeinfo.cache").read_text()
        assert "application/x-java-keystore=keystore-gui.desktop;" in cache

    proc = run_install(prefix, "--uninstall")
    assert proc.returncode == 0, proc.stderr
    assert not installed.exists()
    assert not (share / "mime" / "packages" / "keystore-gui.xml").exists()
    assert not list((share / "icons").rglob("keystore-gui.*"))


def test_install_script_refuses_unknown_options(tmp_path: Path) -> None:
    proc = run_install(tmp_path, "--frobnicate")
    assert proc.returncode == 2
    assert "unknown option --frobnicate" in proc.stderr
    assert not (tmp_path / "share").exists()


@pytest.mark.parametrize(
    "script",
    [
        "linux/install.sh",
        "linux/apt-install.sh",
        "linux/build-deb.sh",
        "linux/deb-check.sh",
        "build.sh",
        "smoke.sh",
    ],
)
def test_shell_scripts_parse_and_are_executable(script: str) -> None:
    path = PACKAGING / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    subprocess.run(["bash", "-n", str(path)], check=True)


def test_resources_ship_inside_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = project["tool"]["setuptools"]["package-data"]["keystore_gui.resources"]
    assert {"icons/*.svg", "app/png/*.png", "desktop/*"} <= set(data)
    assert any(
        r.startswith("pyinstaller") for r in project["project"]["optional-dependencies"]["package"]
    )
    app = ROOT / "resources" / "app"
    assert (app / "keystore-gui.svg").is_file()
    assert {p.stem for p in (app / "png").glob("*.png")} == {str(s) for s in PNG_SIZES}


def test_pyinstaller_spec_declares_macos_document_types() -> None:
    spec = (PACKAGING / "keystore-gui.spec").read_text()
    assert "CFBundleDocumentTypes" in spec
    assert 'name="keystore-gui"' in spec  # dist/keystore-gui/keystore-gui
    for ext in ("jks", "jceks", "keystore", "p12", "pfx"):
        assert f'"{ext}"' in spec, ext
    assert "com.rsa.pkcs-12" in spec


def test_windows_installer_associates_the_keystore_extensions() -> None:
    iss = (PACKAGING / "windows" / "keystore-gui.iss").read_text()
    assert "ChangesAssociations=yes" in iss
    for ext in (".jks", ".p12", ".pfx", ".jceks", ".keystore"):
        assert re.search(rf'Subkey: "Software\\Classes\\{re.escape(ext)}\\OpenWithProgids"', iss), (
            ext
        )
    assert '"""{app}\\{#AppExe}"" ""%1"""' in iss


def test_make_package_is_not_part_of_make_test_but_ci_runs_both() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^package: ", makefile, re.M)
    assert re.search(r"^deb: package$", makefile, re.M)
    assert re.search(r"^package-check: deb$", makefile, re.M)
    test_line = re.search(r"^test: (.*)$", makefile, re.M)
    assert test_line and "package" not in test_line.group(1)
    ci = [
        line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("make ")
    ]
    assert ci == ["make test", "make package-check"]
