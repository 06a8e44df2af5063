"""Names of key algorithms and curves read straight from DER, for keys the ``cryptography``
library cannot load (an EC key on a binary curve, as old JDKs and smart cards made them): the
entry is still listed, its key named (``EC sect193r1``) and marked not supported."""

from __future__ import annotations

from . import der

OID_EC = "1.2.840.10045.2.1"

ALGORITHMS = {
    "1.2.840.113549.1.1.1": "RSA",
    "1.2.840.113549.1.1.10": "RSASSA-PSS",
    OID_EC: "EC",
    "1.2.840.10040.4.1": "DSA",
    "1.2.840.10046.2.1": "DH",
    "1.3.101.110": "X25519",
    "1.3.101.111": "X448",
    "1.3.101.112": "Ed25519",
    "1.3.101.113": "Ed448",
    "1.2.643.2.2.19": "GOST R 34.10-2001",
    "1.2.156.10197.1.301": "SM2",
}

# SEC 2 and X9.62 named curves (RFC 5480, SEC 2 appendix A)
_SEC2 = {
    1: "sect163k1", 2: "sect163r1", 3: "sect239k1", 4: "sect113r1", 5: "sect113r2",
    6: "secp112r1", 7: "secp112r2", 8: "secp160r1", 9: "secp160k1", 10: "secp256k1",
    15: "sect163r2", 16: "sect283k1", 17: "sect283r1", 22: "sect131r1", 23: "sect131r2",
    24: "sect193r1", 25: "sect193r2", 26: "sect233k1", 27: "sect233r1", 28: "secp128r1",
    29: "secp128r2", 30: "secp160r2", 31: "secp192k1", 32: "secp224k1", 33: "secp224r1",
    34: "secp384r1", 35: "secp521r1", 36: "sect409k1", 37: "sect409r1", 38: "sect571k1",
    39: "sect571r1",
}  # fmt: skip
CURVES = {f"1.3.132.0.{n}": name for n, name in _SEC2.items()} | {
    "1.2.840.10045.3.1.1": "secp192r1",
    "1.2.840.10045.3.1.7": "secp256r1",
    "1.3.36.3.3.2.8.1.1.7": "brainpoolP256r1",
    "1.3.36.3.3.2.8.1.1.11": "brainpoolP384r1",
    "1.3.36.3.3.2.8.1.1.13": "brainpoolP512r1",
}


def describe_algorithm(identifier: der.Element) -> str:
    """An AlgorithmIdentifier as ``EC sect193r1``, ``RSA``, or its OID when unknown."""
    fields = der.children(der.expect(identifier, der.SEQUENCE))
    oid = der.oid(fields[0])
    name = ALGORITHMS.get(oid, oid)
    if oid == OID_EC and len(fields) > 1:
        if fields[1][0] == der.OID:
            curve = der.oid(fields[1])
            return f"EC {CURVES.get(curve, curve)}"
        return "EC (explicit curve parameters)"
    return name


def describe_spki(certificate: bytes) -> str | None:
    """The key algorithm of a certificate's SubjectPublicKeyInfo, or ``None`` if unreadable."""
    try:
        tbs = der.children(der.expect(der.sequence(certificate)[0], der.SEQUENCE))
        if tbs and tbs[0][0] == der.CONTEXT_0:
            tbs = tbs[1:]
        spki = der.children(der.expect(tbs[5], der.SEQUENCE))
        return describe_algorithm(spki[0])
    except (der.DerError, IndexError):
        return None


def describe_pkcs8(private_key_info: bytes) -> str | None:
    """The key algorithm of a PKCS#8 PrivateKeyInfo, or ``None`` if unreadable."""
    try:
        return describe_algorithm(der.sequence(private_key_info)[1])
    except (der.DerError, IndexError):
        return None
