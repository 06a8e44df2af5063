"""Status and error text stays readable in light and dark mode (WCAG contrast at least 4.5:1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton, QStyle, QStyleOptionButton
from pytestqt.qtbot import QtBot

from keystore_gui.core.chain import Severity
from keystore_gui.core.truststore import Action
from keystore_gui.gui import chain_view, main_window, theme
from keystore_gui.gui.copy_dialog import outcome_item
from keystore_gui.gui.generate_dialog import GenerateKeyPairDialog
from keystore_gui.gui.model import COLUMNS

from .conftest import sample_store, window_idle

contrast = theme.contrast_ratio


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
        qtbot.waitUntil(lambda: window_idle(window), timeout=10_000)
        window.close()
        window.deleteLater()
        follower.deleteLater()


def backgrounds(app: QApplication) -> list[QColor]:
    palette = app.palette()
    return [palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_error_and_muted_text_are_readable(app: QApplication, scheme: str) -> None:
    follower = theme.ColorSchemeFollower(app, scheme)
    try:
        assert theme.is_dark() == (scheme == "dark")
        for colour in (theme.error_colour(), theme.status_colour("muted")):
            for background in backgrounds(app):
                assert contrast(colour, background) >= 4.5, (scheme, colour.name())
        # The copy and import previews: blocked, skipped and not-imported rows.
        for action in (Action.BLOCKED, Action.PRESENT, None):
            brush = outcome_item("x", action).foreground()
            assert contrast(brush.color(), backgrounds(app)[1]) >= 4.5, (scheme, action)
    finally:
        follower.deleteLater()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_generate_dialog_errors_are_readable(qtbot: QtBot, app: QApplication, scheme: str) -> None:
    follower = theme.ColorSchemeFollower(app, scheme)
    try:
        dialog = GenerateKeyPairDialog()
        qtbot.addWidget(dialog)
        dialog.dn_fields["C"].setText("Lanka")  # an error: the summary says it in red
        style = dialog.summary.styleSheet()
        assert style.startswith("color: #"), style
        colour = QColor(style.removeprefix("color: ").rstrip(";"))
        for background in backgrounds(app):
            assert contrast(colour, background) >= 4.5, (scheme, style)
    finally:
        follower.deleteLater()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_trust_chain_verdict_is_readable_on_its_banner(app: QApplication, scheme: str) -> None:
    follower = theme.ColorSchemeFollower(app, scheme)
    try:
        dark = theme.is_dark()
        for severity in Severity:
            text = chain_view.text_colour(severity)
            banner = QColor(chain_view.BACKGROUNDS[severity][int(dark)])
            assert contrast(text, banner) >= 4.5, (scheme, severity)
            for background in backgrounds(app):  # problem lines under the path
                assert contrast(text, background) >= 4.5, (scheme, severity)
            # The banner's second line is in the ordinary text colour.
            plain = app.palette().color(QPalette.ColorRole.WindowText)
            assert contrast(plain, banner) >= 4.5, (scheme, severity)
    finally:
        follower.deleteLater()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", [QCheckBox, QRadioButton])
def test_unticked_boxes_show_their_outline(
    qtbot: QtBot, app: QApplication, scheme: str, kind: type[QCheckBox] | type[QRadioButton]
) -> None:
    """WCAG asks 3:1 for the parts of a control: an unticked box must not vanish."""
    follower = theme.ColorSchemeFollower(app, scheme)
    try:
        button = kind("Java cacerts")
        qtbot.addWidget(button)
        button.resize(button.sizeHint())
        image = button.grab().toImage()
        option = QStyleOptionButton()
        option.initFrom(button)
        element = (
            QStyle.SubElement.SE_CheckBoxIndicator
            if kind is QCheckBox
            else QStyle.SubElement.SE_RadioButtonIndicator
        )
        box = button.style().subElementRect(element, option, button)
        window = app.palette().color(QPalette.ColorRole.Window)
        best = max(
            contrast(image.pixelColor(x, y), window)
            for x in range(box.left(), box.right() + 1)
            for y in range(box.top(), box.bottom() + 1)
        )
        assert best >= 3.0, (scheme, kind.__name__, best)
    finally:
        follower.deleteLater()
