"""What a large store's tab does before and after its first paint: few rows first, the rest and
the menus' features after, and nothing worked out again that the worker already did."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keystore_gui.core.io import save_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.gui import model as model_module
from keystore_gui.gui import opening, operations
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.tab import KeystoreTab

from .conftest import make_cert, window_idle


def _store(count: int) -> Keystore:
    der = Certificate.from_x509(make_cert("shared")[0]).der
    entries = [
        Entry(f"entry-{i:02d}", EntryKind.TRUSTED_CERT, [Certificate(der)]) for i in range(count)
    ]
    return Keystore(StoreType.JKS, entries, password="changeit")


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_module, "FIRST_BATCH", 5)
    monkeypatch.setattr(model_module, "FETCH_BATCH", 20)
    monkeypatch.setattr(model_module, "SYNC_SORT_ROWS", 2)  # a sort by alias would be a job


def _open_shown(qtbot, settings, path: Path) -> tuple[MainWindow, list[KeystoreTab]]:  # type: ignore[no-untyped-def]
    """A shown window started as ``keystore-gui FILE`` starts (features after the file)."""
    win = MainWindow(settings, defer_features=True)
    qtbot.addWidget(win)
    win.opener.settled.connect(win.install_features_soon)
    win.resize(900, 500)
    win.show()
    added: list[KeystoreTab] = []

    def tab_added(_index: int) -> None:
        tab = win.current_tab()
        if tab is not None:
            added.append(tab)
            # what the tree was given before anything painted, and whether a sort started
            added_state.append((tab.model.rowCount(), tab.painted, operations.running()))

    added_state: list[tuple[int, bool, int]] = []
    win.tab_widget.currentChanged.connect(tab_added)
    win.opener.open([opening.OpenRequest(path, ("changeit",))])
    qtbot.waitUntil(lambda: bool(added), timeout=20_000)
    win.added_state = added_state  # type: ignore[attr-defined]
    return win, added


def test_a_large_store_paints_a_first_batch_then_gets_the_rest(
    qtbot, settings, tmp_path: Path, small_batches: None
) -> None:
    path = tmp_path / "large.jks"
    save_keystore(_store(30), path, StoreType.JKS, "changeit")
    win, added = _open_shown(qtbot, settings, path)
    tab = added[0]
    rows, painted, jobs = win.added_state[0]  # type: ignore[attr-defined]
    assert (rows, painted) == (5, False)  # a few screenfuls for the first paint
    assert jobs == 0  # read in alias order by the worker: no sort to redo
    assert "health_panel" not in win.actions_by_name  # the features wait for the rows
    qtbot.waitUntil(lambda: tab.painted, timeout=20_000)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 25, timeout=20_000)
    qtbot.waitUntil(lambda: "health_panel" in win.actions_by_name, timeout=20_000)
    assert tab.model.rowCount() == 25  # the view takes nothing more on its own
    bar = tab.tree.verticalScrollBar()
    bar.setValue(bar.maximum())  # the user scrolls to the end
    assert tab.proxy.rowCount() == 30
    assert [tab.proxy.index(r, 0).data() for r in (0, 29)] == ["entry-00", "entry-29"]
    qtbot.waitUntil(lambda: window_idle(win), timeout=30_000)  # features, index, checks done
    win.close()


def test_hints_from_the_worker_are_what_the_model_would_work_out() -> None:
    store = _store(50)
    store.entries.reverse()
    hints = model_module.model_hints(store, None)
    plain = model_module.EntryModel(store)
    assert hints.longest_aliases == plain.longest_aliases()
    assert hints.has_chains is plain.has_chains is False
    hinted = model_module.EntryModel(store, hints=hints)
    assert hinted.longest_aliases() == plain.longest_aliases()


def test_the_features_import_no_core_module_that_the_worker_left_out(tmp_path: Path) -> None:
    """The worker's imports (``features.FEATURE_CORE``) spare the GUI thread only if they are
    all the features need: installing every feature after them imports nothing more."""
    code = f"""
import os, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from keystore_gui.gui import features
from keystore_gui.gui.main_window import MainWindow
features.import_core()
before = set(sys.modules)
MainWindow(QSettings({str(tmp_path / "s.ini")!r}, QSettings.Format.IniFormat))
new = set(sys.modules) - before
print(sorted(m for m in new if m.startswith(("keystore_gui.core", "cryptography"))), flush=True)
os._exit(0)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_the_app_gives_the_gui_thread_short_waits_for_the_interpreter() -> None:
    """With a worker busy in Python, each Python call of the GUI thread waits for the worker's
    turn to end: the app shortens the turns (see ``app.SWITCH_INTERVAL_S``)."""
    code = """
import sys
from keystore_gui.gui.app import SWITCH_INTERVAL_S, KeystoreApplication
app = KeystoreApplication([])
print(sys.getswitchinterval() == SWITCH_INTERVAL_S < 0.005)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "True", done.stdout + done.stderr


def test_typing_in_the_filter_box_pauses_passes_in_workers(qtbot) -> None:  # type: ignore[no-untyped-def]
    import time

    from keystore_gui.core import pacing

    tab = KeystoreTab(_store(3), None)
    qtbot.addWidget(tab)
    qtbot.keyClicks(tab.filter_edit, "entry")
    assert pacing._quiet_until > time.monotonic()  # give_way() in workers waits meanwhile


def test_painting_the_tree_pauses_passes_in_workers(qtbot, monkeypatch, small_batches) -> None:  # type: ignore[no-untyped-def]
    """A paint asks the model for every cell shown, each a Python call that would wait for a
    busy worker's turn: while the tree paints (or takes a batch of rows), passes pause."""
    from keystore_gui.core import pacing

    monkeypatch.setattr(pacing, "_quiet_until", 0.0)
    tab = KeystoreTab(_store(60), None)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.painted, timeout=10_000)
    assert pacing._quiet_until > 0.0
    pacing._quiet_until = 0.0
    tab.model.fetch_all()  # the view lays out the rest next
    assert pacing._quiet_until > 0.0
    pacing._quiet_until = 0.0
    tab.model.fetch_all()  # nothing left to fetch: no pause
    assert pacing._quiet_until == 0.0


def test_only_the_trees_paints_pause_passes(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The filter box's blinking cursor repaints it twice a second: that is no reason for the
    search index or the health check to wait."""
    from keystore_gui.core import pacing

    tab = KeystoreTab(_store(3), None)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.painted, timeout=10_000)
    monkeypatch.setattr(pacing, "_quiet_until", 0.0)
    tab.filter_edit.repaint()
    assert pacing._quiet_until == 0.0
    tab.tree.viewport().repaint()
    assert pacing._quiet_until > 0.0
