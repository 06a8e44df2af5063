"""A single WSO2 or Tomcat store opens with its well-known password, as a folder's do."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from keystore_gui.core.io import save_keystore
from keystore_gui.core.model import StoreType
from keystore_gui.gui.features.health import HealthPanel
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.password_dialog import PasswordDialog
from keystore_gui.gui.settings import Settings

from .conftest import sample_store


def test_a_single_file_tries_the_well_known_passwords(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "wso2carbon.jks"
    save_keystore(sample_store(), path, StoreType.JKS, "wso2carbon")
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.current_tab() is not None, timeout=20_000)
    assert window.findChild(PasswordDialog) is None
    tab = window.current_tab()
    assert tab is not None and tab.store.password == "wso2carbon"
    notice: QLabel = tab.notice_label
    assert not notice.isHidden() and "wso2carbon" in notice.text()
    panel = window.findChild(HealthPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: panel.findings(tab) is not None, timeout=20_000)
    assert "default-password" in {f.code for f in panel.findings(tab) or []}


def test_turned_off_in_preferences_it_asks(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    Settings(window.settings).try_default_passwords = False
    path = tmp_path / "server.jks"
    save_keystore(sample_store(), path, StoreType.JKS, "changeit")
    window.open_paths([path])
    qtbot.waitUntil(lambda: window.findChild(PasswordDialog) is not None, timeout=20_000)
    dialog = window.findChild(PasswordDialog)
    assert dialog is not None
    dialog.reject()
    assert window.current_tab() is None


def test_the_start_page_opens_a_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from keystore_gui.gui import main_window

    save_keystore(sample_store(), tmp_path / "client-truststore.jks", StoreType.JKS, "wso2carbon")
    monkeypatch.setattr(
        main_window.QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path)
    )
    button = window.start_page.open_folder_button
    assert button.text().replace("&", "") == "Open folder…"
    button.click()
    qtbot.waitUntil(lambda: window.current_tab() is not None, timeout=20_000)
    assert window.current_tab().display_name == "client-truststore.jks"  # type: ignore[union-attr]
