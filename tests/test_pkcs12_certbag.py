"""The one-match reading of a usual PKCS#12 certificate bag gives what the general walk gives,
and leaves every other bag (other layouts, damage, BER) to that walk."""

from __future__ import annotations

import pytest

from keystore_gui.core import der
from keystore_gui.core.codecs import pkcs12
from keystore_gui.core.codecs.pkcs12_certbag import read_cert_bag
from keystore_gui.core.model import Certificate
from tests.certfactory import der as cert_der
from tests.certfactory import make_cert

CERT = Certificate(cert_der(make_cert("Bag CA", ca=True, serial=0x51)))


def walked(value: bytes) -> object:
    """What the general walk makes of a bag: its fields, "skipped", or the error it raises."""
    reader = pkcs12._Reader(b"", None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pkcs12, "read_cert_bag", lambda value: None)
        try:
            reader._safe_bag((der.SEQUENCE, value), 0)
        except Exception as exc:  # whatever it raises, the fast path must not answer instead
            return type(exc)
    if not reader.bags:
        return "skipped"
    (bag,) = reader.bags
    assert bag.certificate is not None
    return bag.certificate.der, bag.friendly_name, bag.local_key_id, bag.trusted


def bag_value(attributes: bytes = b"") -> bytes:
    return der.one(pkcs12._cert_bag(CERT, attributes), der.SEQUENCE)


def attribute(oid: str, *values: bytes) -> bytes:
    return der.seq(der.enc_oid(oid), der.set_of(list(values)))


UTF8_NAME = der.tlv(der.UTF8_STRING, "grüße".encode())
USUAL = {
    "none": b"",
    "empty-set": der.set_of([]),
    "java-trusted": pkcs12._attributes("cert-00001", None, trusted=True),
    "key-id": pkcs12._attributes("leaf", b"\x01\x02\x03", trusted=False),
    "non-ascii": pkcs12._attributes("zürich ü", None, trusted=True),
    "utf8-name": der.set_of([attribute(pkcs12.OID_FRIENDLY_NAME, UTF8_NAME)]),
    "no-values": der.set_of([attribute(pkcs12.OID_FRIENDLY_NAME)]),
    "two-names": der.set_of(
        [attribute(pkcs12.OID_FRIENDLY_NAME, der.enc_bmp(n)) for n in ("first", "second")]
    ),
}
OTHER = {
    "long-name": pkcs12._attributes("x" * 80, None, trusted=True),  # two-byte lengths
    "set-of-128": pkcs12._attributes("x" * 40, b"k" * 14, trusted=False),  # 31 81 80
    "unknown-attribute": der.set_of([attribute("1.2.3.4", der.enc_octets(b"x"))]),
    "constructed-key-id": der.set_of(
        [attribute(pkcs12.OID_LOCAL_KEY_ID, bytes.fromhex("2480040101000000"))]
    ),
}


@pytest.mark.parametrize("name", USUAL)
def test_usual_bags_read_in_one_match(name: str) -> None:
    value = bag_value(USUAL[name])
    assert read_cert_bag(value) is not None
    assert read_cert_bag(value) == walked(value)


@pytest.mark.parametrize("name", OTHER)
def test_other_bags_are_left_to_the_general_walk(name: str) -> None:
    value = bag_value(OTHER[name])
    assert read_cert_bag(value) is None
    assert walked(value) != "skipped"


def test_attributes_inside_the_certificate_value_are_not_the_bags() -> None:
    """A CertBag SEQUENCE may hold more than its two fields; what follows the certificate there
    is no bag attribute, even when it looks like one."""
    cert_bag = der.seq(
        der.enc_oid(pkcs12.OID_X509_CERTIFICATE),
        der.explicit(0, der.enc_octets(CERT.der)),
        pkcs12._attributes("hidden", None, trusted=True),
    )
    value = der.enc_oid(pkcs12.OID_CERT_BAG) + der.explicit(0, cert_bag)
    assert walked(value) == (CERT.der, None, None, False)
    assert read_cert_bag(value) is None


def test_damage_anywhere_in_the_layout() -> None:
    """Every byte of the layout and the attributes changed, and every cut: the fast path
    answers only where the general walk reads the same bag."""
    value = bag_value(pkcs12._attributes("cert-00001", b"\x09", trusted=True))
    cert_start = value.index(CERT.der)
    positions = [*range(cert_start + 1), *range(cert_start + len(CERT.der), len(value))]
    answered = 0
    for pos in positions:
        for byte in {value[pos] ^ 0x01, value[pos] ^ 0x80, 0x00, 0x1F, 0x81, 0x82, 0xFF}:
            changed = value[:pos] + bytes([byte]) + value[pos + 1 :]
            fast = read_cert_bag(changed)
            if fast is not None:
                answered += 1
                assert fast == walked(changed), (pos, byte)
    for n in range(len(value)):
        assert read_cert_bag(value[:n]) in (None, walked(value[:n])), n
    assert answered  # (a changed name, say, still reads in one match)
