"""Opening a truncated keystore says so at once, without asking for its password first."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.gui import opening, operations
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.password_dialog import PasswordDialog
from tests.tools import genkeypair, requires_keytool

pytestmark = [pytest.mark.keytool, requires_keytool]


@pytest.fixture(scope="module")
def truncated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("truncated")
    out: dict[str, Path] = {}
    for store_type, suffix in (("JKS", ".jks"), ("PKCS12", ".p12")):
        whole = folder / f"whole{suffix}"
        genkeypair(whole, store_type, "server", "CN=server", "-keyalg", "EC", storepass="cut-pass")
        data = whole.read_bytes()
        cut = folder / f"cut{suffix}"
        cut.write_bytes(data[: len(data) * 2 // 3])
        out[store_type] = cut
    return out


@pytest.mark.parametrize("store_type", ["JKS", "PKCS12"])
def test_truncated_file_is_reported_before_any_password_dialog(
    qtbot, window: MainWindow, monkeypatch, truncated: dict[str, Path], store_type: str
) -> None:
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(
        opening.msgbox, "error", lambda _p, title, text, *_a: errors.append((title, text))
    )
    asked: list[PasswordDialog] = []
    monkeypatch.setattr(PasswordDialog, "open", lambda self: asked.append(self))
    path = truncated[store_type]
    window.open_paths([path])
    qtbot.waitUntil(lambda: bool(errors or asked), timeout=20_000)
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=20_000)
    assert not asked
    assert errors == [(f"Cannot open {path.name}", "file is truncated")]
    assert not window.tabs()
