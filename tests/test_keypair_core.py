"""Key files made by openssl in every layout, read and imported into JKS, JCEKS and PKCS#12;
key pairs exported again; bad input refused with one line."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from keystore_gui.core import keypair_export as ke
from keystore_gui.core import keypair_import as ki
from keystore_gui.core.errors import (
    AliasError,
    KeystoreError,
    TruncatedFileError,
    UnsupportedFormatError,
    WrongPasswordError,
)
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.keyfiles import KeyFileError, KeyPasswordNeeded, read_key_file
from keystore_gui.core.model import Certificate, Keystore, StoreType
from tests.keypair_pki import KEY_PASSWORD, KeyFileCase, KeyPki, key_pki
from tests.tools import openssl, requires_openssl

pytestmark = [requires_openssl, pytest.mark.openssl]
__all__ = ["key_pki"]

STORE_PASSWORD = "changeit"


def _certs(path: Path) -> list[Certificate]:
    from keystore_gui.core.codecs.certfiles import load_pem

    return [e.chain[0] for e in load_pem(path.read_bytes()).entries]


def _import(store: Keystore, case: KeyFileCase, alias: str) -> ki.KeyPair:
    key_file = read_key_file(case.path.read_bytes(), case.name)
    assert key_file.encrypted is (case.password is not None)
    key = key_file.key(case.password)
    certs = key_file.certificates or _certs(case.fullchain)
    plan = ki.plan_key_pair(store, alias, key, certs)
    ki.apply(store, [plan])
    return plan


@pytest.mark.parametrize("store_type", [StoreType.JKS, StoreType.JCEKS, StoreType.PKCS12])
def test_every_key_file_layout_imports_and_reads_back(
    key_pki: KeyPki, tmp_path: Path, store_type: StoreType
) -> None:
    # JCEKS keys cost 200,000 hashing rounds each in pure Python: one file per key type there
    cases = list(key_pki.cases.values())
    if store_type is StoreType.JCEKS:
        cases = [key_pki.case("rsa-pkcs1-aes.pem"), key_pki.case("ec-sec1.pem")]
    store = Keystore(store_type, [], STORE_PASSWORD)
    for case in cases:
        plan = _import(store, case, case.name.replace(".", "-"))
        assert [c.common_name() for c in plan.chain] == [
            f"localhost {case.key_type}", "Example Issuing CA", "Example Root CA",
        ]  # fmt: skip
        assert plan.complete and not plan.notes
    path = tmp_path / f"keys.{store_type.lower()}"
    save_keystore(store, path)
    again = read_keystore(path, STORE_PASSWORD)
    assert len(again) == len(cases)
    for case, entry in zip(cases, again.entries, strict=True):
        key = again.unlock(entry)
        assert ki.key_matches(key, entry.chain[0])  # type: ignore[arg-type]
        assert entry.chain[0] == key_pki.leaves[case.key_type].certificate


def test_combined_pem_brings_its_chain(key_pki: KeyPki) -> None:
    key_file = read_key_file(key_pki.case("combined.pem").path.read_bytes(), "combined.pem")
    assert key_file.encrypted and len(key_file.certificates) == 3
    store = Keystore(StoreType.PKCS12, [], STORE_PASSWORD)
    plan = ki.plan_key_pair(store, "haproxy", key_file.key(KEY_PASSWORD), key_file.certificates)
    assert plan.chain[0] == key_pki.leaves["rsa"].certificate


def test_chain_completed_from_the_store_and_in_any_order(key_pki: KeyPki) -> None:
    root, ca = key_pki.root.certificate, key_pki.ca.certificate
    leaf = key_pki.leaves["ec"].certificate
    key = read_key_file(key_pki.leaves["ec"].key.read_bytes(), "ec").key()
    store = Keystore(StoreType.JKS, [], STORE_PASSWORD)
    from keystore_gui.core.model import Entry, EntryKind

    store.add(Entry("root", EntryKind.TRUSTED_CERT, [root]))
    plan = ki.plan_key_pair(store, "www", key, [root, leaf, ca])
    assert plan.chain == [leaf, ca, root]
    plan = ki.plan_key_pair(store, "www", key, [ca, leaf])
    assert plan.chain == [leaf, ca, root]
    alone = ki.plan_key_pair(Keystore(StoreType.JKS), "www", key, [leaf])
    assert alone.chain == [leaf] and not alone.complete
    assert "Example Issuing CA" in alone.notes[0]


def test_replace_swaps_a_key_pair_in_place(key_pki: KeyPki) -> None:
    store = Keystore(StoreType.JKS, [], STORE_PASSWORD)
    _import(store, key_pki.case("ec-pkcs8.pem"), "first")
    _import(store, key_pki.case("rsa-pkcs8.pem"), "wso2carbon")
    _import(store, key_pki.case("dsa-pkcs8.pem"), "last")
    key_file = read_key_file(key_pki.case("ed25519-pkcs8.pem").path.read_bytes(), "ed")
    certs = _certs(key_pki.case("ed25519-pkcs8.pem").fullchain)
    with pytest.raises(AliasError, match="already in use"):
        ki.plan_key_pair(store, "WSO2CARBON", key_file.key(), certs)
    plan = ki.plan_key_pair(store, "wso2carbon", key_file.key(), certs, replace=True)
    ki.apply(store, [plan])
    assert store.aliases() == ["first", "wso2carbon", "last"]
    assert store.get("wso2carbon").chain[0] == key_pki.leaves["ed25519"].certificate


def test_key_pairs_from_another_store(key_pki: KeyPki, tmp_path: Path) -> None:
    source = Keystore(StoreType.PKCS12, [], STORE_PASSWORD)
    _import(source, key_pki.case("ec-pkcs8.pem"), "ec")
    _import(source, key_pki.case("ed448-pkcs8.pem"), "ed")
    src = tmp_path / "src.p12"
    save_keystore(source, src)
    opened = read_keystore(src, STORE_PASSWORD)
    for entry in opened.entries:
        opened.unlock(entry)
    dest = Keystore(StoreType.JKS, [], STORE_PASSWORD)
    plans = ki.plan_from_store(dest, opened)
    assert [p.alias for p in plans] == ["ec", "ed"]
    plans = ki.plan_from_store(dest, opened, ["ED"], alias="server")
    ki.apply(dest, plans)
    assert dest.aliases() == ["server"]
    with pytest.raises(KeystoreError, match="one alias cannot name 2 key pairs"):
        ki.plan_from_store(dest, opened, alias="x")


# --- refused input: one line each ------------------------------------------------------------


def test_key_that_does_not_belong_to_the_certificate(key_pki: KeyPki) -> None:
    key = read_key_file(key_pki.leaves["ec"].key.read_bytes(), "ec").key()
    rsa_leaf = key_pki.leaves["rsa"].certificate
    with pytest.raises(ki.KeyPairError, match="the key does not belong to this certificate"):
        ki.plan_key_pair(Keystore(StoreType.JKS), "a", key, [rsa_leaf])


def test_chain_that_does_not_link_names_the_certificate(key_pki: KeyPki) -> None:
    key = read_key_file(key_pki.leaves["ec"].key.read_bytes(), "ec").key()
    leaf, root = key_pki.leaves["ec"].certificate, key_pki.root.certificate
    with pytest.raises(ki.KeyPairError) as err:
        ki.plan_key_pair(Keystore(StoreType.JKS), "a", key, [leaf, root])
    assert str(err.value) == (
        "the chain does not link: 'Example Root CA' does not sign 'localhost ec', "
        "whose issuer is 'Example Issuing CA'"
    )


def test_wrong_and_missing_key_password(key_pki: KeyPki) -> None:
    case = key_pki.case("rsa-pkcs8-aes.pem")
    key_file = read_key_file(case.path.read_bytes(), case.name)
    with pytest.raises(KeyPasswordNeeded, match="is encrypted"):
        key_file.key()
    with pytest.raises(WrongPasswordError, match="wrong password for the key in rsa-pkcs8-aes"):
        key_file.key("not-it")


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("truncated", TruncatedFileError, "has no END line"),
        ("certificate", KeyFileError, "holds certificates, not a private key"),
        ("x25519", UnsupportedFormatError, "unsupported key type X25519"),
        ("public", KeyFileError, "holds a public key, not a private key"),
        ("garbage", KeyFileError, "is not a private key file"),
    ],
)
def test_bad_key_files(
    key_pki: KeyPki, tmp_path: Path, content: str, error: type[Exception], message: str
) -> None:
    rsa = key_pki.case("rsa-pkcs8.pem").path
    if content == "truncated":
        data = rsa.read_bytes()[:400]
    elif content == "certificate":
        data = key_pki.leaves["rsa"].cert.read_bytes()
    elif content == "x25519":
        out = tmp_path / "x.pem"
        openssl("genpkey", "-algorithm", "X25519", "-out", str(out))
        data = out.read_bytes()
    elif content == "public":
        data = openssl("pkey", "-in", str(rsa), "-pubout").stdout.encode()
    else:
        data = b"\x00\x01 not a key"
    with pytest.raises(error, match=message) as err:
        read_key_file(data, "in.key").key()
    assert "\n" not in str(err.value)


# --- export ----------------------------------------------------------------------------------


def _entry(key_pki: KeyPki, key_type: str = "ec"):  # type: ignore[no-untyped-def]
    store = Keystore(StoreType.PKCS12, [], STORE_PASSWORD)
    _import(store, key_pki.case(f"{key_type}-pkcs8.pem"), "www")
    return store.get("www")


def test_pem_split_files_and_modes(key_pki: KeyPki, tmp_path: Path) -> None:
    files = ke.plan_export(_entry(key_pki), ke.ExportFormat.PEM_SPLIT, tmp_path / "www.key", None)
    ke.write_files(files)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["www.chain.pem", "www.crt", "www.fullchain.pem", "www.key"]
    assert stat.S_IMODE((tmp_path / "www.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "www.crt").stat().st_mode) == 0o644
    assert b"BEGIN PRIVATE KEY" in (tmp_path / "www.key").read_bytes()
    assert (tmp_path / "www.fullchain.pem").read_text().count("BEGIN CERTIFICATE") == 2
    before = (tmp_path / "www.key").read_bytes()
    again = ke.plan_export(
        _entry(key_pki, "rsa"), ke.ExportFormat.PEM_SPLIT, tmp_path / "www", "pw"
    )
    with pytest.raises(KeystoreError, match="already exists; give --overwrite"):
        ke.write_files(again)
    assert (tmp_path / "www.key").read_bytes() == before
    ke.write_files(again, overwrite=True)
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "www.key").read_bytes()


def test_pem_is_encrypted_pkcs8_then_chain(key_pki: KeyPki, tmp_path: Path) -> None:
    entry = _entry(key_pki)
    files = ke.plan_export(entry, ke.ExportFormat.PEM, tmp_path / "haproxy.pem", "s3cret")
    ke.write_files(files)
    data = (tmp_path / "haproxy.pem").read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert stat.S_IMODE((tmp_path / "haproxy.pem").stat().st_mode) == 0o600
    key = load_pem_private_key(data, b"s3cret")
    assert ki.key_matches(key, entry.chain[0])
    info = openssl("asn1parse", "-in", str(tmp_path / "haproxy.pem")).stdout
    assert "PBES2" in info and "aes-256-cbc" in info
