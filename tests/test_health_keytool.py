"""Every health finding on stores made by keytool and openssl, through ``keystore-cli lint``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keystore_gui import cli
from keystore_gui.core.io import read_keystore, save_keystore
from tests.tools import (
    genkeypair,
    keytool,
    keytool_list,
    openssl,
    requires_keytool,
    requires_openssl,
)

pytestmark = [requires_keytool, requires_openssl]

DEFAULT = "changeit"
OWN = "Ops-Owned-9"


def gen(store: Path, alias: str, *args: str, storetype: str = "JKS", dname: str = "") -> None:
    genkeypair(
        store, storetype, alias, dname or f"CN={alias}", *args, storepass=DEFAULT, keypass=DEFAULT
    )


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("health")
    jks = d / "findings.jks"
    ec = ("-keyalg", "EC", "-groupname", "secp256r1")
    gen(jks, "expired", *ec, "-startdate", "-400d", "-validity", "30")
    gen(jks, "expiring", *ec, "-validity", "10")
    gen(jks, "future", *ec, "-startdate", "+30d", "-validity", "365")
    gen(jks, "weak", "-keyalg", "RSA", "-keysize", "1024", "-validity", "365")
    gen(jks, "nosan", *ec, "-ext", "EKU=serverAuth", "-validity", "365")
    gen(jks, "ca", "-keyalg", "RSA", "-keysize", "2048", "-ext", "BC:c=ca:true", "-validity", "365")
    # a leaf the CA signs with SHA-1: a weak signature anywhere but on a root
    gen(jks, "sha1leaf", *ec, "-validity", "365")
    req, reply = d / "leaf.csr", d / "leaf.cer"
    keytool(
        "-certreq",
        "-keystore",
        str(jks),
        "-alias",
        "sha1leaf",
        "-file",
        str(req),
        storepass=DEFAULT,
    )
    keytool(
        "-gencert",
        "-keystore",
        str(jks),
        "-alias",
        "ca",
        "-sigalg",
        "SHA1withRSA",
        "-infile",
        str(req),
        "-outfile",
        str(reply),
        "-validity",
        "300",
        storepass=DEFAULT,
    )
    keytool(
        "-importcert",
        "-keystore",
        str(jks),
        "-alias",
        "sha1leaf",
        "-file",
        str(reply),
        storepass=DEFAULT,
    )
    cert = d / "nosan.cer"
    keytool(
        "-exportcert",
        "-keystore",
        str(jks),
        "-alias",
        "nosan",
        "-file",
        str(cert),
        storepass=DEFAULT,
    )
    keytool(
        "-importcert",
        "-noprompt",
        "-keystore",
        str(jks),
        "-alias",
        "nosan-again",
        "-file",
        str(cert),
        storepass=DEFAULT,
    )

    # A clean PKCS#12 with its own password, and a truststore it does not chain to.
    clean = d / "clean.p12"
    genkeypair(
        clean, "PKCS12", "svc", "CN=svc.example", *ec, "-ext", "SAN=dns:svc.example",
        "-validity", "365", storepass=OWN,
    )  # fmt: skip
    trust = d / "trust.p12"
    gen(trust, "other-root", *ec, "-ext", "BC:c=ca:true", storetype="PKCS12")

    # Aliases that differ only by case, as OpenSSL writes them into a PKCS#12.
    key, leaf = d / "k.pem", d / "leaf.pem"
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        str(key),
        "-subj",
        "/CN=case",
        "-days",
        "365",
        "-out",
        str(leaf),
        "-addext",
        "subjectAltName=DNS:case.example",
    )
    ca_pem = d / "ca.pem"
    keytool(
        "-exportcert",
        "-rfc",
        "-keystore",
        str(jks),
        "-alias",
        "ca",
        "-file",
        str(ca_pem),
        storepass=DEFAULT,
    )
    case = d / "case.p12"
    openssl(
        "pkcs12",
        "-export",
        "-inkey",
        str(key),
        "-in",
        str(leaf),
        "-name",
        "Server",
        "-certfile",
        str(ca_pem),
        "-caname",
        "server",
        "-out",
        str(case),
        passout=OWN,
    )

    # A chain stored out of order: keytool's chain, reversed, written by this product.
    shuffled = d / "shuffled.jks"
    store = read_keystore(jks, DEFAULT)
    entry = store.get("sha1leaf")
    store.unlock(entry)
    entry.chain.reverse()
    store.entries = [entry]
    store.password = OWN
    save_keystore(store, shuffled)
    return {"jks": jks, "clean": clean, "trust": trust, "case": case, "shuffled": shuffled}


def lint(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    password: str,
    *extra: str,
) -> tuple[int, dict[str, list[str | None]]]:
    monkeypatch.setenv("KS_PASS", password)
    monkeypatch.setenv("TS_PASS", DEFAULT)
    status = cli.main(
        [
            "lint",
            str(path),
            "--password-env",
            "KS_PASS",
            "--json",
            "--truststore-password-env",
            "TS_PASS",
            *extra,
        ]
    )
    out, err = capsys.readouterr()
    assert err == ""
    found: dict[str, list[str | None]] = {}
    for f in json.loads(out)["findings"]:
        found.setdefault(f["code"], []).append(f["alias"])
    return status, found


def test_findings_on_a_keytool_store(
    stores: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, found = lint(capsys, monkeypatch, stores["jks"], DEFAULT)
    assert status == 4
    assert found["expired"] == ["expired"]
    assert found["expiring"] == ["expiring"]
    assert found["not-yet-valid"] == ["future"]
    assert found["weak-key"] == ["weak"]
    assert found["weak-signature"] == ["sha1leaf"]
    assert found["tls-server-without-san"] == ["nosan"]
    assert found["ca-without-key-usage"] == ["ca", "sha1leaf"]  # the CA, and as sha1leaf's issuer
    assert found["duplicate-certificate"] == ["nosan"]
    assert found["default-password"] == [None]
    assert found["proprietary-format"] == [None]


def test_a_clean_store_exits_zero(
    stores: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, found = lint(capsys, monkeypatch, stores["clean"], OWN)
    assert (status, found) == (0, {})


def test_untrusted_against_a_truststore(
    stores: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, found = lint(
        capsys, monkeypatch, stores["clean"], OWN, "--truststore", str(stores["trust"])
    )
    assert status == 4
    assert found == {"untrusted": ["svc"]}


def test_case_clash_in_an_openssl_pkcs12(
    stores: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, found = lint(capsys, monkeypatch, stores["case"], OWN)
    assert len(found["alias-case-clash"]) == 1


def test_chain_out_of_order(
    stores: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [len(e.chain) for e in keytool_list(stores["shuffled"], OWN)] == [2]
    _, found = lint(capsys, monkeypatch, stores["shuffled"], OWN)
    assert found["broken-chain"] == ["sha1leaf"]


def test_text_output_and_days_option(
    stores: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KS_PASS", OWN)
    assert (
        cli.main(["lint", str(stores["clean"]), "--password-env", "KS_PASS", "--days", "400"]) == 4
    )
    out = capsys.readouterr().out
    assert out.startswith("WARNING  entry 'svc' expires in")
    assert "→ renew it before it expires" in out
