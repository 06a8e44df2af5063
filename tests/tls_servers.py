"""Real TLS servers on loopback for the ``examine``/``trust`` tests: ``openssl s_server`` processes
on random free ports, a small HTTP CONNECT proxy, a plain-HTTP port and a port that never answers.

Every server is started by a fixture and stopped by it. A server is ready when ``s_server`` prints
``ACCEPT`` (with the port it bound; ``-accept 0`` picks a free one), or when its socket listens;
nothing waits a fixed time.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from tests.chain_pki import Issued, Pki
from tests.tools import OPENSSL, openssl

LOCAL_SAN = "DNS:localhost, IP:127.0.0.1, IP:::1"


@dataclass
class ServerPki:
    """Root → intermediate → server certificates for the loopback servers."""

    folder: Path
    root: Issued
    intermediate: Issued
    leaf: Issued
    expired: Issued
    other_host: Issued
    self_signed: Issued
    client: Issued

    def file(self, name: str, *members: Issued) -> Path:
        """A PEM bundle of ``members`` in that order (named apart from the PKI's own files)."""
        path = self.folder / f"bundle-{name}"
        path.write_text("".join(m.cert.read_text() for m in members))
        return path


def self_signed_server(folder: Path, name: str, subject: str, san: str) -> Issued:
    key, cert = folder / f"{name}.key", folder / f"{name}.pem"
    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(key), "-out", str(cert), "-subj", subject, "-days", "30",
        "-addext", f"subjectAltName = {san}",
        "-addext", "extendedKeyUsage = serverAuth",
        "-addext", "basicConstraints = critical, CA:false",
    )  # fmt: skip
    return Issued(name, key, cert)


def make_server_pki(folder: Path) -> ServerPki:
    pki = Pki(folder)
    root = pki.root("root", "/O=Loopback/CN=Loopback Root CA")
    inter = pki.issue("inter", "/O=Loopback/CN=Loopback Issuing CA", root, ca=True)
    now = dt.datetime.now(dt.UTC)
    return ServerPki(
        folder=folder,
        root=root,
        intermediate=inter,
        leaf=pki.issue("leaf", "/O=Loopback/CN=localhost", inter, san=LOCAL_SAN),
        expired=pki.issue(
            "expired",
            "/O=Loopback/CN=localhost",
            inter,
            san=LOCAL_SAN,
            not_before=now - dt.timedelta(days=400),
            not_after=now - dt.timedelta(days=35),
        ),
        other_host=pki.issue(
            "other",
            "/O=Loopback/CN=shop.example",
            inter,
            san="DNS:shop.example, DNS:*.shop.example",
        ),
        self_signed=self_signed_server(folder, "selfsigned", "/O=Loopback/CN=localhost", LOCAL_SAN),
        client=pki.issue("client", "/O=Loopback/CN=client", inter, san="DNS:client"),
    )


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def target(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def _die_with_parent() -> None:
    """In the child before ``exec``: Linux ends it when the test process dies, so a test run that
    is killed leaves no server behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def _drain(stream: object) -> None:
    """Keep reading ``s_server``'s chatter so it never blocks on a full pipe."""
    with contextlib.suppress(OSError, ValueError):
        for _ in iter(stream.readline, b""):  # type: ignore[attr-defined]
            pass


@contextlib.contextmanager
def s_server(
    leaf: Issued, chain: Path | None = None, *extra: str, host: str = "127.0.0.1"
) -> Iterator[Server]:
    """``openssl s_server`` sending ``leaf`` and the certificates of ``chain`` in file order."""
    assert OPENSSL is not None
    accept = f"[{host}]:0" if ":" in host else f"{host}:0"
    argv = [OPENSSL, "s_server", "-accept", accept, "-cert", str(leaf.cert)]
    argv += ["-key", str(leaf.key), "-no_dhe"]
    if chain is not None:
        argv += ["-cert_chain", str(chain)]
    proc = subprocess.Popen(
        [*argv, *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    assert proc.stdout is not None and proc.stdin is not None
    drain = threading.Thread(target=_drain, args=(proc.stdout,), daemon=True)
    try:
        port = 0
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            if line.startswith("ACCEPT"):
                port = int(line.rsplit(":", 1)[1])
                break
        if not port:
            raise RuntimeError(f"s_server did not start: {' '.join(argv)}")
        drain.start()
        yield Server(host, port, proc)
    finally:
        proc.kill()
        proc.wait()
        if drain.is_alive():
            drain.join()
        proc.stdout.close()
        proc.stdin.close()


class _Listener:
    """A loopback listening socket served by a thread until closed."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.sock = socket.create_server((self.host, 0))
        self.port: int = self.sock.getsockname()[1]
        self.target = f"{self.host}:{self.port}"
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self._held:
            sock.close()
        self.sock.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.sock], [], [], 0.05)
            if ready:
                conn, _ = self.sock.accept()
                self.serve(conn)

    def serve(self, conn: socket.socket) -> None:
        self._held.append(conn)


class SilentServer(_Listener):
    """Accepts connections and never says a word."""


class PlainHttpServer(_Listener):
    """Answers anything with an HTTP error, as a web server on a non-TLS port does."""

    def serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            with contextlib.suppress(OSError):
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


class ConnectProxy(_Listener):
    """An HTTP proxy that opens ``CONNECT`` tunnels, to loopback only, or refuses with 403."""

    def __init__(self, refuse: bool = False) -> None:
        super().__init__()
        self.refuse = refuse
        self.requests: list[str] = []

    def serve(self, conn: socket.socket) -> None:
        threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(4096)
                if not data:
                    return
                head += data
            request = head.split(b"\r\n", 1)[0].decode()
            self.requests.append(request)
            if self.refuse:
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            where = request.split()[1]
            host, _, port = where.rpartition(":")
            with socket.create_connection((host.strip("[]"), int(port))) as upstream:
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self._pump(conn, upstream)

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        pair = {a: b, b: a}
        while not self._stop.is_set():
            ready, _, _ = select.select([a, b], [], [], 0.05)
            for sock in ready:
                try:
                    data = sock.recv(65536)
                    if data:
                        pair[sock].sendall(data)
                except OSError:  # either side reset: the tunnel is over
                    data = b""
                if not data:
                    return
