"""Connecting to real ``openssl s_server`` processes on loopback, and judging what they sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from keystore_gui.core.chain import TrustSource, certificates_source
from keystore_gui.core.tls import (
    Cancelled,
    ClientIdentity,
    Target,
    TlsError,
    connect,
    parse_proxy,
    parse_target,
    proxy_from_environment,
)
from keystore_gui.core.tlsdiag import Code, Diagnosis, What, diagnose
from tests.tls_servers import (
    ConnectProxy,
    PlainHttpServer,
    ServerPki,
    SilentServer,
    make_server_pki,
    s_server,
)
from tests.tools import requires_openssl

pytestmark = [requires_openssl, pytest.mark.openssl]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> ServerPki:
    return make_server_pki(tmp_path_factory.mktemp("tls-pki"))


@pytest.fixture(scope="module")
def full_chain(pki: ServerPki) -> Iterator[str]:
    with s_server(pki.leaf, pki.file("full.pem", pki.intermediate, pki.root)) as server:
        yield server.target


def trusting(*certs: object) -> list[TrustSource]:
    return [certificates_source([c.certificate for c in certs], "truststore t.jks", trusted=True)]  # type: ignore[attr-defined]


def examine(target: str, trusted: list[TrustSource], **kw: object) -> Diagnosis:
    helpers = kw.pop("helpers", [])
    handshake = connect(parse_target(target), timeout=5, **kw)  # type: ignore[arg-type]
    return diagnose(handshake, trusted, helpers)  # type: ignore[arg-type]


def codes(diagnosis: Diagnosis) -> list[str]:
    return [f.code.value for f in diagnosis.findings]


# --- what the server sent ----------------------------------------------------------------------


def test_full_chain_is_recorded_as_sent_and_trusted(pki: ServerPki, full_chain: str) -> None:
    d = examine(full_chain, trusting(pki.root))
    assert [c.sha256 for c in d.handshake.sent] == [
        pki.leaf.certificate.sha256,
        pki.intermediate.certificate.sha256,
        pki.root.certificate.sha256,
    ]
    assert d.handshake.protocol == "TLSv1.3"
    assert d.handshake.cipher.startswith("TLS_")
    assert d.handshake.servername is None  # an IP address is never sent as SNI
    assert d.trusted and d.accepted and d.hostname.ok
    assert d.findings == []
    assert d.fix.add == () and not d.fix.server_must_change


def test_ipv6_literal_and_tls12(pki: ServerPki) -> None:
    chain = pki.file("v6.pem", pki.intermediate)
    with s_server(pki.leaf, chain, "-tls1_2", host="::1") as server:
        assert server.target.startswith("[::1]:")
        d = examine(server.target, trusting(pki.root))
    assert d.handshake.protocol == "TLSv1.2"
    assert d.accepted


def test_tls13_only_server(pki: ServerPki) -> None:
    with s_server(pki.leaf, pki.file("13.pem", pki.intermediate), "-tls1_3") as server:
        handshake = connect(parse_target(server.target), timeout=5)
    assert handshake.protocol == "TLSv1.3"


# --- diagnosis ---------------------------------------------------------------------------------


def test_untrusted_root_suggests_the_root(pki: ServerPki, full_chain: str) -> None:
    d = examine(full_chain, trusting(pki.other_host))
    assert codes(d) == ["untrusted-root"]
    assert not d.trusted
    assert d.fix.add == (pki.root.certificate,)
    again = diagnose(d.handshake, trusting(pki.root))
    assert again.accepted


def test_root_not_sent_suggests_the_topmost_ca(pki: ServerPki) -> None:
    with s_server(pki.leaf, pki.file("noroot.pem", pki.intermediate)) as server:
        d = examine(server.target, [])
    assert codes(d) == ["untrusted-root"]
    assert "did not send its root" in d.findings[0].message
    assert d.fix.add == (pki.intermediate.certificate,)
    assert diagnose(d.handshake, trusting(pki.intermediate)).accepted


def test_self_signed_suggests_the_server_certificate(pki: ServerPki) -> None:
    with s_server(pki.self_signed) as server:
        d = examine(server.target, trusting(pki.root))
    assert codes(d) == ["self-signed"]
    assert d.fix.add == (pki.self_signed.certificate,)
    assert d.to_add(What.SERVER) == [pki.self_signed.certificate]
    assert diagnose(d.handshake, trusting(pki.self_signed)).accepted


def test_missing_intermediate_names_it_and_where_it_was_found(pki: ServerPki) -> None:
    with s_server(pki.leaf) as server:
        alone = examine(server.target, trusting(pki.root))
        helped = examine(
            server.target,
            trusting(pki.root),
            helpers=[
                certificates_source(
                    [pki.intermediate.certificate], "intermediates ca.pem", trusted=False
                )
            ],
        )
    assert codes(alone) == ["missing-intermediate"]
    assert "Loopback Issuing CA" in alone.findings[0].message
    assert alone.fix.add == () and alone.fix.server_must_change
    assert "must send" in alone.fix.reason
    assert codes(helped) == ["missing-intermediate"]
    assert "intermediates ca.pem" in helped.findings[0].message
    assert not helped.trusted  # Java does not fetch what the server did not send
    assert helped.verdict.trusted  # … though the path exists
    assert pki.intermediate.certificate in helped.to_add(What.CHAIN)
    assert helped.fix.add == ()
    assert helped.fix.workaround == (pki.intermediate.certificate,)
    assert alone.fix.workaround == ()


def test_expired_leaf(pki: ServerPki) -> None:
    with s_server(pki.expired, pki.file("exp.pem", pki.intermediate)) as server:
        d = examine(server.target, trusting(pki.root))
    assert codes(d) == ["expired"]
    assert d.findings[0].certificate == pki.expired.certificate
    assert not d.accepted
    assert d.fix.add == () and "no truststore change" in d.fix.reason


def test_wrong_hostname_lists_what_the_certificate_covers(pki: ServerPki) -> None:
    chain = pki.file("other.pem", pki.intermediate)
    with s_server(pki.other_host, chain) as server:
        d = examine(server.target, trusting(pki.root))
        by_name = examine(server.target, trusting(pki.root), servername="api.shop.example")
    assert codes(d) == ["hostname-mismatch"]
    assert "shop.example, *.shop.example" in d.findings[0].message
    assert d.trusted and not d.accepted
    assert by_name.handshake.servername == "api.shop.example"
    assert by_name.accepted  # the wildcard covers it


def test_chain_out_of_order_is_a_warning(pki: ServerPki) -> None:
    with s_server(pki.leaf, pki.file("swap.pem", pki.root, pki.intermediate)) as server:
        d = examine(server.target, trusting(pki.root))
    assert [c.sha256 for c in d.handshake.sent[1:]] == [
        pki.root.certificate.sha256,
        pki.intermediate.certificate.sha256,
    ]
    assert codes(d) == ["chain-order"]
    assert d.accepted


# --- client certificates -----------------------------------------------------------------------


def test_client_certificate_required(pki: ServerPki) -> None:
    chain = pki.file("ca.pem", pki.intermediate)
    key = load_pem_private_key(pki.client.key.read_bytes(), None)
    identity = ClientIdentity(key, (pki.client.certificate, pki.intermediate.certificate))
    args = ("-Verify", "2", "-CAfile", str(pki.root.cert))
    with s_server(pki.leaf, chain, *args) as server:
        with pytest.raises(TlsError, match="TLS alert certificate_required"):
            connect(parse_target(server.target), timeout=5)
        handshake = connect(parse_target(server.target), timeout=5, client=identity)
    assert handshake.client_certificate_requested and handshake.client_certificate_sent
    assert handshake.client_ca_names == ["O=Loopback,CN=Loopback Root CA"]
    tls12 = s_server(pki.leaf, chain, "-tls1_2", *args)
    with tls12 as server, pytest.raises(TlsError, match="handshake_failure: the server requires"):
        connect(parse_target(server.target), timeout=5)


# --- proxies and errors ------------------------------------------------------------------------


def test_through_a_connect_proxy(pki: ServerPki, full_chain: str) -> None:
    with ConnectProxy() as proxy:
        handshake = connect(parse_target(full_chain), proxy=parse_proxy(proxy.target), timeout=5)
    assert proxy.requests == [f"CONNECT {full_chain} HTTP/1.1"]
    assert handshake.proxy is not None and len(handshake.sent) == 3


def test_a_proxy_that_refuses(full_chain: str) -> None:
    with ConnectProxy(refuse=True) as proxy, pytest.raises(TlsError) as caught:
        connect(parse_target(full_chain), proxy=parse_proxy(proxy.target), timeout=5)
    assert str(caught.value) == (
        f"proxy {proxy.target} refused CONNECT to {full_chain}: HTTP/1.1 403 Forbidden"
    )


def test_proxy_from_environment() -> None:
    target = Target("api.example.com", 443)
    env = {"https_proxy": "http://user:p%40ss@proxy.local:3128"}
    proxy = proxy_from_environment(target, env)
    assert proxy is not None and (proxy.host, proxy.port) == ("proxy.local", 3128)
    assert proxy.authorization == "Basic dXNlcjpwQHNz"
    assert "p@ss" not in repr(proxy)
    for no_proxy in ("example.com", ".example.com", "*", "other, api.example.com:443"):
        assert proxy_from_environment(target, {**env, "no_proxy": no_proxy}) is None
    assert proxy_from_environment(target, {**env, "NO_PROXY": "example.org"}) is not None
    assert proxy_from_environment(Target("10.1.2.3"), {**env, "no_proxy": "10.0.0.0/8"}) is None
    assert proxy_from_environment(target, {}) is None


def test_plain_http_port() -> None:
    with PlainHttpServer() as server, pytest.raises(TlsError) as caught:
        connect(parse_target(server.target), timeout=5)
    assert str(caught.value) == (
        f"{server.target} answered, but not with TLS: it looks like HTTP (try http://, or another port)"
    )


def test_silent_port_times_out_on_time() -> None:
    with SilentServer() as server:
        start = time.monotonic()
        with pytest.raises(TlsError, match=r"did not complete a TLS handshake within 0.5 s"):
            connect(parse_target(server.target), timeout=0.5)
        assert time.monotonic() - start < 1.5


def test_cancel_stops_a_waiting_connection() -> None:
    cancel = threading.Event()
    with SilentServer() as server:
        timer = threading.Timer(0.1, cancel.set)
        timer.start()
        start = time.monotonic()
        with pytest.raises(Cancelled):
            connect(parse_target(server.target), timeout=30, cancel=cancel)
        assert time.monotonic() - start < 1
        timer.join()


def test_refused_and_unknown_host() -> None:
    with SilentServer() as server:
        port = server.port
    with pytest.raises(TlsError, match=rf"^127.0.0.1:{port}: connection refused"):
        connect(parse_target(f"127.0.0.1:{port}"), timeout=5)
    with pytest.raises(TlsError, match=r"^unknown host 'no-such-host.invalid'$"):
        connect(parse_target("no-such-host.invalid"), timeout=5)


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [
        ("example.com", "example.com", 443),
        ("example.com:8443", "example.com", 8443),
        ("127.0.0.1:8443", "127.0.0.1", 8443),
        ("[::1]:8443", "::1", 8443),
        ("[::1]", "::1", 443),
        ("::1", "::1", 443),
        ("https://user@example.com:9443/path", "example.com", 9443),
    ],
)
def test_parse_target(text: str, host: str, port: int) -> None:
    assert parse_target(text) == Target(host, port)


@pytest.mark.parametrize(
    "text", ["", "example.com:0", "example.com:http", "fe80::zz:1", "[example.com]:443", "a b"]
)
def test_parse_target_refuses(text: str) -> None:
    with pytest.raises(TlsError):
        parse_target(text)


def test_str_of_an_ipv6_target() -> None:
    assert str(Target("::1", 8443)) == "[::1]:8443"


def test_code_values_are_stable() -> None:
    assert {c.value for c in Code} >= {
        "untrusted-root",
        "self-signed",
        "missing-intermediate",
        "hostname-mismatch",
        "expired",
        "not-yet-valid",
        "wrong-purpose",
        "weak-signature",
        "chain-order",
    }
