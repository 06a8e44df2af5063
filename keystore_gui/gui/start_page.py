"""What the window shows when no keystore is open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .shown import shown, shown_tip


class StartPage(QWidget):
    open_clicked = Signal()
    open_folder_clicked = Signal()
    new_clicked = Signal()
    cacerts_clicked = Signal()
    recent_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        outer.addLayout(column, 3)
        outer.addStretch(1)

        title = QLabel("Keystore GUI")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        column.addStretch(1)
        column.addWidget(title)
        subtitle = QLabel(
            "Open a JKS, JCEKS or PKCS#12 keystore, or a PEM, DER or PKCS#7 certificate file. "
            "You can also drop files or folders onto this window."
        )
        subtitle.setWordWrap(True)
        column.addWidget(subtitle)

        self.open_button = QPushButton("&Open…")
        self.open_folder_button = QPushButton("Open &folder…")
        self.open_folder_button.setToolTip(
            "Every keystore in a folder, such as WSO2's repository/resources/security "
            "or Tomcat's conf"
        )
        self.open_folder_button.clicked.connect(self.open_folder_clicked)
        self.new_button = QPushButton("&New keystore")
        self.cacerts_button = QPushButton("Open the &Java CA certificates")
        self.open_button.clicked.connect(self.open_clicked)
        self.new_button.clicked.connect(self.new_clicked)
        self.cacerts_button.clicked.connect(self.cacerts_clicked)
        buttons = (self.open_button, self.open_folder_button, self.new_button, self.cacerts_button)
        for button in buttons:
            button.setMinimumHeight(36)
            column.addWidget(button)
        self.cacerts_label = QLabel()
        self.cacerts_label.setWordWrap(True)
        self.cacerts_label.setStyleSheet("color: gray;")
        column.addWidget(self.cacerts_label)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        column.addWidget(line)
        column.addWidget(QLabel("Recent files"))
        self.recent_list = QListWidget()
        self.recent_list.itemActivated.connect(
            lambda item: self.recent_clicked.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        column.addWidget(self.recent_list, 2)
        self.no_recent = QLabel("No recent files yet.")
        column.addWidget(self.no_recent)
        column.addStretch(1)

    def set_cacerts(self, path: Path | None) -> None:
        self.cacerts_button.setEnabled(path is not None)
        self.cacerts_label.setText(
            f"{path} (tried with the password “changeit” first)"
            if path
            else "No Java installation found (set JAVA_HOME)."
        )

    def set_recent(self, paths: list[str]) -> None:
        self.recent_list.clear()
        for name in paths:
            item = QListWidgetItem(shown(f"{Path(name).name}   —   {Path(name).parent}"))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(shown_tip(shown(name)))
            self.recent_list.addItem(item)
        self.recent_list.setVisible(bool(paths))
        self.no_recent.setVisible(not paths)
