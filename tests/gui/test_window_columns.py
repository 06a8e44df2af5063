"""The entry tree at the sizes users run it: what matters is never clipped."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.model import COLUMN_IDS
from tests.gui.conftest import make_cert, sample_store

ESSENTIAL = ("alias", "kind", "expires", "status")


def long_names_store() -> Keystore:
    store = sample_store()
    cert, _ = make_cert("Example Bank Services with a long common name for the subject", days=9)
    store.entries.append(
        Entry(
            "example_bank_services_root_ca_2031",
            EntryKind.TRUSTED_CERT,
            [Certificate.from_x509(cert)],
        )
    )
    return store


@pytest.mark.parametrize("size", [(1024, 640), (1280, 800)])
def test_alias_kind_expires_and_status_are_fully_visible(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    tab = window.add_store_tab(long_names_store(), "/srv/cacerts.jks")
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    tree, header = tab.tree, tab.tree.header()
    tree.expandAll()

    def fits() -> bool:
        visible = tree.viewport().width()
        for column in ESSENTIAL:
            i = COLUMN_IDS.index(column)
            right = header.sectionViewportPosition(i) + header.sectionSize(i)
            if header.sectionSize(i) < tree.sizeHintForColumn(i) or right > visible:
                return False
        return True

    qtbot.waitUntil(fits)
    assert tree.horizontalScrollBar().maximum() == 0
    # The subject gave up width instead, and still tells its whole name.
    subject = tab.proxy.index(0, COLUMN_IDS.index("subject"))  # sorted: example_bank first
    assert "long common name" in subject.data(0x0003)  # ToolTipRole
    issuer = tab.proxy.index(0, COLUMN_IDS.index("issuer"))
    assert issuer.data(0x0003) == tab.store.entries[issuer.row()].certificate.issuer


def test_a_border_the_user_drags_stays_where_it_was_put(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), "/srv/a.jks")
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    header = tab.tree.header()
    fitter = tab.columns
    fitter._pressed = True  # as while a border is dragged
    header.resizeSection(COLUMN_IDS.index("subject"), 333)
    fitter._pressed = False
    window.resize(1100, 800)
    qtbot.waitUntil(lambda: tab.tree.viewport().width() < 1000)
    assert header.sectionSize(COLUMN_IDS.index("subject")) == 333


def test_the_details_pane_shows_fingerprints_in_full(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.add_store_tab(sample_store(), "/srv/a.jks")
    window.resize(1024, 640)
    window.show()
    qtbot.waitExposed(window)
    server = tab.store.get("server")
    assert server is not None
    tab.select_entry(server)
    label = tab.details.sha256_label
    # Wrapped between bytes rather than scrolled out of sight: every byte is on screen.
    qtbot.waitUntil(lambda: label.height() >= 2 * label.fontMetrics().height())
    assert label.sizeHint().width() <= tab.details.width()
    assert label.text().replace("\u200b", "") == label.value
    value = tab.details.fields.topLevelItem(0)
    assert all(
        item.toolTip(1) == item.text(1)
        for item in (value.child(i) for i in range(value.childCount()))
        if item.text(1)
    )
