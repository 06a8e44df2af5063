"""Light and dark mode.

The app follows the desktop's colour scheme (``QStyleHints.colorScheme()``, Qt 6.5+) and its
changes. Where the platform reports a dark scheme but its style paints light (Windows' classic
style, a bare X11 session) or where the user forces a scheme, the app switches to the Fusion style
with a palette of its own. Status colours come from :func:`status_colour`, which picks a shade
readable on the current background.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

# Text colours for entry statuses: (on a light background, on a dark background).
_STATUS_COLOURS = {
    "valid": ("#1c7a35", "#6fd38a"),
    "expiring": ("#8a5a00", "#f2c04d"),
    "expired": ("#b42323", "#ff8080"),
    "not-yet-valid": ("#1f5fae", "#8ab8f0"),
    "muted": ("#5f6368", "#a4a7ac"),
}


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, with readable disabled text and links."""
    p = QPalette()
    window, base, alt, text = (
        QColor("#2b2d30"),
        QColor("#1f2023"),
        QColor("#27292c"),
        QColor("#e6e6e6"),
    )
    disabled = QColor("#7f8185")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, alt)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#3c3f41"))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#9a9ca0"))
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, QColor("#35373a"))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor("#ff6b6b"))
        p.setColor(group, QPalette.ColorRole.Link, QColor("#6cb2ff"))
        p.setColor(group, QPalette.ColorRole.LinkVisited, QColor("#b58cff"))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#2f65ca"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(group, QPalette.ColorRole.Light, QColor("#4a4d51"))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor("#3e4144"))
        p.setColor(group, QPalette.ColorRole.Mid, QColor("#303235"))
        p.setColor(group, QPalette.ColorRole.Dark, QColor("#191a1c"))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor("#0d0d0e"))
    p.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor("#3d4a63"))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.HighlightedText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#303235"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor("#45474b"))
    return p


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (default: the application's) paints light text on a dark window."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_colour(status: str, palette: QPalette | None = None) -> QColor:
    """Text colour for an entry status (valid, expiring, expired, not-yet-valid), or ``muted``
    for secondary text such as "skipped"."""
    light, dark = _STATUS_COLOURS[status]
    return QColor(dark if is_dark(palette) else light)


def error_colour(palette: QPalette | None = None) -> QColor:
    """Text colour for an error message, readable on the window and on the base background."""
    return status_colour("expired", palette)


def error_style(palette: QPalette | None = None) -> str:
    """A style sheet that paints a label's text in :func:`error_colour`."""
    return f"color: {error_colour(palette).name()};"


def contrast_ratio(a: QColor, b: QColor) -> float:
    """The WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white)."""

    def luminance(c: QColor) -> float:
        channels = [
            v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
            for v in (c.redF(), c.greenF(), c.blueF())
        ]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


class FusionStyle(QProxyStyle):
    """Fusion with check box and radio button outlines that show.

    Fusion draws those outlines in the window colour darkened: on a dark window that is about
    the colour of the box itself (an unticked box in a list vanished), on a light one a pale grey
    under 3:1. They are drawn here as if the window were a grey that gives a visible outline.
    """

    OUTLINE_WINDOW = ("#8a8d91", "#d2d5da")  # (light mode, dark mode)
    _INDICATORS = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
    )

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def name(self) -> str:
        base = self.baseStyle()
        return base.name() if base is not None else "fusion"

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element in self._INDICATORS:
            option = type(option)(option)
            palette = QPalette(option.palette)
            outline = self.OUTLINE_WINDOW[int(is_dark(option.palette))]
            palette.setColor(QPalette.ColorRole.Window, QColor(outline))
            option.palette = palette
        super().drawPrimitive(element, option, painter, widget)


class ColorSchemeFollower(QObject):
    """Keeps the application's style and palette in step with the wanted scheme.

    ``wanted`` is ``system``, ``light`` or ``dark`` (see :attr:`Settings.color_scheme`).
    """

    def __init__(self, app: QApplication, wanted: str = "system") -> None:
        super().__init__(app)
        self._app = app
        self._wanted = wanted
        style = app.style()
        self._native_style = style.name() if style is not None else "fusion"
        self._overridden = False
        app.styleHints().colorSchemeChanged.connect(self._apply)
        self._apply()

    @property
    def wanted(self) -> str:
        return self._wanted

    def set_wanted(self, wanted: str) -> None:
        self._wanted = wanted
        self._apply()

    def effective_dark(self) -> bool:
        if self._wanted == "system":
            return self._app.styleHints().colorScheme() == Qt.ColorScheme.Dark
        return self._wanted == "dark"

    def _apply(self, *_: object) -> None:
        dark = self.effective_dark()
        if self._overridden:
            # Back to what the platform paints, then judge whether it fits.
            self._app.setStyle(QStyleFactory.create(self._native_style))
            self._app.setPalette(QPalette())
            self._overridden = False
        if dark == is_dark(self._app.palette()):
            if self._native_style.lower() == "fusion":
                self._app.setStyle(FusionStyle())  # the same look, with outlines that show
            return
        fusion = FusionStyle()
        self._app.setStyle(fusion)
        self._app.setPalette(dark_palette() if dark else fusion.standardPalette())
        self._overridden = True
