"""Special files are refused without reading from them; reading stops at the size cap."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core import io
from keystore_gui.core.errors import KeystoreError


class _Hang(BaseException):
    pass


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A read that blocks (a FIFO with no writer, an endless device) fails instead of hanging."""

    def alarm(_signum: int, _frame: object) -> None:
        raise _Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_fifo_named_like_a_keystore(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "x.jks"
    os.mkfifo(fifo)
    assert main(["list", str(fifo)]) == 1
    assert capsys.readouterr().err == f"keystore-cli: {fifo} is a named pipe, not a regular file\n"


def test_a_link_to_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "x.p12").symlink_to(tmp_path / "pipe")
    with pytest.raises(KeystoreError, match="named pipe"):
        io.read_bytes(tmp_path / "x.p12")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices(device: str) -> None:
    with pytest.raises(KeystoreError, match="is a device, not a regular file"):
        io.read_bytes(device)


def test_a_socket(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "s.jks"))
        with pytest.raises(KeystoreError, match="is a socket"):
            io.read_bytes(tmp_path / "s.jks")


def test_reading_stops_at_the_cap(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(io, "MAX_FILE_SIZE", 1000)
    big = tmp_path / "big.pem"
    big.write_bytes(bytes(1001))
    with pytest.raises(KeystoreError, match="too large"):
        io.read_bytes(big)
    big.write_bytes(bytes(1000))
    assert len(io.read_bytes(big)) == 1000
