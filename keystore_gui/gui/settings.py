"""Typed access to the user's settings, stored with ``QSettings``.

Every part of the window reads and writes settings through :class:`Settings`, so key names and
defaults live in one place. ``Settings()`` uses the application's QSettings (organization and
application names set by :mod:`.app`); tests pass ``QSettings(path, QSettings.Format.IniFormat)``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QSettings

from ..core.rules import DEFAULT_WARNING_DAYS

MAX_RECENT_FILES = 10
COLOR_SCHEMES = ("system", "light", "dark")


def _as_list(value: object) -> list[str]:
    """QSettings gives a one-item list back as a plain string in INI files, and None for []."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def _as_bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.lower() in ("true", "1", "yes", "on"):
            return True
        if value.lower() in ("false", "0", "no", "off"):
            return False
    if isinstance(value, int):
        return bool(value)
    return default


class Settings:
    """Named, typed settings with their defaults."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._s = store if store is not None else QSettings()

    @property
    def qsettings(self) -> QSettings:
        return self._s

    def sync(self) -> None:
        self._s.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes) and value:
            return QByteArray(value)
        return None

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        value = self._s.value(key)
        try:
            number = int(str(value)) if value is not None else default
        except ValueError:
            return default
        return number if low <= number <= high else default

    # --- window --------------------------------------------------------------------------

    @property
    def window_geometry(self) -> QByteArray | None:
        """``QWidget.saveGeometry()`` of the main window, or ``None`` before the first run."""
        return self._bytes("mainWindow/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._s.setValue("mainWindow/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        """``QMainWindow.saveState()``: toolbars and docks."""
        return self._bytes("mainWindow/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("mainWindow/state", value)

    def column_layout(self, view: str) -> QByteArray | None:
        """``QHeaderView.saveState()`` of the view named ``view`` (widths, order, hidden);
        ``tree`` is the entry tree of a keystore tab."""
        return self._bytes(f"{view}/header")

    def set_column_layout(self, view: str, state: QByteArray) -> None:
        self._s.setValue(f"{view}/header", state)

    # --- files ---------------------------------------------------------------------------

    @property
    def recent_files(self) -> list[str]:
        """Most recent first, at most :data:`MAX_RECENT_FILES`."""
        return _as_list(self._s.value("recentFiles"))[:MAX_RECENT_FILES]

    @recent_files.setter
    def recent_files(self, paths: Sequence[str]) -> None:
        self._s.setValue("recentFiles", list(paths)[:MAX_RECENT_FILES])

    def add_recent_file(self, path: str | os.PathLike[str]) -> None:
        """Put ``path`` (made absolute) first; an earlier mention of it moves up."""
        full = os.path.abspath(os.fspath(path))
        self.recent_files = [full, *(p for p in self.recent_files if p != full)]

    def remove_recent_file(self, path: str | os.PathLike[str]) -> None:
        full = os.path.abspath(os.fspath(path))
        self.recent_files = [p for p in self.recent_files if p != full]

    @property
    def trust_sources(self) -> list[str]:
        """Truststore files the user checks chains against (ticked in the Trust chain dialog)."""
        return _as_list(self._s.value("trust/sources"))

    @trust_sources.setter
    def trust_sources(self, paths: Sequence[str]) -> None:
        self._s.setValue("trust/sources", list(paths))

    @property
    def trust_intermediates(self) -> list[str]:
        """Files of certificates that may complete a path without being trusted."""
        return _as_list(self._s.value("trust/intermediates"))

    @trust_intermediates.setter
    def trust_intermediates(self, paths: Sequence[str]) -> None:
        self._s.setValue("trust/intermediates", list(paths))

    @property
    def trust_java_cacerts(self) -> bool:
        """The JDK's cacerts is a trust source (default off: reading it takes a moment)."""
        return _as_bool(self._s.value("trust/java_cacerts"), False)

    @trust_java_cacerts.setter
    def trust_java_cacerts(self, on: bool) -> None:
        self._s.setValue("trust/java_cacerts", bool(on))

    @property
    def trust_system_cas(self) -> bool:
        """The operating system's CA bundle is a trust source (default off)."""
        return _as_bool(self._s.value("trust/system_cas"), False)

    @trust_system_cas.setter
    def trust_system_cas(self, on: bool) -> None:
        self._s.setValue("trust/system_cas", bool(on))

    @property
    def tls_target(self) -> str:
        """The last server examined (Tools > Examine TLS server), ``host:port``."""
        value = self._s.value("tls/target")
        return value if isinstance(value, str) else ""

    @tls_target.setter
    def tls_target(self, target: str) -> None:
        self._s.setValue("tls/target", target)

    # --- behaviour -----------------------------------------------------------------------

    @property
    def expiry_warning_days(self) -> int:
        """Certificates expiring within this many days are flagged (default 30)."""
        return self._int("behaviour/expiry_warning_days", DEFAULT_WARNING_DAYS, 0, 3650)

    @expiry_warning_days.setter
    def expiry_warning_days(self, days: int) -> None:
        if not 0 <= days <= 3650:
            raise ValueError("the expiry warning must be between 0 and 3650 days")
        self._s.setValue("behaviour/expiry_warning_days", int(days))

    @property
    def single_instance(self) -> bool:
        """Opening a file while the app runs adds a tab to the running window (default on)."""
        return _as_bool(self._s.value("behaviour/single_instance"), True)

    @single_instance.setter
    def single_instance(self, on: bool) -> None:
        self._s.setValue("behaviour/single_instance", bool(on))

    @property
    def try_default_passwords(self) -> bool:
        """Try ``wso2carbon`` and ``changeit`` before asking for a store's password (default on)."""
        return _as_bool(self._s.value("behaviour/try_default_passwords"), True)

    @try_default_passwords.setter
    def try_default_passwords(self, on: bool) -> None:
        self._s.setValue("behaviour/try_default_passwords", bool(on))

    @property
    def backup_on_save(self) -> bool:
        """Keep the previous file as ``NAME.bak`` when saving over it (default off)."""
        return _as_bool(self._s.value("behaviour/backup_on_save"), False)

    @backup_on_save.setter
    def backup_on_save(self, on: bool) -> None:
        self._s.setValue("behaviour/backup_on_save", bool(on))

    @property
    def color_scheme(self) -> str:
        """``system`` (follow the desktop), ``light`` or ``dark``."""
        value = str(self._s.value("appearance/color_scheme", "system"))
        return value if value in COLOR_SCHEMES else "system"

    @color_scheme.setter
    def color_scheme(self, value: str) -> None:
        if value not in COLOR_SCHEMES:
            raise ValueError(f"unknown colour scheme {value!r}")
        self._s.setValue("appearance/color_scheme", value)
