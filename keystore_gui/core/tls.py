"""Connect to a TLS server and record what it sent: protocol, cipher and its certificates.

The certificates are recorded *exactly as the server sent them*, in its order, whether or not
they verify: judging them is :mod:`.tlsdiag`'s job. Python 3.11's ``ssl`` hands out the sent
chain only through a private API (``SSLSocket._sslobj.get_unverified_chain()``, public from 3.13)
and takes a client certificate only from files, which would put a private key on disk; pyOpenSSL
(by the maintainers of ``cryptography``) has ``Connection.get_peer_cert_chain()`` and takes the
key as an object. The TLS engine runs over memory buffers while this module moves the bytes on a
plain socket: that gives one deadline for connect, proxy and handshake, cancellation from another
thread, and the first bytes a server answered with when it does not speak TLS at all.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import ipaddress
import os
import re
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from OpenSSL import SSL, crypto

from .errors import KeystoreError
from .model import Certificate, Entry, EntryKind

DEFAULT_PORT = 443
DEFAULT_TIMEOUT = 10.0
_TICK = 0.05
"""How often a wait looks at the cancel flag, in seconds."""
_AFTER_HANDSHAKE = 1.0
"""How long to wait for a TLS 1.3 server's verdict on our client certificate (or its absence)."""


class TlsError(KeystoreError):
    """The connection or the handshake failed; nothing was learnt about the certificates."""


class Cancelled(KeystoreError):
    def __init__(self) -> None:
        super().__init__("cancelled")


# --- where to connect ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    host: str
    port: int = DEFAULT_PORT

    @property
    def is_ip(self) -> bool:
        return _ip(self.host) is not None

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise TlsError(f"'{whole}': the port must be a number from 1 to 65535")
    return int(text)


def parse_target(text: str, default_port: int = DEFAULT_PORT) -> Target:
    """``host``, ``host:port``, ``1.2.3.4:443``, ``[::1]:8443`` or a bare IPv6 address.

    A URL (``https://host:8443/path``) is accepted too: people paste them.
    """
    value = text.strip()
    if "://" in value:
        parsed = urllib.parse.urlsplit(value)
        value = parsed.netloc.rpartition("@")[2]
    if not value:
        raise TlsError("no host given")
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket or _ip(host) is None or (rest and not rest.startswith(":")):
            raise TlsError(f"'{text}' is not a host: write an IPv6 address as [::1]:8443")
        return Target(host, _port(rest[1:], text) if rest else default_port)
    if value.count(":") > 1:
        if _ip(value) is None:
            raise TlsError(f"'{text}' is not a host: write an IPv6 address as [::1]:8443")
        return Target(value, default_port)
    host, colon, port = value.partition(":")
    if not host or any(c.isspace() or c in "/?#@" for c in host):
        raise TlsError(f"'{text}' is not a host name")
    return Target(host, _port(port, text) if colon else default_port)


@dataclass(frozen=True)
class Proxy:
    """An HTTP proxy that opens tunnels with ``CONNECT``."""

    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)
    """A ``Proxy-Authorization`` value, from ``user:password@`` in the proxy URL."""

    def __str__(self) -> str:
        return str(Target(self.host, self.port))


def parse_proxy(text: str) -> Proxy:
    """``HOST:PORT`` or ``http://[user:password@]host:port`` (port 8080 when none is given)."""
    value = text.strip()
    if "://" not in value:
        value = "http://" + value
    parsed = urllib.parse.urlsplit(value)
    if parsed.scheme not in ("http", "https"):
        raise TlsError(f"proxy '{text}': only HTTP proxies (CONNECT) are supported")
    target = parse_target(parsed.netloc.rpartition("@")[2] or text, default_port=8080)
    authorization = None
    if parsed.username is not None:
        user = urllib.parse.unquote(parsed.username)
        secret = urllib.parse.unquote(parsed.password or "")
        authorization = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
    return Proxy(target.host, target.port, authorization)


def _bypassed(target: Target, no_proxy: str) -> bool:
    """Whether ``no_proxy`` (as curl reads it) covers ``target``: ``*``, a host or domain suffix
    (``example.com`` and ``.example.com`` both cover ``api.example.com``), optionally with a port,
    or an IP address or network (``10.0.0.0/8``)."""
    host = target.host.lower().rstrip(".")
    address = _ip(host)
    for raw in no_proxy.split(","):
        item = raw.strip().lower()
        if not item:
            continue
        if item == "*":
            return True
        if item.startswith("["):
            item = item[1:].replace("]", "", 1)
        if item.count(":") == 1:
            item, _, port = item.partition(":")
            if port != str(target.port):
                continue
        if address is not None:
            try:
                if address in ipaddress.ip_network(item, strict=False):
                    return True
            except ValueError:
                pass
            continue
        domain = item.lstrip("*").lstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def proxy_from_environment(
    target: Target, environ: Mapping[str, str] | None = None
) -> Proxy | None:
    """``https_proxy`` / ``HTTPS_PROXY``, unless ``no_proxy`` / ``NO_PROXY`` covers the host."""
    env = os.environ if environ is None else environ
    value = env.get("https_proxy") or env.get("HTTPS_PROXY")
    if not value:
        return None
    if _bypassed(target, env.get("no_proxy") or env.get("NO_PROXY") or ""):
        return None
    return parse_proxy(value)


# --- the client certificate ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClientIdentity:
    """A private key and its chain, shown to a server that asks for a client certificate."""

    key: PrivateKeyTypes = field(repr=False)
    chain: tuple[Certificate, ...]

    @classmethod
    def from_entry(cls, entry: Entry) -> ClientIdentity:
        """From an unlocked key-pair entry (raises for other kinds or a locked key)."""
        if entry.kind is not EntryKind.PRIVATE_KEY or not entry.chain:
            raise TlsError(f"entry '{entry.alias}' is a {entry.kind}, not a key pair")
        return cls(entry.private_key, tuple(entry.chain))


# --- the result ---------------------------------------------------------------------------------


@dataclass
class Handshake:
    target: Target
    servername: str | None
    """The name sent as SNI (none for an IP address)."""
    proxy: Proxy | None
    protocol: str
    """``TLSv1.3``, ``TLSv1.2``."""
    cipher: str
    """OpenSSL's name of the cipher suite, e.g. ``TLS_AES_256_GCM_SHA384``."""
    sent: list[Certificate]
    """The server's certificates exactly as sent, in the order sent (its own first)."""
    client_certificate_requested: bool = False
    client_ca_names: list[str] = field(default_factory=list)
    """The issuers the server said it accepts client certificates from."""
    client_certificate_sent: bool = False
    seconds: float = 0.0


# --- waiting ------------------------------------------------------------------------------------


class _Clock:
    def __init__(self, target: Target, timeout: float, cancel: threading.Event | None) -> None:
        self.target = target
        self.timeout = timeout
        self.start = time.monotonic()
        self.deadline = self.start + timeout
        self.cancel = cancel

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def timed_out(self, doing: str) -> TlsError:
        return TlsError(f"{doing} within {self.timeout:g} s (timed out)")

    def wait(
        self, sock: socket.socket, *, write: bool, doing: str, limit: float | None = None
    ) -> bool:
        """Until ``sock`` is ready; ``False`` when ``limit`` seconds passed first."""
        until = self.deadline if limit is None else min(self.deadline, time.monotonic() + limit)
        while True:
            if self.cancel is not None and self.cancel.is_set():
                raise Cancelled()
            left = until - time.monotonic()
            if left <= 0:
                if limit is not None and until < self.deadline:
                    return False
                raise self.timed_out(doing)
            watched = [sock]
            if write:
                ready = select.select([], watched, [], min(left, _TICK))[1]
            else:
                ready = select.select(watched, [], [], min(left, _TICK))[0]
            if ready:
                return True


# --- connecting ---------------------------------------------------------------------------------


def _resolve(host: str, port: int) -> list[tuple[int, tuple[object, ...]]]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TlsError(f"unknown host '{host}'") from None
    return [(family, address) for family, _, _, _, address in infos]


def _open(host: str, port: int, clock: _Clock, what: str) -> socket.socket:
    """A connected non-blocking socket to ``host:port``, trying each address in turn."""
    where = str(Target(host, port))
    last: OSError | None = None
    for family, address in _resolve(host, port):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        code = sock.connect_ex(address)
        if code in (errno.EINPROGRESS, errno.EWOULDBLOCK, 0):
            try:
                clock.wait(sock, write=True, doing=f"{what}{where} did not accept a connection")
            except BaseException:
                sock.close()
                raise
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code == 0:
            return sock
        sock.close()
        last = OSError(code, os.strerror(code))
    if last is not None and last.errno == errno.ECONNREFUSED:
        raise TlsError(f"{what}{where}: connection refused (nothing listens on that port)")
    detail = last.strerror if last is not None else "no address"
    raise TlsError(f"{what}{where}: cannot connect: {detail}")


def _send_all(sock: socket.socket, data: bytes, clock: _Clock, doing: str) -> None:
    view = memoryview(data)
    while view:
        clock.wait(sock, write=True, doing=doing)
        try:
            sent = sock.send(view)
        except BlockingIOError:
            continue
        except OSError as exc:
            raise TlsError(f"{clock.target}: the connection broke: {exc.strerror or exc}") from None
        view = view[sent:]


def _recv(
    sock: socket.socket, clock: _Clock, doing: str, limit: float | None = None
) -> bytes | None:
    """Bytes from ``sock`` (``b""`` when it closed); ``None`` when ``limit`` passed first."""
    while True:
        if not clock.wait(sock, write=False, doing=doing, limit=limit):
            return None
        try:
            return sock.recv(65536)
        except BlockingIOError:
            continue
        except ConnectionResetError:
            return b""
        except OSError as exc:
            raise TlsError(f"{clock.target}: the connection broke: {exc.strerror or exc}") from None


def _tunnel(sock: socket.socket, proxy: Proxy, target: Target, clock: _Clock) -> None:
    """Ask ``proxy`` for a tunnel to ``target``; raise with its status line if it refuses."""
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    if proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    _send_all(
        sock, ("\r\n".join(lines) + "\r\n\r\n").encode(), clock, f"proxy {proxy} took no data"
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        data = _recv(sock, clock, f"proxy {proxy} did not answer CONNECT")
        if not data:
            raise TlsError(f"proxy {proxy} closed the connection instead of answering CONNECT")
        answer += data
        if len(answer) > 65536:
            raise TlsError(f"proxy {proxy} sent an answer too long to be HTTP")
    head, _, rest = answer.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].decode("latin-1").strip()
    parts = status.split()
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise TlsError(f"proxy {proxy} did not answer CONNECT with HTTP: '{status[:80]}'")
    if not parts[1].startswith("2"):
        raise TlsError(f"proxy {proxy} refused CONNECT to {target}: {status}")
    if rest:
        raise TlsError(f"proxy {proxy} sent data before the tunnel was open")


# --- the handshake ------------------------------------------------------------------------------

_ALERT = re.compile(r"\b(?:sslv3|tlsv1|tlsv13|tls) alert (.+)")


def _reasons(exc: SSL.Error) -> list[str]:
    reasons: list[str] = []
    for item in exc.args[0] if exc.args and isinstance(exc.args[0], list) else []:
        if isinstance(item, tuple) and item:
            reasons.append(str(item[-1]))
    return reasons or [str(exc)]


def _alert_name(exc: SSL.Error) -> str | None:
    for reason in _reasons(exc):
        found = _ALERT.search(reason)
        if found:
            return found.group(1).strip().replace(" ", "_")
    return None


def _looks_like_tls(first: bytes) -> bool:
    """A TLS record: content type handshake or alert, protocol version 3.x."""
    return len(first) >= 2 and first[0] in (0x15, 0x16) and first[1] == 0x03


def _not_tls(target: Target, first: bytes) -> TlsError:
    said = f"{target} answered, but not with TLS"
    if first.startswith(b"HTTP/"):
        return TlsError(f"{said}: it looks like HTTP (try http://, or another port)")
    if first.startswith(b"SSH-"):
        return TlsError(f"{said}: it looks like SSH")
    line = first.split(b"\n", 1)[0].strip()
    if line and all(32 <= b < 127 for b in line):
        text = line.decode("ascii")
        hint = ": a plain-text protocol that may need STARTTLS" if text[:3].isdigit() else ""
        return TlsError(f"{said}: it sent '{text[:60]}'{hint}")
    return TlsError(f"{said}: its first bytes are {first[:8].hex(' ')}")


def _context(client: ClientIdentity | None) -> SSL.Context:
    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    # No verification here: the point is to see what the server sends, then judge it ourselves.
    ctx.set_verify(SSL.VERIFY_NONE)
    ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
    # Security level 0: a server with an RSA-1024 key or a SHA-1 chain is examined and reported,
    # not refused before its certificates are seen.
    ctx.set_cipher_list(b"ALL:@SECLEVEL=0")
    if client is not None:
        leaf = client.chain[0].x509
        if leaf is None:
            raise TlsError("the client certificate cannot be read")
        ctx.use_certificate(leaf)
        ctx.use_privatekey(client.key)  # type: ignore[arg-type]
        for cert in client.chain[1:]:
            parsed = cert.x509
            if parsed is not None:
                ctx.add_extra_chain_cert(parsed)
        try:
            ctx.check_privatekey()
        except SSL.Error:
            raise TlsError("the client key does not match its certificate") from None
    return ctx


class _Session:
    """One TLS client over memory buffers, its bytes carried on ``sock``."""

    def __init__(
        self,
        sock: socket.socket,
        clock: _Clock,
        servername: str | None,
        client: ClientIdentity | None,
    ) -> None:
        self.sock = sock
        self.clock = clock
        self.first = b""
        self.requested = False
        self.has_client = client is not None
        ctx = _context(client)
        ctx.set_info_callback(self._info)
        self.conn = SSL.Connection(ctx, None)
        self.conn.set_connect_state()
        if servername:
            self.conn.set_tlsext_host_name(servername.encode("idna"))

    def _info(self, conn: SSL.Connection, where: int, ret: int) -> None:
        if b"certificate request" in conn.get_state_string():
            self.requested = True

    def flush(self) -> None:
        while True:
            try:
                data = self.conn.bio_read(65536)
            except SSL.WantReadError:
                return
            _send_all(self.sock, data, self.clock, f"{self.clock.target} took no data")

    def feed(self, doing: str, limit: float | None = None) -> bool:
        """Pass the server's next bytes to the engine; ``False`` when ``limit`` passed first."""
        data = _recv(self.sock, self.clock, doing, limit)
        if data is None:
            return False
        if len(self.first) < 8:
            self.first += data[: 8 - len(self.first)]
            if len(self.first) >= 2 and not _looks_like_tls(self.first):
                raise _not_tls(self.clock.target, self.first + data[len(self.first) :])
        if not data:
            if not self.first:
                raise TlsError(
                    f"{self.clock.target} closed the connection without answering the TLS handshake"
                )
            raise TlsError(f"{self.clock.target} closed the connection during the TLS handshake")
        self.conn.bio_write(data)
        return True

    def failed(self, exc: SSL.Error) -> TlsError:
        with contextlib.suppress(SSL.Error, TlsError, OSError):
            self.flush()
        alert = _alert_name(exc)
        if alert is not None:
            return TlsError(
                f"{self.clock.target} refused the handshake: TLS alert {alert}{self._hint(alert)}"
            )
        return TlsError(f"{self.clock.target}: TLS handshake failed: {'; '.join(_reasons(exc))}")

    def _hint(self, alert: str) -> str:
        if alert in ("certificate_required", "handshake_failure", "bad_certificate") and (
            self.requested or alert == "certificate_required"
        ):
            if self.has_client:
                return ": the server did not accept the client certificate"
            return ": the server requires a client certificate"
        return {
            "handshake_failure": ": no protocol version or cipher suite in common",
            "protocol_version": ": the server speaks neither TLS 1.2 nor TLS 1.3",
            "unrecognized_name": ": the server does not know that name (try another SNI name)",
        }.get(alert, "")

    def handshake(self) -> None:
        doing = f"{self.clock.target} accepted the connection but did not complete a TLS handshake"
        while True:
            try:
                self.conn.do_handshake()
                break
            except SSL.WantReadError:
                self.flush()
                self.feed(doing)
            except SSL.Error as exc:
                raise self.failed(exc) from None
        self.flush()

    def settle(self) -> None:
        """After a TLS 1.3 handshake, the server judges our certificate (or its absence)."""
        if not self.requested or self.conn.get_protocol_version_name() != "TLSv1.3":
            return
        if not self.feed(f"{self.clock.target} did not answer", limit=_AFTER_HANDSHAKE):
            return
        try:
            self.conn.recv(65536)
        except (SSL.WantReadError, SSL.ZeroReturnError):
            pass
        except SSL.Error as exc:
            raise self.failed(exc) from None

    def close(self) -> None:
        with contextlib.suppress(SSL.Error, TlsError, OSError):
            self.conn.shutdown()
            self.flush()


def _sent_chain(conn: SSL.Connection) -> list[Certificate]:
    chain = conn.get_peer_cert_chain() or []
    return [Certificate(crypto.dump_certificate(crypto.FILETYPE_ASN1, x)) for x in chain]


def connect(
    target: Target,
    *,
    servername: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    proxy: Proxy | None = None,
    client: ClientIdentity | None = None,
    cancel: threading.Event | None = None,
) -> Handshake:
    """Handshake with ``target`` (through ``proxy``) and record what the server sent.

    ``timeout`` bounds everything from the first connection attempt to the end of the handshake;
    setting ``cancel`` stops within a few hundredths of a second. Raises :class:`TlsError` with one
    line for an unknown host, a refused connection, a timeout, a proxy's refusal, a server that
    does not speak TLS or a TLS alert; :class:`Cancelled` when cancelled.
    """
    if timeout <= 0:
        raise TlsError("the timeout must be more than 0 seconds")
    sni = servername if servername is not None else (None if target.is_ip else target.host)
    clock = _Clock(target, timeout, cancel)
    if proxy is not None:
        sock = _open(proxy.host, proxy.port, clock, "proxy ")
    else:
        sock = _open(target.host, target.port, clock, "")
    try:
        if proxy is not None:
            _tunnel(sock, proxy, target, clock)
        session = _Session(sock, clock, sni, client)
        session.handshake()
        sent = _sent_chain(session.conn)
        session.settle()
        result = Handshake(
            target=target,
            servername=sni,
            proxy=proxy,
            protocol=session.conn.get_protocol_version_name(),
            cipher=session.conn.get_cipher_name() or "",
            sent=sent,
            client_certificate_requested=session.requested,
            client_ca_names=[
                n.rfc4514_string() for n in session.conn.get_client_ca_list(as_cryptography=True)
            ],
            client_certificate_sent=client is not None and session.requested,
            seconds=time.monotonic() - clock.start,
        )
        session.close()
    finally:
        sock.close()
    if not sent:
        raise TlsError(f"{target} completed the handshake without sending a certificate")
    return result
