"""The desktop feature in the real window: Help > About, Preferences, and the watcher that asks
Reload / Keep when another program changes an open keystore."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QUndoCommand
from pytestqt.qtbot import QtBot

from keystore_gui.core.model import Keystore, StoreType
from keystore_gui.gui import about, features, main_window, msgbox, preferences, saving
from keystore_gui.gui.features import desktop
from keystore_gui.gui.settings import Settings

from .conftest import window_idle


def settle(qtbot: QtBot, window: main_window.MainWindow) -> None:
    """Let the window's background checks start and finish before it is closed."""
    qtbot.waitUntil(lambda: window_idle(window), timeout=10_000)


@pytest.fixture
def win(qtbot: QtBot, tmp_path: Path) -> Iterator[main_window.MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = main_window.MainWindow(settings)
    assert "keystore_gui.gui.features.desktop" in features.feature_modules()
    yield window
    settle(qtbot, window)
    for tab in window.tabs():
        tab.undo_stack.setClean()
    window.close()
    window.deleteLater()


class Answers:
    """Stands in for msgbox: records each question and gives the prepared answer."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, reload: bool) -> None:
        self.questions: list[str] = []
        self.informations: list[str] = []
        self.errors: list[str] = []
        self.reload = reload
        monkeypatch.setattr(msgbox, "question", self._question)
        monkeypatch.setattr(
            msgbox, "information", lambda _p, _t, text: self.informations.append(text)
        )
        monkeypatch.setattr(msgbox, "error", lambda _p, _t, text, _d=None: self.errors.append(text))

    def _question(self, _parent: object, _title: str, text: str, *, yes_text: str = "OK") -> bool:
        self.questions.append(f"{yes_text}: {text}")
        return self.reload


def open_file_tab(win: main_window.MainWindow, path: Path):  # type: ignore[no-untyped-def]
    tab = win.add_store_tab(Keystore(StoreType.PKCS12, password="pw"), path)
    return tab


def make_modified(tab) -> None:  # type: ignore[no-untyped-def]
    """An unsaved edit, undoable (so the fixture can mark the tab clean again at teardown)."""
    tab.undo_stack.push(QUndoCommand("edit"))
    assert tab.is_modified()


def watcher(win: main_window.MainWindow) -> desktop.DiskWatcher:
    found = win.findChild(desktop.DiskWatcher)
    assert found is not None
    return found


def rewrite(path: Path, data: bytes) -> None:
    """Replace the file the way keytool and editors do: a new file renamed over the old."""
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_help_about_and_preferences_are_in_the_menus(
    win: main_window.MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    help_texts = [a.text() for a in win.menu("help").actions()]
    assert "&About Keystore GUI" in help_texts
    assert "About &Qt" in help_texts
    shown: list[about.AboutDialog] = []
    monkeypatch.setattr(about.AboutDialog, "exec", lambda self: shown.append(self) or 0)
    win.actions_by_name["about"].trigger()
    assert len(shown) == 1
    assert win.actions_by_name["about"].menuRole() == QAction.MenuRole.AboutRole
    assert win.actions_by_name["preferences"].menuRole() == QAction.MenuRole.PreferencesRole


def test_common_actions_get_icons(qtbot: QtBot, win: main_window.MainWindow) -> None:
    qtbot.waitUntil(lambda: not win.actions_by_name["open"].icon().isNull(), timeout=5000)
    for name in desktop.ACTION_ICONS:
        if name in win.actions_by_name:
            assert not win.actions_by_name[name].icon().isNull(), name
    assert {"new", "open", "save", "delete", "generate_key_pair"} <= set(win.actions_by_name)


def test_preferences_dialog_saves_what_the_user_sets(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    dialog = preferences.PreferencesDialog(settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.expiry_days.value() == 30
    assert dialog.single_instance.isChecked()
    dialog.expiry_days.setValue(60)
    dialog.single_instance.setChecked(False)
    dialog.backup_on_save.setChecked(True)
    dialog.color_scheme.setCurrentIndex(dialog.color_scheme.findData("dark"))
    preferences.apply_preferences(dialog.result_value(), settings)
    again = Settings(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    assert again.expiry_warning_days == 60
    assert again.single_instance is False
    assert again.backup_on_save is True
    assert again.color_scheme == "dark"


def test_change_by_another_program_asks_and_keep_leaves_the_tab(
    qtbot: QtBot, win: main_window.MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch, reload=False)
    path = tmp_path / "server.p12"
    path.write_bytes(b"first version")
    tab = open_file_tab(win, path)
    assert tab in watcher(win).watched_tabs()

    rewrite(path, b"second version")
    qtbot.waitUntil(lambda: answers.questions != [], timeout=10_000)
    assert answers.questions[0].startswith("Reload: server.p12 was changed on disk")
    assert win.tabs() == [tab]
    # The same change is not asked about twice, even after more file events.
    path.touch()
    watcher(win)._file_changed(str(path))
    watcher(win).check_pending()
    assert len(answers.questions) == 1
    # A later change is noticed again: the file stays watched after a rename over it.
    rewrite(path, b"third version")
    qtbot.waitUntil(lambda: len(answers.questions) == 2, timeout=10_000)


def test_unsaved_changes_are_named_and_kept_unless_the_user_reloads(
    qtbot: QtBot, win: main_window.MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch, reload=False)
    path = tmp_path / "edited.jks"
    path.write_bytes(b"v1")
    tab = open_file_tab(win, path)
    make_modified(tab)
    rewrite(path, b"v2")
    qtbot.waitUntil(lambda: answers.questions != [], timeout=10_000)
    assert answers.questions[0].startswith("Reload and Discard My Changes:")
    assert "unsaved changes" in answers.questions[0]
    assert win.tabs() == [tab]
    assert tab.is_modified()


def test_reload_replaces_the_tab_in_place(
    qtbot: QtBot, win: main_window.MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch, reload=True)
    first = tmp_path / "a.p12"
    second = tmp_path / "b.p12"
    first.write_bytes(b"a")
    second.write_bytes(b"b")
    tab_a = open_file_tab(win, first)
    tab_b = open_file_tab(win, second)
    reread: list[tuple[Path, str | None]] = []
    fresh = Keystore(StoreType.PKCS12, password="pw")

    def fake_read(path: Path, password: str | None) -> Keystore:
        reread.append((Path(path), password))
        return fresh

    monkeypatch.setattr(desktop, "read_keystore", fake_read)
    make_modified(tab_a)
    rewrite(first, b"a, changed")
    qtbot.waitUntil(lambda: win.tabs()[0] is not tab_a, timeout=10_000)
    assert reread == [(first.absolute(), "pw")]
    new_a = win.tabs()[0]
    assert new_a.store is fresh
    assert Path(new_a.path) == first
    assert not new_a.is_modified()
    assert win.tabs()[1] is tab_b
    assert answers.errors == []
    # The new tab is watched in turn.
    assert new_a in watcher(win).watched_tabs()
    assert tab_a not in watcher(win).watched_tabs()


def test_a_failed_reload_keeps_the_tab_and_says_why(
    qtbot: QtBot, win: main_window.MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keystore_gui.core.errors import WrongPasswordError

    answers = Answers(monkeypatch, reload=True)
    path = tmp_path / "c.jks"
    path.write_bytes(b"c")
    tab = open_file_tab(win, path)

    def wrong(path: Path, password: str | None) -> Keystore:
        raise WrongPasswordError("wrong store password")

    monkeypatch.setattr(desktop, "read_keystore", wrong)
    rewrite(path, b"c2")
    qtbot.waitUntil(lambda: answers.errors != [], timeout=10_000)
    assert "wrong store password" in answers.errors[0]
    assert win.tabs() == [tab]


def test_own_save_and_touch_do_not_ask(
    qtbot: QtBot, win: main_window.MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch, reload=False)
    path = tmp_path / "mine.p12"
    path.write_bytes(b"v1")
    tab = open_file_tab(win, path)
    w = watcher(win)
    # A save in flight: the change waits until the save reports back.
    tab.saving = True
    rewrite(path, b"v2 written by this app")
    w._file_changed(str(path))
    w.check_pending()
    assert answers.questions == []
    tab.saving = False
    tab.saved.emit()
    w.check_pending()
    path.touch()
    w._file_changed(str(path))
    w.check_pending()
    qtbot.waitUntil(lambda: not w.settling, timeout=10_000)  # the settled events judged again
    assert answers.questions == []


def test_deleted_file_is_reported_and_the_tab_stays(
    qtbot: QtBot, win: main_window.MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch, reload=True)
    path = tmp_path / "gone.jks"
    path.write_bytes(b"x")
    tab = open_file_tab(win, path)
    path.unlink()
    qtbot.waitUntil(lambda: answers.informations != [], timeout=10_000)
    assert "deleted or moved" in answers.informations[0]
    assert answers.questions == []
    assert win.tabs() == [tab]


def test_closed_tabs_are_no_longer_watched(win: main_window.MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "closed.jks"
    path.write_bytes(b"x")
    tab = open_file_tab(win, path)
    w = watcher(win)
    assert str(path.absolute()) in w._watcher.files()
    win.close_tab(tab)
    assert tab not in w.watched_tabs()
    assert w._watcher.files() == []


def test_saving_from_the_window_does_not_ask(
    qtbot: QtBot, win: main_window.MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keystore_gui.core.formats import writable_types
    from keystore_gui.core.io import read_keystore, save_keystore

    from .conftest import sample_store

    if StoreType.JKS not in writable_types():
        pytest.skip("no JKS writer in this build")
    answers = Answers(monkeypatch, reload=False)
    path = tmp_path / "own.jks"
    save_keystore(sample_store(), path)
    tab = win.add_store_tab(read_keystore(path, "changeit"), path)
    make_modified(tab)
    done: list[bool] = []
    saving.write(tab, path, StoreType.JKS, "changeit", on_done=done.append)
    qtbot.waitUntil(lambda: done == [True], timeout=20_000)
    # the file events of our own save, delivered now rather than waited for: none may ask
    watcher(win)._file_changed(str(path))
    watcher(win).check_pending()
    assert answers.questions == []
    assert not tab.is_modified()


def test_a_file_opened_is_watched_from_what_the_opener_read_not_read_again(
    qtbot: QtBot, win: main_window.MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from keystore_gui.core.io import save_keystore
    from keystore_gui.gui import opening

    path = tmp_path / "opened.p12"
    save_keystore(Keystore(StoreType.PKCS12, password="pw"), path, StoreType.PKCS12, "pw")
    reads: list[Path] = []
    monkeypatch.setattr(desktop, "file_digest", lambda p: reads.append(p))
    win.opener.open([opening.OpenRequest(path, ("pw",))])
    qtbot.waitUntil(lambda: len(win.tabs()) == 1, timeout=20_000)
    tab = win.tabs()[0]
    assert tab.file_digest == hashlib.sha256(path.read_bytes()).digest()
    assert tab in watcher(win).watched_tabs()
    assert reads == []  # a large store is not read a second time on the GUI thread
