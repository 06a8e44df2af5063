"""The Health panel as a strip: out of the way until something is wrong, one line per kind."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from keystore_gui.core.health import Severity
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.gui import icons
from keystore_gui.gui.features.health import HealthPanel, severity_icon
from keystore_gui.gui.main_window import MainWindow

from .conftest import make_cert, sample_store


def panel_of(window: MainWindow) -> HealthPanel:
    panel = window.findChild(HealthPanel)
    assert panel is not None
    return panel


def expiring_truststore(count: int) -> Keystore:
    """``count`` CA certificates expiring in ten days, signed fast with one key."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    entries = []
    for number in range(count):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Bulk CA {number}")])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(number + 1)
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=10))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        entries.append(
            Entry(f"bulk-{number}", EntryKind.TRUSTED_CERT, [Certificate.from_x509(cert)])
        )
    return Keystore(StoreType.PKCS12, entries, password="s3cret-Pa55")


def test_hidden_on_the_start_page_and_a_strip_without_errors(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(1024, 640)
    window.show()
    qtbot.waitExposed(window)
    panel = panel_of(window)
    assert not panel.isVisible()  # nothing open: nothing to report

    tab = window.add_store_tab(expiring_truststore(3), "/srv/truststore.p12")
    qtbot.waitUntil(lambda: panel.findings(tab) is not None, timeout=20_000)
    qtbot.waitUntil(panel.isVisible)
    assert not panel.expanded and not panel.list.isVisible()  # warnings only: stays a strip
    assert panel.height() < 90
    assert panel.summary.text() == "Health: 3 warnings — 3 findings"
    qtbot.mouseClick(panel.summary, Qt.MouseButton.LeftButton)
    assert panel.expanded and panel.list.isVisible()


def test_errors_unfold_the_panel_by_themselves(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    qtbot.waitExposed(window)
    panel = panel_of(window)
    tab = window.add_store_tab(sample_store(), "/srv/server.jks")  # an expired certificate
    qtbot.waitUntil(lambda: panel.findings(tab) is not None, timeout=20_000)
    qtbot.waitUntil(lambda: panel.expanded and panel.list.isVisible())


def test_two_thousand_expiring_certificates_are_one_line(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.add_store_tab(expiring_truststore(2000), "/srv/big.p12")
    panel = panel_of(window)
    qtbot.waitUntil(lambda: panel.findings(tab) is not None, timeout=30_000)
    assert len(panel.findings(tab) or []) >= 2000
    rows = [panel.list.topLevelItem(i) for i in range(panel.list.topLevelItemCount())]
    expiring = [r for r in rows if r.text(2) == "2,000 certificates expire within 30 days"]
    assert len(expiring) == 1
    group = expiring[0]
    assert group.text(1) == "2,000 entries" and group.childCount() == 0  # made on unfolding
    group.setExpanded(True)
    assert group.childCount() == 2000
    assert group.child(0).text(1) == "bulk-0"


def test_info_findings_have_an_info_icon_and_stay_off_the_badge(
    qtbot: QtBot, window: MainWindow
) -> None:
    cert, _ = make_cert("partner", days=3000)
    store = Keystore(
        StoreType.JKS,
        [Entry("partner", EntryKind.TRUSTED_CERT, [Certificate.from_x509(cert)])],
        password="wso2carbon",  # a default password: a warning about the store, not an entry
    )
    tab = window.add_store_tab(store, "/srv/client-truststore.jks")
    panel = panel_of(window)
    qtbot.waitUntil(lambda: panel.findings(tab) is not None, timeout=20_000)
    codes = {f.code: f.severity for f in panel.findings(tab) or []}
    assert codes.get("default-password") is Severity.WARNING
    assert codes.get("proprietary-format") is Severity.INFO
    rows = [panel.list.topLevelItem(i) for i in range(panel.list.topLevelItemCount())]
    info = next(r for r in rows if r.text(0) == "info")
    assert info.icon(0).cacheKey() == severity_icon(Severity.INFO).cacheKey()
    assert info.icon(0).cacheKey() != icons.status_icon("not-yet-valid").cacheKey()
    index = window.tab_widget.indexOf(tab)
    shown = window.tab_widget.tabIcon(index).pixmap(16).toImage()
    assert shown == icons.status_icon("valid").pixmap(16).toImage()
    assert window.tab_widget.tabToolTip(index).endswith("Healthy: no warnings")
