"""The one opener: read, detect, try known passwords, else say a password is needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystore_gui.core.errors import TruncatedFileError, WrongPasswordError
from keystore_gui.core.io import save_keystore
from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from keystore_gui.core.opening import NeedsPassword, Opened, keystores_in, open_file, try_open
from keystore_gui.core.trustsources import java_cacerts_candidates
from tests.certfactory import der, make_cert, pem

PASSWORD = "opener-pw"


@pytest.fixture(scope="module")
def truststore(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("opening") / "trust.jks"
    cert = Certificate(der(make_cert("Opening CA", ca=True)))
    store = Keystore(StoreType.JKS, [Entry("ca", EntryKind.TRUSTED_CERT, chain=[cert])], PASSWORD)
    save_keystore(store, path)
    return path


def test_a_store_with_a_password_waits_for_it(truststore: Path) -> None:
    result = try_open(truststore)
    assert isinstance(result, NeedsPassword)
    assert result.store_type is StoreType.JKS and result.path == str(truststore)
    with pytest.raises(WrongPasswordError):
        result.load("wrong")
    assert result.load(PASSWORD).aliases() == ["ca"]


def test_a_candidate_that_works_opens_it_and_is_named(truststore: Path) -> None:
    result = try_open(truststore, ["changeit", PASSWORD])
    assert isinstance(result, Opened)
    assert result.password_used == PASSWORD and result.store.aliases() == ["ca"]


def test_a_certificate_file_opens_without_asking(tmp_path: Path) -> None:
    path = tmp_path / "ca.pem"
    path.write_bytes(pem(make_cert("PEM CA")))
    asked: list[NeedsPassword] = []
    store = open_file(path, lambda pending: asked.append(pending) or None)
    assert store is not None and len(store.entries) == 1 and asked == []


def test_open_file_asks_once_and_none_means_cancelled(truststore: Path) -> None:
    asked: list[NeedsPassword] = []
    assert open_file(truststore, lambda pending: asked.append(pending) or None) is None
    assert [p.store_type for p in asked] == [StoreType.JKS]
    store = open_file(truststore, lambda _pending: PASSWORD)
    assert store is not None and store.password == PASSWORD


def test_truncation_shows_before_any_password(truststore: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.jks"
    cut.write_bytes(truststore.read_bytes()[:40])
    with pytest.raises(TruncatedFileError):
        try_open(cut)


def test_keystores_in_a_folder_are_those_with_a_password(truststore: Path, tmp_path: Path) -> None:
    (tmp_path / "a.jks").write_bytes(truststore.read_bytes())
    (tmp_path / "b.pem").write_bytes(pem(make_cert("Not a keystore")))
    (tmp_path / "empty.p12").write_bytes(b"")
    assert keystores_in(tmp_path) == [tmp_path / "a.jks"]


@pytest.mark.parametrize("env_home", [True, False])
def test_java_cacerts_candidates(tmp_path: Path, env_home: bool) -> None:
    env = {"JAVA_HOME": str(tmp_path)} if env_home else {}
    found = java_cacerts_candidates(env)
    if env_home:
        assert found[0] == tmp_path / "lib" / "security" / "cacerts"
    assert Path("/etc/ssl/certs/java/cacerts") in found
    assert Path("/etc/pki/java/cacerts") in found
