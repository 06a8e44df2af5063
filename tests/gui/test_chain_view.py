"""The Trust chain view and the Issued-by tree, driven as a user would."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from keystore_gui.core.chain import Severity, issued_by
from keystore_gui.core.io import save_keystore
from keystore_gui.core.model import Entry, EntryKind, Keystore, StoreType
from keystore_gui.core.trustsources import java_cacerts_path
from keystore_gui.gui import chain_view, operations, trust_sources
from keystore_gui.gui.chain_view import IssuedByDialog, TrustChainDialog
from keystore_gui.gui.main_window import MainWindow
from keystore_gui.gui.settings import Settings
from tests.chain_pki import Issued, Pki
from tests.tools import requires_openssl

pytestmark = [
    requires_openssl,
    pytest.mark.openssl,
    # The offscreen platform says so whenever a dialog is shown; it is not a fault of ours.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

NOW = dt.datetime.now(dt.UTC)


class Certs:
    def __init__(self, folder: Path) -> None:
        pki = Pki(folder)
        self.pki = pki
        self.root = pki.root("root", "/CN=Acme Root CA")
        self.inter = pki.issue("inter", "/CN=Acme Issuing CA", self.root, ca=True)
        self.leaf = pki.issue("leaf", "/CN=shop.acme.example", self.inter)
        self.expired = pki.issue(
            "expired",
            "/CN=Acme Old Issuing CA",
            self.root,
            ca=True,
            not_before=NOW - dt.timedelta(days=400),
            not_after=NOW - dt.timedelta(days=3),
        )
        self.soon = pki.issue(
            "soon",
            "/CN=legacy.acme.example",
            self.expired,
            not_before=NOW - dt.timedelta(days=300),
            not_after=NOW + dt.timedelta(days=20),
        )


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return Certs(tmp_path_factory.mktemp("gui-pki"))


def key_entry(alias: str, *chain: Issued) -> Entry:
    return Entry(alias, EntryKind.PRIVATE_KEY, [c.certificate for c in chain])


def truststore(*members: Issued) -> Keystore:
    return Keystore(
        StoreType.JKS,
        [Entry(m.name, EntryKind.TRUSTED_CERT, [m.certificate]) for m in members],
    )


def path_items(dialog: TrustChainDialog) -> list[QTreeWidgetItem]:
    """The drawn path, top-down: each link nested under its issuer."""
    items: list[QTreeWidgetItem] = []
    item = dialog.tree.topLevelItem(0)
    while item is not None:
        items.append(item)
        item = item.child(0) if item.childCount() else None
    return items


def marks(dialog: TrustChainDialog) -> list[Severity]:
    return [Severity(item.data(0, chain_view.SEVERITY_ROLE)) for item in path_items(dialog)]


def source_item(dialog: TrustChainDialog, prefix: str):  # type: ignore[no-untyped-def]
    for row in range(dialog.sources.count()):
        item = dialog.sources.item(row)
        if item.text().startswith(prefix):
            return item
    raise AssertionError(f"no source {prefix!r}")


def pick_files(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """The file dialogs answer with ``paths``: the first for one file, all for several."""
    monkeypatch.setattr(
        chain_view.QFileDialog, "getOpenFileName", lambda *a, **k: (str(paths[0]), "")
    )
    monkeypatch.setattr(
        chain_view.QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], "")
    )


def settle(qtbot: QtBot) -> None:
    """Wait until every file the dialog reads in the background is read."""
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)


def make_dialog(qtbot: QtBot, entry: Entry, store: Keystore, trust_store: Keystore, **kw: object):  # type: ignore[no-untyped-def]
    dialog = TrustChainDialog(
        entry=entry,
        store=store,
        open_stores=[("server.jks", store), ("truststore.jks", trust_store)],
        **kw,  # type: ignore[arg-type]
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_trusted_path_is_drawn_root_first_with_sources(qtbot: QtBot, certs: Certs) -> None:
    entry = key_entry("shop", certs.leaf, certs.inter)
    store = Keystore(StoreType.JKS, [entry])
    dialog = make_dialog(qtbot, entry, store, truststore(certs.root))

    assert dialog.verdict_label.text() == (
        "Trusted: chains to 'CN=Acme Root CA' (truststore truststore.jks)"
    )
    items = path_items(dialog)
    assert [i.text(0) for i in items] == ["Acme Root CA", "Acme Issuing CA", "shop.acme.example"]
    assert [i.text(2) for i in items] == [
        "truststore truststore.jks",
        "this keystore",
        "this keystore",
    ]
    assert items[0].text(1).startswith("trust anchor; valid until ")
    assert marks(dialog) == [Severity.OK] * 3
    # Its own keystore is offered but not ticked: a keystore does not trust itself.
    assert source_item(dialog, "Open tab: server.jks").checkState() == Qt.CheckState.Unchecked
    assert dialog.tree.currentItem() is items[-1]
    assert "SHA-256: " + certs.leaf.certificate.sha256 in dialog.details.text()


def test_an_open_ca_keystore_is_not_a_truststore(qtbot: QtBot, certs: Certs) -> None:
    """A keystore holding the CA's key pair is offered unticked and named a keystore: with it
    open, the entry is judged against the truststore alone, which lacks the root."""
    entry = key_entry("shop", certs.leaf, certs.inter)
    store = Keystore(StoreType.JKS, [entry])
    ca_keystore = Keystore(StoreType.PKCS12, [key_entry("root", certs.root)])
    dialog = TrustChainDialog(
        entry=entry,
        store=store,
        open_stores=[
            ("server.jks", store),
            ("acme-ca.p12", ca_keystore),
            ("truststore.jks", truststore(certs.expired)),
        ],
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    ca_item = source_item(dialog, "Open tab: acme-ca.p12")
    assert ca_item.text() == "Open tab: acme-ca.p12 (keystore)"
    assert ca_item.checkState() == Qt.CheckState.Unchecked
    assert source_item(dialog, "Open tab: truststore.jks").checkState() == Qt.CheckState.Checked
    assert dialog.verdict is not None and not dialog.verdict.trusted
    assert dialog.verdict_label.text().startswith("Not trusted")
    assert dialog.used_label.text() == "Checked against truststore truststore.jks"

    ca_item.setCheckState(Qt.CheckState.Checked)  # the user's choice, named for what it is
    assert dialog.verdict_label.text() == (
        "Trusted: chains to 'CN=Acme Root CA' (keystore acme-ca.p12)"
    )
    assert path_items(dialog)[0].text(2) == "keystore acme-ca.p12"
    assert dialog.used_label.text() == (
        "Checked against keystore acme-ca.p12, truststore truststore.jks"
    )


def test_unticking_the_truststore_names_the_missing_issuer(qtbot: QtBot, certs: Certs) -> None:
    entry = key_entry("shop", certs.leaf, certs.inter)
    store = Keystore(StoreType.JKS, [entry])
    dialog = make_dialog(qtbot, entry, store, truststore(certs.root))
    source_item(dialog, "Open tab: truststore.jks").setCheckState(Qt.CheckState.Unchecked)
    assert dialog.verdict_label.text() == (
        "Not trusted: 'CN=Acme Issuing CA': issuer 'CN=Acme Root CA' not found in any trust source"
    )
    assert marks(dialog) == [Severity.ERROR, Severity.OK]
    assert dialog.fetch_button.isEnabled()


def test_expired_intermediate_and_expiring_leaf(qtbot: QtBot, certs: Certs) -> None:
    entry = key_entry("legacy", certs.soon, certs.expired)
    store = Keystore(StoreType.JKS, [entry])
    dialog = make_dialog(qtbot, entry, store, truststore(certs.root))
    assert marks(dialog) == [Severity.OK, Severity.ERROR, Severity.WARNING]
    expiry = certs.expired.certificate.not_after.date().isoformat()
    assert path_items(dialog)[1].text(1) == f"expired on {expiry}"
    assert dialog.verdict_label.text().startswith(
        f"Not trusted: 'CN=Acme Old Issuing CA': expired on {expiry}"
    )
    # A week earlier everything was fine but the leaf's coming expiry.
    earlier = QDateTime.fromSecsSinceEpoch(int((NOW - dt.timedelta(days=7)).timestamp()))
    dialog.at_edit.setDateTime(earlier)
    assert dialog.verdict is not None and dialog.verdict.trusted
    assert dialog.verdict_label.text().endswith("with warnings")


def test_tls_server_purpose_adds_the_web_pki_opinion(qtbot: QtBot, certs: Certs) -> None:
    entry = key_entry("shop", certs.leaf, certs.inter)
    store = Keystore(StoreType.JKS, [entry])
    dialog = make_dialog(qtbot, entry, store, truststore(certs.root))
    assert dialog.web_pki_label.isHidden()
    dialog.purpose.setCurrentIndex(dialog.purpose.findData("tls-server"))
    assert dialog.web_pki_label.isVisible()
    assert dialog.web_pki_label.text() == "Web PKI: passes web-PKI rules"


def test_nothing_to_fetch_for_a_complete_or_self_signed_chain(qtbot: QtBot, certs: Certs) -> None:
    entry = key_entry("shop", certs.leaf, certs.inter, certs.root)  # leaf to root: complete
    store = Keystore(StoreType.JKS, [entry])
    dialog = make_dialog(qtbot, entry, store, truststore())  # and not trusted
    assert dialog.verdict is not None and not dialog.verdict.trusted
    assert not dialog.fetch_button.isEnabled()
    alone = key_entry("self", certs.root)
    dialog = make_dialog(qtbot, alone, Keystore(StoreType.JKS, [alone]), truststore())
    assert not dialog.fetch_button.isEnabled()


def test_the_web_pki_opinion_is_in_plain_words(qtbot: QtBot, certs: Certs) -> None:
    entry = key_entry("legacy", certs.soon, certs.expired)
    store = Keystore(StoreType.JKS, [entry])
    dialog = make_dialog(qtbot, entry, store, truststore(certs.root))
    dialog.purpose.setCurrentIndex(dialog.purpose.findData("tls-server"))
    text = dialog.web_pki_label.text()
    assert text.startswith("Web PKI: fails web-PKI rules: ")
    assert "expired or not yet valid at the time checked" in text
    for internal in ("<", "Certificate(", "encountered", "validation failed"):
        assert internal not in text


def test_fetched_issuer_is_appended_as_one_undoable_change(
    qtbot: QtBot, certs: Certs, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = key_entry("shop", certs.leaf)
    store = Keystore(StoreType.JKS, [entry])
    stack = QUndoStack()
    changed: list[Entry] = []
    dialog = make_dialog(
        qtbot,
        entry,
        store,
        truststore(certs.root),
        undo_stack=stack,
        on_entry_changed=changed.append,
    )
    assert dialog.verdict is not None and not dialog.verdict.trusted
    bundle = certs.pki.bundle("offered.pem", certs.expired, certs.inter)
    pick_files(monkeypatch, bundle)
    qtbot.mouseClick(dialog.fetch_button, Qt.MouseButton.LeftButton)
    settle(qtbot)

    assert entry.chain == [certs.leaf.certificate, certs.inter.certificate]
    assert stack.count() == 1 and changed == [entry]
    assert stack.undoText() == "Append 1 certificate to the chain of 'shop'"
    assert dialog.verdict.trusted
    stack.undo()
    assert entry.chain == [certs.leaf.certificate]
    assert not dialog.verdict.trusted


def test_nothing_fitting_is_said_and_nothing_changes(
    qtbot: QtBot, certs: Certs, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = key_entry("shop", certs.leaf)
    store = Keystore(StoreType.JKS, [entry])
    stack = QUndoStack()
    dialog = make_dialog(qtbot, entry, store, truststore(certs.root), undo_stack=stack)
    unrelated = certs.pki.bundle("unrelated.pem", certs.expired)
    pick_files(monkeypatch, unrelated)
    dialog.fetch_missing()
    settle(qtbot)
    assert entry.chain == [certs.leaf.certificate] and stack.count() == 0
    assert dialog.source_error.isVisible()
    assert "No certificate in those files signed 'shop.acme.example'" in dialog.source_error.text()


def test_issued_by_dialog_nests_certificates_under_their_issuers(
    qtbot: QtBot, certs: Certs
) -> None:
    store = Keystore(
        StoreType.JKS,
        [
            Entry("root", EntryKind.TRUSTED_CERT, [certs.root.certificate]),
            key_entry("shop", certs.leaf, certs.inter),
            key_entry("legacy", certs.soon),
        ],
    )
    dialog = IssuedByDialog(grouped=issued_by(store), title="server.jks")
    qtbot.addWidget(dialog)
    tree = dialog.tree
    assert tree.topLevelItemCount() == 2
    root = tree.topLevelItem(0)
    assert (root.text(0), root.text(1), root.text(3)) == (
        "Acme Root CA",
        "root",
        "self-signed root",
    )
    assert root.child(0).text(0) == "Acme Issuing CA"
    assert root.child(0).child(0).text(0) == "shop.acme.example"
    orphan = tree.topLevelItem(1)
    assert orphan.text(1) == "legacy"
    assert orphan.text(3) == "issuer 'CN=Acme Old Issuing CA' is not in this store"


def test_ctrl_t_in_the_window_checks_the_selected_entry(
    qtbot: QtBot, certs: Certs, window: MainWindow
) -> None:
    action = window.actions_by_name["trust_chain"]
    assert action in window.menu("entry").actions()
    assert action.shortcut().toString() == "Ctrl+T"
    assert not action.isEnabled()  # nothing open, nothing selected

    trusted = window.add_store_tab(truststore(certs.root), "/srv/truststore.jks")
    entry = key_entry("shop", certs.leaf)
    tab = window.add_store_tab(Keystore(StoreType.JKS, [entry]), "/srv/server.jks")
    tab.select_entry(entry)
    assert action.isEnabled()
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tab.tree.setFocus()
    qtbot.keyClick(tab.tree, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(TrustChainDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.undo_stack is tab.undo_stack
    assert source_item(dialog, "Open tab: truststore.jks").checkState() == Qt.CheckState.Checked
    assert source_item(dialog, "Open tab: server.jks").checkState() == Qt.CheckState.Unchecked
    assert dialog.verdict is not None and not dialog.verdict.trusted  # the intermediate is missing

    bundle = certs.pki.bundle("window-ca.pem", certs.inter)
    dialog_module_patch = pytest.MonkeyPatch()
    dialog_module_patch.setattr(
        chain_view.QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bundle)], "")
    )
    try:
        dialog.fetch_missing()
        settle(qtbot)
    finally:
        dialog_module_patch.undo()
    assert dialog.verdict.trusted
    assert tab.is_modified() and entry.chain[-1] == certs.inter.certificate
    window.actions_by_name["undo"].trigger()
    assert entry.chain == [certs.leaf.certificate] and not tab.is_modified()
    assert not dialog.verdict.trusted
    dialog.close()
    assert trusted.store.entries  # the other tab is untouched

    window.actions_by_name["issued_by"].trigger()
    qtbot.waitUntil(lambda: window.findChild(IssuedByDialog) is not None)
    issued = window.findChild(IssuedByDialog)
    assert issued is not None and issued.tree.topLevelItemCount() == 1


@pytest.mark.skipif(java_cacerts_path() is None, reason="no JDK cacerts on this machine")
def test_java_cacerts_are_read_off_the_gui_thread(qtbot: QtBot, certs: Certs) -> None:
    entry = key_entry("shop", certs.leaf, certs.inter)
    store = Keystore(StoreType.JKS, [entry])
    dialog = make_dialog(qtbot, entry, store, truststore(certs.root))
    source_item(dialog, "Java cacerts").setCheckState(Qt.CheckState.Checked)
    assert source_item(dialog, "Java cacerts").text() == "Java cacerts (reading…)"
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
    item = source_item(dialog, "Java cacerts")
    assert item.text() == "Java cacerts"
    assert item.checkState() == Qt.CheckState.Checked
    assert dialog.source_error.isHidden()
    assert any(s.label == "Java cacerts" and len(s.anchors) > 50 for s in dialog.chosen_sources())
    assert dialog.verdict is not None and dialog.verdict.trusted
    source_item(dialog, "Open tab: truststore.jks").setCheckState(Qt.CheckState.Unchecked)
    assert "not found in any trust source" in dialog.verdict_label.text()


def test_a_truststore_file_that_cannot_be_read_is_reported(
    qtbot: QtBot, certs: Certs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    entry = key_entry("shop", certs.leaf, certs.inter)
    store = Keystore(StoreType.JKS, [entry])
    dialog = make_dialog(qtbot, entry, store, truststore())
    junk = tmp_path / "junk.jks"
    junk.write_bytes(b"\xfe\xed\xfe\xed" + b"\x00" * 3)
    pick_files(monkeypatch, junk)
    monkeypatch.setattr(trust_sources, "ask_password", lambda parent, path: "secret")
    count = dialog.sources.count()
    dialog.add_truststore()
    settle(qtbot)
    assert dialog.sources.count() == count
    assert dialog.source_error.text().startswith("junk.jks: ")

    good = certs.pki.bundle("root-only.pem", certs.root)
    pick_files(monkeypatch, good)
    dialog.add_truststore()
    settle(qtbot)
    assert source_item(dialog, "Truststore: root-only.pem").checkState() == Qt.CheckState.Checked
    assert dialog.verdict is not None and dialog.verdict.trusted
    assert dialog.verdict.path[-1].source == "truststore root-only.pem"


def test_a_cacerts_that_cannot_be_read_is_unticked(
    qtbot: QtBot, certs: Certs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    damaged = tmp_path / "cacerts"
    damaged.write_bytes(b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + b"\x00" * 5)
    monkeypatch.setattr(trust_sources, "java_cacerts_path", lambda: damaged)
    entry = key_entry("shop", certs.leaf, certs.inter)
    dialog = make_dialog(qtbot, entry, Keystore(StoreType.JKS, [entry]), truststore(certs.root))
    reads: list[object] = []
    original = trust_sources.java_cacerts
    monkeypatch.setattr(trust_sources, "java_cacerts", lambda p: reads.append(p) or original(p))
    source_item(dialog, "Java cacerts").setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
    assert reads == [damaged]  # tried once, not again when the item is relabelled
    assert source_item(dialog, "Java cacerts").checkState() == Qt.CheckState.Unchecked
    assert dialog.source_error.text().startswith("Java cacerts: ")
    assert dialog.verdict is not None and dialog.verdict.trusted


def test_ticked_files_and_bundles_are_remembered_for_next_time(
    qtbot: QtBot, certs: Certs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    trust_jks = tmp_path / "trust.jks"
    save_keystore(truststore(certs.root), trust_jks, StoreType.JKS, "secret")
    inter = certs.pki.bundle("inter-only.pem", certs.inter)
    gone = certs.pki.bundle("gone.pem", certs.root)
    unticked = certs.pki.bundle("unticked.pem", certs.root)
    system = certs.pki.bundle("system-bundle.pem", certs.root)
    monkeypatch.setattr(trust_sources, "java_cacerts_path", lambda: None)
    monkeypatch.setattr(trust_sources, "system_bundle_path", lambda: system)
    asked: list[str] = []
    monkeypatch.setattr(
        trust_sources, "ask_password", lambda parent, path: asked.append(path) or "secret"
    )

    entry = key_entry("shop", certs.leaf)
    store = Keystore(StoreType.JKS, [entry])
    first = make_dialog(qtbot, entry, store, truststore(), settings=settings)
    for path in (trust_jks, gone, unticked):
        pick_files(monkeypatch, path)
        first.add_truststore()
        settle(qtbot)
    pick_files(monkeypatch, inter)
    first.add_intermediates()
    settle(qtbot)
    assert asked == [str(trust_jks)]
    source_item(first, "Truststore: unticked.pem").setCheckState(Qt.CheckState.Unchecked)
    source_item(first, "System CAs").setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
    assert first.verdict is not None and first.verdict.trusted
    first.close()
    assert settings.trust_sources == [str(trust_jks), str(gone)]
    assert settings.trust_intermediates == [str(inter)]
    assert settings.trust_system_cas is True
    assert settings.trust_java_cacerts is False  # never offered here, so never chosen
    settings.sync()

    gone.unlink()
    again = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    second = make_dialog(qtbot, entry, store, truststore(), settings=again)
    settle(qtbot)
    assert asked == [str(trust_jks), str(trust_jks)]  # the password is asked again, not kept
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=10_000)
    titles = [second.sources.item(row).text() for row in range(second.sources.count())]
    assert not any("gone.pem" in t or "unticked.pem" in t for t in titles)
    for prefix in ("Truststore: trust.jks", "Intermediates: inter-only.pem", "System CAs"):
        assert source_item(second, prefix).checkState() == Qt.CheckState.Checked, prefix
    assert second.verdict is not None and second.verdict.trusted
    assert [link.source for link in second.verdict.path] == [
        "this keystore",
        "intermediates inter-only.pem",
        "system CAs",
    ]
    # Unticking the bundle is remembered too; a cancelled password leaves the file out.
    source_item(second, "System CAs").setCheckState(Qt.CheckState.Unchecked)
    assert again.trust_system_cas is False
    monkeypatch.setattr(trust_sources, "ask_password", lambda parent, path: None)
    third = make_dialog(qtbot, entry, store, truststore(), settings=again)
    settle(qtbot)
    titles = [third.sources.item(row).text() for row in range(third.sources.count())]
    assert not any("trust.jks" in t for t in titles)
    assert source_item(third, "Intermediates: inter-only.pem").checkState() == Qt.CheckState.Checked
    assert source_item(third, "System CAs").checkState() == Qt.CheckState.Unchecked
    assert third.verdict is not None and not third.verdict.trusted


def test_remembered_truststores_are_read_off_the_gui_thread(
    qtbot: QtBot, certs: Certs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    trust_jks = tmp_path / "trust.jks"
    save_keystore(truststore(certs.root), trust_jks, StoreType.JKS, "secret")
    settings.trust_sources = [str(trust_jks)]
    monkeypatch.setattr(trust_sources, "java_cacerts_path", lambda: None)
    readers: list[bool] = []
    original = trust_sources.try_open

    def spy(path: str) -> object:
        readers.append(threading.current_thread() is threading.main_thread())
        return original(path)

    monkeypatch.setattr(trust_sources, "try_open", spy)
    asked: list[str] = []
    monkeypatch.setattr(
        trust_sources, "ask_password", lambda parent, path: asked.append(path) or "secret"
    )
    entry = key_entry("shop", certs.leaf, certs.inter)
    dialog = make_dialog(
        qtbot, entry, Keystore(StoreType.JKS, [entry]), truststore(), settings=settings
    )
    assert source_item(dialog, "Truststore: trust.jks").text() == "Truststore: trust.jks (reading…)"
    settle(qtbot)
    assert readers == [False] and asked == [str(trust_jks)]
    assert source_item(dialog, "Truststore: trust.jks").text() == "Truststore: trust.jks"
    assert dialog.verdict is not None and dialog.verdict.trusted
