"""``keystore-cli convert``: every entry or none, keys with their own password, atomic DEST."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import pytest

from keystore_gui.cli import main
from keystore_gui.commands import convert
from keystore_gui.core.errors import CannotHoldError, KeystoreError, WrongPasswordError
from keystore_gui.core.model import (
    Certificate,
    Entry,
    EntryKind,
    KeyMaterial,
    Keystore,
    SecretKey,
    StoreType,
)
from tests.certfactory import EC_KEY, der


@dataclass
class FakeSealed:
    """A key sealed under ``password``, as a JKS codec would hand it over."""

    password: str
    key: KeyMaterial
    store_type: StoreType = StoreType.JKS

    @property
    def raw(self) -> object:
        return b""

    def unlock(self, password: str) -> KeyMaterial:
        if password != self.password:
            raise WrongPasswordError()
        return self.key


def _store(two_certs, key_password: str) -> Keystore:
    root, leaf = two_certs
    chain = [Certificate(der(leaf)), Certificate(der(root))]
    return Keystore(
        StoreType.JKS,
        [
            Entry("web", EntryKind.PRIVATE_KEY, chain, sealed=FakeSealed(key_password, EC_KEY)),
            Entry("root", EntryKind.TRUSTED_CERT, [chain[1]]),
        ],
        password="store-pw",
    )


def test_keys_open_with_the_store_password(two_certs) -> None:
    store = _store(two_certs, "store-pw")
    convert.unlock_for(store, StoreType.PKCS12, None)
    assert store.entries[0].key is EC_KEY and store.entries[0].key_password is None


def test_keys_with_their_own_password_use_key_password_env(two_certs) -> None:
    store = _store(two_certs, "key-pw")
    convert.unlock_for(store, StoreType.PKCS12, {None: "key-pw"})
    assert store.entries[0].key is EC_KEY and store.entries[0].key_password == "key-pw"


def test_each_key_may_have_a_password_of_its_own(two_certs) -> None:
    _root, leaf = two_certs
    store = _store(two_certs, "web-pw")
    other = Entry(
        "Api", EntryKind.PRIVATE_KEY, [Certificate(der(leaf))], sealed=FakeSealed("api-pw", EC_KEY)
    )
    store.entries.append(other)
    convert.unlock_for(store, StoreType.PKCS12, {"web": "web-pw", "api": "api-pw"})
    assert [e.key_password for e in store.entries] == ["web-pw", None, "api-pw"]


def test_key_password_options_by_alias(monkeypatch) -> None:
    monkeypatch.setenv("ANY", "any-pw")
    monkeypatch.setenv("WEB", "web-pw")
    found = convert.key_passwords_from_args(["ANY", "Web=WEB"])
    assert found == {None: "any-pw", "web": "web-pw"}
    with pytest.raises(KeystoreError, match="environment variable NOPE is not set"):
        convert.key_passwords_from_args(["web=NOPE"])


def test_a_key_nobody_can_open_is_named(two_certs) -> None:
    store = _store(two_certs, "key-pw")
    with pytest.raises(KeystoreError) as caught:
        convert.unlock_for(store, StoreType.PKCS12, {None: "wrong"})
    assert str(caught.value) == (
        "entry 'web' has its own key password, which neither the store password nor "
        "--key-password-env opens: give --key-password-env web=VAR, or run on a terminal"
    )
    with pytest.raises(KeystoreError, match="which the store password does not open"):
        convert.unlock_for(store, StoreType.PKCS12, None)


def test_sealed_keys_staying_in_their_format_are_not_decrypted(two_certs) -> None:
    store = _store(two_certs, "key-pw")
    convert.unlock_for(store, StoreType.JKS, None, "store-pw")
    assert store.entries[0].is_locked


def test_a_new_store_password_reencrypts_keys_even_in_the_same_format(two_certs) -> None:
    store = _store(two_certs, "store-pw")
    convert.unlock_for(store, StoreType.JKS, None, "new-pw")
    assert store.entries[0].key is EC_KEY


def test_jks_cannot_hold_secret_keys_names_them() -> None:
    store = Keystore(
        StoreType.JCEKS,
        [
            Entry("db", EntryKind.SECRET_KEY, key=SecretKey("AES", bytes(16))),
            Entry("mac", EntryKind.SECRET_KEY, secret_algorithm="HmacSHA256"),
        ],
    )
    with pytest.raises(CannotHoldError) as caught:
        convert.check_capacity(store, StoreType.JKS)
    assert str(caught.value) == (
        "JKS cannot hold entry 'db': JKS cannot store secret keys (use JCEKS or PKCS12); "
        "entry 'mac': JKS cannot store secret keys (use JCEKS or PKCS12)"
    )
    convert.check_capacity(store, StoreType.JCEKS)
    convert.check_capacity(store, StoreType.PKCS12)


def test_existing_dest_needs_overwrite(tmp_path, chain_pem, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NEW_PW", "changeit")
    dest = tmp_path / "old.jks"
    dest.write_bytes(b"precious")
    assert (
        main(["convert", str(chain_pem), str(dest), "--to", "jks", "--dest-password-env", "NEW_PW"])
        == 1
    )
    assert (
        capsys.readouterr().err
        == f"keystore-cli: {dest} already exists; give --overwrite to replace it\n"
    )
    assert dest.read_bytes() == b"precious"


def test_src_as_dest_says_so(chain_pem, capsys) -> None:
    before = chain_pem.read_bytes()
    assert main(["convert", str(chain_pem), str(chain_pem), "--to", "pkcs12"]) == 1
    err = capsys.readouterr().err
    assert "(it is SRC itself)" in err and err.count("\n") == 1
    assert chain_pem.read_bytes() == before


def test_missing_dest_password_off_a_terminal(tmp_path, chain_pem, capsys) -> None:
    dest = tmp_path / "new.p12"
    assert main(["convert", str(chain_pem), str(dest), "--to", "pkcs12"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"keystore-cli: {dest} needs a password: give --dest-password-env VAR or "
        "--dest-password-file PATH\n"
    )
    assert not dest.exists()


def test_unknown_target_type_is_a_usage_error(tmp_path, chain_pem, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["convert", str(chain_pem), str(tmp_path / "x"), "--to", "bks"])
    assert caught.value.code == 2
    assert "unknown store type 'bks'" in capsys.readouterr().err


def test_parser_has_no_password_arguments() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    convert.register(sub)
    options = {a for action in sub.choices["convert"]._actions for a in action.option_strings}
    assert not any(o in options for o in ("--password", "--storepass", "--dest-password"))
