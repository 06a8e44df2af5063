"""``keystore-cli genkey`` and ``csr``: refusals change nothing; what they write keytool and
openssl accept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from keystore_gui import cli
from keystore_gui.core.errors import KeystoreError
from keystore_gui.core.io import read_keystore
from tests.tools import keytool, keytool_list, openssl, requires_keytool, requires_openssl

PASSWORD = "changeit"


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KS_PASS", PASSWORD)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main([*argv, "--password-env", "KS_PASS"])
    out, err = capsys.readouterr()
    return status, out, err


def genkey(capsys: pytest.CaptureFixture[str], store: Path, alias: str, *extra: str) -> str:
    status, out, err = run(capsys, "genkey", str(store), "--alias", alias, *extra)
    assert status == 0, err
    return out


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--key-type", "rsa:17"], "RSA key size '17' is not offered (choose 2048, 3072, 4096)"),
        (["--dname", "CN=x, C=Lanka"], "C must be a two-letter country code"),
        (["--template", "web"], "unknown template 'web'"),
        (["--san", "dns:bad name"], "'bad name' is not a DNS name"),
        (["--san", "host.example.com"], "is not a subject alternative name"),
        (["--days", "0"], "--days must be at least 1"),
        (["--path-length", "1"], "--path-length needs --template ca"),
        (["--template", "ca", "--path-length", "-1"], "the path length cannot be negative"),
        (["--sig-alg", "MD5withRSA"], "unknown signature algorithm 'MD5withRSA'"),
        (["--issuer", "nobody"], "no entry with alias 'nobody'"),
        (["--alias", "smile \U0001f600"], "cannot hold characters such as emoji in an alias"),
    ],
)
def test_bad_values_create_nothing(
    args: list[str], reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "new.p12"
    argv = ["genkey", str(store), "--alias", "a", "--key-type", "ec:p-256", "--dname", "CN=a"]
    status, _, err = run(capsys, *argv, *args)
    assert status != 0
    assert reason in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def pki_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JKS made by the CLI: root CA, intermediate CA signed by it, server signed by that."""
    store = tmp_path_factory.mktemp("pki") / "pki.jks"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KS_PASS", PASSWORD)
        for argv in (
            ["--alias", "root", "--dname", "CN=Root CA, O=Example, C=LK", "--template", "ca"],
            ["--alias", "intermediate", "--dname", "CN=Intermediate CA, O=Example", "--template", "ca", "--path-length", "0", "--issuer", "root"],
            ["--alias", "server", "--dname", "CN=www.example.com, O=Example", "--template", "tls-server", "--san", "ip:10.0.0.1", "--days", "90", "--issuer", "intermediate"],
        ):  # fmt: skip
            status = cli.main(
                ["genkey", str(store), "--key-type", "ec:p-256", *argv, "--password-env", "KS_PASS"]
            )
            assert status == 0
    return store


def test_existing_alias_is_refused_and_store_unchanged(
    pki_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = hashlib.sha256(pki_store.read_bytes()).digest()
    status, _, err = run(
        capsys, "genkey", str(pki_store), "--alias", "SERVER", "--key-type", "ec", "--dname", "CN=x"
    )
    assert status != 0 and "alias 'SERVER' is already in use" in err
    status, _, err = run(
        capsys, "genkey", str(pki_store), "--alias", "x", "--dname", "CN=x", "--issuer", "server"
    )
    assert status != 0 and "its certificate is not a CA" in err
    status, _, err = run(
        capsys, "genkey", str(pki_store), "--alias", "sub", "--dname", "CN=Sub CA",
        "--template", "ca", "--issuer", "intermediate",
    )  # fmt: skip
    assert status != 0 and "'intermediate' has path length 0" in err
    assert hashlib.sha256(pki_store.read_bytes()).digest() == before


@requires_openssl
def test_cli_chain_verifies_with_openssl(pki_store: Path, tmp_path: Path) -> None:
    store = read_keystore(pki_store, PASSWORD)
    server = store.get("server")
    assert len(server.chain) == 3
    for name, cert in zip(("server", "intermediate", "root"), server.chain, strict=True):
        (tmp_path / f"{name}.pem").write_text(cert.pem)
    out = openssl(
        "verify",
        "-CAfile", str(tmp_path / "root.pem"),
        "-untrusted", str(tmp_path / "intermediate.pem"),
        "-purpose", "sslserver",
        str(tmp_path / "server.pem"),
    )  # fmt: skip
    assert "OK" in out.stdout
    text = openssl("x509", "-in", str(tmp_path / "server.pem"), "-noout", "-text").stdout
    assert "DNS:www.example.com, IP Address:10.0.0.1" in text
    text = openssl("x509", "-in", str(tmp_path / "intermediate.pem"), "-noout", "-text").stdout
    assert "CA:TRUE, pathlen:0" in text


@requires_keytool
def test_keytool_reads_the_cli_store(pki_store: Path, tmp_path: Path) -> None:
    entries = {e.alias: e for e in keytool_list(pki_store, PASSWORD)}
    assert set(entries) == {"root", "intermediate", "server"}
    assert [c.owner for c in entries["server"].chain] == [
        "CN=www.example.com, O=Example",
        "CN=Intermediate CA, O=Example",
        "CN=Root CA, O=Example, C=LK",
    ]
    csr = tmp_path / "server.csr"
    keytool(
        "-certreq", "-alias", "server", "-keystore", str(pki_store), "-file", str(csr),
        storepass=PASSWORD,
    )  # fmt: skip
    assert "BEGIN NEW CERTIFICATE REQUEST" in csr.read_text()


@requires_openssl
def test_csr_command(pki_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "server.csr"
    status, _, err = run(capsys, "csr", str(pki_store), "--alias", "server", "--out", str(out_file))
    assert status == 0, err
    result = openssl("req", "-in", str(out_file), "-verify", "-noout", "-text")
    assert "verify OK" in result.stdout + result.stderr
    assert "DNS:www.example.com, IP Address:10.0.0.1" in result.stdout
    status, _, err = run(
        capsys, "csr", str(pki_store), "--alias", "nobody", "--out", str(tmp_path / "x")
    )
    assert status != 0 and "no entry with alias 'nobody'" in err
    assert not (tmp_path / "x").exists()


def test_new_store_type_from_extension_or_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p12 = tmp_path / "id.p12"
    genkey(
        capsys, p12, "me", "--key-type", "ed25519", "--dname", "CN=me", "--template", "tls-client"
    )
    assert read_keystore(p12, PASSWORD).store_type == "PKCS12"
    odd = tmp_path / "id.store"
    status, _, err = run(
        capsys, "genkey", str(odd), "--alias", "me", "--key-type", "ec", "--dname", "CN=me"
    )
    assert status != 0 and "give --type" in err and not odd.exists()
    genkey(capsys, odd, "me", "--key-type", "ec", "--dname", "CN=me", "--type", "jks")
    assert read_keystore(odd, PASSWORD).store_type == "JKS"
    status, _, err = run(
        capsys,
        "genkey",
        str(odd),
        "--alias",
        "b",
        "--key-type",
        "ec",
        "--dname",
        "CN=b",
        "--type",
        "pkcs12",
    )
    assert status != 0 and "is a JKS store, not PKCS12" in err


@requires_keytool
def test_entry_password_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEY_PASS", "entrysecret")
    store = tmp_path / "own.jks"
    genkey(
        capsys, store, "k", "--key-type", "ec", "--dname", "CN=k", "--key-password-env", "KEY_PASS"
    )
    csr = tmp_path / "k.csr"
    keytool(
        "-certreq", "-alias", "k", "-keystore", str(store), "-file", str(csr),
        storepass=PASSWORD, keypass="entrysecret",
    )  # fmt: skip
    assert csr.exists()
    status, _, err = run(capsys, "csr", str(store), "--alias", "k")
    assert status != 0 and "has its own key password" in err
    status = cli.main(
        [
            "csr",
            str(store),
            "--alias",
            "k",
            "--password-env",
            "KS_PASS",
            "--key-password-env",
            "KEY_PASS",
        ]
    )
    assert status == 0 and "BEGIN CERTIFICATE REQUEST" in capsys.readouterr().out
    p12 = tmp_path / "own.p12"
    status, _, err = run(
        capsys, "genkey", str(p12), "--alias", "k", "--key-type", "ec", "--dname", "CN=k",
        "--key-password-env", "KEY_PASS",
    )  # fmt: skip
    assert status != 0 and "PKCS12 entries have no password of their own" in err
    assert not p12.exists()


def test_jceks_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "k.jceks"
    genkey(
        capsys,
        store,
        "k",
        "--key-type",
        "ec:p-384",
        "--dname",
        "CN=k",
        "--template",
        "code-signing",
    )
    entry = read_keystore(store, PASSWORD).get("k")
    assert entry.chain[0].key_description == "EC secp384r1"


def test_issuer_with_its_own_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CA_PASS", "casecret")
    store = tmp_path / "ca.jks"
    genkey(
        capsys,
        store,
        "ca",
        "--key-type",
        "ec",
        "--dname",
        "CN=CA",
        "--template",
        "ca",
        "--key-password-env",
        "CA_PASS",
    )
    status, _, err = run(
        capsys,
        "genkey",
        str(store),
        "--alias",
        "leaf",
        "--key-type",
        "ec",
        "--dname",
        "CN=leaf",
        "--issuer",
        "ca",
    )
    assert status != 0 and "entry 'ca' has its own key password" in err
    genkey(
        capsys,
        store,
        "leaf",
        "--key-type",
        "ec",
        "--dname",
        "CN=leaf",
        "--issuer",
        "ca",
        "--issuer-password-env",
        "CA_PASS",
    )
    reread = read_keystore(store, PASSWORD)
    assert [c.common_name() for c in reread.get("leaf").chain] == ["leaf", "CA"]
    with pytest.raises(KeystoreError):
        reread.unlock(reread.get("ca"))  # still sealed under its own password
    reread.unlock(reread.get("ca"), "casecret")


@pytest.mark.parametrize("suffix", ["jks", "p12"])
def test_sign_csr_and_import_reply(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The keytool round trip, headless: request, CA signs it, reply installed on the key."""
    ca_store = tmp_path / f"ca.{suffix}"
    genkey(
        capsys, ca_store, "ca", "--key-type", "ec:p-384", "--dname", "CN=CLI CA", "--template", "ca"
    )
    server = tmp_path / f"server.{suffix}"
    genkey(
        capsys,
        server,
        "web",
        "--key-type",
        "ec",
        "--dname",
        "CN=web.example.com",
        "--template",
        "tls-server",
    )
    request = tmp_path / "web.csr"
    status, _, err = run(capsys, "csr", str(server), "--alias", "web", "--out", str(request))
    assert status == 0, err
    reply = tmp_path / "web.p7b"
    status, out, err = run(
        capsys, "sign-csr", str(ca_store), "--issuer", "ca", "--in", str(request),
        "--out", str(reply), "--days", "30", "--san", "dns:www.example.com",
    )  # fmt: skip
    assert status == 0, err
    assert "signed by 'ca'" in out and "chain of 2" in out
    before = server.read_bytes()
    status, _, err = run(
        capsys, "import-reply", str(server), "--alias", "web", "--in", str(ca_store)
    )
    assert status != 0 and "not a certificate file" in err
    status, _, err = run(
        capsys, "import-reply", str(server), "--alias", "web", "--in", str(request)
    )
    assert status != 0 and "not a certificate file" in err
    assert server.read_bytes() == before
    status, out, err = run(
        capsys, "import-reply", str(server), "--alias", "web", "--in", str(reply)
    )
    assert status == 0, err
    assert "chain of 2: web.example.com <- CLI CA" in out
    entry = read_keystore(server, PASSWORD).get("web")
    assert [c.common_name() for c in entry.chain] == ["web.example.com", "CLI CA"]
    leaf = entry.chain[0].x509
    assert leaf is not None
    assert "www.example.com" in str(leaf.extensions)
    assert (entry.chain[0].not_after - entry.chain[0].not_before).days == 30
    if suffix == "jks":
        csr = tmp_path / "again.csr"
        keytool(
            "-certreq", "-alias", "web", "-keystore", str(server), "-file", str(csr),
            storepass=PASSWORD,
        )  # fmt: skip
        assert [c.owner for c in keytool_list(server, PASSWORD)[0].chain] == [
            "CN=web.example.com",
            "CN=CLI CA",
        ]
    # the CA's own certificate is no reply for this key
    ca_pem = tmp_path / "ca.pem"
    ca_pem.write_text(read_keystore(ca_store, PASSWORD).get("ca").chain[0].pem)
    status, _, err = run(capsys, "import-reply", str(server), "--alias", "web", "--in", str(ca_pem))
    assert status != 0 and "the reply has no certificate for the key of entry 'web'" in err
