"""``keystore-cli examine`` and ``trust`` against real ``openssl s_server`` processes on loopback,
and a real Java client that proves the fix: "PKIX path building failed" before ``trust``,
connected after it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core.io import read_keystore
from tests.tls_servers import (
    ConnectProxy,
    PlainHttpServer,
    Server,
    ServerPki,
    SilentServer,
    make_server_pki,
    s_server,
)
from tests.tools import openssl, requires_openssl

pytestmark = [requires_openssl, pytest.mark.openssl]

JAVA = shutil.which("java")
CLIENT = Path(__file__).parent / "java" / "Client.java"
PASSWORD = "trust-secret"
TRUST = ["--truststore-password-env", "TS_PASS"]


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TS_PASS", PASSWORD)
    for name in ("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> ServerPki:
    return make_server_pki(tmp_path_factory.mktemp("tls-cli-pki"))


@pytest.fixture(scope="module")
def full(pki: ServerPki) -> Iterator[Server]:
    with s_server(pki.leaf, pki.file("full.pem", pki.intermediate, pki.root)) as server:
        yield server


@pytest.fixture(scope="module")
def no_intermediate(pki: ServerPki) -> Iterator[Server]:
    with s_server(pki.leaf) as server:
        yield server


@pytest.fixture(scope="module")
def self_signed(pki: ServerPki) -> Iterator[Server]:
    with s_server(pki.self_signed) as server:
        yield server


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def java_client(server: Server, truststore: Path) -> tuple[int, str]:
    """``java Client.java localhost PORT`` trusting ``truststore``; its password from the env."""
    proc = subprocess.run(
        [
            JAVA or "java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            f"-Djavax.net.ssl.trustStore={truststore}", str(CLIENT), "localhost", str(server.port),
        ],
        env={**os.environ, "CLIENT_TRUSTSTORE_PASSWORD": PASSWORD},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return proc.returncode, proc.stdout + proc.stderr


# --- examine -----------------------------------------------------------------------------------


def test_examine_json_shape(
    capsys: pytest.CaptureFixture[str], pki: ServerPki, full: Server
) -> None:
    status, out, err = run(capsys, "examine", full.target, "--json")
    assert (status, err) == (3, "")
    result = json.loads(out)
    assert set(result) == {
        "host", "port", "servername", "protocol", "cipher", "sent", "trusted", "hostname_ok",
        "problems", "fix",
    }  # fmt: skip
    assert (result["host"], result["port"]) == ("127.0.0.1", full.port)
    assert result["protocol"] == "TLSv1.3"
    assert [c["sha256"] for c in result["sent"]] == [
        pki.leaf.certificate.sha256,
        pki.intermediate.certificate.sha256,
        pki.root.certificate.sha256,
    ]
    assert set(result["sent"][0]) == {
        "subject", "issuer", "serial", "sha256", "not_before", "not_after", "key",
    }  # fmt: skip
    assert result["trusted"] is False and result["hostname_ok"] is True
    assert [p["code"] for p in result["problems"]] == ["untrusted-root"]
    assert set(result["problems"][0]) == {"code", "severity", "message", "advice", "sha256"}
    assert result["fix"]["add"] == [pki.root.certificate.sha256]


def test_examine_text_and_save_chain(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pki: ServerPki, full: Server
) -> None:
    pem = tmp_path / "sent.pem"
    truststore = tmp_path / "roots.p12"
    assert run(capsys, "trust", full.target, "--truststore", str(truststore), *TRUST)[0] == 0
    status, out, _ = run(
        capsys, "examine", f"localhost:{full.port}", "--truststore", str(truststore), *TRUST,
        "--save-chain", str(pem),
    )  # fmt: skip
    assert status == 0
    assert "Sent by the server, in its order:\n  0  O=Loopback,CN=localhost\n" in out
    assert "Hostname 'localhost' matches the certificate's names: localhost, 127.0.0.1, ::1" in out
    assert "TRUSTED: a Java client with these truststores accepts this server" in out
    assert pem.read_text().count("BEGIN CERTIFICATE") == 3
    listed = openssl("crl2pkcs7", "-nocrl", "-certfile", str(pem)).stdout
    assert listed  # OpenSSL reads the bundle
    status, _, err = run(capsys, "examine", full.target, "--save-chain", str(pem))
    assert status == 1
    assert err == f"keystore-cli: {pem} already exists; give --overwrite to replace it\n"


def test_examine_wrong_hostname_exits_3(capsys: pytest.CaptureFixture[str], pki: ServerPki) -> None:
    with s_server(pki.other_host, pki.file("other.pem", pki.intermediate)) as server:
        status, out, _ = run(
            capsys, "examine", f"localhost:{server.port}", "--intermediates", str(pki.root.cert),
            "--json",
        )  # fmt: skip
    result = json.loads(out)
    assert status == 3 and result["hostname_ok"] is False
    assert "hostname-mismatch" in [p["code"] for p in result["problems"]]


def test_examine_with_a_client_certificate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pki: ServerPki
) -> None:
    client = tmp_path / "client.p12"
    openssl(
        "pkcs12", "-export", "-inkey", str(pki.client.key), "-in", str(pki.client.cert),
        "-certfile", str(pki.intermediate.cert), "-name", "me", "-out", str(client),
        passout=PASSWORD,
    )  # fmt: skip
    args = ("-Verify", "2", "-CAfile", str(pki.root.cert))
    with s_server(pki.leaf, pki.file("c.pem", pki.intermediate), *args) as server:
        status, _, err = run(capsys, "examine", server.target)
        assert status == 1
        assert err == (
            f"keystore-cli: {server.target} refused the handshake: TLS alert "
            "certificate_required: the server requires a client certificate\n"
        )
        status, out, err = run(
            capsys, "examine", server.target, "--system-cas", "--intermediates",
            str(pki.root.cert), "--client-keystore", str(client), "--client-password-env", "TS_PASS",
        )  # fmt: skip
    assert err == ""
    assert (
        "The server asked for a client certificate (sent), issued by: "
        "O=Loopback,CN=Loopback Root CA" in out
    )


# --- errors: one line each ---------------------------------------------------------------------


def test_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with PlainHttpServer() as http:
        status, out, err = run(capsys, "examine", http.target)
    assert (status, out) == (1, "")
    assert err == (
        f"keystore-cli: {http.target} answered, but not with TLS: it looks like HTTP "
        "(try http://, or another port)\n"
    )
    with SilentServer() as silent:
        port = silent.port
        start = time.monotonic()
        status, _, err = run(capsys, "examine", silent.target, "--timeout", "0.5")
        took = time.monotonic() - start
    assert status == 1 and took < 1.5
    assert err == (
        f"keystore-cli: {silent.target} accepted the connection but did not complete a TLS "
        "handshake within 0.5 s (timed out)\n"
    )
    status, _, err = run(capsys, "examine", f"127.0.0.1:{port}")
    assert err == (
        f"keystore-cli: 127.0.0.1:{port}: connection refused (nothing listens on that port)\n"
    )
    status, _, err = run(capsys, "examine", "no-such-host.invalid")
    assert err == "keystore-cli: unknown host 'no-such-host.invalid'\n"


def test_proxy_refusal_and_https_proxy(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, full: Server
) -> None:
    with ConnectProxy(refuse=True) as proxy:
        status, _, err = run(capsys, "examine", full.target, "--proxy", proxy.target)
    assert status == 1
    assert err == (
        f"keystore-cli: proxy {proxy.target} refused CONNECT to {full.target}: "
        "HTTP/1.1 403 Forbidden\n"
    )
    with ConnectProxy() as proxy:
        monkeypatch.setenv("https_proxy", f"http://{proxy.target}")
        status, out, _ = run(capsys, "examine", full.target)
        assert f"via proxy {proxy.target}" in out
        monkeypatch.setenv("no_proxy", "localhost,127.0.0.1")
        run(capsys, "examine", full.target)
    assert proxy.requests == [f"CONNECT {full.target} HTTP/1.1"]


# --- trust, proved by Java ---------------------------------------------------------------------


@pytest.mark.skipif(JAVA is None, reason="java (JDK 17) is not on PATH")
@pytest.mark.keytool
@pytest.mark.parametrize("case", ["untrusted-root", "self-signed"])
def test_java_connects_after_trust(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pki: ServerPki,
    full: Server,
    self_signed: Server,
    case: str,
) -> None:
    server = full if case == "untrusted-root" else self_signed
    wanted = pki.root if case == "untrusted-root" else pki.self_signed
    truststore = tmp_path / "client-truststore.jks"
    # a truststore that trusts something else, as a real one does
    run(capsys, "trust", f"localhost:{self_signed.port if server is full else full.port}",
        "--truststore", str(truststore), *TRUST)  # fmt: skip
    status, output = java_client(server, truststore)
    assert status == 3 and "PKIX path building failed" in output

    status, out, err = run(capsys, "trust", f"localhost:{server.port}", "--truststore",
                           str(truststore), *TRUST)  # fmt: skip
    assert (status, err) == (0, "")
    assert f"added as '{'loopback-root-ca' if case == 'untrusted-root' else 'localhost'}'" in out
    assert out.endswith(f"localhost:{server.port}: now TRUSTED\n")
    added = [e for e in read_keystore(truststore, PASSWORD).entries]
    assert wanted.certificate in [e.chain[0] for e in added]

    status, output = java_client(server, truststore)
    assert (status, output) == (0, "connected TLSv1.3\n")


def test_missing_intermediate_is_for_the_server_to_fix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pki: ServerPki, no_intermediate: Server
) -> None:
    truststore = tmp_path / "ts.p12"
    status, out, err = run(
        capsys, "trust", no_intermediate.target, "--truststore", str(truststore), *TRUST
    )
    assert (status, err) == (3, "")
    assert out.startswith(
        "nothing added: the server must send the intermediate CA certificate "
        "'O=Loopback,CN=Loopback Issuing CA'\n"
    )
    assert "missing-intermediate" in out
    assert not truststore.exists()
    # the intermediate found in a file may be added on purpose
    status, out, _ = run(
        capsys, "trust", no_intermediate.target, "--truststore", str(truststore), *TRUST,
        "--intermediates", str(pki.intermediate.cert), "--what", "chain", "--dry-run",
    )  # fmt: skip
    assert status == 0
    assert f"intermediates {pki.intermediate.cert.name}: O=Loopback,CN=Loopback Issuing CA" in out
    assert "dry run:" in out and not truststore.exists()
