"""End to end on a real X server: the pip-installed app on Xvfb with Qt's xcb platform opens a
JKS, a PKCS#12 and a PEM file made by keytool and openssl, and the X server shows its window
drawn at its size. (The other GUI tests run offscreen, which hides what a desktop lacks.)"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tools import genkeypair, keytool, openssl

from .xdisplay import display_check

pytestmark = [pytest.mark.keytool, pytest.mark.openssl]
PASSWORD = "xcb-check-pw"


@pytest.fixture(scope="module")
def xvfb_display() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb; .ci/run installs it)")
    missing = display_check.missing_tools()
    assert not missing, f"needs {', '.join(missing)} (apt-get install x11-utils imagemagick)"
    with display_check.xvfb() as display:
        yield display


def make_files(folder: Path) -> list[str]:
    jks, pem, p12 = folder / "server.jks", folder / "server.pem", folder / "client.p12"
    genkeypair(jks, "JKS", "server", "CN=xcb.example", "-keyalg", "EC", "-groupname",
               "secp256r1", storepass=PASSWORD, keypass=PASSWORD)  # fmt: skip
    keytool("-exportcert", "-keystore", str(jks), "-alias", "server", "-rfc", "-file", str(pem),
            storepass=PASSWORD)  # fmt: skip
    key, crt = folder / "client.key", folder / "client.crt"
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "30", "-subj", "/CN=client.example", "-keyout", str(key), "-out", str(crt))  # fmt: skip
    openssl("pkcs12", "-export", "-inkey", str(key), "-in", str(crt), "-name", "client",
            "-out", str(p12), passout=PASSWORD)  # fmt: skip
    return [str(jks), str(p12), str(pem)]


def test_the_app_draws_its_window_on_a_real_x_server(xvfb_display: str, tmp_path: Path) -> None:
    files = make_files(tmp_path)
    env = display_check.clean_env(
        xvfb_display, tmp_path / "home", KEYSTORE_GUI_SMOKE_PASSWORD=PASSWORD
    )
    run = display_check.check_app(
        [sys.executable, "-m", "keystore_gui.gui.app"], files, xvfb_display, env
    )
    assert run.window == display_check.WINDOW
    assert run.colours >= display_check.MIN_COLOURS
    assert run.drawn_after is not None and run.drawn_cpu is not None
    assert any(line.endswith("smoke test passed (3 file(s) opened)") for line in run.stdout)
    assert "Qt:" not in run.stderr, run.stderr
