"""Known-answer tests for the PKCS#12 key derivation, and round trips of the PBE schemes."""

from __future__ import annotations

import contextlib

import pytest

from keystore_gui.core.codecs import pkcs12_crypto as crypto
from keystore_gui.core.codecs import pkcs12_der as der


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
    utf16, legacy = (p.bmp for p in crypto.password_spellings("é"))
    assert utf16 == b"\0\xe9\0\0"
    assert legacy == b"\0\xc3\0\xa9\0\0"  # each UTF-8 byte as a character, OpenSSL's fallback


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


@pytest.mark.parametrize("dotted", ["1.2.840.113549.1.12.10.1.2", "2.5.29.37.0", "2.999.3"])
def test_oid_round_trip(dotted: str) -> None:
    (tag, value), rest = der.first(der.enc_oid(dotted))
    assert (tag, rest) == (der.OID, b"")
    assert der.oid((tag, value)) == dotted
