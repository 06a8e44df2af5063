from __future__ import annotations

import datetime as dt

from cryptography.x509.oid import ExtendedKeyUsageOID

from keystore_gui.core.health import Severity, check_store, worst
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from tests.certs import NOW, issue, key_entry, rsa_key, trusted_entry


def codes(store: Keystore, **kwargs: object) -> dict[str, list[str | None]]:
    found: dict[str, list[str | None]] = {}
    for f in check_store(store, **kwargs):  # type: ignore[arg-type]
        found.setdefault(f.code, []).append(f.alias)
    return found


def p12(*entries: object, password: str = "S3cret-pass") -> Keystore:
    return Keystore(StoreType.PKCS12, list(entries), password)  # type: ignore[arg-type]


def test_a_healthy_store_has_no_warnings() -> None:
    root = issue("Root", ca=True)
    leaf = issue("svc", root, eku=[ExtendedKeyUsageOID.SERVER_AUTH], san=["svc.example"])
    store = p12(key_entry("svc", leaf, root), trusted_entry("root", root))
    assert check_store(store) == []
    assert worst(check_store(store)) is None


def test_validity_findings_anywhere_in_a_chain() -> None:
    root = issue("Root", ca=True, days=3650, not_before=NOW - dt.timedelta(days=10))
    expired_ca = issue("Old CA", root, ca=True, not_before=NOW - dt.timedelta(days=400), days=30)
    leaf = issue("svc", expired_ca, days=10)
    future = issue("future", not_before=NOW + dt.timedelta(days=5))
    store = p12(key_entry("svc", leaf, expired_ca, root), trusted_entry("f", future))
    found = check_store(store, now=NOW)
    by_code = {f.code: f for f in found}
    assert "expired on" in by_code["expired"].message and "Old CA" in by_code["expired"].message
    assert by_code["expired"].severity is Severity.ERROR
    assert "expires in 9 days" in by_code["expiring"].message
    assert by_code["not-yet-valid"].alias == "f"
    assert found[0].severity is Severity.ERROR  # most severe first


def test_the_check_leaves_no_parsed_certificate_behind() -> None:
    """A pass over every certificate of a large store must not keep cryptography's parse of
    each (~4 KB: 400 MB on 100,000 entries); what was parsed before stays parsed."""
    root = issue("Root", ca=True)
    leaf = issue("svc", root, days=5)
    fresh = [Certificate(leaf.model.der), Certificate(root.model.der)]
    store = p12(Entry("svc", EntryKind.PRIVATE_KEY, fresh, key=leaf.key), trusted_entry("r", root))
    found = check_store(store, now=NOW)
    assert [f.code for f in found] == ["expiring"]
    assert "entry 'svc': certificate expires" in found[0].message  # the leaf, named as such
    assert [cert._x509 for cert in fresh] == [None, None]  # the chain's order checked on copies
    leaf_only = Entry("t", EntryKind.TRUSTED_CERT, [Certificate(leaf.model.der)])
    check_store(p12(leaf_only), now=NOW)
    assert leaf_only.chain[0]._x509 is None
    assert store.entries[1].chain[0]._x509 is not None  # parsed before: kept


def test_warning_days_is_a_setting() -> None:
    store = p12(trusted_entry("t", issue("t", days=50)))
    assert "expiring" not in codes(store)
    assert "expiring" in codes(store, warning_days=60)


def test_weak_keys() -> None:
    root = issue("Root", ca=True)
    weak = issue("weak", root, key=rsa_key(1024))
    found = codes(p12(key_entry("weak", weak, root)))
    assert found["weak-key"] == ["weak"]


def test_default_passwords_and_proprietary_formats() -> None:
    store = Keystore(StoreType.JKS, [trusted_entry("t", issue("t"))], "changeit")
    found = {f.code: f for f in check_store(store)}
    assert "'changeit'" in found["default-password"].message
    assert found["proprietary-format"].severity is Severity.INFO
    assert "default-password" in codes(p12(password=""))


def test_chain_out_of_order_or_not_signed() -> None:
    root = issue("Root", ca=True)
    other_root = issue("Root", ca=True)  # same name, different key: did not sign the leaf
    leaf = issue("svc", root)
    assert codes(p12(key_entry("a", root, leaf)))["broken-chain"] == ["a"]
    signed_by = lambda child, parent: parent.der == root.model.der  # noqa: E731
    assert codes(p12(key_entry("b", leaf, other_root)), verify_signature=signed_by)[
        "broken-chain"
    ] == ["b"]
    assert "broken-chain" not in codes(p12(key_entry("c", leaf, root)), verify_signature=signed_by)


def test_duplicates_case_clashes_and_usage() -> None:
    root = issue("Root", ca=True, key_usage=False)
    server = issue("svc", root, eku=[ExtendedKeyUsageOID.SERVER_AUTH])
    found = codes(
        p12(
            trusted_entry("Root", root), trusted_entry("root", root), key_entry("svc", server, root)
        )
    )
    assert found["duplicate-certificate"] == ["Root"]
    assert found["alias-case-clash"] == ["Root"]
    assert "ca-without-key-usage" in found
    assert found["tls-server-without-san"] == ["svc"]


def test_untrusted_only_when_truststores_given() -> None:
    leaf = issue("svc")
    store = p12(key_entry("svc", leaf))
    assert "untrusted" not in codes(store)
    found = codes(store, chain_check=lambda entry: ["self-signed and not in the truststore"])
    assert found["untrusted"] == ["svc"]
