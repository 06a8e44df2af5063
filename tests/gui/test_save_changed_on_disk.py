"""Saving over a file another program rewrote asks first; Cancel keeps that program's file."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import Keystore, StoreType
from keystore_gui.gui import saving
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.undo import RemoveEntries

from .conftest import sample_store


def _save(qtbot, tab, path: Path) -> bool:  # type: ignore[no-untyped-def]
    done: list[bool] = []
    saving.write(tab, path, StoreType.JKS, "changeit", on_done=done.append)
    qtbot.waitUntil(lambda: len(done) == 1, timeout=20_000)
    return done[0]


@pytest.fixture
def changed(qtbot, window: MainWindow, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A tab with an unsaved deletion, on a file another program has rewritten since."""
    path = tmp_path / "server.jks"
    save_keystore(sample_store(), path)
    tab = window.add_store_tab(read_keystore(path, "changeit"), path)
    entry = tab.store.get("old-partner")
    tab.undo_stack.push(RemoveEntries(tab.model, [entry], "Delete old-partner"))
    other = Keystore(StoreType.JKS, [sample_store().get("root-ca")], "changeit")
    save_keystore(other, path)  # keytool, say, wrote the file meanwhile
    return tab, path, path.read_bytes()


def test_cancel_keeps_the_other_programs_file(
    qtbot, changed, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab, path, theirs = changed
    asked: list[str] = []

    def question(_parent, title: str, text: str, *, yes_text: str = "OK") -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(saving.msgbox, "question", question)
    assert _save(qtbot, tab, path) is False
    assert len(asked) == 1 and "server.jks was changed by another program" in asked[0]
    assert path.read_bytes() == theirs
    assert tab.is_modified()


def test_replacing_is_the_users_choice(qtbot, changed, monkeypatch: pytest.MonkeyPatch) -> None:
    tab, path, _ = changed
    answers = iter([True])
    monkeypatch.setattr(saving.msgbox, "question", lambda *a, **k: next(answers))
    assert _save(qtbot, tab, path) is True
    aliases = {e.alias for e in read_keystore(path, "changeit")}
    assert "old-partner" not in aliases and "server" in aliases
    assert not tab.is_modified()
    tab.undo_stack.push(RemoveEntries(tab.model, [tab.store.get("root-ca")], "Delete root-ca"))
    assert _save(qtbot, tab, path) is True  # the file is what this tab wrote: no question
