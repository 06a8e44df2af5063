"""Save As: the extension the user typed decides the format when it names one."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.core.formats import detect
from keystore_gui.core.model import StoreType
from keystore_gui.gui import saving
from keystore_gui.gui.main_window import MainWindow

from .conftest import sample_store


def _save_as(qtbot, window: MainWindow, monkeypatch, target: Path, chosen: StoreType) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        saving.QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), saving.SAVE_FILTERS[chosen]),
    )
    tab = window.add_store_tab(sample_store(), None)
    saving.save_as(tab)
    qtbot.waitUntil(lambda: tab.path is not None and not tab.saving, timeout=20_000)
    assert tab.path is not None
    return tab.path


@pytest.mark.parametrize(
    ("name", "chosen", "expected"),
    [
        ("server.p12", StoreType.JKS, StoreType.PKCS12),
        ("server.PFX", StoreType.JCEKS, StoreType.PKCS12),
        ("server.jks", StoreType.PKCS12, StoreType.JKS),
        ("server.ks", StoreType.JCEKS, StoreType.JKS),
        ("server.jceks", StoreType.JKS, StoreType.JCEKS),
        # names that don't tell one format keep the selected filter
        ("server.keystore", StoreType.PKCS12, StoreType.PKCS12),
        ("server", StoreType.JCEKS, StoreType.JCEKS),
    ],
)
def test_typed_extension_decides_the_format(
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path, name, chosen, expected
) -> None:
    target = tmp_path / name
    written = _save_as(qtbot, window, monkeypatch, target, chosen)
    assert written.parent == tmp_path and written.stem == "server"
    assert detect(written.read_bytes()) is expected
