"""Password-based cryptography of PKCS#12 (RFC 7292, RFC 8018).

- the PKCS#12 key derivation of RFC 7292 appendix B, used by the integrity MAC and by the
  PKCS#12 PBE schemes (SHA-1 with 3DES, RC2 or RC4) that ``openssl pkcs12 -legacy`` and Windows
  write;
- PBES2 (PBKDF2 with AES-CBC or 3DES), the default of OpenSSL 3 and of JDK 17;
- the MAC itself.

Passwords: PKCS#12 PBE and the MAC take the password as a BMPString (UTF-16BE) with a two-byte
terminator, converted from UTF-8 as OpenSSL does; PBES2 takes the UTF-8 bytes. An empty password
has two spellings in the wild: the two zero bytes of an empty BMPString (OpenSSL) and no bytes at
all (Java), so both are tried. OpenSSL also falls back to a byte-per-character conversion for
files its 1.0 series wrote from a UTF-8 terminal; that spelling is tried last.

RC2 with a 40-bit effective key (``pbewithSHAAnd40BitRC2-CBC``, the certificate encryption of
``openssl pkcs12 -legacy``) comes from pycryptodomex, which pyjks already depends on:
cryptography's RC2 only takes 128-bit keys.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4, TripleDES
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import BlockCipherAlgorithm, Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from .. import der
from . import pkcs12_kdf as kdf
from .limits import MAX_ITERATIONS, DerivationBudget

WRITE_ITERATIONS = 10_000
"""JDK 17's count for keys, certificates and the MAC."""

OID_PBES2 = "1.2.840.113549.1.5.13"
OID_PBKDF2 = "1.2.840.113549.1.5.12"
OID_PBMAC1 = "1.2.840.113549.1.5.14"
OID_HMAC_SHA256 = "1.2.840.113549.2.9"
OID_AES256_CBC = "2.16.840.1.101.3.4.1.42"
OID_SHA256 = "2.16.840.1.101.3.4.2.1"

# digest OID -> (hashlib name, block size in bytes)
MAC_DIGESTS: dict[str, tuple[str, int]] = {
    "1.3.14.3.2.26": ("sha1", 64),
    "2.16.840.1.101.3.4.2.4": ("sha224", 64),
    OID_SHA256: ("sha256", 64),
    "2.16.840.1.101.3.4.2.2": ("sha384", 128),
    "2.16.840.1.101.3.4.2.3": ("sha512", 128),
    "2.16.840.1.101.3.4.2.5": ("sha512_224", 128),
    "2.16.840.1.101.3.4.2.6": ("sha512_256", 128),
    "1.2.840.113549.2.5": ("md5", 64),
}

_PRF: dict[str, hashes.HashAlgorithm] = {
    "1.2.840.113549.2.7": hashes.SHA1(),
    "1.2.840.113549.2.8": hashes.SHA224(),
    OID_HMAC_SHA256: hashes.SHA256(),
    "1.2.840.113549.2.10": hashes.SHA384(),
    "1.2.840.113549.2.11": hashes.SHA512(),
    "1.2.840.113549.2.12": hashes.SHA512_224(),
    "1.2.840.113549.2.13": hashes.SHA512_256(),
}

# PBES2 encryption scheme OID -> (key length, cipher factory)
_PBES2_CIPHERS: dict[str, tuple[int, Callable[[bytes], BlockCipherAlgorithm]]] = {
    "2.16.840.1.101.3.4.1.2": (16, algorithms.AES),
    "2.16.840.1.101.3.4.1.22": (24, algorithms.AES),
    OID_AES256_CBC: (32, algorithms.AES),
    "1.2.840.113549.3.7": (24, TripleDES),
}

# PKCS#12 PBE OID -> (cipher name, key length); RFC 7292 appendix C
_PKCS12_PBE: dict[str, tuple[str, int]] = {
    "1.2.840.113549.1.12.1.1": ("rc4", 16),
    "1.2.840.113549.1.12.1.2": ("rc4", 5),
    "1.2.840.113549.1.12.1.3": ("3des", 24),
    "1.2.840.113549.1.12.1.4": ("3des", 16),
    "1.2.840.113549.1.12.1.5": ("rc2", 16),
    "1.2.840.113549.1.12.1.6": ("rc2", 5),
}

_KDF_KEY, _KDF_IV, _KDF_MAC = 1, 2, 3


class DecryptionError(Exception):
    """Decryption gave garbage: a wrong password, or damaged data."""


class UnsupportedAlgorithmError(Exception):
    """An algorithm this reader does not implement; the message names it."""


class BadParametersError(Exception):
    """Algorithm parameters that cannot be decoded or are out of range."""


@dataclass(frozen=True)
class Password:
    """One spelling of the store password: ``text`` for PBES2, ``bmp`` for the PKCS#12 KDF."""

    text: str
    bmp: bytes
    pbes2: bytes | None = None
    """The bytes PBKDF2 takes, when not the UTF-8 of ``text`` (JSafe used Latin-1)."""

    @property
    def utf8(self) -> bytes:
        return self.pbes2 if self.pbes2 is not None else self.text.encode("utf-8", "surrogatepass")


def password_spellings(password: str) -> list[Password]:
    """The byte forms ``password`` may have been hashed with, most likely first."""
    spellings = [Password(password, password.encode("utf-16-be", "surrogatepass") + b"\0\0")]
    if password == "":
        spellings.append(Password(password, b""))
    raw = password.encode("utf-8", "surrogatepass")
    if not raw.isascii():
        with contextlib.suppress(UnicodeEncodeError):  # RSA's JSafe fed PBKDF2 Latin-1 bytes
            spellings.append(Password(password, spellings[0].bmp, password.encode("latin-1")))
        spellings.append(Password(password, b"".join(bytes((0, b)) for b in raw) + b"\0\0"))
    return spellings


def pkcs12_kdf(
    digest: str,
    block: int,
    password: bytes,
    salt: bytes,
    purpose: int,
    iterations: int,
    size: int,
    budget: DerivationBudget | None = None,
) -> bytes:
    """RFC 7292 appendix B.2: derive ``size`` bytes for ``purpose`` (1 key, 2 IV, 3 MAC).

    With a ``budget``, a derivation already made in this open is reused and the work counted."""
    _check_iterations(iterations)
    args = (digest, block, password, salt, purpose, iterations, size)
    if budget is None:
        return kdf.derive(*args)
    return budget.derive(("pkcs12", *args), iterations, lambda: kdf.derive(*args))


def _check_iterations(iterations: int) -> None:
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise BadParametersError(f"iteration count {iterations} is out of range")


# --- MAC -------------------------------------------------------------------------------------


def compute_mac(
    digest_oid: str,
    password: bytes,
    salt: bytes,
    iterations: int,
    data: bytes,
    budget: DerivationBudget | None = None,
) -> bytes:
    try:
        name, block = MAC_DIGESTS[digest_oid]
    except KeyError:
        raise UnsupportedAlgorithmError(f"MAC digest {digest_oid}") from None
    size = hashlib.new(name).digest_size
    key = pkcs12_kdf(name, block, password, salt, _KDF_MAC, iterations, size, budget)
    return hmac.new(key, data, name).digest()


def mac_matches(
    digest_oid: str,
    expected: bytes,
    password: bytes,
    salt: bytes,
    iterations: int,
    data: bytes,
    budget: DerivationBudget | None = None,
) -> bool:
    mac = compute_mac(digest_oid, password, salt, iterations, data, budget)
    return hmac.compare_digest(mac, expected)


# --- decryption ------------------------------------------------------------------------------


def decrypt(
    algorithm: bytes,
    ciphertext: bytes,
    password: Password,
    budget: DerivationBudget | None = None,
) -> bytes:
    """Decrypt with the scheme of ``algorithm`` (an AlgorithmIdentifier's DER)."""
    try:
        scheme, params = _algorithm(der.first(algorithm)[0])
    except (der.DerError, IndexError):
        raise BadParametersError("encryption algorithm identifier") from None
    if scheme not in _PKCS12_PBE and scheme != OID_PBES2:
        raise UnsupportedAlgorithmError(f"encryption algorithm {scheme}")
    try:
        if scheme == OID_PBES2:
            return _decrypt_pbes2(params, ciphertext, password, budget)
        return _decrypt_pkcs12_pbe(scheme, params, ciphertext, password, budget)
    except (der.DerError, IndexError, ValueError):
        # absent or malformed fields; cryptography's ValueError for key or IV sizes
        raise BadParametersError("encryption parameters") from None


def _algorithm(element: der.Element) -> tuple[str, der.Element | None]:
    """An AlgorithmIdentifier: the OID and the parameters element, if any."""
    fields = der.children(der.expect(element, der.SEQUENCE))
    return der.oid(fields[0]), (fields[1] if len(fields) > 1 else None)


def derivations(algorithm: bytes) -> list[tuple[Hashable, int]]:
    """The key derivations decrypting with ``algorithm`` needs, read without deriving anything:
    (what identifies the derivation, its iteration count) each; empty when the parameters
    cannot be read (decrypting says why)."""
    try:
        scheme, params = _algorithm(der.first(algorithm)[0])
        if params is None:
            return []
        fields = der.children(der.expect(params, der.SEQUENCE))
        if scheme in _PKCS12_PBE:
            salt, count = der.octets(fields[0]), der.integer(fields[1])
            purposes = (_KDF_KEY,) if _PKCS12_PBE[scheme][0] == "rc4" else (_KDF_KEY, _KDF_IV)
            return [((scheme, salt, count, purpose), count) for purpose in purposes]
        if scheme == OID_PBES2:
            kdf_params = _algorithm(fields[0])[1]
            if kdf_params is not None:
                pbkdf2 = der.children(der.expect(kdf_params, der.SEQUENCE))
                salt, count = pbkdf2[0][1], der.integer(pbkdf2[1])
                return [((scheme, salt, count), count)]
    except (der.DerError, IndexError):
        pass
    return []


def _decrypt_pkcs12_pbe(
    scheme: str,
    params: der.Element | None,
    data: bytes,
    password: Password,
    budget: DerivationBudget | None,
) -> bytes:
    # pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
    if params is None:
        raise BadParametersError("PKCS#12 PBE parameters are missing")
    fields = der.children(der.expect(params, der.SEQUENCE))
    salt, iterations = der.octets(fields[0]), der.integer(fields[1])
    cipher, key_size = _PKCS12_PBE[scheme]
    key = pkcs12_kdf("sha1", 64, password.bmp, salt, _KDF_KEY, iterations, key_size, budget)
    if cipher == "rc4":
        decryptor = Cipher(ARC4(key), mode=None).decryptor()
        return decryptor.update(data) + decryptor.finalize()
    iv = pkcs12_kdf("sha1", 64, password.bmp, salt, _KDF_IV, iterations, 8, budget)
    if len(data) % 8 or not data:
        raise DecryptionError("ciphertext is not whole blocks")
    if cipher == "3des":
        if key_size == 16:
            key += key[:8]
        decryptor = Cipher(TripleDES(key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
    else:
        from Cryptodome.Cipher import ARC2  # (pycryptodome loads cffi's C parser: ~25 ms)

        # the stub omits effective_keylen, which the implementation takes (RFC 2268's T1)
        rc2 = ARC2.new(key, ARC2.MODE_CBC, iv=iv, effective_keylen=8 * key_size)  # type: ignore[call-arg]
        padded = rc2.decrypt(data)
    return _unpad(padded, 8)


def _decrypt_pbes2(
    params: der.Element | None,
    data: bytes,
    password: Password,
    budget: DerivationBudget | None,
) -> bytes:
    # PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier,
    #                             encryptionScheme AlgorithmIdentifier }  (RFC 8018 A.4)
    if params is None:
        raise BadParametersError("PBES2 parameters are missing")
    kdf, scheme = der.children(der.expect(params, der.SEQUENCE))[:2]
    kdf_oid, kdf_params = _algorithm(kdf)
    if kdf_oid != OID_PBKDF2:
        raise UnsupportedAlgorithmError(f"key derivation {kdf_oid}")
    cipher_oid, iv_element = _algorithm(scheme)
    if cipher_oid not in _PBES2_CIPHERS:
        raise UnsupportedAlgorithmError(f"PBES2 cipher {cipher_oid}")
    key_size, factory = _PBES2_CIPHERS[cipher_oid]
    if iv_element is None or kdf_params is None:
        raise BadParametersError("PBES2 parameters are incomplete")
    iv = der.expect(iv_element, der.OCTET_STRING)
    key = _pbkdf2(kdf_params, password.utf8, key_size, budget)
    block = 16 if factory is algorithms.AES else 8
    if len(iv) != block:
        raise BadParametersError("IV size does not fit the cipher")
    if len(data) % block or not data:
        raise DecryptionError("ciphertext is not whole blocks")
    decryptor = Cipher(factory(key), modes.CBC(iv)).decryptor()
    return _unpad(decryptor.update(data) + decryptor.finalize(), block)


def _pbkdf2(
    kdf_params: der.Element, secret: bytes, key_size: int | None, budget: DerivationBudget | None
) -> bytes:
    """A PBKDF2 key from its parameters; ``key_size`` ``None``: the size they give."""
    # PBKDF2-params ::= SEQUENCE { salt CHOICE { specified OCTET STRING, otherSource … },
    #     iterationCount INTEGER, keyLength INTEGER OPTIONAL,
    #     prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
    fields = der.children(der.expect(kdf_params, der.SEQUENCE))
    if fields[0][0] != der.OCTET_STRING:
        raise UnsupportedAlgorithmError("PBKDF2 salt from another source")
    salt, iterations = fields[0][1], der.integer(fields[1])
    _check_iterations(iterations)
    rest = fields[2:]
    if rest and rest[0][0] == der.INTEGER:
        given = der.integer(rest[0])
        if key_size is not None and given != key_size:
            raise BadParametersError("PBKDF2 key length does not fit the cipher")
        key_size = given
        rest = rest[1:]
    if key_size is None or not 1 <= key_size <= 512:
        raise BadParametersError("PBKDF2 key length")
    prf_oid = _algorithm(rest[0])[0] if rest else "1.2.840.113549.2.7"
    if prf_oid not in _PRF:
        raise UnsupportedAlgorithmError(f"PBKDF2 function {prf_oid}")
    size = key_size

    def derive() -> bytes:
        return PBKDF2HMAC(_PRF[prf_oid], size, salt, iterations).derive(secret)

    if budget is None:
        return derive()
    return budget.derive(("pbkdf2", prf_oid, secret, salt, iterations, size), iterations, derive)


def pbmac1_matches(
    params: der.Element | None,
    expected: bytes,
    password: Password,
    data: bytes,
    budget: DerivationBudget | None = None,
) -> bool:
    """RFC 9579's PBMAC1 MAC (OpenSSL 3.4, JDK 23+): HMAC keyed by PBKDF2 over the password's
    UTF-8 bytes; the salt and count of MacData itself are not used."""
    # PBMAC1-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier {{PBMAC1-KDFs}},
    #                              messageAuthScheme AlgorithmIdentifier {{PBMAC1-MACs}} }
    if params is None:
        raise BadParametersError("PBMAC1 parameters are missing")
    kdf, scheme = der.children(der.expect(params, der.SEQUENCE))[:2]
    kdf_oid, kdf_params = _algorithm(kdf)
    if kdf_oid != OID_PBKDF2 or kdf_params is None:
        raise UnsupportedAlgorithmError(f"PBMAC1 key derivation {kdf_oid}")
    mac_oid = _algorithm(scheme)[0]
    if mac_oid not in _PRF:
        raise UnsupportedAlgorithmError(f"PBMAC1 function {mac_oid}")
    key = _pbkdf2(kdf_params, password.utf8, None, budget)
    mac = hmac.new(key, data, _PRF[mac_oid].name.replace("-", "_").lower()).digest()
    return hmac.compare_digest(mac, expected)


def _unpad(padded: bytes, block: int) -> bytes:
    n = padded[-1]
    if not 1 <= n <= block or padded[-n:] != bytes((n,)) * n:
        raise DecryptionError("bad padding")
    return padded[:-n]


# --- encryption ------------------------------------------------------------------------------


def encrypt_pbes2(
    plaintext: bytes, password: str, iterations: int = WRITE_ITERATIONS
) -> tuple[bytes, bytes]:
    """PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: (AlgorithmIdentifier DER, ciphertext)."""
    salt, iv = os.urandom(16), os.urandom(16)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(
        password.encode("utf-8", "surrogatepass")
    )
    n = 16 - len(plaintext) % 16
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(plaintext + bytes((n,)) * n) + encryptor.finalize()
    algorithm = der.seq(
        der.enc_oid(OID_PBES2),
        der.seq(
            der.seq(
                der.enc_oid(OID_PBKDF2),
                der.seq(
                    der.enc_octets(salt),
                    der.enc_int(iterations),
                    der.seq(der.enc_oid(OID_HMAC_SHA256), der.enc_null()),
                ),
            ),
            der.seq(der.enc_oid(OID_AES256_CBC), der.enc_octets(iv)),
        ),
    )
    return algorithm, ciphertext
