"""The password dialog of Open names the file's real folder."""

from __future__ import annotations

from pathlib import Path

from keystore_gui.core.io import dump_keystore
from keystore_gui.core.model import StoreType
from keystore_gui.gui import saving
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.password_dialog import PasswordDialog

from .conftest import sample_store


def test_relative_path_prompt_shows_the_absolute_folder(
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:
    (tmp_path / "relative.jks").write_bytes(
        dump_keystore(sample_store(), StoreType.JKS, "not-a-default")
    )
    monkeypatch.chdir(tmp_path)
    asked: list[PasswordDialog] = []
    monkeypatch.setattr(PasswordDialog, "open", lambda self: asked.append(self))
    window.open_paths([Path("relative.jks")])
    qtbot.waitUntil(lambda: bool(asked), timeout=20_000)
    prompt = asked[0].prompt_label.text()
    assert prompt == f"Password for relative.jks\n({tmp_path})"
    asked[0].reject()


def test_open_read_only_without_the_password(
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:
    path = tmp_path / "unknown.jks"
    path.write_bytes(dump_keystore(sample_store(), StoreType.JKS, "forgotten"))
    asked: list[PasswordDialog] = []
    monkeypatch.setattr(PasswordDialog, "open", lambda self: asked.append(self))
    window.open_paths([path])
    qtbot.waitUntil(lambda: bool(asked), timeout=20_000)
    asked[0].unverified_button.click()
    qtbot.waitUntil(lambda: window.current_tab() is not None, timeout=20_000)
    tab = window.current_tab()
    assert tab is not None and tab.store.unverified
    assert len(tab.store.entries) == len(sample_store().entries)
    errors: list[str] = []
    monkeypatch.setattr(saving.msgbox, "error", lambda _p, _t, text, *a: errors.append(text))
    done: list[bool] = []
    saving.save_as(tab, done.append)
    assert done == [False] and "read-only" in errors[0]
