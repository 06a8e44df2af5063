"""Certificates made in-process (EC P-256, fast) for the truststore tests."""

from __future__ import annotations

from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from tests.certs import issue


class Pki:
    """root CA → intermediate CA → leaf ``server`` (with key), plus an unrelated root."""

    def __init__(self) -> None:
        self.root = issue("Example Root CA", ca=True, key_usage=False)
        self.inter = issue("Example Issuing CA 1", self.root, ca=True, key_usage=False)
        self.leaf = issue("server.example.com", self.inter, key_usage=False)
        self.other = issue("Other Root", ca=True, key_usage=False)

    def cert(self, which: str) -> Certificate:
        return getattr(self, which).model

    def key_entry(self, alias: str = "server") -> Entry:
        return Entry(
            alias,
            EntryKind.PRIVATE_KEY,
            chain=[self.cert("leaf"), self.cert("inter"), self.cert("root")],
            key=self.leaf.key,
        )

    def trusted(self, alias: str, which: str) -> Entry:
        return Entry(alias, EntryKind.TRUSTED_CERT, chain=[self.cert(which)])

    def truststore(self, store_type: StoreType = StoreType.JKS) -> Keystore:
        return Keystore(store_type, [self.trusted("other", "other")], "changeit")
