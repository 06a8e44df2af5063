"""Tools > Examine TLS server, against real ``openssl s_server`` processes on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from keystore_gui.core.chain import Severity
from keystore_gui.core.model import EntryKind, Keystore, StoreType
from keystore_gui.core.truststore import trusted_entry
from keystore_gui.gui import operations, trust_sources
from keystore_gui.gui.chain_view import SEVERITY_ROLE
from keystore_gui.gui.copy_dialog import CopyDialog
from keystore_gui.gui.features.tls import show_examine
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.settings import Settings
from keystore_gui.gui.tls_dialog import ExamineTlsDialog
from tests.tls_servers import Server, ServerPki, SilentServer, make_server_pki, s_server
from tests.tools import requires_openssl

pytestmark = [requires_openssl, pytest.mark.openssl]


@pytest.fixture(autouse=True)
def _no_bundles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test opens is a trust source: no cacerts, no system bundle, no proxy."""
    monkeypatch.setattr(trust_sources, "java_cacerts_path", lambda: None)
    monkeypatch.setattr(trust_sources, "system_bundle_path", lambda: None)
    for name in ("https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> ServerPki:
    return make_server_pki(tmp_path_factory.mktemp("tls-gui-pki"))


@pytest.fixture(scope="module")
def full(pki: ServerPki) -> Iterator[Server]:
    with s_server(pki.leaf, pki.file("gui-full.pem", pki.intermediate, pki.root)) as server:
        yield server


def examine(qtbot: QtBot, dialog: ExamineTlsDialog, target: str, timeout: float = 5) -> None:
    dialog.target_edit.setText(target)
    dialog.timeout_spin.setValue(timeout)
    with qtbot.waitSignal(dialog.examined, timeout=int(timeout * 1000) + 5000):
        dialog.examine_button.click()


def a_truststore(pki: ServerPki) -> Keystore:
    """An open truststore that trusts something else (the self-signed server)."""
    return Keystore(
        StoreType.PKCS12, [trusted_entry("other", pki.self_signed.certificate)], "changeit"
    )


def test_untrusted_root_is_fixed_in_an_open_truststore_with_one_undo(
    qtbot: QtBot, window: MainWindow, pki: ServerPki, full: Server
) -> None:
    tab = window.add_store_tab(a_truststore(pki), None)
    dialog = show_examine(window)
    qtbot.addWidget(dialog)
    examine(qtbot, dialog, full.target)

    assert "NOT trusted" in dialog.verdict_label.text()
    assert dialog.status_label.text().startswith("TLSv1.3, TLS_")
    assert "Hostname '127.0.0.1' matches" in dialog.hostname_label.text()
    items = []
    item = dialog.tree.topLevelItem(0)
    while item is not None:
        items.append(item)
        item = item.child(0)
    assert [i.text(0) for i in items] == ["Loopback Root CA", "Loopback Issuing CA", "localhost"]
    assert [Severity(i.data(0, SEVERITY_ROLE)) for i in items] == [
        Severity.ERROR,
        Severity.OK,
        Severity.OK,
    ]
    assert items[0].text(2) == "sent by the server (#2)"
    assert dialog.findings.toPlainText().startswith("● untrusted-root: the chain is complete")
    assert dialog.add_button.text() == "Add 'Loopback Root CA' to Untitled…"

    dialog.add_button.click()
    qtbot.waitUntil(lambda: window.findChild(CopyDialog) is not None)
    copy = window.findChild(CopyDialog)
    assert isinstance(copy, CopyDialog)
    copy.accept()
    qtbot.waitUntil(lambda: dialog.diagnosis is not None and dialog.diagnosis.accepted)
    assert "trusted — a Java client" in dialog.verdict_label.text()
    assert sorted(e.alias for e in tab.store.entries) == ["loopback-root-ca", "other"]
    tab.undo_stack.undo()
    assert [e.alias for e in tab.store.entries] == ["other"]


def test_open_as_tab_save_and_remembered_target(
    qtbot: QtBot,
    window: MainWindow,
    pki: ServerPki,
    full: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = show_examine(window)
    qtbot.addWidget(dialog)
    examine(qtbot, dialog, full.target)
    dialog.open_button.click()
    tab = window.current_tab()
    assert tab is not None
    assert [e.kind for e in tab.store.entries] == [EntryKind.TRUSTED_CERT] * 3
    assert tab.store.entries[0].chain[0] == pki.leaf.certificate

    out = tmp_path / "sent.pem"
    monkeypatch.setattr(
        "keystore_gui.gui.tls_dialog.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), "")
    )
    dialog.save_button.click()
    qtbot.waitUntil(lambda: out.exists() and operations.running() == 0)
    assert out.read_text().count("BEGIN CERTIFICATE") == 3
    assert Settings(window.settings).tls_target == full.target
    again = show_examine(window)
    qtbot.addWidget(again)
    assert again.target_edit.text() == full.target


def test_errors_show_in_one_line(qtbot: QtBot) -> None:
    dialog = ExamineTlsDialog()
    qtbot.addWidget(dialog)
    with SilentServer() as server:
        port = server.port
    examine(qtbot, dialog, f"127.0.0.1:{port}")
    assert dialog.status_label.text() == (
        f"127.0.0.1:{port}: connection refused (nothing listens on that port)"
    )
    dialog.target_edit.setText("[::1")
    dialog.examine_button.click()
    assert "write an IPv6 address as [::1]:8443" in dialog.status_label.text()


class Heartbeat:
    """A 10 ms timer on the GUI thread that records how long each beat came late.

    On a shared machine the whole process may wait for a CPU; Linux counts that time per thread
    (``/proc/self/task/TID/schedstat``, "waiting on a runqueue"), and it is taken off each gap:
    what is left is time the GUI thread spent running or blocked, which is what a stall is.
    """

    def __init__(self) -> None:
        self._stat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        self.stalls: list[float] = []
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._beat)

    def _queued(self) -> float:
        try:
            return int(self._stat.read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0

    def start(self) -> None:
        self._last = (time.monotonic(), self._queued())
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _beat(self) -> None:
        now = (time.monotonic(), self._queued())
        self.stalls.append((now[0] - self._last[0]) - (now[1] - self._last[1]))
        self._last = now


def test_the_window_stays_responsive_while_a_connection_times_out(qtbot: QtBot) -> None:
    dialog = ExamineTlsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    heartbeat = Heartbeat()
    with SilentServer() as server:
        heartbeat.start()
        examine(qtbot, dialog, server.target, timeout=1)
        heartbeat.stop()
    assert "within 1 s (timed out)" in dialog.status_label.text()
    assert len(heartbeat.stalls) > 20
    worst = max(heartbeat.stalls)
    assert worst < 0.05, f"the GUI thread stalled for {worst * 1000:.0f} ms"


def test_cancel(qtbot: QtBot) -> None:
    dialog = ExamineTlsDialog()
    qtbot.addWidget(dialog)
    with SilentServer() as server:
        dialog.target_edit.setText(server.target)
        dialog.timeout_spin.setValue(60)
        dialog.examine_button.click()
        assert dialog.cancel_button.isEnabled()
        with qtbot.waitSignal(dialog.examined, timeout=1000):
            dialog.cancel_button.click()
        qtbot.waitUntil(lambda: operations.running() == 0, timeout=2000)
    assert dialog.status_label.text() == "Cancelled."
    assert dialog.examine_button.isEnabled()
