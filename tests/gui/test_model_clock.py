"""Entry statuses follow the clock, not the moment the tab was opened."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.gui import model as model_module
from keystore_gui.gui.model import EntryModel, column_index

STATUS = column_index("status")


def _entry(alias: str, not_before: dt.datetime) -> Entry:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, alias)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return Entry(alias, EntryKind.PRIVATE_KEY, [Certificate.from_x509(cert)], key=key)


def test_an_entry_added_later_is_judged_by_the_time_it_is_added(qtbot, qtmodeltester) -> None:
    opened = dt.datetime.now(dt.UTC).replace(microsecond=0)
    times = iter([opened, opened + dt.timedelta(seconds=2)])
    model = EntryModel(Keystore(StoreType.PKCS12), clock=lambda: next(times))
    # what "Generate key pair" makes a second after the store was opened: valid from then on
    model.append_entries([_entry("fresh", opened + dt.timedelta(seconds=1))])
    assert model.index(0, STATUS).data() == "valid"
    qtmodeltester.check(model)


def test_statuses_move_with_the_clock(qtbot) -> None:
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=2)
    model = EntryModel(Keystore(StoreType.PKCS12, [_entry("soon", soon)]))
    assert model.index(0, STATUS).data() == "not yet valid"
    assert model._clock.isActive() and model._clock.interval() <= 60_000
    with qtbot.waitSignal(model.dataChanged):
        changed = model.refresh_now(soon + dt.timedelta(days=400))
    assert [n.entry.alias for n in changed if n.is_entry] == ["soon"]
    assert model.index(0, STATUS).data() == "expired"


def test_the_clock_runs_without_being_asked(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(model_module, "CLOCK_MS", 50)
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=1)
    model = EntryModel(Keystore(StoreType.PKCS12, [_entry("soon", soon)]))
    assert model.index(0, STATUS).data() == "not yet valid"
    qtbot.waitUntil(lambda: model.index(0, STATUS).data() == "valid", timeout=5_000)
