"""Two entries under one alias (old tools wrote such JKS files): keytool opens the file and uses
the later entry; we show both, mark the one Java does not use, report it, and refuse to save
until the clash is resolved."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core.codecs.javaformat import write_utf
from keystore_gui.core.errors import CannotHoldError
from keystore_gui.core.health import check_store
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.model import StoreType
from tests.certfactory import der, make_cert
from tests.tools import keytool_list

PASSWORD = "dup-pass"
FIRST = der(make_cert("First CA", ca=True, serial=0x31))
SECOND = der(make_cert("Second CA", ca=True, serial=0x32))

pytestmark = [pytest.mark.keytool]


def _jks(entries: list[tuple[str, bytes]]) -> bytes:
    """A JKS of trusted certificates written entry by entry, aliases as given."""
    body = b"\xfe\xed\xfe\xed" + struct.pack(">II", 2, len(entries))
    for alias, cert in entries:
        body += struct.pack(">I", 2) + write_utf(alias) + struct.pack(">Q", 1_700_000_000_000)
        body += write_utf("X.509") + struct.pack(">I", len(cert)) + cert
    secret = PASSWORD.encode("utf-16-be") + b"Mighty Aphrodite"
    return body + hashlib.sha1(secret + body, usedforsecurity=False).digest()


@pytest.fixture
def dup(tmp_path: Path) -> Path:
    path = tmp_path / "dup.jks"
    path.write_bytes(_jks([("partner", FIRST), ("other", FIRST), ("partner", SECOND)]))
    return path


def test_both_are_listed_and_the_one_java_uses_is_marked(dup, capsys, monkeypatch) -> None:
    (java,) = [e for e in keytool_list(dup, PASSWORD) if e.alias == "partner"]
    assert java.chain[0].sha256 == hashlib.sha256(SECOND).hexdigest()  # the later one wins
    monkeypatch.setenv("KS_PASS", PASSWORD)
    assert main(["list", str(dup), "--json", "--password-env", "KS_PASS"]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    partner = [e for e in entries if e["alias"] == "partner"]
    assert [e.get("shadowed", False) for e in partner] == [True, False]
    assert partner[1]["chain"][0]["sha256"] == java.chain[0].sha256
    assert "Java uses that one" in partner[0]["note"]
    store = read_keystore(dup, PASSWORD)
    assert store.get("partner").chain[0].der == SECOND  # look-ups find Java's entry
    finding = next(f for f in check_store(store) if f.code == "duplicate-alias")
    assert "2 entries share the alias 'partner'" in finding.message


@pytest.mark.parametrize("target", [StoreType.JKS, StoreType.PKCS12])
def test_saving_needs_the_clash_resolved(dup, tmp_path, target) -> None:
    store = read_keystore(dup, PASSWORD)
    out = tmp_path / f"out.{target.value.lower()}"
    with pytest.raises(CannotHoldError, match="another entry has the same alias"):
        save_keystore(store, out, target, PASSWORD)
    assert not out.exists()
    shadowed = next(e for e in store.entries if e.shadowed)
    store.rename_entry(shadowed, "partner-old")
    assert not any(e.shadowed for e in store.entries)
    save_keystore(store, out, target, PASSWORD)
    assert sorted(e.alias for e in keytool_list(out, PASSWORD)) == [
        "other",
        "partner",
        "partner-old",
    ]


def test_window_rename_and_delete_keep_the_marks_right(qtbot, dup) -> None:
    from keystore_gui.gui.model import EntryModel
    from keystore_gui.gui.undo import RemoveEntries, RenameEntry

    store = read_keystore(dup, PASSWORD)
    model = EntryModel(store)
    shadowed, kept = (e for e in store.entries if e.alias == "partner")

    def kind_of(entry) -> str:  # type: ignore[no-untyped-def]
        row = store.entries.index(entry)
        return str(model.data(model.index(row, 1)))

    assert kind_of(shadowed) == "Trusted cert (unused: same alias below)"
    rename = RenameEntry(model, shadowed, "partner-old")
    rename.redo()
    assert kind_of(kept) == "Trusted cert" and not shadowed.shadowed
    rename.undo()
    assert shadowed.shadowed and shadowed.alias == "partner"
    remove = RemoveEntries(model, [kept], "Delete")
    remove.redo()
    assert not shadowed.shadowed  # alone under its alias now
    remove.undo()  # both back, in their places
    assert [e.alias for e in store.entries] == ["partner", "other", "partner"]
    assert shadowed.shadowed and not kept.shadowed
