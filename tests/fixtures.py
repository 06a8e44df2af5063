"""Shared fixtures: real keystores made by keytool and openssl."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.certfactory import chain_pem, dsa_cert_der, two_certs  # noqa: F401
from tests.signature_certs import dsa_certs, sha1_certs  # noqa: F401


@pytest.fixture(autouse=True, scope="session")
def _isolated_qsettings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """QSettings() in any test reads and writes a scratch folder, never the user's settings."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    yield folder
