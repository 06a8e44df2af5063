"""The copy plan: added / already present / alias taken, and applying it safely."""

from __future__ import annotations

import pytest

from keystore_gui.core.errors import KeystoreError
from keystore_gui.core.model import Entry, EntryKind, Keystore, SecretKey, StoreType
from keystore_gui.core.truststore import (
    Action,
    Conflict,
    What,
    apply_plan,
    candidates_for,
    plan_copy,
    sanitise_alias,
)
from tests.signature_certs import DsaCerts, Sha1Certs, unknown_signature_leaf
from tests.truststore_certs import Pki


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


def test_own_certificate_added_under_source_alias(pki: Pki) -> None:
    target = pki.truststore()
    plan = plan_copy(candidates_for([pki.key_entry()], What.CERT), target)
    assert [(s.action, s.alias) for s in plan.steps] == [(Action.ADD, "server")]
    added = apply_plan(plan, target)
    entry = target.get("server")
    assert entry.kind is EntryKind.TRUSTED_CERT
    assert entry.key is None and entry.sealed is None
    assert entry.chain == [pki.cert("leaf")]
    assert added == [entry]
    assert target.aliases() == ["other", "server"]


def test_no_key_ever_reaches_the_target(pki: Pki) -> None:
    target = pki.truststore()
    apply_plan(plan_copy(candidates_for([pki.key_entry()], What.CHAIN), target), target)
    assert all(e.kind is EntryKind.TRUSTED_CERT for e in target.entries)
    assert all(e.key is None and e.sealed is None and len(e.chain) == 1 for e in target.entries)


def test_secret_key_is_refused(pki: Pki) -> None:
    secret = Entry("aes", EntryKind.SECRET_KEY, key=SecretKey("AES", b"k" * 16))
    with pytest.raises(KeystoreError, match="'aes' is a secret-key"):
        candidates_for([secret], What.CERT)


def test_chain_issuers_get_cn_aliases(pki: Pki) -> None:
    cands = candidates_for([pki.key_entry()], What.CHAIN)
    assert [c.alias for c in cands] == ["server", "example-issuing-ca-1", "example-root-ca"]
    assert [c.origin for c in cands] == ["server", "issuer of server", "issuer of server"]
    cas = candidates_for([pki.key_entry()], What.CA)
    assert [c.cert for c in cas] == [pki.cert("inter"), pki.cert("root")]


def test_issuers_found_in_pool_by_signature(pki: Pki) -> None:
    leaf_only = Entry("leaf", EntryKind.TRUSTED_CERT, chain=[pki.cert("leaf")])
    pool = [pki.cert("other"), pki.cert("root"), pki.cert("inter")]
    cas = candidates_for([leaf_only], What.CA, pool)
    assert [c.cert for c in cas] == [pki.cert("inter"), pki.cert("root")]
    with pytest.raises(KeystoreError, match=r"issuer .* is not in the source"):
        candidates_for([leaf_only], What.CA)


def test_self_signed_is_its_own_ca(pki: Pki) -> None:
    cas = candidates_for([pki.trusted("myroot", "root")], What.CA)
    assert [(c.cert, c.alias) for c in cas] == [(pki.cert("root"), "myroot")]


def test_already_present_is_skipped_and_reported(pki: Pki) -> None:
    target = pki.truststore()
    target.add(pki.trusted("their-name-for-root", "root"))
    plan = plan_copy(candidates_for([pki.key_entry()], What.CHAIN), target)
    assert [(s.action, s.alias) for s in plan.steps] == [
        (Action.ADD, "server"),
        (Action.ADD, "example-issuing-ca-1"),
        (Action.PRESENT, "their-name-for-root"),
    ]
    assert "already present as 'their-name-for-root'" in plan.steps[2].description


def test_second_copy_adds_nothing(pki: Pki) -> None:
    target = pki.truststore()
    cands = candidates_for([pki.key_entry()], What.CHAIN)
    apply_plan(plan_copy(cands, target), target)
    before = list(target.entries)
    again = plan_copy(candidates_for([pki.key_entry()], What.CHAIN), target)
    assert {s.action for s in again.steps} == {Action.PRESENT}
    assert apply_plan(again, target) == []
    assert target.entries == before


def test_shared_ca_copied_once(pki: Pki) -> None:
    target = pki.truststore()
    a, b = pki.key_entry("a"), pki.key_entry("b")
    plan = plan_copy(candidates_for([a, b], What.CA), target)
    assert [s.action for s in plan.steps] == [
        Action.ADD,
        Action.ADD,
        Action.DUPLICATE,
        Action.DUPLICATE,
    ]
    apply_plan(plan, target)
    assert len(target) == 3


def test_alias_taken_is_renamed_by_default(pki: Pki) -> None:
    target = pki.truststore()
    target.add(pki.trusted("server", "other"))  # different certificate, same alias
    target.add(pki.trusted("server-2", "inter"))
    step = plan_copy(candidates_for([pki.key_entry()]), target).steps[0]
    assert (step.action, step.alias, step.note) == (Action.RENAME, "server-3", "server")


def test_alias_taken_replace(pki: Pki) -> None:
    target = pki.truststore()
    target.add(pki.trusted("server", "other"))
    target.add(pki.trusted("last", "root"))
    plan = plan_copy(candidates_for([pki.key_entry()]), target, Conflict.REPLACE)
    assert [(s.action, s.alias) for s in plan.steps] == [(Action.REPLACE, "server")]
    apply_plan(plan, target)
    assert target.aliases() == ["other", "server", "last"]  # in the replaced entry's place
    assert target.get("server").chain == [pki.cert("leaf")]


def test_replace_never_removes_a_key_entry(pki: Pki) -> None:
    target = pki.truststore()
    target.add(pki.key_entry("server"))
    cand = candidates_for([pki.trusted("server", "root")])
    plan = plan_copy(cand, target, Conflict.REPLACE)
    assert plan.steps[0].action is Action.BLOCKED
    with pytest.raises(KeystoreError, match="private-key entry"):
        apply_plan(plan, target)
    assert target.get("server").kind is EntryKind.PRIVATE_KEY


def test_fail_blocks_and_nothing_changes(pki: Pki) -> None:
    target = pki.truststore()
    target.add(pki.trusted("server", "other"))
    before = list(target.entries)
    plan = plan_copy(candidates_for([pki.key_entry()]), target, Conflict.FAIL)
    with pytest.raises(KeystoreError, match="alias 'server' is taken"):
        apply_plan(plan, target)
    assert target.entries == before


def test_per_certificate_choice_and_edited_alias(pki: Pki) -> None:
    target = pki.truststore()
    target.add(pki.trusted("server", "other"))
    cands = candidates_for([pki.key_entry()], What.CHAIN)
    cands[0].on_conflict = Conflict.REPLACE
    cands[1].alias = "My-Issuer"
    plan = plan_copy(cands, target, Conflict.FAIL)
    assert [(s.action, s.alias) for s in plan.steps] == [
        (Action.REPLACE, "server"),
        (Action.ADD, "my-issuer"),  # JKS keeps aliases lowercase
        (Action.ADD, "example-root-ca"),
    ]


def test_aliases_within_one_copy_stay_unique(pki: Pki) -> None:
    target = Keystore(StoreType.PKCS12, [], "pw")
    cands = candidates_for([pki.trusted("x", "root"), pki.trusted("X", "other")])
    plan = plan_copy(cands, target)
    assert [(s.action, s.alias) for s in plan.steps] == [(Action.ADD, "x"), (Action.RENAME, "x-2")]


def test_empty_alias_blocked(pki: Pki) -> None:
    cands = candidates_for([pki.key_entry()])
    cands[0].alias = "  "
    assert plan_copy(cands, pki.truststore()).steps[0].action is Action.BLOCKED


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        ("DigiCert Global Root CA", "digicert-global-root-ca"),
        ("*.example.com", "example.com"),
        ("Ünïcode  Root / G2", "ünïcode-root-g2"),
        ("🔒", "certificate"),
    ],
)
def test_sanitise_alias(name: str, alias: str) -> None:
    assert sanitise_alias(name) == alias


def test_a_replaced_certificate_is_no_longer_present(pki: Pki) -> None:
    target = pki.truststore()
    target.add(pki.trusted("server", "root"))
    # the leaf replaces the root under "server"; the root, copied next, must then be added
    cands = candidates_for([pki.key_entry()], What.CHAIN)
    cands[0].on_conflict = Conflict.REPLACE
    plan = plan_copy(cands, target)
    assert [(s.action, s.alias) for s in plan.steps] == [
        (Action.REPLACE, "server"),
        (Action.ADD, "example-issuing-ca-1"),
        (Action.ADD, "example-root-ca"),
    ]


@pytest.mark.keytool
def test_dsa_issuer_found_by_signature_not_by_name(dsa_certs: DsaCerts) -> None:
    """keytool's DSA certificates do not parse in cryptography: a same-named CA whose key did not
    sign is still not taken for the issuer."""
    d = dsa_certs
    leaf_only = Entry("leaf", EntryKind.TRUSTED_CERT, chain=[d.leaf])
    cas = candidates_for([leaf_only], What.CA, [d.old_ca, d.new_ca])
    assert [c.cert for c in cas] == [d.new_ca]
    with pytest.raises(KeystoreError, match=r"issuer .* is not in the source"):
        candidates_for([leaf_only], What.CA, [d.old_ca])


@pytest.mark.openssl
def test_sha1_and_rsa_pss_issuers_found_by_signature(sha1_certs: Sha1Certs) -> None:
    s = sha1_certs
    pool = [s.pss_ca, s.rsa_ca]
    for leaf, ca in ((s.rsa_leaf, s.rsa_ca), (s.pss_leaf, s.pss_ca)):
        leaf_only = Entry("leaf", EntryKind.TRUSTED_CERT, chain=[leaf])
        assert [c.cert for c in candidates_for([leaf_only], What.CA, pool)] == [ca]


def test_issuer_not_taken_when_the_signature_cannot_be_checked() -> None:
    leaf, ca, _ = unknown_signature_leaf()
    leaf_only = Entry("leaf", EntryKind.TRUSTED_CERT, chain=[leaf])
    with pytest.raises(KeystoreError, match=r"issuer .* is not in the source"):
        candidates_for([leaf_only], What.CA, [ca.model])
