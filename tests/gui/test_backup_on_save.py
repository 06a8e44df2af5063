"""The previous file is kept as FILE.bak on the first save of a session, when the setting is on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import StoreType
from keystore_gui.gui import saving
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.settings import Settings
from keystore_gui.gui.undo import RemoveEntries

from .conftest import sample_store


def _remove(tab, alias: str) -> None:
    entry = tab.store.get(alias)
    tab.undo_stack.push(RemoveEntries(tab.model, [entry], f"Delete {alias}"))


def _save(qtbot, tab, path: Path) -> None:
    done: list[bool] = []
    saving.write(tab, path, StoreType.JKS, "changeit", on_done=done.append)
    qtbot.waitUntil(lambda: done == [True], timeout=20_000)


def test_first_save_keeps_a_backup(
    qtbot, window: MainWindow, settings: QSettings, tmp_path: Path
) -> None:
    Settings(settings).backup_on_save = True
    path = tmp_path / "server.jks"
    save_keystore(sample_store(), path)
    original = path.read_bytes()
    tab = window.add_store_tab(read_keystore(path, "changeit"), path)
    _remove(tab, "old-partner")
    _save(qtbot, tab, path)
    backup = tmp_path / "server.jks.bak"
    assert backup.read_bytes() == original
    _remove(tab, "future-partner")
    _save(qtbot, tab, path)
    assert backup.read_bytes() == original  # the session's first save made it; later ones keep it
    assert len(read_keystore(path, "changeit")) == 2


def test_no_backup_unless_asked(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "server.jks"
    save_keystore(sample_store(), path)
    tab = window.add_store_tab(read_keystore(path, "changeit"), path)
    _save(qtbot, tab, path)
    assert not (tmp_path / "server.jks.bak").exists()
