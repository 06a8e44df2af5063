"""Tools > Preferences: the settings a user changes by hand."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .settings import COLOR_SCHEMES, Settings

SCHEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


@dataclass(frozen=True)
class Preferences:
    expiry_warning_days: int
    single_instance: bool
    backup_on_save: bool
    color_scheme: str
    try_default_passwords: bool = True


def current(settings: Settings | None = None) -> Preferences:
    s = settings or Settings()
    return Preferences(
        expiry_warning_days=s.expiry_warning_days,
        single_instance=s.single_instance,
        backup_on_save=s.backup_on_save,
        color_scheme=s.color_scheme,
        try_default_passwords=s.try_default_passwords,
    )


def apply_preferences(prefs: Preferences, settings: Settings | None = None) -> None:
    """Store ``prefs`` and apply what takes effect at once (the colour scheme)."""
    s = settings or Settings()
    s.expiry_warning_days = prefs.expiry_warning_days
    s.single_instance = prefs.single_instance
    s.backup_on_save = prefs.backup_on_save
    s.color_scheme = prefs.color_scheme
    s.try_default_passwords = prefs.try_default_passwords
    s.sync()
    follower = getattr(QApplication.instance(), "color_scheme_follower", None)
    if follower is not None:
        follower.set_wanted(prefs.color_scheme)


class PreferencesDialog(QDialog):
    def __init__(self, *, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        start = current(settings)

        self.expiry_days = QSpinBox()
        self.expiry_days.setRange(0, 3650)
        self.expiry_days.setSuffix(" days")
        self.expiry_days.setValue(start.expiry_warning_days)
        self.expiry_days.setToolTip("Certificates that expire within this time are flagged")

        self.single_instance = QCheckBox("Open files in the running window")
        self.single_instance.setChecked(start.single_instance)
        self.single_instance.setToolTip(
            "Opening a keystore while the app runs adds a tab instead of starting a second app"
        )
        self.backup_on_save = QCheckBox("Keep the previous file as NAME.bak when saving")
        self.backup_on_save.setChecked(start.backup_on_save)
        self.try_default_passwords = QCheckBox(
            "Try the well-known passwords (wso2carbon, changeit) before asking"
        )
        self.try_default_passwords.setChecked(start.try_default_passwords)
        self.try_default_passwords.setToolTip(
            "A store that opens with one says so in its tab and in the health report"
        )

        self.color_scheme = QComboBox()
        for key in COLOR_SCHEMES:
            self.color_scheme.addItem(SCHEME_LABELS[key], key)
        self.color_scheme.setCurrentIndex(COLOR_SCHEMES.index(start.color_scheme))

        form = QFormLayout()
        form.addRow("Expiry warning:", self.expiry_days)
        form.addRow("Appearance:", self.color_scheme)
        form.addRow("", self.single_instance)
        form.addRow("", self.backup_on_save)
        form.addRow("", self.try_default_passwords)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def result_value(self) -> Preferences:
        return Preferences(
            expiry_warning_days=self.expiry_days.value(),
            single_instance=self.single_instance.isChecked(),
            backup_on_save=self.backup_on_save.isChecked(),
            color_scheme=str(self.color_scheme.currentData()),
            try_default_passwords=self.try_default_passwords.isChecked(),
        )
