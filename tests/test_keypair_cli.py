"""``keystore-cli import-keypair``, ``export-keypair`` and ``export-key``: keys made by openssl
go in, keytool proves them usable, what comes out serves a real ``openssl s_server`` and reads in
``openssl pkcs12`` and ``keytool``; refused input is one line and writes nothing."""

from __future__ import annotations

import io
import os
import re
import selectors
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from keystore_gui import cli
from tests.keypair_pki import KEY_PASSWORD, KeyPki, key_pki
from tests.tools import (
    KEYTOOL,
    OPENSSL,
    genkeypair,
    keytool,
    keytool_list,
    openssl,
    requires_keytool,
    requires_openssl,
)

pytestmark = [requires_openssl, pytest.mark.openssl]
__all__ = ["key_pki"]

PASSWORD = "changeit"
OUT_PASSWORD = "exp0rt-Pass"


@pytest.fixture(autouse=True)
def _passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KS_PASS", PASSWORD)
    monkeypatch.setenv("KEY_PASS", KEY_PASSWORD)
    monkeypatch.setenv("OUT_PASS", OUT_PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: never prompts


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main([*argv, "--password-env", "KS_PASS"])
    out, err = capsys.readouterr()
    return status, out, err


def import_case(
    capsys: pytest.CaptureFixture[str], key_pki: KeyPki, store: Path, name: str, *extra: str
) -> str:
    case = key_pki.case(name)
    argv = ["import-keypair", str(store), "--alias", name.split(".")[0], "--key", str(case.path)]
    if name != "combined.pem":
        argv += ["--cert", str(case.fullchain)]
    if case.password is not None:
        argv += ["--key-password-env", "KEY_PASS"]
    status, out, err = run(capsys, *argv, *extra)
    assert status == 0, err
    return out


def assert_keytool_certreq_verifies(store: Path, alias: str, cert: Path, tmp_path: Path) -> None:
    """``keytool -certreq`` signs with the imported key; openssl verifies it with the cert's key."""
    csr = tmp_path / f"{alias}.csr"
    keytool("-certreq", "-keystore", str(store), "-alias", alias, "-file", str(csr),
            storepass=PASSWORD)  # fmt: skip
    verified = openssl("req", "-in", str(csr), "-verify", "-noout")
    assert "verify OK" in verified.stdout + verified.stderr
    csr_key = openssl("req", "-in", str(csr), "-pubkey", "-noout").stdout
    cert_key = openssl("x509", "-in", str(cert), "-pubkey", "-noout").stdout
    assert csr_key == cert_key


KEYTOOL_CASES = {
    # store type: (imported files, the two keytool signs a request with)
    "jks": (["rsa-pkcs1-aes.pem", "dsa-traditional.pem", "ed448-pkcs8.pem"], [0, 1]),
    "jceks": (["rsa-pkcs8-3des.pem", "ec-sec1-aes.pem"], [0, 1]),
    "p12": (["combined.pem", "rsa-pkcs8-aes.der", "ed25519-pkcs8.pem", "ec-sec1.pem"], [0, 2]),
}


@requires_keytool
@pytest.mark.keytool
@pytest.mark.parametrize("suffix", list(KEYTOOL_CASES))
def test_imported_keys_are_usable_by_keytool(
    capsys: pytest.CaptureFixture[str], key_pki: KeyPki, tmp_path: Path, suffix: str
) -> None:
    store = tmp_path / f"server.{suffix}"
    names, signed = KEYTOOL_CASES[suffix]
    for name in names:
        out = import_case(capsys, key_pki, store, name)
        assert "chain of 3: localhost" in out
    listed = keytool_list(store, PASSWORD)
    assert sorted(e.alias for e in listed) == sorted(n.split(".")[0] for n in names)
    assert all(e.kind == "private-key" and len(e.chain) == 3 for e in listed)
    for index in signed:
        case = key_pki.case(names[index])
        assert_keytool_certreq_verifies(store, names[index].split(".")[0], case.leaf.cert, tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_pem_split_output_serves_tls(
    capsys: pytest.CaptureFixture[str], key_pki: KeyPki, tmp_path: Path
) -> None:
    store = tmp_path / "server.jks"
    import_case(capsys, key_pki, store, "ec-sec1.pem")
    status, out, err = run(
        capsys, "export-keypair", str(store), "--alias", "ec-sec1", "--out",
        str(tmp_path / "www"), "--format", "pem-split", "--no-encrypt",
    )  # fmt: skip
    assert status == 0, err
    assert "www.key (key, mode 0600)" in out
    assert stat.S_IMODE((tmp_path / "www.key").stat().st_mode) == 0o600
    assert OPENSSL is not None
    port = _free_port()
    server = subprocess.Popen(
        [OPENSSL, "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", "1", "-www",
         "-cert", str(tmp_path / "www.crt"), "-key", str(tmp_path / "www.key"),
         "-cert_chain", str(tmp_path / "www.chain.pem")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(server.stdout, selectors.EVENT_READ)
            said = b""
            while b"ACCEPT" not in said:
                assert sel.select(timeout=30), "s_server did not start"
                chunk = os.read(server.stdout.fileno(), 4096)  # unbuffered: select sees it all
                assert chunk, "s_server ended"
                said += chunk
        client = openssl(
            "s_client", "-connect", f"127.0.0.1:{port}", "-verify_return_error",
            "-CAfile", str(key_pki.root.cert), "-verify_hostname", "localhost",
            input=b"",
        )  # fmt: skip
    finally:
        server.kill()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
    assert "Verify return code: 0 (ok)" in client.stdout
    assert len(re.findall(r"^ \d s:", client.stdout, re.M)) == 2  # leaf and issuing CA sent


@pytest.mark.parametrize("legacy", [False, True], ids=["aes", "legacy"])
def test_pkcs12_export_reads_in_openssl_and_keytool(
    capsys: pytest.CaptureFixture[str], key_pki: KeyPki, tmp_path: Path, legacy: bool
) -> None:
    store = tmp_path / "server.jks"
    import_case(capsys, key_pki, store, "rsa-pkcs8.pem")
    out_file = tmp_path / "www.pfx"
    extra = ["--legacy"] if legacy else []
    status, _, err = run(
        capsys, "export-keypair", str(store), "--alias", "rsa-pkcs8", "--out", str(out_file),
        "--out-password-env", "OUT_PASS", *extra,
    )  # fmt: skip
    assert status == 0, err
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    info = openssl("pkcs12", "-in", str(out_file), "-info", "-noout", passin=OUT_PASSWORD)
    text = info.stdout + info.stderr
    if legacy:
        assert "pbeWithSHA1And3-KeyTripleDES-CBC" in text and "MAC: sha1" in text
    else:
        assert "PBES2, PBKDF2, AES-256-CBC" in text and "MAC: sha256" in text
    keys = openssl("pkcs12", "-in", str(out_file), "-nocerts", "-nodes", passin=OUT_PASSWORD)
    assert "BEGIN PRIVATE KEY" in keys.stdout
    if KEYTOOL is not None:
        (entry,) = keytool_list(out_file, OUT_PASSWORD)
        assert entry.alias == "rsa-pkcs8" and entry.kind == "private-key" and len(entry.chain) == 3


def test_from_pkcs12_and_replace(
    capsys: pytest.CaptureFixture[str], key_pki: KeyPki, tmp_path: Path
) -> None:
    leaf = key_pki.leaves["ed25519"]
    p12 = tmp_path / "openssl.p12"
    openssl("pkcs12", "-export", "-inkey", str(leaf.key), "-in", str(leaf.cert),
            "-certfile", str(key_pki.ca.cert), "-name", "web", "-out", str(p12),
            passout=KEY_PASSWORD)  # fmt: skip
    store = tmp_path / "wso2carbon.jks"
    import_case(capsys, key_pki, store, "rsa-pkcs8.pem")
    status, _, err = run(
        capsys, "import-keypair", str(store), "--from-pkcs12", str(p12), "--alias", "rsa-pkcs8",
        "--from-password-env", "KEY_PASS",
    )  # fmt: skip
    assert status == 1
    assert err == (
        f"keystore-cli: alias 'rsa-pkcs8' is already in use in {store}: give --replace to swap "
        "in the new key pair\n"
    )
    status, out, err = run(
        capsys, "import-keypair", str(store), "--from-pkcs12", str(p12), "--alias", "rsa-pkcs8",
        "--from-password-env", "KEY_PASS", "--replace",
    )  # fmt: skip
    assert status == 0, err
    assert out.startswith("replaced 'rsa-pkcs8': Ed25519, chain of 3:")
    status, out, err = run(
        capsys, "import-keypair", str(store), "--from-pkcs12", str(p12),
        "--from-password-env", "KEY_PASS",
    )  # fmt: skip
    assert status == 0, err
    assert out.startswith("added 'web': Ed25519")


def test_export_key_public(
    capsys: pytest.CaptureFixture[str], key_pki: KeyPki, tmp_path: Path
) -> None:
    store = tmp_path / "server.p12"
    import_case(capsys, key_pki, store, "ec-sec1.pem")
    expected = openssl("x509", "-in", str(key_pki.leaves["ec"].cert), "-pubkey", "-noout").stdout
    status, out, _ = run(capsys, "export-key", str(store), "--alias", "ec-sec1", "--public")
    assert status == 0 and out == expected
    status, out, _ = run(capsys, "export-key", str(store), "--alias", "ec-sec1", "--public",
                         "--format", "openssh")  # fmt: skip
    assert status == 0 and out.startswith("ecdsa-sha2-nistp256 ")
    der = tmp_path / "pub.der"
    status, _, _ = run(capsys, "export-key", str(store), "--alias", "ec-sec1", "--public",
                       "--format", "der", "--out", str(der))  # fmt: skip
    assert status == 0
    assert openssl("pkey", "-pubin", "-inform", "DER", "-in", str(der)).stdout == expected


# --- refused: one line, nothing written --------------------------------------------------------


def _bad_input(key_pki: KeyPki, tmp_path: Path, what: str) -> tuple[list[str], str]:
    rsa = key_pki.case("rsa-pkcs8.pem")
    enc = key_pki.case("rsa-pkcs8-aes.pem")
    chain = ["--cert", str(rsa.fullchain)]
    if what == "key does not match":
        return ["--key", str(key_pki.case("ec-sec1.pem").path), "--cert", str(rsa.leaf.cert)], (
            "the key does not belong to this certificate ('O=Example,CN=localhost rsa')"
        )
    if what == "wrong key password":
        return ["--key", str(enc.path), *chain, "--key-password-env", "OUT_PASS"], (
            f"wrong password for the key in {enc.path}"
        )
    if what == "encrypted, no password":
        return ["--key", str(enc.path), *chain], (
            f"the key in {enc.path} is encrypted: give --key-password-env VAR or "
            "--key-password-file PATH, or run on a terminal"
        )
    if what == "chain does not link":
        return ["--key", str(rsa.path), "--cert", str(rsa.leaf.cert),
                "--chain", str(key_pki.root.cert)], (
            "the chain does not link: 'Example Root CA' does not sign 'localhost rsa', whose "
            "issuer is 'Example Issuing CA'"
        )  # fmt: skip
    if what == "unsupported key type":
        x25519 = tmp_path / "x25519.pem"
        openssl("genpkey", "-algorithm", "X25519", "-out", str(x25519))
        return ["--key", str(x25519), *chain], (
            f"{x25519}: unsupported key type X25519: a key pair needs a signing key "
            "(RSA, EC, DSA, Ed25519 or Ed448)"
        )
    if what == "truncated PEM":
        cut = tmp_path / "cut.pem"
        cut.write_bytes(rsa.path.read_bytes()[:600])
        return ["--key", str(cut), *chain], (
            f"file is truncated: {cut}: the PEM block 'PRIVATE KEY' has no END line"
        )
    assert what == "certificate as key"
    return ["--key", str(rsa.fullchain), *chain], (
        f"{rsa.fullchain} holds certificates, not a private key"
    )


BAD = [
    "key does not match",
    "wrong key password",
    "encrypted, no password",
    "chain does not link",
    "unsupported key type",
    "truncated PEM",
    "certificate as key",
]


@pytest.mark.parametrize("existing", [False, True], ids=["new-store", "existing-store"])
@pytest.mark.parametrize("what", BAD)
def test_bad_input_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], key_pki: KeyPki, tmp_path: Path, what: str, existing: bool
) -> None:
    store = tmp_path / "server.p12"
    if existing:
        import_case(capsys, key_pki, store, "ec-pkcs8.pem")
    before = store.read_bytes() if existing else None
    argv, message = _bad_input(key_pki, tmp_path, what)
    status, out, err = run(capsys, "import-keypair", str(store), "--alias", "new", *argv)
    assert (status, out, err) == (1, "", f"keystore-cli: {message}\n")
    assert (store.read_bytes() if store.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_refusals_write_nothing(
    capsys: pytest.CaptureFixture[str], key_pki: KeyPki, tmp_path: Path
) -> None:
    store = tmp_path / "server.jks"
    import_case(capsys, key_pki, store, "ec-pkcs8.pem")
    target = tmp_path / "www.p12"
    base = ["export-keypair", str(store), "--alias", "ec-pkcs8", "--out", str(target)]
    for extra, message in [
        ([], "the exported key needs a password: give --out-password-env VAR or "
             "--out-password-file PATH, or run on a terminal"),
        (["--no-encrypt"], "a PKCS#12 file always has a password: --no-encrypt is for pem formats"),
        (["--format", "pem", "--legacy"], "--legacy applies to --format pkcs12 only"),
    ]:  # fmt: skip
        status, _, err = run(capsys, *base, *extra)
        assert (status, err) == (1, f"keystore-cli: {message}\n")
        assert not target.exists()
    target.write_bytes(b"keep me")
    status, _, err = run(capsys, *base, "--out-password-env", "OUT_PASS")
    assert (status, err) == (
        1,
        f"keystore-cli: {target} already exists; give --overwrite to replace it\n",
    )
    assert target.read_bytes() == b"keep me"
    status, _, err = run(capsys, *base, "--out-password-env", "OUT_PASS", "--overwrite")
    assert status == 0, err


@requires_keytool
@pytest.mark.keytool
def test_from_a_jks_whose_key_has_its_own_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "tomcat.jks"
    genkeypair(source, "JKS", "tomcat", "CN=tomcat.example.com", "-keyalg", "EC",
               storepass="store-pass", keypass="key-pass")  # fmt: skip
    monkeypatch.setenv("SRC_PASS", "store-pass")
    monkeypatch.setenv("SRC_KEY_PASS", "key-pass")
    store = tmp_path / "new.p12"
    argv = ["import-keypair", str(store), "--from-pkcs12", str(source),
            "--from-password-env", "SRC_PASS"]  # fmt: skip
    status, _, err = run(capsys, *argv)
    assert (status, err) == (
        1,
        "keystore-cli: entry 'tomcat' has its own key password: give --from-key-password-env "
        "VAR or --from-key-password-file PATH\n",
    )
    assert not store.exists()
    status, out, err = run(capsys, *argv, "--from-key-password-env", "SRC_KEY_PASS")
    assert status == 0, err
    assert out.startswith("added 'tomcat': EC secp")
    (entry,) = keytool_list(store, PASSWORD)
    assert entry.alias == "tomcat" and entry.kind == "private-key"
