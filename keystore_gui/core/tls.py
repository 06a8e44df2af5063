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
import errno
import ipaddress
import os
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from .errors import KeystoreError
from .model import Certificate, Entry, EntryKind

DEFAULT_PORT = 443
DEFAULT_TIMEOUT = 10.0
_TICK = 0.05
"""How often a wait looks at the cancel flag, in seconds."""


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


class Clock:
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


def _open(host: str, port: int, clock: Clock, what: str) -> socket.socket:
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


def send_all(sock: socket.socket, data: bytes, clock: Clock, doing: str) -> None:
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


def recv_some(
    sock: socket.socket, clock: Clock, doing: str, limit: float | None = None
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


def _tunnel(sock: socket.socket, proxy: Proxy, target: Target, clock: Clock) -> None:
    """Ask ``proxy`` for a tunnel to ``target``; raise with its status line if it refuses."""
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    if proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    send_all(sock, ("\r\n".join(lines) + "\r\n\r\n").encode(), clock, f"proxy {proxy} took no data")
    answer = b""
    while b"\r\n\r\n" not in answer:
        data = recv_some(sock, clock, f"proxy {proxy} did not answer CONNECT")
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
    from .tls_session import Session, sent_chain  # OpenSSL loads only when a server is examined

    sni = servername if servername is not None else (None if target.is_ip else target.host)
    clock = Clock(target, timeout, cancel)
    if proxy is not None:
        sock = _open(proxy.host, proxy.port, clock, "proxy ")
    else:
        sock = _open(target.host, target.port, clock, "")
    try:
        if proxy is not None:
            _tunnel(sock, proxy, target, clock)
        session = Session(sock, clock, sni, client)
        session.handshake()
        sent = sent_chain(session.conn)
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
