"""Which open stores count as trust sources: truststores yes, keystores only when chosen."""

from __future__ import annotations

from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.core.trustsources import is_truststore, open_store_sources
from tests.gui.conftest import make_cert


def test_only_stores_of_trusted_certificates_are_ticked_by_default() -> None:
    certificate = Certificate.from_x509(make_cert("Acme Root CA", ca=True)[0])
    own = Keystore(StoreType.JKS, [Entry("root", EntryKind.TRUSTED_CERT, [certificate])])
    trusted = Keystore(StoreType.JKS, [Entry("root", EntryKind.TRUSTED_CERT, [certificate])])
    keys = Keystore(StoreType.PKCS12, [Entry("root", EntryKind.PRIVATE_KEY, [certificate])])
    assert is_truststore(trusted) and not is_truststore(keys)

    offers = open_store_sources(
        [("own.jks", own), ("truststore.jks", trusted), ("ca.p12", keys)], checking=own
    )
    assert [(o.label, o.ticked) for o in offers] == [
        ("truststore own.jks", False),  # the store being judged does not vouch for itself
        ("truststore truststore.jks", True),
        ("keystore ca.p12", False),
    ]
    assert offers[2].source().anchors == (certificate,)
    assert offers[2].source().label == "keystore ca.p12"
