"""Copy to truststore: where the certificates go by default, and never into their own store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from pytestqt.qtbot import QtBot

from keystore_gui.core.model import Keystore, StoreType
from keystore_gui.gui import operations
from keystore_gui.gui.copy_dialog import CopyDialog, TargetKind
from keystore_gui.gui.features import copy as copy_feature
from keystore_gui.gui.features.health import HealthPanel
from keystore_gui.gui.main_window import MainWindow
from tests.truststore_certs import Pki


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


@pytest.fixture
def win(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    # after a copy the feature offers the trust chain view: decline
    monkeypatch.setattr(copy_feature.msgbox, "question", lambda *_a, **_k: False)
    yield window
    panel = window.findChild(HealthPanel)
    qtbot.waitUntil(
        lambda: (panel is None or not panel.pending) and operations.running() == 0,
        timeout=10_000,
    )


def _key_tab(win: MainWindow, pki: Pki, alias: str):  # type: ignore[no-untyped-def]
    return win.add_store_tab(Keystore(StoreType.JKS, [pki.key_entry(alias)], "changeit"), None)


def _copy_from(qtbot: QtBot, win: MainWindow, source) -> CopyDialog:  # type: ignore[no-untyped-def]
    win.tab_widget.setCurrentWidget(source)
    source.select_entry(source.store.entries[0])
    win.actions_by_name["copy_to_truststore"].trigger()
    qtbot.waitUntil(lambda: win.findChild(CopyDialog) is not None)
    dialog = win.findChild(CopyDialog)
    assert isinstance(dialog, CopyDialog)
    return dialog


def _enabled(dialog: CopyDialog) -> list[bool]:
    model = dialog.tab_combo.model()
    assert isinstance(model, QStandardItemModel)
    return [model.item(i).isEnabled() for i in range(model.rowCount())]


def test_defaults_to_the_open_truststore_not_a_keystore_with_keys(
    qtbot: QtBot, win: MainWindow, pki: Pki
) -> None:
    _key_tab(win, pki, "other-server")  # tab 1: private keys
    source = _key_tab(win, pki, "server")  # tab 2: where the copy starts
    truststore = win.add_store_tab(pki.truststore(), None)  # tab 3: trusted certificates only
    dialog = _copy_from(qtbot, win, source)
    assert dialog.target_kind is TargetKind.TAB
    assert dialog.tab_combo.currentIndex() == 2
    assert _enabled(dialog) == [True, False, True]
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert truststore.store.find("server") is not None
    assert [e.alias for e in source.store.entries] == ["server"]


def test_without_an_open_truststore_defaults_to_a_new_one(
    qtbot: QtBot, win: MainWindow, pki: Pki
) -> None:
    _key_tab(win, pki, "other-server")
    source = _key_tab(win, pki, "server")
    dialog = _copy_from(qtbot, win, source)
    assert dialog.target_kind is TargetKind.NEW
    assert dialog.tab_radio.isEnabled() and dialog.tab_combo.currentIndex() == 0
    dialog.reject()


def test_the_source_tab_is_never_a_target(qtbot: QtBot, win: MainWindow, pki: Pki) -> None:
    source = win.add_store_tab(
        Keystore(StoreType.JKS, [pki.trusted("partner", "root")], "changeit"), None
    )
    dialog = _copy_from(qtbot, win, source)
    assert dialog.target_kind is TargetKind.NEW and not dialog.tab_radio.isEnabled()
    assert _enabled(dialog) == [False]
    # even forced, the source is refused
    dialog.tab_radio.setEnabled(True)
    dialog.tab_radio.setChecked(True)
    dialog.tab_combo.setCurrentIndex(0)
    assert dialog.target_store() == (None, "Choose an open keystore.")
    assert not dialog.copy_button.isEnabled()
    dialog.reject()
