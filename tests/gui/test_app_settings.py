"""Settings persist through QSettings; tests use a scratch INI file, never the user's settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from keystore_gui.core.rules import DEFAULT_WARNING_DAYS
from keystore_gui.gui.settings import (
    MAX_RECENT_FILES,
    Settings,
)


def ini(path: Path) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


def test_defaults_on_a_fresh_file(tmp_path: Path) -> None:
    s = ini(tmp_path / "s.ini")
    assert s.expiry_warning_days == DEFAULT_WARNING_DAYS == 30
    assert s.single_instance is True
    assert s.backup_on_save is False
    assert s.color_scheme == "system"
    assert s.recent_files == []
    assert s.trust_sources == []
    assert s.window_geometry is None
    assert s.window_state is None
    assert s.column_layout("entries") is None


def test_every_setting_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    s = ini(path)
    s.window_geometry = QByteArray(b"\x01\x02geometry\x00")
    s.window_state = QByteArray(b"state")
    s.set_column_layout("entries", QByteArray(b"\x00\xffheader"))
    s.recent_files = ["/a/one.jks"]
    s.trust_sources = ["/etc/ssl/cacerts"]
    s.expiry_warning_days = 45
    s.single_instance = False
    s.backup_on_save = True
    s.color_scheme = "dark"
    s.sync()
    del s

    again = ini(path)
    assert again.window_geometry == QByteArray(b"\x01\x02geometry\x00")
    assert again.window_state == QByteArray(b"state")
    assert again.column_layout("entries") == QByteArray(b"\x00\xffheader")
    assert again.column_layout("other") is None
    assert again.recent_files == ["/a/one.jks"]  # one item comes back as a list
    assert again.trust_sources == ["/etc/ssl/cacerts"]
    assert again.expiry_warning_days == 45
    assert again.single_instance is False
    assert again.backup_on_save is True
    assert again.color_scheme == "dark"


def test_recent_files_most_recent_first_without_duplicates(tmp_path: Path) -> None:
    s = ini(tmp_path / "s.ini")
    for n in range(MAX_RECENT_FILES + 3):
        s.add_recent_file(tmp_path / f"{n}.jks")
    s.add_recent_file(tmp_path / "5.jks")
    recent = s.recent_files
    assert len(recent) == MAX_RECENT_FILES
    assert recent[0] == str(tmp_path / "5.jks")
    assert recent[1] == str(tmp_path / f"{MAX_RECENT_FILES + 2}.jks")
    assert len(set(recent)) == len(recent)
    s.remove_recent_file(tmp_path / "5.jks")
    assert str(tmp_path / "5.jks") not in s.recent_files


def test_recent_file_paths_are_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    s = ini(tmp_path / "s.ini")
    s.add_recent_file("store.p12")
    assert s.recent_files == [str(tmp_path / "store.p12")]


def test_damaged_values_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    path.write_text(
        "[behaviour]\nexpiry_warning_days=soon\nsingle_instance=maybe\n"
        "[appearance]\ncolor_scheme=purple\n"
    )
    s = ini(path)
    assert s.expiry_warning_days == 30
    assert s.single_instance is True
    assert s.color_scheme == "system"


def test_out_of_range_values_are_refused(tmp_path: Path) -> None:
    s = ini(tmp_path / "s.ini")
    with pytest.raises(ValueError):
        s.expiry_warning_days = -1
    with pytest.raises(ValueError):
        s.color_scheme = "sepia"
    assert s.expiry_warning_days == 30


def test_default_settings_never_touch_the_users_files(_isolated_qsettings: Path) -> None:
    s = Settings()
    s.expiry_warning_days = 12
    s.sync()
    assert Path(s.qsettings.fileName()).is_relative_to(_isolated_qsettings)
    s.qsettings.clear()


def test_trust_source_choices_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    s = ini(path)
    assert s.trust_intermediates == []
    assert s.trust_java_cacerts is False
    assert s.trust_system_cas is False
    s.trust_sources = ["/srv/a.jks", "/srv/b.p12"]
    s.trust_intermediates = ["/srv/issuing-ca.pem"]
    s.trust_java_cacerts = True
    s.trust_system_cas = True
    s.sync()
    del s

    again = ini(path)
    assert again.trust_sources == ["/srv/a.jks", "/srv/b.p12"]
    assert again.trust_intermediates == ["/srv/issuing-ca.pem"]  # one item is still a list
    assert again.trust_java_cacerts is True
    assert again.trust_system_cas is True
