"""The native JKS/JCEKS reader, byte by byte: its fast path (a trusted "X.509" certificate read
in one go) and the general path beside it read the same things and refuse the same damage."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct

import pytest

from keystore_gui.core.codecs import javaks
from keystore_gui.core.codecs.javaformat import encode_mutf8
from keystore_gui.core.errors import CorruptFileError, TruncatedFileError, WrongPasswordError
from keystore_gui.core.io import load_keystore
from keystore_gui.core.model import EntryKind, StoreType
from tests.certfactory import der, make_cert

PASSWORD = "reader-pass"
ONE = der(make_cert("One CA", ca=True, serial=0x31))
TWO = der(make_cert("Two CA", ca=True, serial=0x32))
WHEN = 1_700_000_000_123
MAGIC = {StoreType.JKS: b"\xfe\xed\xfe\xed", StoreType.JCEKS: b"\xce\xce\xce\xce"}


def utf(raw: bytes) -> bytes:
    return struct.pack(">H", len(raw)) + raw


def trusted(
    alias: str | bytes, cert: bytes, cert_type: bytes = b"X.509", when: int = WHEN
) -> bytes:
    name = alias if isinstance(alias, bytes) else encode_mutf8(alias)
    head = struct.pack(">I", 2) + utf(name) + struct.pack(">q", when)
    return head + utf(cert_type) + struct.pack(">I", len(cert)) + cert


def key_entry(alias: str, chain: list[tuple[bytes, bytes]], when: int = WHEN) -> bytes:
    protected = b"\x30\x03\x02\x01\x00"  # stays sealed: listing never decrypts
    out = struct.pack(">I", 1) + utf(encode_mutf8(alias)) + struct.pack(">q", when)
    out += struct.pack(">I", len(protected)) + protected + struct.pack(">I", len(chain))
    return out + b"".join(utf(t) + struct.pack(">I", len(c)) + c for t, c in chain)


def store_bytes(entries: list[bytes], store_type: StoreType = StoreType.JKS) -> bytes:
    body = MAGIC[store_type] + struct.pack(">II", 2, len(entries)) + b"".join(entries)
    secret = javaks.integrity_key(PASSWORD) + javaks.WHITENING
    return body + hashlib.sha1(secret + body, usedforsecurity=False).digest()


ALIASES = ["plain", "café", "nul\0inside", "emoji😀", "", "x.509"]
"""Modified UTF-8 writes NUL as C0 80 and the emoji as two 3-byte surrogates."""
TYPES = [b"X.509", b"X.510", b"PGP", b"X.509-and-more", b"", encode_mutf8("X.5é9")]
"""Java only writes "X.509"; any other type is read the long way, its certificate kept."""


def mixed(store_type: StoreType) -> bytes:
    entries = [trusted(a, ONE) for a in ALIASES]
    entries += [trusted(f"type-{i}", TWO, t) for i, t in enumerate(TYPES)]
    entries += [
        trusted(b"raw\0nul", ONE),  # a plain 00 byte, which Java's readUTF also accepts
        key_entry("kéy", [(b"X.509", ONE), (b"PGP", TWO)]),
        key_entry("bare", []),
        trusted("dup", ONE),
        trusted("dup", TWO),
    ]
    return store_bytes(entries, store_type)


@pytest.mark.parametrize("store_type", [StoreType.JKS, StoreType.JCEKS])
def test_every_alias_and_certificate_type_reads_back(store_type: StoreType) -> None:
    store = load_keystore(mixed(store_type), PASSWORD, store_type)
    expected = [*ALIASES, *(f"type-{i}" for i in range(len(TYPES)))]
    assert [e.alias for e in store.entries] == [*expected, "raw\0nul", "kéy", "bare", "dup", "dup"]
    chains = [[c.der for c in e.chain] for e in store.entries]
    assert chains == [[ONE]] * len(ALIASES) + [[TWO]] * len(TYPES) + [
        [ONE], [ONE, TWO], [], [ONE], [TWO],
    ]  # fmt: skip
    kinds = [e.kind for e in store.entries]
    assert kinds[-3:] == [EntryKind.SECRET_KEY, EntryKind.TRUSTED_CERT, EntryKind.TRUSTED_CERT]
    assert kinds[-4] is EntryKind.PRIVATE_KEY and store.entries[-4].is_locked
    assert [e.shadowed for e in store.entries[-2:]] == [True, False]  # Java uses the later one
    assert {e.timestamp for e in store.entries} == {
        dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=dt.UTC)
    }


def test_timestamps_as_java_wrote_them() -> None:
    whens = [WHEN, -5, 0, 2**62, WHEN, -(2**63)]
    data = store_bytes([trusted(f"t{i}", ONE, when=w) for i, w in enumerate(whens)])
    store = load_keystore(data, PASSWORD, StoreType.JKS)
    assert [e.timestamp for e in store.entries] == [javaks.timestamp(w) for w in whens]
    assert store.entries[1].timestamp == dt.datetime(1969, 12, 31, 23, 59, 59, 995000, dt.UTC)
    assert store.entries[3].timestamp is None  # beyond the year 9999: unusable, not an error


@pytest.mark.parametrize(
    ("cert_type", "cert"),
    [(b"", b""), (b"X", b""), (b"X.50", b"\x01")],
    ids=["no-type", "short-type", "almost-x509"],
)
def test_a_last_entry_too_short_for_the_fast_path(cert_type: bytes, cert: bytes) -> None:
    """The last trusted entry can be shorter than an "X.509" header: read the long way."""
    data = store_bytes([trusted("first", ONE), trusted("last", cert, cert_type)])
    store = load_keystore(data, PASSWORD, StoreType.JKS)
    assert [e.chain[0].der for e in store.entries] == [ONE, cert]
    unchecked = data[:-20]  # without its password the digest is not read at all
    assert len(load_keystore(unchecked, None, StoreType.JKS).entries) == 2
    for n in range(12, len(unchecked)):
        with pytest.raises(TruncatedFileError):
            load_keystore(unchecked[:n], None, StoreType.JKS)


@pytest.mark.parametrize("store_type", [StoreType.JKS, StoreType.JCEKS])
def test_cut_anywhere_is_truncated(store_type: StoreType) -> None:
    data = mixed(store_type)
    for n in range(12, len(data)):
        for password in (PASSWORD, None):
            if password is None and n >= len(data) - 20:
                continue  # all entries are there; only the digest is cut
            with pytest.raises(TruncatedFileError):
                load_keystore(data[:n], password, store_type)


@pytest.mark.parametrize(
    "entry",
    [
        trusted(b"bad\xff", ONE),
        trusted(b"half\xc3", ONE),
        trusted("a", ONE, b"X.5\xff9"),
        struct.pack(">I", 9) + utf(b"tag") + struct.pack(">q", WHEN),
    ],
    ids=["alias", "alias-cut-character", "certificate-type", "tag"],
)
def test_damage_is_named(entry: bytes) -> None:
    data = store_bytes([trusted("fine", ONE), entry, trusted("after", TWO)])
    for password in (PASSWORD, None):
        with pytest.raises(CorruptFileError, match="the JKS structure is invalid"):
            load_keystore(data, password, StoreType.JKS)


def test_the_digest_covers_every_byte() -> None:
    data = bytearray(mixed(StoreType.JKS))
    data[50] ^= 0x01  # inside the first certificate: still parses, but the digest differs
    with pytest.raises(WrongPasswordError):
        load_keystore(bytes(data), PASSWORD, StoreType.JKS)
    assert load_keystore(bytes(data), None, StoreType.JKS).unverified
