"""Damaged, truncated and foreign input given to the PKCS#12 reader: always one of our errors."""

from __future__ import annotations

import random

import pytest

from keystore_gui.core.errors import (
    CorruptFileError,
    KeystoreError,
    NotAKeystoreError,
    TruncatedFileError,
    WrongPasswordError,
)
from keystore_gui.core.io import load_keystore
from keystore_gui.core.model import StoreType
from tests.test_pkcs12_interop import make_chain, write_pem
from tests.tools import openssl

PASSWORD = "fuzz-pass"
EXPECTED = (TruncatedFileError, CorruptFileError, NotAKeystoreError, WrongPasswordError)

pytestmark = pytest.mark.openssl


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("p12-bad")
    chain = make_chain()
    pem = write_pem(folder / "in.pem", chain.keys[0], *chain.certs[:2])
    out: dict[str, bytes] = {}
    for name, extra in (("modern", []), ("legacy", ["-legacy"]), ("nomac", ["-nomac"])):
        path = folder / f"{name}.p12"
        openssl(
            "pkcs12", "-export", "-in", str(pem), "-name", "k", "-out", str(path), *extra,
            passout=PASSWORD,
        )  # fmt: skip
        out[name] = path.read_bytes()
    return out


def load(data: bytes, password: str = PASSWORD) -> None:
    load_keystore(data, password, StoreType.PKCS12)


@pytest.mark.parametrize("name", ["modern", "legacy", "nomac"])
def test_truncated(samples: dict[str, bytes], name: str) -> None:
    data = samples[name]
    for cut in (1, 2, 3, 4, 10, 50, len(data) // 3, len(data) // 2, len(data) - 20, len(data) - 1):
        with pytest.raises(TruncatedFileError):
            load(data[:cut])


@pytest.mark.parametrize("name", ["modern", "legacy", "nomac"])
def test_bit_flips_give_one_of_our_errors(samples: dict[str, bytes], name: str) -> None:
    data = samples[name]
    rng = random.Random(name)
    for position in range(0, len(data), 2):
        damaged = bytearray(data)
        damaged[position] ^= 1 << rng.randrange(8)
        try:
            load(bytes(damaged))
        except EXPECTED as exc:
            assert "\n" not in str(exc)
        # a file without a MAC may survive a flip in a part nothing checks: it then loads


def test_tampered_content_fails_the_mac(samples: dict[str, bytes]) -> None:
    data = bytearray(samples["modern"])
    data[len(data) // 2] ^= 0x01
    with pytest.raises(WrongPasswordError) as info:
        load(bytes(data))
    assert str(info.value) == "wrong password, or the file was changed: integrity check failed"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, this is a text file\nnot a keystore\n",
        bytes(random.Random(1).randrange(256) for _ in range(2000)),
        b"\x30\x82\x01\x00" + bytes(random.Random(2).randrange(256) for _ in range(256)),
        b"\x30\x03\x02\x01\x03",
        b"\x30\x80\x02\x01\x03\x00\x00",
    ],
    ids=["empty", "text", "random", "random-der", "bare-pfx", "indefinite-bare-pfx"],
)
def test_foreign_data(data: bytes) -> None:
    with pytest.raises(EXPECTED):
        load(data)


def test_errors_through_detection() -> None:
    with pytest.raises(NotAKeystoreError):
        load_keystore(b"", PASSWORD)
    with pytest.raises(KeystoreError):
        load_keystore(b"\x30\x05\x02\x01\x03\x30\x00", PASSWORD)
