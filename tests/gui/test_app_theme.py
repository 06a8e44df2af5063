"""Status text in the entry tree stays readable in light and dark mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from keystore_gui.gui import main_window, operations, theme
from keystore_gui.gui.model import COLUMNS

from .conftest import sample_store

QUIET_MS = 400


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        channels = [
            v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
            for v in (c.redF(), c.greenF(), c.blueF())
        ]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture
def app() -> Iterator[QApplication]:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    palette, style = instance.palette(), instance.style().name()
    yield instance
    instance.setStyle(style)
    instance.setPalette(palette)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_status_column_is_readable(
    qtbot: QtBot, tmp_path: Path, app: QApplication, scheme: str
) -> None:
    follower = theme.ColorSchemeFollower(app, scheme)
    window = main_window.MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        tab = window.add_store_tab(sample_store(), None)
        model = tab.model
        status_column = next(i for i, c in enumerate(COLUMNS) if c.id == "status")
        base = app.palette().color(QPalette.ColorRole.Base)
        seen = set()
        for row in range(model.rowCount()):
            index = model.index(row, status_column)
            colour = model.data(index, Qt.ItemDataRole.ForegroundRole)
            if colour is None:
                continue
            seen.add(model.data(index, Qt.ItemDataRole.DisplayRole))
            assert contrast(QColor(colour), base) >= 4.5, (scheme, seen)
        assert len(seen) >= 3  # valid, expired, not yet valid at least
        window.grab().save(str(tmp_path / f"{scheme}.png"))
    finally:
        qtbot.wait(QUIET_MS)  # background checks start after short debounce timers
        qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
        window.close()
        window.deleteLater()
        follower.deleteLater()
