"""The password dialog of Open names the file's real folder."""

from __future__ import annotations

from pathlib import Path

from keystore_gui.core.io import dump_keystore
from keystore_gui.core.model import StoreType
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
