"""``keystore-cli list`` and ``show`` on certificate files and in-memory stores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from keystore_gui.cli import main
from keystore_gui.commands.list import entry_json, store_json, table
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, SecretKey, StoreType
from tests.certfactory import der

REPO = Path(__file__).resolve().parents[1]


def test_list_json_matches_the_issue_schema(chain_pem, two_certs, capsys) -> None:
    root, leaf = two_certs
    assert main(["list", str(chain_pem), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "file": str(chain_pem),
        "type": "PEM",
        "entries": [
            {
                "alias": "www.example.org",
                "kind": "trusted-cert",
                "chain": [
                    {
                        "subject": "O=Example,CN=www.example.org",
                        "issuer": "O=Example,CN=Example Root",
                        "serial": "2",
                        "sha256": Certificate(der(leaf)).sha256,
                        "not_before": "2025-01-01T00:00:00Z",
                        "not_after": "2026-01-01T00:00:00Z",
                        "key": "EC secp256r1",
                    }
                ],
            },
            {
                "alias": "example root",
                "kind": "trusted-cert",
                "chain": [
                    {
                        "subject": "O=Example,CN=Example Root",
                        "issuer": "O=Example,CN=Example Root",
                        "serial": "100",
                        "sha256": Certificate(der(root)).sha256,
                        "not_before": "2025-01-01T00:00:00Z",
                        "not_after": "2026-01-01T00:00:00Z",
                        "key": "EC secp256r1",
                    }
                ],
            },
        ],
    }


def test_list_table_is_aligned(chain_pem, capsys) -> None:
    assert main(["list", str(chain_pem)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{chain_pem}: PEM, 2 entries"
    header, *rows = out[2:]
    assert header.split() == ["ALIAS", "KIND", "KEY", "EXPIRES", "SUBJECT"]
    for column in ("KIND", "KEY", "EXPIRES", "SUBJECT"):
        at = header.index(column)
        assert all(row[at - 2 : at] == "  " and row[at] != " " for row in rows), column
    assert rows[0].startswith("www.example.org  trusted-cert  EC secp256r1  2026-01-01  O=Example")


def test_private_and_secret_entries_in_json_and_table(two_certs) -> None:
    root, leaf = two_certs
    store = Keystore(
        StoreType.JCEKS,
        [
            Entry("web", EntryKind.PRIVATE_KEY, [Certificate(der(leaf)), Certificate(der(root))]),
            Entry("db", EntryKind.SECRET_KEY, key=SecretKey("AES", bytes(32))),
            Entry("sealed", EntryKind.SECRET_KEY, secret_algorithm="HmacSHA256"),
            Entry("opaque", EntryKind.SECRET_KEY),
        ],
    )
    doc = store_json(store, "x.jceks")
    assert doc["type"] == "JCEKS"
    web, db, sealed, opaque = doc["entries"]
    assert [c["subject"] for c in web["chain"]] == [
        "O=Example,CN=www.example.org",
        "O=Example,CN=Example Root",
    ]
    assert db == {"alias": "db", "kind": "secret-key", "chain": [], "algorithm": "AES", "size": 256}
    assert sealed["algorithm"] == "HmacSHA256" and sealed["size"] is None
    assert opaque["algorithm"] is None and "once the key is decrypted" in opaque["note"]
    assert entry_json(store.entries[0])["kind"] == "private-key"
    lines = table(store).splitlines()
    assert "(chain of 2)" in lines[1]
    assert lines[2].split()[:4] == ["db", "secret-key", "AES", "256"]
    assert "encrypted (algorithm unknown)" in lines[4]


def test_show_prints_every_field(chain_pem, capsys) -> None:
    assert main(["show", str(chain_pem), "--alias", "WWW.example.org"]) == 0
    out = capsys.readouterr().out
    for needle in (
        "Alias: www.example.org",
        "Kind: trusted-cert",
        "Serial number: 2",
        "Subject Alternative Name: DNS: www.example.org, IP address: 10.0.0.1",
        "Basic Constraints (critical): Certificate authority: no",
        "SHA-1: ",
        "SHA-256: ",
        "-----BEGIN CERTIFICATE-----",
    ):
        assert needle in out


def test_show_json(chain_pem, capsys) -> None:
    assert main(["show", str(chain_pem), "--alias", "example root", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["type"] == "PEM" and doc["entry"]["value"] == "example root"
    labels = [c["label"] for c in doc["entry"]["children"]]
    assert labels == ["Alias", "Kind", "Certificate"]


def test_show_unknown_alias_is_one_line(chain_pem, capsys) -> None:
    assert main(["show", str(chain_pem), "--alias", "nope"]) == 1
    err = capsys.readouterr().err
    assert err == "keystore-cli: no entry with alias 'nope'\n"


def test_list_as_a_subprocess(chain_pem) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "keystore_gui.cli", "list", str(chain_pem), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert [e["alias"] for e in json.loads(proc.stdout)["entries"]] == [
        "www.example.org",
        "example root",
    ]


def test_cli_does_not_import_qt(chain_pem) -> None:
    code = (
        "import sys; from keystore_gui.cli import main; main(['list', sys.argv[1]]); "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(chain_pem)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]"
