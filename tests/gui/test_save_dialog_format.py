"""Save As: the extension the user typed decides the format when it names one."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.core.formats import detect
from keystore_gui.core.io import read_keystore
from keystore_gui.core.model import EntryKind, Keystore, StoreType
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


def _loose_store() -> Keystore:
    store = sample_store()
    store.store_type = StoreType.PKCS12
    for entry in store.entries[2:]:
        entry.loose = True
    return store


@pytest.mark.parametrize(("choice", "expected"), [(0, 3), (1, 1)])
def test_saving_loose_certificates_as_jks_asks_whether_to_trust_them(
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path, choice, expected
) -> None:
    target = tmp_path / "out.jks"
    monkeypatch.setattr(saving.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    asked: list[str] = []
    monkeypatch.setattr(
        saving.msgbox, "choose", lambda _p, _t, text, _c: asked.append(text) or choice
    )
    tab = window.add_store_tab(_loose_store(), None)
    kinds = {
        tab.model.data(tab.model.index(row, 0)): tab.model.data(tab.model.index(row, 1))
        for row in range(tab.model.rowCount())
    }
    assert kinds["old-partner"] == "Not trusted" and kinds["root-ca"] == "Trusted cert"
    saving.save_as(tab)
    qtbot.waitUntil(lambda: tab.path is not None and not tab.saving, timeout=20_000)
    assert "'old-partner'" in asked[0] and "'future-partner'" in asked[0]
    written = read_keystore(target, "changeit")
    assert [e.kind for e in written.entries].count(EntryKind.TRUSTED_CERT) == expected
    assert not written.loose_entries()
    tab.undo_stack.undo()
    assert len(tab.store.loose_entries()) == 2


def test_cancel_leaves_loose_certificates_unsaved(
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:
    target = tmp_path / "out.jceks"
    monkeypatch.setattr(saving.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(saving.msgbox, "choose", lambda *a: None)
    tab = window.add_store_tab(_loose_store(), None)
    results: list[bool] = []
    saving.save_as(tab, results.append)
    assert results == [False] and not target.exists()
    assert len(tab.store.loose_entries()) == 2
