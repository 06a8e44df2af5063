"""Icons shipped inside the package, drawn from SVG at whatever size and pixel ratio is asked.

``icon("action-open")``, ``icon("entry-private-key")``, ``icon("status-expired")``: the name is a
file in ``resources/icons/`` without ``.svg``. Action icons are monochrome: their
``currentColor`` becomes the palette's text colour when painted, so they stay readable in light and
dark mode and follow a scheme change without being rebuilt. Entry-kind and status icons keep their
own colours, chosen to read on both light and dark backgrounds.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ..core.model import EntryKind
from ..resource_files import resource_path

APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def names() -> list[str]:
    """Every icon name :func:`icon` accepts."""
    return sorted(p.stem for p in resource_path("icons").glob("*.svg"))


class SvgIconEngine(QIconEngine):
    """Renders one SVG at the exact device size; recolours ``currentColor`` from the palette."""

    def __init__(self, svg: bytes) -> None:
        super().__init__()
        self._svg = svg
        self._monochrome = b"currentColor" in svg
        self._pixmaps: dict[tuple[int, int, QIcon.Mode, str, float], QPixmap] = {}
        """Rendered once per size, mode, colour and pixel ratio: a tree paints the same kind
        and status icons on every row of every repaint (parsing the SVG each time cost ~3 ms
        per icon, over 100 ms per repaint of a full tree)."""

    def clone(self) -> QIconEngine:
        return SvgIconEngine(self._svg)

    def _colour(self, mode: QIcon.Mode) -> str:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
        if mode == QIcon.Mode.Selected:
            return palette.color(QPalette.ColorRole.HighlightedText).name()
        return palette.color(QPalette.ColorRole.WindowText).name()

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def _render(self, painter: QPainter, rect: QRect, mode: QIcon.Mode) -> None:
        svg = self._svg
        if self._monochrome:
            svg = svg.replace(b"currentColor", self._colour(mode).encode())
        elif mode == QIcon.Mode.Disabled:
            painter.setOpacity(0.45)
        QSvgRenderer(QByteArray(svg)).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        key = (size.width(), size.height(), mode, self._colour(mode), scale)
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        pixmap = QPixmap(size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._render(painter, QRect(0, 0, pixmap.width(), pixmap.height()), mode)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        self._pixmaps[key] = pixmap
        return pixmap


@cache
def _svg(name: str) -> bytes:
    path = resource_path("icons", f"{name}.svg")
    if not path.is_file():
        raise KeyError(f"no icon named {name!r}")
    return path.read_bytes()


@cache
def icon(name: str) -> QIcon:
    """The icon ``name`` (see :func:`names`); ``KeyError`` for an unknown name."""
    return QIcon(SvgIconEngine(_svg(name)))


def kind_icon(kind: EntryKind | str) -> QIcon:
    """``private-key``, ``trusted-cert``, ``secret-key``, ``public-key``, or ``certificate`` (a
    chain member, or a certificate Java does not trust)."""
    return icon(f"entry-{EntryKind(kind).value if isinstance(kind, EntryKind) else kind}")


def status_icon(status: str) -> QIcon:
    """``valid``, ``expiring``, ``expired`` or ``not-yet-valid``."""
    return icon(f"status-{status}")


def app_icon() -> QIcon:
    """The application icon from its pre-rendered PNG sizes (no SVG plugin needed)."""
    result = QIcon()
    for size in APP_ICON_SIZES:
        result.addFile(str(resource_path("app", "png", f"{size}.png")), QSize(size, size))
    return result
