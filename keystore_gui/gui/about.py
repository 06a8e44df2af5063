"""Help > About: the app's version and the versions of everything it runs on."""

from __future__ import annotations

import platform

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from .icons import app_icon

DESCRIPTION = (
    "A desktop explorer for Java keystores and truststores (JKS, JCEKS, PKCS#12) "
    "and certificate files."
)


def versions() -> list[tuple[str, str]]:
    """(component, version) pairs, as shown in the dialog and copied for bug reports."""
    import cryptography
    import jks
    import PySide6
    from cryptography.hazmat.backends.openssl import backend

    return [
        ("Keystore GUI", __version__),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("cryptography", cryptography.__version__),
        ("OpenSSL", backend.openssl_version_text()),
        ("pyjks", str(getattr(jks, "__version__", "unknown"))),
        ("Platform", f"{platform.system()} {platform.release()} ({platform.machine()})"),
    ]


def versions_text() -> str:
    return "\n".join(f"{name}: {version}" for name, version in versions())


class AboutDialog(QDialog):
    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Keystore GUI")

        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(f"<h2>Keystore GUI {__version__}</h2>")
        description = QLabel(DESCRIPTION)
        description.setWordWrap(True)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for name, version in versions()[1:]:
            value = QLabel(version)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{name}:", value)

        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(description)
        text.addLayout(form)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy Versions")
        self.copy_button.setToolTip("Copy these versions, for a bug report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_versions)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def copy_versions(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(versions_text())
