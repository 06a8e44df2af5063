"""Key pair generation: the key types offered, their textual specs, and signature algorithms.

A key spec is what a user types on the command line (``rsa:3072``, ``ec:p-256``, ``ed25519``) and
what the dialog builds from its choices. Only sizes and curves that ``keytool`` and OpenSSL both
accept are offered: a typo such as ``rsa:17`` is refused, never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
    PrivateKeyTypes,
)

from .errors import KeystoreError


class KeySpecError(KeystoreError):
    """A key type, size or curve that is not offered."""


class KeyAlgorithm(StrEnum):
    RSA = "RSA"
    EC = "EC"
    ED25519 = "Ed25519"
    ED448 = "Ed448"
    DSA = "DSA"


RSA_SIZES = (2048, 3072, 4096)
DSA_SIZES = (2048,)
EC_CURVES = ("P-256", "P-384", "P-521")
_CURVE_CLASSES: dict[str, type[ec.EllipticCurve]] = {
    "P-256": ec.SECP256R1,
    "P-384": ec.SECP384R1,
    "P-521": ec.SECP521R1,
}
_CURVE_ALIASES = {
    "p-256": "P-256",
    "p256": "P-256",
    "secp256r1": "P-256",
    "prime256v1": "P-256",
    "p-384": "P-384",
    "p384": "P-384",
    "secp384r1": "P-384",
    "p-521": "P-521",
    "p521": "P-521",
    "secp521r1": "P-521",
}


@dataclass(frozen=True)
class KeySpec:
    """A key type with its size (RSA, DSA) or curve (EC)."""

    algorithm: KeyAlgorithm
    size: int | None = None
    curve: str | None = None

    @property
    def spec(self) -> str:
        """The text :func:`parse_key_spec` reads back: ``rsa:3072``, ``ec:p-256``, ``ed25519``."""
        if self.algorithm in (KeyAlgorithm.RSA, KeyAlgorithm.DSA):
            return f"{self.algorithm.lower()}:{self.size}"
        if self.algorithm is KeyAlgorithm.EC:
            return f"ec:{(self.curve or '').lower()}"
        return self.algorithm.lower()

    @property
    def label(self) -> str:
        """For display: ``RSA 3072``, ``EC P-256``, ``Ed25519``."""
        if self.size is not None:
            return f"{self.algorithm} {self.size}"
        if self.curve is not None:
            return f"{self.algorithm} {self.curve}"
        return str(self.algorithm)

    def generate(self) -> CertificateIssuerPrivateKeyTypes:
        """A new private key. RSA-4096 and DSA take up to a second: call off the GUI thread."""
        if self.algorithm is KeyAlgorithm.RSA:
            assert self.size is not None
            return rsa.generate_private_key(public_exponent=65537, key_size=self.size)
        if self.algorithm is KeyAlgorithm.DSA:
            assert self.size is not None
            return dsa.generate_parameters(key_size=self.size).generate_private_key()
        if self.algorithm is KeyAlgorithm.EC:
            assert self.curve is not None
            return ec.generate_private_key(_CURVE_CLASSES[self.curve]())
        if self.algorithm is KeyAlgorithm.ED25519:
            return ed25519.Ed25519PrivateKey.generate()
        return ed448.Ed448PrivateKey.generate()


DEFAULT_RSA = KeySpec(KeyAlgorithm.RSA, size=3072)
DEFAULT_EC = KeySpec(KeyAlgorithm.EC, curve="P-256")

ALL_KEY_SPECS: tuple[KeySpec, ...] = (
    *(KeySpec(KeyAlgorithm.RSA, size=n) for n in RSA_SIZES),
    *(KeySpec(KeyAlgorithm.EC, curve=c) for c in EC_CURVES),
    KeySpec(KeyAlgorithm.ED25519),
    KeySpec(KeyAlgorithm.ED448),
    *(KeySpec(KeyAlgorithm.DSA, size=n) for n in DSA_SIZES),
)

_ALGORITHM_NAMES = {
    "rsa": KeyAlgorithm.RSA,
    "ec": KeyAlgorithm.EC,
    "ecdsa": KeyAlgorithm.EC,
    "ed25519": KeyAlgorithm.ED25519,
    "ed448": KeyAlgorithm.ED448,
    "dsa": KeyAlgorithm.DSA,
}

KEY_SPEC_HELP = "rsa:2048|3072|4096, ec:p-256|p-384|p-521, ed25519, ed448 or dsa:2048"


def parse_key_spec(text: str) -> KeySpec:
    """Read ``rsa:3072``, ``RSA``, ``ec:p-384``, ``ec``, ``ed25519``, ``dsa:2048``…

    A bare ``rsa`` or ``ec`` takes the default (RSA 3072, EC P-256).
    """
    raw = text.strip()
    name, _, param = raw.partition(":")
    algorithm = _ALGORITHM_NAMES.get(name.strip().lower())
    if algorithm is None:
        raise KeySpecError(f"unknown key type '{raw}' (choose {KEY_SPEC_HELP})")
    param = param.strip()
    if algorithm in (KeyAlgorithm.RSA, KeyAlgorithm.DSA):
        sizes = RSA_SIZES if algorithm is KeyAlgorithm.RSA else DSA_SIZES
        if not param:
            return KeySpec(algorithm, size=sizes[1] if len(sizes) > 1 else sizes[0])
        if not param.isdigit() or int(param) not in sizes:
            allowed = ", ".join(str(n) for n in sizes)
            raise KeySpecError(f"{algorithm} key size '{param}' is not offered (choose {allowed})")
        return KeySpec(algorithm, size=int(param))
    if algorithm is KeyAlgorithm.EC:
        if not param:
            return DEFAULT_EC
        curve = _CURVE_ALIASES.get(param.lower())
        if curve is None:
            raise KeySpecError(f"EC curve '{param}' is not offered (choose {', '.join(EC_CURVES)})")
        return KeySpec(algorithm, curve=curve)
    if param:
        raise KeySpecError(f"{algorithm} takes no size or curve (got '{raw}')")
    return KeySpec(algorithm)


def spec_of_key(key: PrivateKeyTypes | CertificatePublicKeyTypes) -> KeySpec:
    """The spec a (private or public) key matches, for keys of any size or curve."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return KeySpec(KeyAlgorithm.RSA, size=key.key_size)
    if isinstance(key, dsa.DSAPrivateKey | dsa.DSAPublicKey):
        return KeySpec(KeyAlgorithm.DSA, size=key.key_size)
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        names = {cls().name: label for label, cls in _CURVE_CLASSES.items()}
        return KeySpec(KeyAlgorithm.EC, curve=names.get(key.curve.name, key.curve.name))
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return KeySpec(KeyAlgorithm.ED25519)
    if isinstance(key, ed448.Ed448PrivateKey | ed448.Ed448PublicKey):
        return KeySpec(KeyAlgorithm.ED448)
    raise KeySpecError(f"{type(key).__name__} keys cannot sign certificates")


# --- signature algorithms --------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureAlgorithm:
    """How a certificate is signed, named as Java names it (``SHA256withECDSA``)."""

    name: str
    key_algorithm: KeyAlgorithm
    hash_name: str | None = None
    pss: bool = False

    def hash(self) -> hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None:
        if self.hash_name is None:
            return None
        if self.hash_name == "SHA384":
            return hashes.SHA384()
        if self.hash_name == "SHA512":
            return hashes.SHA512()
        return hashes.SHA256()

    def rsa_padding(self) -> padding.PSS | padding.PKCS1v15 | None:
        if self.key_algorithm is not KeyAlgorithm.RSA:
            return None
        if not self.pss:
            return padding.PKCS1v15()
        digest = self.hash()
        assert digest is not None
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=padding.PSS.DIGEST_LENGTH)

    def __str__(self) -> str:
        return self.name


def _sig(
    name: str, algorithm: KeyAlgorithm, digest: str | None, pss: bool = False
) -> SignatureAlgorithm:
    return SignatureAlgorithm(name, algorithm, digest, pss)


SIGNATURE_ALGORITHMS: tuple[SignatureAlgorithm, ...] = (
    *(_sig(f"{h}withRSA", KeyAlgorithm.RSA, h) for h in ("SHA256", "SHA384", "SHA512")),
    *(_sig(f"{h}withRSA/PSS", KeyAlgorithm.RSA, h, True) for h in ("SHA256", "SHA384", "SHA512")),
    *(_sig(f"{h}withECDSA", KeyAlgorithm.EC, h) for h in ("SHA256", "SHA384", "SHA512")),
    _sig("Ed25519", KeyAlgorithm.ED25519, None),
    _sig("Ed448", KeyAlgorithm.ED448, None),
    _sig("SHA256withDSA", KeyAlgorithm.DSA, "SHA256"),
)


def signature_algorithms_for(spec: KeySpec) -> list[SignatureAlgorithm]:
    """The algorithms a key of ``spec`` can sign with, the default first."""
    offered = [s for s in SIGNATURE_ALGORITHMS if s.key_algorithm is spec.algorithm]
    default = default_signature_algorithm(spec)
    return [default, *(s for s in offered if s != default)]


def default_signature_algorithm(spec: KeySpec) -> SignatureAlgorithm:
    """SHA-256 for RSA and DSA; the hash matching the curve's strength for EC; EdDSA as is."""
    wanted = {
        KeyAlgorithm.RSA: "SHA256withRSA",
        KeyAlgorithm.DSA: "SHA256withDSA",
        KeyAlgorithm.ED25519: "Ed25519",
        KeyAlgorithm.ED448: "Ed448",
    }.get(spec.algorithm)
    if wanted is None:
        digest = {"P-384": "SHA384", "P-521": "SHA512"}.get(spec.curve or "", "SHA256")
        wanted = f"{digest}withECDSA"
    return signature_algorithm(wanted)


def signature_algorithm(name: str) -> SignatureAlgorithm:
    """Look up by Java name, case-insensitively (``sha256withrsa``, ``SHA384withRSA/PSS``)."""
    folded = name.strip().lower().replace("-", "").replace("andmgf1", "/pss")
    for sig in SIGNATURE_ALGORITHMS:
        if sig.name.lower() == folded:
            return sig
    names = ", ".join(s.name for s in SIGNATURE_ALGORITHMS)
    raise KeySpecError(f"unknown signature algorithm '{name}' (choose {names})")


def check_signature_algorithm(sig: SignatureAlgorithm, signer: KeySpec) -> None:
    if sig.key_algorithm is not signer.algorithm:
        raise KeySpecError(f"{sig.name} cannot be used with the signing key ({signer.label})")
