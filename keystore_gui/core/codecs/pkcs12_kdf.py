"""The PKCS#12 key derivation (RFC 7292 appendix B.2), natively where the platform allows.

Its inner loop hashes a digest again and again; in Python that is one call per iteration, about
0.5 µs with SHA-1 here, so a file at the JDK's limit of 5,000,000 iterations costs 2.5 s per
derivation. OpenSSL's ``PKCS12_key_gen_uni`` runs the same loop in C (0.17 µs), and the
``libcrypto`` that Python's own ``hashlib`` loaded is already in the process on Linux: it is
called through ``ctypes`` (which releases the GIL), after a self-test against the Python
version. Elsewhere, or if the self-test fails, the Python version runs.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, cast

# hashlib's names -> OpenSSL's
_OPENSSL_NAMES = {
    "sha1": b"SHA1",
    "sha224": b"SHA224",
    "sha256": b"SHA256",
    "sha384": b"SHA384",
    "sha512": b"SHA512",
    "sha512_224": b"SHA512-224",
    "sha512_256": b"SHA512-256",
    "md5": b"MD5",
}


class _Digest(Protocol):
    def digest(self) -> bytes: ...


def _hasher(name: str) -> Callable[[bytes], _Digest]:
    constructor = getattr(hashlib, name, None)
    if callable(constructor):
        return cast(Callable[[bytes], _Digest], constructor)
    return functools.partial(hashlib.new, name)


def derive_python(
    digest: str, block: int, password: bytes, salt: bytes, purpose: int, iterations: int, size: int
) -> bytes:
    """RFC 7292 appendix B.2 in Python: ``size`` bytes for ``purpose`` (1 key, 2 IV, 3 MAC)."""
    new = _hasher(digest)
    v = block
    d = bytes((purpose,)) * v

    def stretch(data: bytes) -> bytes:
        if not data:
            return b""
        n = v * -(-len(data) // v)
        return (data * (n // len(data) + 1))[:n]

    i_bytes = bytearray(stretch(salt) + stretch(password))
    out = bytearray()
    while True:
        a = new(d + bytes(i_bytes)).digest()
        for _ in range(iterations - 1):
            a = new(a).digest()
        out += a
        if len(out) >= size:
            return bytes(out[:size])
        b = int.from_bytes((a * (v // len(a) + 1))[:v], "big") + 1
        mask = (1 << (8 * v)) - 1
        for j in range(0, len(i_bytes), v):
            chunk = (int.from_bytes(i_bytes[j : j + v], "big") + b) & mask
            i_bytes[j : j + v] = chunk.to_bytes(v, "big")


def _loaded_libcrypto() -> ctypes.CDLL | None:
    """The libcrypto that ``hashlib`` mapped into this process (Linux), or ``None``."""
    import _hashlib  # noqa: F401  (maps libcrypto, if hashlib uses OpenSSL)

    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        path = line.rsplit(None, 1)[-1]
        if "/libcrypto.so" in path:
            try:
                return ctypes.CDLL(path)
            except OSError:
                return None
    return None


_Native = Callable[[str, bytes, bytes, int, int, int], bytes | None]


@functools.cache
def _native() -> _Native | None:
    lib = _loaded_libcrypto()
    if lib is None:
        return None
    try:
        get_digest = lib.EVP_get_digestbyname
        key_gen = lib.PKCS12_key_gen_uni
    except AttributeError:
        return None
    get_digest.restype = ctypes.c_void_p
    get_digest.argtypes = [ctypes.c_char_p]
    key_gen.restype = ctypes.c_int
    key_gen.argtypes = [
        ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
        ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p,
    ]  # fmt: skip

    def call(
        digest: str, password: bytes, salt: bytes, purpose: int, n: int, size: int
    ) -> bytes | None:
        md = get_digest(_OPENSSL_NAMES[digest])
        if not md:
            return None
        out = ctypes.create_string_buffer(size)
        ok = key_gen(password, len(password), salt, len(salt), purpose, n, size, out, md)
        return out.raw if ok == 1 else None

    for password in (b"\0p\0w\0\0", b""):
        if call("sha1", password, b"salt", 1, 3, 24) != derive_python(
            "sha1", 64, password, b"salt", 1, 3, 24
        ):
            return None
    return call


def derive(
    digest: str, block: int, password: bytes, salt: bytes, purpose: int, iterations: int, size: int
) -> bytes:
    """RFC 7292 appendix B.2: ``size`` bytes for ``purpose`` (1 key, 2 IV, 3 MAC)."""
    native = _native() if digest in _OPENSSL_NAMES else None
    if native is not None:
        derived = native(digest, password, salt, purpose, iterations, size)
        if derived is not None:
            return derived
    return derive_python(digest, block, password, salt, purpose, iterations, size)
