"""Byte-level pieces of Sun's JKS and JCEKS formats that pyjks does not write.

- Java's "modified UTF-8" (``DataOutputStream.writeUTF``): characters outside the BMP are written
  as two 3-byte surrogates and NUL as ``C0 80``; plain UTF-8 would make keytool fail on such an
  alias.
- Sun's key protectors: the JKS one (SHA-1 keystream, pyjks has both directions) and JCEKS's
  PBEWithMD5AndTripleDES (pyjks only decrypts; the encrypt side below mirrors
  ``com.sun.crypto.provider.PBES1Core``).
- A JCEKS secret key: a Java-serialized ``SealedObjectForKeyProtector`` holding the serialized,
  encrypted ``javax.crypto.spec.SecretKeySpec`` (the stream is byte for byte what JDK 17 writes).
"""

from __future__ import annotations

import os
import struct

from .. import der

JKS_PROTECTOR_OID = "1.3.6.1.4.1.42.2.17.1.1"
JCE_PROTECTOR_OID = "1.3.6.1.4.1.42.2.19.1"
JCE_PBE_ALGORITHM = "PBEWithMD5AndTripleDES"
JCE_ITERATIONS = 200_000
"""What JDK 17 uses (``jdk.jceks.iterationCount``)."""


# --- modified UTF-8 ---------------------------------------------------------------------------


def encode_mutf8(text: str) -> bytes:
    """``DataOutputStream.writeUTF`` without the length prefix."""
    utf16 = text.encode("utf-16-be", "surrogatepass")
    units = [utf16[i] << 8 | utf16[i + 1] for i in range(0, len(utf16), 2)]
    out = bytearray()
    for unit in units:
        if 0 < unit < 0x80:
            out.append(unit)
        elif unit < 0x800:
            out += bytes((0xC0 | unit >> 6, 0x80 | unit & 0x3F))
        else:
            out += bytes((0xE0 | unit >> 12, 0x80 | unit >> 6 & 0x3F, 0x80 | unit & 0x3F))
    return bytes(out)


def decode_mutf8(data: bytes) -> str:
    """``DataInputStream.readUTF``; raises ``UnicodeDecodeError`` on bytes Java would reject."""
    if data.isascii():
        return data.decode("ascii")
    text = data.replace(b"\xc0\x80", b"\x00").decode("utf-8", "surrogatepass")
    if b"\xed" in data:  # a surrogate: pair them up as Java's UTF-16 does
        text = text.encode("utf-16-be", "surrogatepass").decode("utf-16-be")
    return text


def write_utf(text: str) -> bytes:
    encoded = encode_mutf8(text)
    if len(encoded) > 0xFFFF:
        raise ValueError("longer than 65535 bytes in modified UTF-8")
    return struct.pack(">H", len(encoded)) + encoded


def _encrypted_private_key_info(oid: str, params: bytes, data: bytes) -> bytes:
    return der.seq(der.seq(der.enc_oid(oid), params), der.enc_octets(data))


def _pbe_parameter(salt: bytes, iterations: int) -> bytes:
    return der.seq(der.enc_octets(salt), der.enc_int(iterations))


# --- key protectors ----------------------------------------------------------------------------


def jks_protect(pkcs8: bytes, password: str) -> bytes:
    """A PKCS#8 key as ``sun.security.provider.KeyProtector`` stores it in a JKS."""
    from jks import sun_crypto

    encrypted = sun_crypto.jks_pkey_encrypt(pkcs8, password)
    return _encrypted_private_key_info(JKS_PROTECTOR_OID, b"\x05\x00", encrypted)


def _jce_encrypt(plain: bytes, password: str, salt: bytes, iterations: int) -> bytes:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, modes
    from jks import sun_crypto

    key, iv = sun_crypto._jce_pbe_derive_key_and_iv(password, salt, iterations)
    padder = padding.PKCS7(64).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(TripleDES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def _new_salt() -> bytes:
    return os.urandom(8)


def jce_protect(pkcs8: bytes, password: str, iterations: int = JCE_ITERATIONS) -> bytes:
    """A PKCS#8 key as ``com.sun.crypto.provider.KeyProtector`` stores it in a JCEKS.

    Raises ``ValueError`` for a non-ASCII password (Java refuses those too).
    """
    salt = _new_salt()
    encrypted = _jce_encrypt(pkcs8, password, salt, iterations)
    return _encrypted_private_key_info(
        JCE_PROTECTOR_OID, _pbe_parameter(salt, iterations), encrypted
    )


# --- Java serialization of a sealed secret key -------------------------------------------------

_MAGIC = b"\xac\xed\x00\x05"
_TC_NULL, _TC_REFERENCE, _TC_CLASSDESC, _TC_OBJECT = 0x70, 0x71, 0x72, 0x73
_TC_STRING, _TC_ARRAY, _TC_ENDBLOCKDATA = 0x74, 0x75, 0x78
_SC_SERIALIZABLE = 0x02
_BASE_HANDLE = 0x7E0000
_BYTE_ARRAY_UID = 0xACF317F8060854E0


def _jstr(text: str) -> bytes:
    return write_utf(text)


def _class_desc(name: str, uid: int, fields: bytes, count: int) -> bytes:
    return (
        bytes((_TC_CLASSDESC,))
        + _jstr(name)
        + uid.to_bytes(8, "big")
        + bytes((_SC_SERIALIZABLE,))
        + struct.pack(">H", count)
        + fields
        + bytes((_TC_ENDBLOCKDATA,))
    )


def _ref(handle: int) -> bytes:
    return bytes((_TC_REFERENCE,)) + struct.pack(">I", _BASE_HANDLE + handle)


def _new_string(text: str) -> bytes:
    return bytes((_TC_STRING,)) + _jstr(text)


def _byte_array(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def serialize_secret_key_spec(algorithm: str, key: bytes) -> bytes:
    """``new ObjectOutputStream(out).writeObject(new SecretKeySpec(key, algorithm))``."""
    # handles: 0 SecretKeySpec desc, 1 "Ljava/lang/String;", 2 "[B", 3 the object,
    # 4 the algorithm string, 5 byte[] desc, 6 the key array
    fields = (
        b"L"
        + _jstr("algorithm")
        + _new_string("Ljava/lang/String;")
        + b"["
        + _jstr("key")
        + _new_string("[B")
    )
    return (
        _MAGIC
        + bytes((_TC_OBJECT,))
        + _class_desc("javax.crypto.spec.SecretKeySpec", 0x5B470B66E230614D, fields, 2)
        + bytes((_TC_NULL,))
        + _new_string(algorithm)
        + bytes((_TC_ARRAY,))
        + _class_desc("[B", _BYTE_ARRAY_UID, b"", 0)
        + bytes((_TC_NULL,))
        + _byte_array(key)
    )


def seal_secret_key(
    algorithm: str, key: bytes, password: str, iterations: int = JCE_ITERATIONS
) -> bytes:
    """The serialized ``SealedObjectForKeyProtector`` a JCEKS stores for a secret key entry.

    Raises ``ValueError`` for a non-ASCII password.
    """
    salt = _new_salt()
    params = _pbe_parameter(salt, iterations)
    encrypted = _jce_encrypt(serialize_secret_key_spec(algorithm, key), password, salt, iterations)
    # handles: 0 SealedObjectForKeyProtector desc, 1 SealedObject desc, 2 "[B",
    # 3 "Ljava/lang/String;", 4 the object, 5 byte[] desc, 6 and 7 the arrays, 8 and 9 strings
    fields = (
        b"["
        + _jstr("encodedParams")
        + _new_string("[B")
        + b"["
        + _jstr("encryptedContent")
        + _ref(2)
        + b"L"
        + _jstr("paramsAlg")
        + _new_string("Ljava/lang/String;")
        + b"L"
        + _jstr("sealAlg")
        + _ref(3)
    )
    return (
        _MAGIC
        + bytes((_TC_OBJECT,))
        + _class_desc(
            "com.sun.crypto.provider.SealedObjectForKeyProtector", 0xCD57CA59E730BB53, b"", 0
        )
        + _class_desc("javax.crypto.SealedObject", 0x3E363DA6C3B75470, fields, 4)
        + bytes((_TC_NULL,))
        + bytes((_TC_ARRAY,))
        + _class_desc("[B", _BYTE_ARRAY_UID, b"", 0)
        + bytes((_TC_NULL,))
        + _byte_array(params)
        + bytes((_TC_ARRAY,))
        + _ref(5)
        + _byte_array(encrypted)
        + _new_string(JCE_PBE_ALGORITHM)
        + _new_string(JCE_PBE_ALGORITHM)
    )
