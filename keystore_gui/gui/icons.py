"""Small painted badges for entry kinds and certificate status, so the tree needs no image files."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap


def _badge(letter: str, colour: str, size: int = 32) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), size / 5, size / 5)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.62))
    painter.setFont(font)
    painter.setPen(QPen(QColor("white")))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    return QIcon(pixmap)


def _dot(colour: str, symbol: str, size: int = 32) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(2, 2, size - 4, size - 4))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.6))
    painter.setFont(font)
    painter.setPen(QPen(QColor("white")))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, symbol)
    painter.end()
    return QIcon(pixmap)


@cache
def kind_icon(kind: str) -> QIcon:
    """``private-key``, ``trusted-cert``, ``secret-key`` or ``certificate`` (a chain member)."""
    letter, colour = {
        "private-key": ("K", "#b7791f"),
        "trusted-cert": ("T", "#2b6cb0"),
        "secret-key": ("S", "#6b46c1"),
        "certificate": ("C", "#718096"),
    }[kind]
    return _badge(letter, colour)


@cache
def status_icon(status: str) -> QIcon:
    colour, symbol = {
        "valid": ("#2f855a", "✓"),
        "expiring": ("#c05621", "!"),
        "expired": ("#c53030", "✕"),
        "not-yet-valid": ("#4a5568", "…"),
    }[status]
    return _dot(colour, symbol)
