"""GUI test helpers: in-memory keystores with real certificate chains, and a window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.gui import operations
from keystore_gui.gui.collector import GuiThreadCollector
from keystore_gui.gui.features.desktop import DiskWatcher
from keystore_gui.gui.features.health import HealthPanel
from keystore_gui.gui.main_window import MainWindow

NOW = dt.datetime.now(dt.UTC)


def window_idle(window: MainWindow) -> bool:
    """Nothing left to do in the background: no check scheduled or settling, every tab's search
    index built, no operation running. Tests wait on this, never on a fixed time."""
    panel = window.findChild(HealthPanel)
    watcher = window.findChild(DiskWatcher)
    return (
        (panel is None or not panel.pending)
        and (watcher is None or not watcher.settling)
        and all(tab.search_ready for tab in window.tabs())
        and operations.running() == 0
    )


def make_cert(
    cn: str,
    *,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None = None,
    days: int = 365,
    start_days: int = -1,
    ca: bool = False,
    serial: int | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name, issuer_key = issuer if issuer else (name, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(NOW + dt.timedelta(days=start_days))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(f"{cn}.example.com")]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256()), key


def sample_store() -> Keystore:
    """A server key with a 3-certificate chain, plus trusted certificates in every status."""
    root, root_key = make_cert("Example Root CA", ca=True, days=3650)
    inter, inter_key = make_cert(
        "Example Issuing CA", issuer=(root.subject, root_key), ca=True, days=1800
    )
    leaf, leaf_key = make_cert("server", issuer=(inter.subject, inter_key), days=10)
    expired, _ = make_cert("old partner", days=-5, start_days=-400)
    future, _ = make_cert("future partner", days=400, start_days=3)
    chain = [Certificate.from_x509(c) for c in (leaf, inter, root)]
    return Keystore(
        StoreType.JKS,
        [
            Entry("server", EntryKind.PRIVATE_KEY, chain, key=leaf_key),
            Entry("root-ca", EntryKind.TRUSTED_CERT, [Certificate.from_x509(root)]),
            Entry("old-partner", EntryKind.TRUSTED_CERT, [Certificate.from_x509(expired)]),
            Entry("future-partner", EntryKind.TRUSTED_CERT, [Certificate.from_x509(future)]),
        ],
        password="changeit",
    )


@pytest.fixture(autouse=True)
def _app(qapp):  # type: ignore[no-untyped-def]
    """Icons and fonts need a QApplication even in model-only tests; garbage is collected on
    the GUI thread only, as in the app (``gui/collector.py``)."""
    collector = GuiThreadCollector(qapp)
    yield qapp
    collector.stop()
    shiboken6.delete(collector)


@pytest.fixture(autouse=True)
def _no_unanswered_message_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box that no test answers would wait for a click forever and hang the whole
    run: it fails the test instead, saying what it said. Tests that expect one patch the
    function of ``gui.msgbox`` that shows it."""

    def refuse(box: QMessageBox) -> int:
        raise AssertionError(f"unexpected message box: {box.windowTitle()}: {box.text()}")

    monkeypatch.setattr(QMessageBox, "exec", refuse)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings: QSettings) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(settings)
    yield win
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=30_000)
    for tab in win.tabs():
        tab.undo_stack.setClean()
    win.close()
    # closing can start work (a feature re-checking what is left): let it finish first
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=30_000)
    win.deleteLater()
