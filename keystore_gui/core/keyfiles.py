"""Private key files in and out: PEM or DER, every layout OpenSSL writes.

Reading accepts PKCS#8 (plain or encrypted: PBES2 with AES, 3DES or scrypt, and the PKCS#5 v1 and
PKCS#12 PBE schemes), PKCS#1 RSA, SEC1 EC and DSA "traditional" PEM (also with
``Proc-Type: 4,ENCRYPTED``), and OpenSSH keys; a PEM may carry certificates beside the key (the
combined file HAProxy uses, or ``openssl pkcs12 -nodes`` output). Writing produces PKCS#8 (encrypted
with AES-256 and PBKDF2 unless told not to), public keys and single-entry PKCS#12 files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificatePublicKeyTypes,
    PrivateKeyTypes,
)
from cryptography.hazmat.primitives.serialization import pkcs12

from .errors import (
    CorruptFileError,
    KeystoreError,
    TruncatedFileError,
    UnsupportedFormatError,
    WrongPasswordError,
)
from .formats import codec_for, detect
from .model import Certificate, StoreType

_PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)(-----END \1-----|(?=-----BEGIN )|\Z)", re.S
)
_KEY_LABELS = {
    b"PRIVATE KEY",
    b"ENCRYPTED PRIVATE KEY",
    b"RSA PRIVATE KEY",
    b"EC PRIVATE KEY",
    b"DSA PRIVATE KEY",
    b"OPENSSH PRIVATE KEY",
}
_CERT_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE", b"PKCS7"}
SIGNING_KEYS = "RSA, EC, DSA, Ed25519 or Ed448"
SigningKey = (
    rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | dsa.DSAPrivateKey
    | ed25519.Ed25519PrivateKey
    | ed448.Ed448PrivateKey
)
"""The private keys a key pair entry can hold: those a certificate can be made for."""


class KeyFileError(KeystoreError):
    """A file that is not a usable private key file."""


class KeyPasswordNeeded(KeystoreError):
    """The key is encrypted and no password was given."""


def signing_key(key: PrivateKeyTypes, name: str) -> SigningKey:
    """``key`` if a key pair entry can hold it; refused by name otherwise."""
    if isinstance(key, SigningKey):
        return key
    kind = type(key).__name__.removesuffix("PrivateKey").lstrip("_")
    raise UnsupportedFormatError(
        f"{name}: unsupported key type {kind}: a key pair needs a signing key ({SIGNING_KEYS})"
    )


@dataclass
class KeyFile:
    """A private key file as read: the key still sealed, and the certificates beside it."""

    name: str
    encrypted: bool
    certificates: list[Certificate] = field(default_factory=list)
    _blob: bytes = field(default=b"", repr=False)
    _pem: bool = True
    _ssh: bool = False

    def key(self, password: str | None = None) -> SigningKey:
        """The private key, decrypted with ``password`` when the file is encrypted."""
        if self.encrypted and password is None:
            raise KeyPasswordNeeded(f"the key in {self.name} is encrypted: a password is needed")
        secret = password.encode("utf-8") if self.encrypted and password is not None else None
        try:
            if self._ssh:
                key: PrivateKeyTypes = serialization.load_ssh_private_key(self._blob, secret)
            elif self._pem:
                key = serialization.load_pem_private_key(self._blob, secret)
            else:
                key = serialization.load_der_private_key(self._blob, secret)
        except UnsupportedAlgorithm as exc:
            raise UnsupportedFormatError(f"{self.name}: unsupported key: {exc}") from None
        except (ValueError, TypeError) as exc:
            text = str(exc)
            if "ncorrect password" in text or "Bad decrypt" in text:
                raise WrongPasswordError(f"wrong password for the key in {self.name}") from None
            if "unknown cipher" in text or "nsupported" in text:
                raise UnsupportedFormatError(
                    f"{self.name}: the key is encrypted with a cipher that is not supported "
                    "(re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc)"
                ) from None
            raise CorruptFileError(f"the key in {self.name} cannot be read") from None
        return signing_key(key, self.name)


def _pem_blocks(data: bytes, name: str) -> list[tuple[bytes, bytes]]:
    """``(label, block)`` for every PEM block; a block without its END line is truncation."""
    blocks = []
    for match in _PEM_BLOCK.finditer(data):
        label = match.group(1)
        if not match.group(3):
            raise TruncatedFileError(f"{name}: the PEM block '{label.decode()}' has no END line")
        blocks.append((label, match.group(0)))
    return blocks


def _certificates(blocks: list[bytes], name: str) -> list[Certificate]:
    if not blocks:
        return []
    try:
        store = codec_for(StoreType.PEM).load(b"\n".join(blocks), None)
    except KeystoreError as exc:
        raise CorruptFileError(f"a certificate in {name} cannot be read ({exc})") from None
    return [cert for entry in store.entries for cert in entry.chain]


def read_key_file(data: bytes, name: str) -> KeyFile:
    """The key (still sealed) and any certificates of a PEM or DER private key file."""
    if b"-----BEGIN " in data:
        return _read_pem(data, name)
    return _read_der(data, name)


def _read_pem(data: bytes, name: str) -> KeyFile:
    blocks = _pem_blocks(data, name)
    keys = [(label, block) for label, block in blocks if label in _KEY_LABELS]
    certs = _certificates([b for label, b in blocks if label in _CERT_LABELS], name)
    if not keys:
        what = "certificates" if certs else "no private key"
        if any(label == b"PUBLIC KEY" for label, _ in blocks):
            what = "a public key"
        raise KeyFileError(f"{name} holds {what}, not a private key")
    if len(keys) > 1:
        raise KeyFileError(f"{name} holds {len(keys)} private keys: give a file with one")
    label, block = keys[0]
    if label == b"OPENSSH PRIVATE KEY":
        return KeyFile(name, _ssh_encrypted(block, name), certs, block, _ssh=True)
    encrypted = label == b"ENCRYPTED PRIVATE KEY" or b"Proc-Type: 4,ENCRYPTED" in block
    return KeyFile(name, encrypted, certs, block)


def _ssh_encrypted(block: bytes, name: str) -> bool:
    try:
        serialization.load_ssh_private_key(block, None)
    except TypeError:
        return True
    except (ValueError, UnsupportedAlgorithm):
        raise CorruptFileError(f"the OpenSSH key in {name} cannot be read") from None
    return False


def _read_der(data: bytes, name: str) -> KeyFile:
    try:
        serialization.load_der_private_key(data, None)
        return KeyFile(name, False, [], data, _pem=False)
    except TypeError:
        return KeyFile(name, True, [], data, _pem=False)
    except UnsupportedAlgorithm as exc:
        raise UnsupportedFormatError(f"{name}: unsupported key: {exc}") from None
    except ValueError:
        pass
    try:
        kind = detect(data, name)
    except KeystoreError:
        raise KeyFileError(f"{name} is not a private key file (PEM or DER)") from None
    if kind.is_certificate_file:
        raise KeyFileError(f"{name} holds certificates, not a private key")
    raise KeyFileError(f"{name} is a {kind} keystore, not a key file: import its entries instead")


def looks_like_key_file(data: bytes, name: str) -> bool:
    """``data`` holds a private key (or is a PKCS#12): a key pair import can start from it."""
    if b"-----BEGIN " not in data:
        try:
            if detect(data, name) is StoreType.PKCS12:
                return True
        except KeystoreError:
            pass
    try:
        read_key_file(data, name)
    except KeystoreError:
        return False
    return True


# --- writing ---------------------------------------------------------------------------------


def private_key_pem(key: PrivateKeyTypes, password: str | None) -> bytes:
    """PKCS#8 PEM; encrypted (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC) unless ``password`` is None."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.NoEncryption()
        if password is None
        else serialization.BestAvailableEncryption(password.encode("utf-8"))
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


PUBLIC_KEY_FORMATS = ("pem", "der", "openssh")


def public_key_bytes(key: CertificatePublicKeyTypes, fmt: str) -> bytes:
    """The public key as SubjectPublicKeyInfo PEM or DER, or an OpenSSH ``authorized_keys`` line."""
    if fmt == "openssh":
        try:
            line = key.public_bytes(
                serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
            )
        except (ValueError, UnsupportedAlgorithm):
            raise UnsupportedFormatError("OpenSSH has no format for this key type") from None
        return line + b"\n"
    encoding = serialization.Encoding.PEM if fmt == "pem" else serialization.Encoding.DER
    return key.public_bytes(encoding, serialization.PublicFormat.SubjectPublicKeyInfo)


PKCS12_ROUNDS = 10_000
"""PBKDF2 rounds for an exported PKCS#12, as the JDK and OpenSSL 3 write them."""


def pkcs12_bytes(
    alias: str,
    key: SigningKey,
    chain: list[Certificate],
    password: str,
    *,
    legacy: bool = False,
) -> bytes:
    """A PKCS#12 holding one key pair named ``alias`` (its friendly name).

    Default: AES-256-CBC with PBKDF2-HMAC-SHA256 and an HMAC-SHA256 MAC. ``legacy``: 3DES with
    SHA-1 and a SHA-1 MAC, for importers that know nothing newer (Windows before 10 1709, old
    macOS and Java 8 before 8u301).
    """
    algorithm = (
        pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC
        if legacy
        else pkcs12.PBES.PBESv2SHA256AndAES256CBC
    )
    mac = hashes.SHA1() if legacy else hashes.SHA256()
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(PKCS12_ROUNDS)
        .key_cert_algorithm(algorithm)
        .hmac_hash(mac)
        .build(password.encode("utf-8"))
    )
    parsed = [_x509(c) for c in chain]
    return pkcs12.serialize_key_and_certificates(
        alias.encode("utf-8"), key, parsed[0], parsed[1:] or None, encryption
    )


def _x509(cert: Certificate) -> x509.Certificate:
    parsed = cert.x509
    if parsed is None:
        raise UnsupportedFormatError(
            f"the certificate '{cert.common_name()}' cannot be written to PKCS#12 here"
        )
    return parsed
