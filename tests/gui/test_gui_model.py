"""The entry model and its filter proxy, checked by Qt's model tester and by hand."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt

from keystore_gui.core.model import Certificate, Entry, EntryKind
from keystore_gui.core.rules import Status, certificate_status
from keystore_gui.gui.filter import EntryFilter
from keystore_gui.gui.model import (
    COLUMNS,
    STATUS_ROLE,
    EntryModel,
    column_index,
)

from .conftest import NOW, make_cert, sample_store


def _texts(model, column: str, parent: QModelIndex = QModelIndex()) -> list[str]:  # noqa: B008
    col = column_index(column)
    return [model.index(r, col, parent).data() for r in range(model.rowCount(parent))]


def test_model_and_proxy_pass_the_model_tester(qtmodeltester) -> None:
    store = sample_store()
    model = EntryModel(store)
    qtmodeltester.check(model, force_py=True)
    proxy = EntryFilter(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_text("example")
    qtmodeltester.check(proxy, force_py=True)


def test_edits_keep_model_consistent(qtmodeltester) -> None:
    store = sample_store()
    model = EntryModel(store)
    proxy = EntryFilter(model)
    qtmodeltester.check(proxy)
    server = store.entries[0]
    removed = model.remove_entries([server, store.entries[2]])
    assert [e.alias for e in store.entries] == ["root-ca", "future-partner"]
    model.insert_entries(removed)
    assert [e.alias for e in store.entries] == [
        "server",
        "root-ca",
        "old-partner",
        "future-partner",
    ]
    extra, _ = make_cert("added")
    model.append_entries([Entry("added", EntryKind.TRUSTED_CERT, [Certificate.from_x509(extra)])])
    server.chain = server.chain[:1]
    model.entry_changed(server)
    assert model.rowCount(model.entry_index(server)) == 1
    qtmodeltester.check(proxy)


def test_rows_columns_and_chain_children() -> None:
    store = sample_store()
    model = EntryModel(store)
    assert model.columnCount() == len(COLUMNS)
    assert _texts(model, "alias") == ["server", "root-ca", "old-partner", "future-partner"]
    assert _texts(model, "kind")[:2] == ["Key pair", "Trusted cert"]
    server = model.index(0, 0)
    assert _texts(model, "subject", server) == ["server", "Example Issuing CA", "Example Root CA"]
    assert _texts(model, "issuer", server)[0] == "Example Issuing CA"
    assert model.rowCount(model.index(1, 0)) == 0
    statuses = [model.index(r, 0).data(STATUS_ROLE) for r in range(4)]
    assert statuses == ["expiring", "valid", "expired", "not-yet-valid"]
    status_col = column_index("status")
    assert model.index(0, status_col).data().startswith("expires in ")
    assert model.index(0, status_col).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(0, column_index("algorithm")).data() == "EC secp256r1"
    assert (
        model.index(0, column_index("expires")).data()
        == (NOW + dt.timedelta(days=10)).date().isoformat()
    )


def test_status_texts() -> None:
    cert = Certificate.from_x509(make_cert("x", days=30)[0])
    status, text, days = certificate_status(cert, NOW, 30)
    assert status is Status.EXPIRING and text == f"expires in {days} days"
    assert certificate_status(cert, NOW, 10)[0] is Status.VALID
    assert certificate_status(cert, NOW + dt.timedelta(days=31), 10)[1] == "expired"


def test_filter_matches_alias_subject_issuer_serial_fingerprint() -> None:
    store = sample_store()
    proxy = EntryFilter(EntryModel(store))

    def shown() -> list[str]:
        return _texts(proxy, "alias")

    proxy.set_text("PARTNER")
    assert shown() == ["old-partner", "future-partner"]
    proxy.set_text("issuing ca")  # only in the server's chain: the entry stays visible
    assert shown() == ["server"]
    leaf = store.entries[0].chain[0]
    proxy.set_text(format(leaf.serial, "X"))
    assert shown() == ["server"]
    proxy.set_text(str(store.entries[3].chain[0].serial))
    assert shown() == ["future-partner"]
    sha = store.entries[1].chain[0].sha256.upper()
    proxy.set_text(":".join(sha[i : i + 2] for i in range(0, 20, 2)))
    assert "root-ca" in shown()
    proxy.set_text(store.entries[2].chain[0].sha1[:12])
    assert shown() == ["old-partner"]
    proxy.set_text("")
    assert len(shown()) == 4


def test_hide_expired() -> None:
    proxy = EntryFilter(EntryModel(sample_store()))
    proxy.set_hide_expired(True)
    assert _texts(proxy, "alias") == ["server", "root-ca", "future-partner"]
    proxy.set_text("old")
    assert _texts(proxy, "alias") == []
    proxy.set_hide_expired(False)
    assert _texts(proxy, "alias") == ["old-partner"]


def test_sort_by_dates_as_dates_and_back() -> None:
    store = sample_store()
    model = EntryModel(store)
    proxy = EntryFilter(model)
    proxy.sort(column_index("expires"), Qt.SortOrder.AscendingOrder)
    assert _texts(proxy, "alias") == ["old-partner", "server", "future-partner", "root-ca"]
    proxy.sort(column_index("expires"), Qt.SortOrder.DescendingOrder)
    assert _texts(proxy, "alias") == ["root-ca", "future-partner", "server", "old-partner"]
    proxy.sort(column_index("alias"), Qt.SortOrder.AscendingOrder)
    assert _texts(proxy, "alias") == ["future-partner", "old-partner", "root-ca", "server"]
    # the chain keeps its leaf-to-root order
    assert _texts(proxy, "subject", proxy.index(3, 0)) == [
        "server",
        "Example Issuing CA",
        "Example Root CA",
    ]


def test_many_scattered_changes_and_trusted_only_stores(qtmodeltester) -> None:
    """A store without chains (recursion off) and a filter change with many runs (one
    layout change) give the same rows as deciding each row by hand."""
    from keystore_gui.core.model import Keystore, StoreType

    der = make_cert("shared")[0]
    letters = str.maketrans("0123456789", "gijklmpqtu")  # in no hex digit and no "cn=shared"
    store = Keystore(
        StoreType.JKS,
        [
            Entry(
                f"row-{i:03d}".translate(letters),
                EntryKind.TRUSTED_CERT,
                [Certificate.from_x509(der)],
            )
            for i in range(200)
        ],
    )
    model = EntryModel(store)
    proxy = EntryFilter(model)
    qtmodeltester.check(proxy)
    for text in ("row-", "i", "row-i", "m", "", "g"):
        proxy.set_text(text)
        assert _texts(proxy, "alias") == [e.alias for e in store.entries if text in e.alias]
    assert not proxy.isRecursiveFilteringEnabled()
    server = sample_store().entries[0]
    model.append_entries([server])
    assert proxy.isRecursiveFilteringEnabled()
    proxy.set_text("issuing")
    assert _texts(proxy, "alias") == ["server"]


def test_large_stores_are_handed_to_the_view_in_batches(qtmodeltester) -> None:
    from keystore_gui.core.model import Keystore, StoreType

    der = make_cert("shared")[0]
    letters = str.maketrans("0123456789", "gijklmpqtu")
    entries = [
        Entry(
            f"row-{i:03d}".translate(letters), EntryKind.TRUSTED_CERT, [Certificate.from_x509(der)]
        )
        for i in range(25)
    ]
    store = Keystore(StoreType.JKS, list(entries))
    model = EntryModel(store, batch=10)
    proxy = EntryFilter(model)
    assert model.rowCount() == 10 and model.has_more()
    assert not model.canFetchMore(QModelIndex())  # a view never takes more on its own
    model.fetch_next()  # as the tab does, when the user scrolls to the end
    model.fetch_next()
    qtmodeltester.check(proxy)
    assert model.rowCount() == 25 and not model.has_more()

    small = EntryModel(Keystore(StoreType.JKS, list(entries)), batch=10)
    small_proxy = EntryFilter(small)
    small.remove_entries([entries[20]])  # not fetched yet: no row signals
    assert small.rowCount() == 10
    small.insert_entries([(20, entries[20])])
    small_proxy.set_text("row-gj")  # a filter sees every entry, fetched or not
    assert _texts(small_proxy, "alias") == [e.alias for e in entries if "row-gj" in e.alias]
    assert len(_texts(small_proxy, "alias")) == 5
    assert small.rowCount() == 25
    index = small.entry_index(entries[24])
    assert index.isValid() and index.row() == 24


def test_a_search_index_made_before_an_edit_is_not_used_for_entries() -> None:
    store = sample_store()
    model = EntryModel(store)
    proxy = EntryFilter(model)
    job = model.search_index_job()
    store.rename("root-ca", "corporate-root")
    model.entry_changed(store.get("corporate-root"))
    model.add_search_index(job())  # made from the old aliases: certificate texts only
    proxy.set_text("corporate")
    assert _texts(proxy, "alias") == ["corporate-root"]
    proxy.set_text("root-ca")
    assert _texts(proxy, "alias") == []


def test_a_large_sort_by_a_certificate_column_runs_off_the_gui_thread(qtbot, monkeypatch) -> None:
    from keystore_gui.gui import model as model_module
    from keystore_gui.gui import operations

    monkeypatch.setattr(model_module, "SYNC_SORT_ROWS", 2)
    store = sample_store()
    model = EntryModel(store)
    proxy = EntryFilter(model)
    proxy.sort(column_index("expires"), Qt.SortOrder.AscendingOrder)
    assert operations.running() == 1  # the certificates are parsed in a worker
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=20_000)
    assert _texts(proxy, "alias") == ["old-partner", "server", "future-partner", "root-ca"]
    # an edit while a sort is being prepared: that sort is dropped, nothing breaks
    for node in model._all_top():
        node.forget()
    proxy.sort(column_index("subject"), Qt.SortOrder.AscendingOrder)
    model.remove_entries([store.get("root-ca")])
    qtbot.waitUntil(lambda: operations.running() == 0, timeout=20_000)
    assert _texts(proxy, "alias") == ["old-partner", "server", "future-partner"]


def test_before_a_large_store_is_indexed_the_filter_matches_aliases_then_everything(
    monkeypatch,
) -> None:
    from keystore_gui.gui import model as model_module

    monkeypatch.setattr(model_module, "SYNC_INDEX_ROWS", 2)
    store = sample_store()
    model = EntryModel(store)
    proxy = EntryFilter(model)
    job = model.search_index_job()  # what the tab runs in a worker
    assert not model.index_built
    proxy.set_text("issuing ca")  # only in a certificate: nothing to match it with yet
    assert _texts(proxy, "alias") == []
    proxy.set_text("partner")  # aliases are answered at once
    assert _texts(proxy, "alias") == ["old-partner", "future-partner"]
    proxy.set_text("issuing ca")
    assert not model._cert_text  # no certificate read on the GUI thread for it
    model.add_search_index(job())
    proxy.index_ready()  # the rows shown on aliases alone are decided again
    assert _texts(proxy, "alias") == ["server"]


def test_typing_narrows_and_widens_to_what_a_fresh_filter_shows() -> None:
    store = sample_store()
    model = EntryModel(store)
    proxy = EntryFilter(model)
    for text in ("e", "ex", "exa", "example", "example r", "example", "ro", "r", "", "partner"):
        proxy.set_text(text)
        fresh = EntryFilter(EntryModel(store))
        fresh.set_text(text)
        assert _texts(proxy, "alias") == _texts(fresh, "alias"), text
