"""Crafted hostile files, built in-process with the core's own DER writer: many bags at the
iteration limit, deeply nested BER strings, one name repeated thousands of times. Used by the
tests of each bound and by the fuzz harness."""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from keystore_gui.core import der
from keystore_gui.core.codecs import javaformat
from keystore_gui.core.codecs import pkcs12 as p12
from keystore_gui.core.codecs import pkcs12_crypto as crypto
from keystore_gui.core.io import dump_keystore
from keystore_gui.core.model import Entry, EntryKind, Keystore, SecretKey, StoreType
from tests.certfactory import der as cert_der
from tests.certfactory import make_cert

OID_PBE_SHA1_3DES = "1.2.840.113549.1.12.1.3"


def _friendly_name(name: str) -> bytes:
    return der.set_of(
        [der.seq(der.enc_oid(p12.OID_FRIENDLY_NAME), der.set_of([der.enc_bmp(name)]))]
    )


def shrouded_bag(iterations: int, name: str = "k") -> bytes:
    """A key bag under PKCS#12 3DES at ``iterations``; its ciphertext is random (no password
    opens it), which is all a reader sees before deriving the key."""
    params = der.seq(der.enc_octets(os.urandom(8)), der.enc_int(iterations))
    algorithm = der.seq(der.enc_oid(OID_PBE_SHA1_3DES), params)
    info = der.seq(algorithm, der.enc_octets(os.urandom(64)))
    return der.seq(
        der.enc_oid(p12.OID_SHROUDED_KEY_BAG), der.explicit(0, info), _friendly_name(name)
    )


def cert_bag(cert_der: bytes, name: str | None) -> bytes:
    """A certificate bag as keytool writes a trusted entry: named, with Oracle's trust mark."""
    value = der.seq(
        der.enc_oid(p12.OID_X509_CERTIFICATE), der.explicit(0, der.enc_octets(cert_der))
    )
    attributes = p12._attributes(name, None, True) if name is not None else b""
    return der.seq(der.enc_oid(p12.OID_CERT_BAG), der.explicit(0, value), attributes)


def same_cn_pem(count: int) -> bytes:
    """``count`` different certificates (serial numbers differ) with one common name."""
    cert = cert_der(make_cert("same", serial=0x11223344))
    at = cert.index(bytes.fromhex("11223344"))
    blocks = []
    for i in range(count):
        body = base64.encodebytes(cert[:at] + (0x10000000 + i).to_bytes(4, "big") + cert[at + 4 :])
        blocks.append(b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n")
    return b"".join(blocks)


def pfx(
    bags: list[bytes],
    password: str | None = None,
    mac_iterations: int = 2048,
    *,
    encrypted: bool = False,
) -> bytes:
    """A PFX holding ``bags`` in one SafeContents, plain or (``encrypted``) under ``password``
    with PBES2 at 1,000 iterations; with a MAC under ``password`` if one is given."""
    safe_contents = der.seq(*bags)
    if encrypted:
        assert password is not None
        algorithm, ciphertext = crypto.encrypt_pbes2(safe_contents, password, 1000)
        eci = der.seq(
            der.enc_oid(p12.OID_DATA), algorithm, der.tlv(der.CONTEXT_0_PRIMITIVE, ciphertext)
        )
        info = der.seq(
            der.enc_oid(p12.OID_ENCRYPTED_DATA), der.explicit(0, der.seq(der.enc_int(0), eci))
        )
    else:
        info = der.seq(der.enc_oid(p12.OID_DATA), der.explicit(0, der.enc_octets(safe_contents)))
    auth_safe = der.seq(info)
    parts = [
        der.enc_int(3),
        der.seq(der.enc_oid(p12.OID_DATA), der.explicit(0, der.enc_octets(auth_safe))),
    ]
    if password is not None:
        salt = os.urandom(8)
        bmp = crypto.password_spellings(password)[0].bmp
        mac = crypto.compute_mac(crypto.OID_SHA256, bmp, salt, mac_iterations, auth_safe)
        algorithm = der.seq(der.enc_oid(crypto.OID_SHA256), der.enc_null())
        parts.append(
            der.seq(
                der.seq(algorithm, der.enc_octets(mac)),
                der.enc_octets(salt),
                der.enc_int(mac_iterations),
            )
        )
    return der.seq(*parts)


def nested_octets(payload: bytes, depth: int) -> bytes:
    """``payload`` inside ``depth`` constructed (BER) OCTET STRINGs, each holding the one below
    twice, in an otherwise plain PFX: what the reader joins doubles at every level."""
    inner = der.enc_octets(payload)
    for _ in range(depth):
        inner = der.tlv(der.OCTET_STRING_CONSTRUCTED, inner + inner)
    content = der.seq(der.enc_oid(p12.OID_DATA), der.explicit(0, inner))
    return der.seq(der.enc_int(3), content)


def deep_octets(depth: int) -> bytes:
    """A PFX whose content is an OCTET STRING nested ``depth`` times, one piece per level."""
    inner = der.enc_octets(b"\x30\x00")
    for _ in range(depth):
        inner = der.tlv(der.OCTET_STRING_CONSTRUCTED, inner)
    return der.seq(der.enc_int(3), der.seq(der.enc_oid(p12.OID_DATA), der.explicit(0, inner)))


def fix_java_digest(body: bytes, password: str) -> bytes:
    """A JKS or JCEKS body (without its digest) with the integrity digest for ``password``."""
    secret = password.encode("utf-16-be")
    return body + hashlib.sha1(secret + b"Mighty Aphrodite" + body, usedforsecurity=False).digest()


def jceks_with_iterations(store: bytes, password: str, old: int, new: int) -> bytes:
    """``store`` (a JCEKS whose keys were sealed at ``old`` iterations, a 3-byte INTEGER) with
    every such count replaced by ``new`` and the digest recomputed; the keys no longer decrypt,
    which a reader only finds out after deriving."""
    before = b"\x02\x03" + old.to_bytes(3, "big")
    after = b"\x02\x03" + new.to_bytes(3, "big")
    assert before in store and len(before) == len(after)
    return fix_java_digest(store[:-20].replace(before, after), password)


def jks_trusted(entries: list[tuple[str, bytes]], password: str) -> bytes:
    """A JKS of trusted certificates, aliases written as given (control characters too)."""
    out = bytearray(b"\xfe\xed\xfe\xed" + struct.pack(">II", 2, len(entries)))
    for alias, cert in entries:
        name = alias.encode("utf-8")
        out += struct.pack(">IH", 2, len(name)) + name + struct.pack(">Q", 0)
        out += struct.pack(">H", 5) + b"X.509" + struct.pack(">I", len(cert)) + cert
    return fix_java_digest(bytes(out), password)


def jceks_slow_secret_keys(count: int, iterations: int, password: str) -> bytes:
    """A JCEKS of ``count`` AES keys whose parameters say ``iterations`` (3 bytes, as 5,000,000
    takes): sealed at 65,536 and patched, so that making it is quick."""
    store = Keystore(StoreType.JCEKS, password=password)
    for i in range(count):
        store.entries.append(Entry(f"s{i}", EntryKind.SECRET_KEY, key=SecretKey("AES", bytes(16))))
    seal = javaformat.seal_secret_key
    javaformat.seal_secret_key = functools.partial(seal, iterations=0x010000)
    try:
        data = dump_keystore(store, StoreType.JCEKS, password)
    finally:
        javaformat.seal_secret_key = seal
    return jceks_with_iterations(data, password, 0x010000, iterations)


# --- shapes for the fuzz harness ---------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One crafted hostile input: ``make`` puts it (a file, a pipe, a link) in a folder."""

    name: str
    make: Callable[[Path], Path]


def _file(name: str, content: Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content())
        return path

    return make


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.jks")
    return folder / "pipe.jks"


def _link_to_fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe")
    (folder / "link.p12").symlink_to(folder / "pipe")
    return folder / "link.p12"


def _socket(folder: Path) -> Path:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "socket.jks"))
    return folder / "socket.jks"


def shapes(password: str, scale: int) -> list[Shape]:
    """Every hostile shape the bounds answer; ``scale`` multiplies the repeated ones (1 in the
    test suite, 100 in ``make fuzz``: 100,000 names alike)."""
    cert = cert_der(make_cert("same"))
    many = 1_000 * scale
    evil = ["evil\nkeystore-cli: fake second line", "\x1b]0;pwned\x07\x1b[2J", "\u202eroot"]
    return [
        Shape("p12, 20 key bags at 5,000,000 iterations, no MAC", _file("a.p12", lambda: pfx(
            [shrouded_bag(5_000_000, f"k{i}") for i in range(20)]))),
        Shape("p12, 20 key bags at 5,000,000 iterations, valid MAC", _file("b.p12", lambda: pfx(
            [shrouded_bag(5_000_000, f"k{i}") for i in range(20)], password))),
        Shape("p12, 10 key bags at 100,000 inside encrypted contents", _file("c.p12", lambda: pfx(
            [shrouded_bag(100_000, f"k{i}") for i in range(10)], password, encrypted=True))),
        Shape("p12, OCTET STRING nested 2,000 deep", _file("d.p12", lambda: deep_octets(2_000))),
        Shape("p12, OCTET STRING doubled at 16 levels", _file("e.p12", lambda: nested_octets(
            b"\x30\x00", 16))),
        Shape("p12, 2 MB OCTET STRING nested 60 deep", _file("f.p12", lambda: _deep_big(60))),
        Shape(f"p12, {many:,} bags with one friendlyName", _file("g.p12", lambda: pfx(
            [cert_bag(cert, "same")] * many))),
        Shape(f"pem, one certificate {many:,} times", _file("h.pem", lambda: (
            b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(cert)
            + b"-----END CERTIFICATE-----\n") * many)),
        Shape(f"pem, {many:,} certificates with one common name", _file("i.pem", lambda: (
            same_cn_pem(many)))),
        Shape("jceks, 10 secret keys at 5,000,000 iterations", _file("j.jceks", lambda: (
            jceks_slow_secret_keys(10, 5_000_000, password)))),
        Shape("jks, aliases with a newline, ESC and bidi overrides", _file("k.jks", lambda: (
            jks_trusted([(alias, cert) for alias in evil], password)))),
        Shape("a named pipe called pipe.jks", _fifo),
        Shape("a link to a named pipe", _link_to_fifo),
        Shape("a socket", _socket),
        Shape("/dev/zero", lambda _folder: Path("/dev/zero")),
        Shape("/dev/urandom", lambda _folder: Path("/dev/urandom")),
    ]  # fmt: skip


def _deep_big(depth: int) -> bytes:
    inner = der.enc_octets(bytes(2 * 1024 * 1024))
    for _ in range(depth):
        inner = der.tlv(der.OCTET_STRING_CONSTRUCTED, inner)
    return der.seq(der.enc_int(3), der.seq(der.enc_oid(p12.OID_DATA), der.explicit(0, inner)))
