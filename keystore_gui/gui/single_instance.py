"""One running app per user: a second ``keystore-gui FILE`` hands FILE to the first one.

The first instance listens on a local socket whose name is private to the user
(:func:`server_name`). A later instance connects, sends one JSON line
``{"paths": [absolute paths]}``, waits for ``ok`` and exits; the first instance opens the files
in new tabs and raises its window. If nothing answers (no app running, a stale socket, a hung
app) the later instance starts normally, so a file is never lost on the way.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QObject, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

PROTOCOL_VERSION = 1
ACK = b"ok\n"
MAX_MESSAGE = 1 << 20


def server_name(app_id: str = "keystore-gui") -> str:
    """A socket name for this user: other users' instances neither see nor reach it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    digest = hashlib.sha256(f"{app_id}\0{user}".encode()).hexdigest()[:16]
    return f"{app_id}-{digest}"


def encode_message(paths: Sequence[str]) -> bytes:
    body = {"version": PROTOCOL_VERSION, "paths": [os.path.abspath(p) for p in paths]}
    return json.dumps(body).encode() + b"\n"


def decode_message(data: bytes) -> list[str] | None:
    """The paths in one message, or ``None`` if it is not one of ours."""
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("version") != PROTOCOL_VERSION:
        return None
    paths = body.get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return None
    return paths


def send_to_running_instance(paths: Sequence[str], name: str, timeout_ms: int = 3000) -> bool:
    """Hand ``paths`` to the instance listening on ``name``; ``True`` once it acknowledged."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(QByteArray(encode_message(paths)))
    if not socket.waitForBytesWritten(timeout_ms):
        socket.abort()
        return False
    reply = b""
    while not reply.endswith(b"\n") and socket.waitForReadyRead(timeout_ms):
        reply += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return reply == ACK


class InstanceServer(QObject):
    """Listens for later instances; emits :attr:`paths_received` for each hand-off."""

    paths_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    @property
    def name(self) -> str:
        return self._name

    def listen(self) -> bool:
        """Start listening; clears a socket file left by an instance that crashed."""
        if self._server.listen(self._name):
            return True
        if self._server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            QLocalServer.removeServer(self._name)
            return self._server.listen(self._name)
        return False

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                break
            socket.disconnected.connect(socket.deleteLater)
            socket.readyRead.connect(self._on_ready_read)

    @Slot()
    def _on_ready_read(self) -> None:
        socket = self.sender()
        if not isinstance(socket, QLocalSocket):
            return
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE:
                socket.abort()
            return
        paths = decode_message(bytes(socket.readLine(MAX_MESSAGE).data()))
        if paths is None:
            socket.abort()
            return
        socket.write(QByteArray(ACK))
        socket.flush()
        self.paths_received.emit(paths)
