"""The TLS handshake itself, with pyOpenSSL over memory buffers (see :mod:`.tls` for why).

Kept apart from :mod:`.tls` so that OpenSSL is loaded only when a server is examined, not by
every command and window that merely imports the TLS options.
"""

from __future__ import annotations

import contextlib
import re
import socket

from OpenSSL import SSL, crypto

from .model import Certificate
from .tls import ClientIdentity, Clock, Target, TlsError, recv_some, send_all

_AFTER_HANDSHAKE = 1.0
"""How long to wait for a TLS 1.3 server's verdict on our client certificate (or its absence)."""

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


class Session:
    """One TLS client over memory buffers, its bytes carried on ``sock``."""

    def __init__(
        self,
        sock: socket.socket,
        clock: Clock,
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
            send_all(self.sock, data, self.clock, f"{self.clock.target} took no data")

    def feed(self, doing: str, limit: float | None = None) -> bool:
        """Pass the server's next bytes to the engine; ``False`` when ``limit`` passed first."""
        data = recv_some(self.sock, self.clock, doing, limit)
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


def sent_chain(conn: SSL.Connection) -> list[Certificate]:
    chain = conn.get_peer_cert_chain() or []
    return [Certificate(crypto.dump_certificate(crypto.FILETYPE_ASN1, x)) for x in chain]
