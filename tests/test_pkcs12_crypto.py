"""Known-answer tests for the PKCS#12 key derivation, PBE round trips, and the writer's DER
checked against pyasn1-modules' RFC 7292 schemas."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from pyasn1.codec.der import decoder, encoder
from pyasn1.type import univ
from pyasn1_modules import rfc5652, rfc7292, rfc8018

from keystore_gui.core import der
from keystore_gui.core.codecs import pkcs12
from keystore_gui.core.codecs import pkcs12_crypto as crypto
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, SecretKey, StoreType
from tests.certs import self_signed


def bmp(text: str) -> bytes:
    return crypto.password_spellings(text)[0].bmp


# RFC 7292 appendix B test vectors as published with the PKCS#12 reference implementation
# (and used by OpenSSL and Bouncy Castle's test suites).
@pytest.mark.parametrize(
    ("password", "salt", "purpose", "iterations", "expected"),
    [
        ("smeg", "0A58CF64530D823F", 1, 1, "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3"),
        ("smeg", "0A58CF64530D823F", 2, 1, "79993DFE048D3B76"),
        ("queeg", "05DEC959ACFF72F7", 1, 1000, "ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4"),
        ("queeg", "05DEC959ACFF72F7", 2, 1000, "11DEDAD7758D4860"),
        ("smeg", "3D83C0E4546AC140", 3, 1, "8D967D88F6CAA9D714800AB3D48051D63F73A312"),
    ],
)
def test_kdf_known_answers(
    password: str, salt: str, purpose: int, iterations: int, expected: str
) -> None:
    size = len(expected) // 2
    got = crypto.pkcs12_kdf(
        "sha1", 64, bmp(password), bytes.fromhex(salt), purpose, iterations, size
    )
    assert got.hex().upper() == expected


def test_password_spellings() -> None:
    assert [p.bmp for p in crypto.password_spellings("")] == [b"\0\0", b""]
    assert [p.bmp for p in crypto.password_spellings("ab")] == [b"\0a\0b\0\0"]
    utf16, latin1, legacy = crypto.password_spellings("é")
    assert utf16.bmp == b"\0\xe9\0\0" and utf16.utf8 == b"\xc3\xa9"
    assert latin1.bmp == utf16.bmp and latin1.utf8 == b"\xe9"  # PBES2 from RSA's JSafe
    assert legacy.bmp == b"\0\xc3\0\xa9\0\0"  # each UTF-8 byte a character, OpenSSL's fallback
    assert len(crypto.password_spellings("日本")) == 2  # not Latin-1: no such spelling


def test_pbes2_round_trip_and_wrong_password() -> None:
    algorithm, ciphertext = crypto.encrypt_pbes2(b"secret data", "pässword", iterations=1000)
    right = crypto.password_spellings("pässword")[0]
    assert crypto.decrypt(algorithm, ciphertext, right) == b"secret data"
    wrong = crypto.password_spellings("password")[0]
    # usually DecryptionError; about one wrong key in 256 leaves valid padding
    with contextlib.suppress(crypto.DecryptionError):
        assert crypto.decrypt(algorithm, ciphertext, wrong) != b"secret data"


def test_iteration_count_is_bounded() -> None:
    with pytest.raises(crypto.BadParametersError):
        crypto.pkcs12_kdf("sha1", 64, b"", b"salt", 1, crypto.MAX_ITERATIONS + 1, 8)


def test_der_reader_accepts_ber_indefinite_and_constructed_octets() -> None:
    ber = bytes.fromhex("308024800402abcd0401ef00000000")
    elements = der.children(der.one(ber, der.SEQUENCE))
    assert der.octets(elements[0]) == bytes.fromhex("abcdef")


def _children_one_by_one(value: bytes) -> list[der.Element]:
    """What :func:`der.children` gives, element by element through the general reader."""
    out = []
    pos = 0
    while pos < len(value):
        tag, start, stop, pos = der._read(value, pos)
        out.append((tag, value[start:stop]))
    return out


def _outcome(read: Callable[[bytes], list[der.Element]], value: bytes) -> object:
    try:
        return read(value)
    except der.DerError as exc:
        return type(exc), str(exc)


def test_children_reads_headers_inline_as_the_general_reader_does() -> None:
    """One- to three-byte lengths (also non-minimal ones), elements ending the value, lengths
    running past it, multi-byte tags and indefinite lengths: the same elements or errors."""
    rng = random.Random(18)
    heads = [b"\x04\x03", b"\x04\x81\x03", b"\x04\x82\x00\x03", b"\x04\x83\x00\x00\x03"]
    heads += [b"\x1f\x03", b"\x24\x80", b"\x04\x84\x00\x00\x00\x03", b"\x04\x85", b"\x05\x00"]
    for _ in range(3000):
        value = b"".join(rng.choice(heads) + b"abc" for _ in range(rng.randrange(1, 4)))
        value = value[: rng.randrange(len(value) + 1)] + rng.choice([b"", b"\x00\x00", b"\x05"])
        if rng.random() < 0.3:
            flipped = bytearray(value or b"\x00")
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            value = bytes(flipped)
        assert _outcome(der.children, value) == _outcome(_children_one_by_one, value), value


@pytest.mark.parametrize("dotted", ["1.2.840.113549.1.12.10.1.2", "2.5.29.37.0", "2.999.3"])
def test_oid_round_trip(dotted: str) -> None:
    (tag, value), rest = der.first(der.enc_oid(dotted))
    assert (tag, rest) == (der.OID, b"")
    assert der.oid((tag, value)) == dotted


def test_written_pfx_matches_the_rfc7292_schema() -> None:
    """What the writer emits decodes with pyasn1-modules' schemas and is canonical DER."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = self_signed("schema", key, serial=7)
    store = Keystore(StoreType.PKCS12)
    store.add(Entry("key", EntryKind.PRIVATE_KEY, [Certificate.from_x509(cert)], key))
    store.add(Entry("ca", EntryKind.TRUSTED_CERT, [Certificate.from_x509(cert)]))
    store.add(Entry("aes", EntryKind.SECRET_KEY, key=SecretKey("AES", bytes(16))))
    data = pkcs12.dump(store, "pw")

    pfx, rest = decoder.decode(data, asn1Spec=rfc7292.PFX())
    assert rest == b"" and encoder.encode(pfx) == data
    auth_safe_octets, _ = decoder.decode(pfx["authSafe"]["content"], asn1Spec=univ.OctetString())
    auth_safe, _ = decoder.decode(bytes(auth_safe_octets), asn1Spec=rfc7292.AuthenticatedSafe())
    assert [str(ci["contentType"]) for ci in auth_safe] == [
        pkcs12.OID_DATA,
        pkcs12.OID_ENCRYPTED_DATA,
    ]
    keys_octets, _ = decoder.decode(auth_safe[0]["content"], asn1Spec=univ.OctetString())
    bags, _ = decoder.decode(bytes(keys_octets), asn1Spec=rfc7292.SafeContents())
    assert [str(b["bagId"]) for b in bags] == [pkcs12.OID_SHROUDED_KEY_BAG, pkcs12.OID_SECRET_BAG]
    encrypted, _ = decoder.decode(auth_safe[1]["content"], asn1Spec=rfc5652.EncryptedData())
    algorithm = encrypted["encryptedContentInfo"]["contentEncryptionAlgorithm"]
    assert str(algorithm["algorithm"]) == crypto.OID_PBES2
    params, _ = decoder.decode(algorithm["parameters"], asn1Spec=rfc8018.PBES2_params())
    kdf, _ = decoder.decode(
        params["keyDerivationFunc"]["parameters"], asn1Spec=rfc8018.PBKDF2_params()
    )
    assert int(kdf["iterationCount"]) == crypto.WRITE_ITERATIONS
    assert str(params["encryptionScheme"]["algorithm"]) == crypto.OID_AES256_CBC
    assert int(pfx["macData"]["iterations"]) == crypto.WRITE_ITERATIONS
