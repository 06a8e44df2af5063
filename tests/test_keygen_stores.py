"""Every key type generated, saved as JKS and PKCS#12, read by keytool with its extensions, and
the key usable by keytool (``-certreq``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from keystore_gui.core import certbuild as cb
from keystore_gui.core.io import read_keystore, save_keystore
from keystore_gui.core.keygen import ALL_KEY_SPECS, KeySpec
from keystore_gui.core.model import Entry, Keystore, StoreType
from tests.tools import keytool, openssl, requires_keytool

PASSWORD = "changeit"


def alias_for(spec: KeySpec) -> str:
    return spec.spec.replace(":", "-")


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    """One self-signed TLS server entry per key type (RSA-4096 and DSA take a moment)."""
    made = []
    for spec in ALL_KEY_SPECS:
        host = f"{alias_for(spec)}.example.com"
        choices = cb.template("tls-server", spec.algorithm, host)
        choices.subject_alt_names.append("email:ops@example.com")
        key = spec.generate()
        request = cb.NewCertificate(
            cb.parse_dn(f"CN={host}, O=Example, C=LK"), cb.Validity.from_period(30), choices
        )
        made.append(cb.new_key_entry(alias_for(spec), key, cb.issue(request, key)))
    return made


def _save(kind: StoreType, entries: list[Entry], folder: Path) -> Path:
    path = folder / f"keys.{'jks' if kind is StoreType.JKS else 'p12'}"
    save_keystore(Keystore(kind, list(entries), PASSWORD), path)
    return path


@pytest.fixture(scope="module")
def saved(entries: list[Entry], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("stores")
    return {
        "jks": _save(StoreType.JKS, entries, folder),
        "pkcs12": _save(StoreType.PKCS12, entries, folder),
    }


@pytest.fixture(params=["jks", "pkcs12"])
def store_file(
    request: pytest.FixtureRequest, saved: dict[str, Path], entries: list[Entry]
) -> tuple[Path, list[Entry]]:
    return saved[request.param], entries


@requires_keytool
def test_keytool_lists_every_key_type_with_its_extensions(
    store_file: tuple[Path, list[Entry]],
) -> None:
    path, entries = store_file
    out = keytool("-list", "-v", "-keystore", str(path), storepass=PASSWORD).stdout
    owners = dict(re.findall(r"Alias name: (.*)\n(?:.*\n)*?Owner: (.*)", out))
    assert owners == {e.alias: f"CN={e.alias}.example.com, O=Example, C=LK" for e in entries}
    assert out.count("Entry type: PrivateKeyEntry") == len(entries)
    for entry in entries:
        sha = ":".join(f"{b:02X}" for b in bytes.fromhex(entry.chain[0].sha256))
        assert f"SHA256: {sha}" in out
    for block in re.split(r"\n(?=Alias name: )", out)[1:]:
        alias = re.match(r"Alias name: (.*)", block)
        assert alias is not None
        assert f"DNSName: {alias.group(1)}.example.com" in block
        assert "RFC822Name: ops@example.com" in block
        assert re.search(
            r"ObjectId: 2\.5\.29\.15 Criticality=true\nKeyUsage \[\n  DigitalSignature", block
        )
        assert "ExtendedKeyUsages [\n  serverAuth\n]" in block
        assert "SubjectKeyIdentifier [" in block
        if alias.group(1).startswith("rsa"):
            assert "Key_Encipherment" in block


# keytool takes a second or two per run on a busy machine: each key type signs a request from
# one of the two formats, alternating, so both formats and every key type are covered.
USES = [(spec, ("jks", "pkcs12")[i % 2]) for i, spec in enumerate(ALL_KEY_SPECS)]


@requires_keytool
@pytest.mark.parametrize(("spec", "fmt"), USES, ids=[f"{f}-{alias_for(s)}" for s, f in USES])
def test_keytool_can_use_each_key(
    spec: KeySpec, fmt: str, saved: dict[str, Path], tmp_path: Path
) -> None:
    csr = tmp_path / "req.csr"
    keytool(
        "-certreq", "-alias", alias_for(spec), "-keystore", str(saved[fmt]), "-file", str(csr),
        storepass=PASSWORD,
    )  # fmt: skip
    out = openssl("req", "-in", str(csr), "-verify", "-noout")
    assert "verify OK" in out.stdout + out.stderr


def test_we_read_back_what_we_wrote(store_file: tuple[Path, list[Entry]]) -> None:
    path, entries = store_file
    store = read_keystore(path, PASSWORD)
    for entry in entries:
        got = store.get(entry.alias)
        if got.is_locked:
            store.unlock(got)
        assert got.chain == entry.chain
        assert cb.public_key_der(got.chain[0].public_key()) == cb.public_key_der(
            entry.private_key.public_key()
        )
