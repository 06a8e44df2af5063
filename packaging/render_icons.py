"""Render the application icon from its SVG source into the PNG sizes, ICO and ICNS the
packages need. Run after editing ``resources/app/keystore-gui.svg``:

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "resources" / "app"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def write(image: QImage, path: Path, fmt: str) -> None:
    writer = QImageWriter(str(path), fmt.encode())
    if not writer.write(image):
        raise SystemExit(f"cannot write {path}: {writer.errorString()}")


def main() -> int:
    QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(APP / "keystore-gui.svg"))
    if not renderer.isValid():
        raise SystemExit("the SVG source does not parse")
    (APP / "png").mkdir(exist_ok=True)
    for size in SIZES:
        write(render(renderer, size), APP / "png" / f"{size}.png", "png")
    # Windows takes the largest image of an .ico up to 256 px; macOS builds its .icns from 512.
    write(render(renderer, 256), APP / "keystore-gui.ico", "ico")
    write(render(renderer, 512), APP / "keystore-gui.icns", "icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
