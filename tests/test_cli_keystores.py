"""``keystore-cli`` on stores keytool made, checked against ``keytool -list -v`` both ways."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from keystore_gui.cli import main
from keystore_gui.core.errors import UnsupportedFormatError
from keystore_gui.core.formats import codec_for
from keystore_gui.core.model import StoreType
from tests.certfactory import make_cert, pem
from tests.tools import KeytoolEntry, keytool, keytool_list, requires_keytool

PW = "changeit"
KEY_PW = "other-key-pw"

pytestmark = requires_keytool


def _has(kind: StoreType) -> bool:
    try:
        codec_for(kind)
    except UnsupportedFormatError:
        return False
    return True


def needs(*kinds: StoreType) -> pytest.MarkDecorator:
    """Skip (before any keytool fixture runs) while a codec is not on this branch yet."""
    missing = [k.value for k in kinds if not _has(k)]
    return pytest.mark.skipif(bool(missing), reason=f"no {', '.join(missing)} codec here yet")


FAST_JVM = ("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC")


def kt(*args: str, **passwords: str) -> None:
    """keytool with a quicker-starting JVM (these stores are tiny)."""
    keytool(*FAST_JVM, *args, **passwords)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """server.jks: a key with a chain of 2 (signed by a CA), the CA as trusted, and a key with
    its own password; secret.jceks: an AES key and a trusted cert; keys.p12: two keys.

    The CA-signed chain is made with cryptography and brought in with keytool -importkeystore,
    which saves four JVM starts over -certreq/-gencert/-importcert."""
    d = tmp_path_factory.mktemp("ks")
    jks, jceks, p12 = d / "server.jks", d / "secret.jceks", d / "keys.p12"
    ca_key, server_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca = make_cert("Example CA", ca=True, key=ca_key, serial=0x0C4)
    san = x509.SubjectAlternativeName([x509.DNSName("app.example.org")])
    leaf = make_cert(
        "app.example.org",
        issuer=ca,
        key=server_key,
        signer=ca_key,
        serial=0x5E,
        extensions=((san, False),),
    )
    (d / "ca.crt").write_bytes(pem(ca))
    (d / "chain.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"server", server_key, leaf, [ca], serialization.BestAvailableEncryption(PW.encode())
        )
    )
    kt("-importkeystore", "-srckeystore", str(d / "chain.p12"), "-srcstoretype", "PKCS12",
       "-destkeystore", str(jks), "-deststoretype", "JKS", srcpass=PW, destpass=PW)  # fmt: skip
    kt("-importcert", "-noprompt", "-alias", "example-ca", "-file", str(d / "ca.crt"), "-keystore", str(jks), storepass=PW)  # fmt: skip

    def gen(store: Path, alias: str, cn: str, kind: str, keypass: str = PW) -> None:
        kt(
            "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", alias,
            "-dname", f"CN={cn},O=Example", "-keystore", str(store), "-storetype", kind,
            storepass=PW, keypass=keypass,
        )  # fmt: skip

    gen(jks, "own-password", "own.example.org", "JKS", keypass=KEY_PW)
    kt(
        "-genseckey", "-keyalg", "AES", "-keysize", "256", "-alias", "db-key",
        "-keystore", str(jceks), "-storetype", "JCEKS", storepass=PW, keypass=PW,
    )  # fmt: skip
    kt("-importcert", "-noprompt", "-alias", "example-ca", "-file", str(d / "ca.crt"), "-keystore", str(jceks), "-storetype", "JCEKS", storepass=PW)  # fmt: skip
    gen(p12, "first", "first.example.org", "PKCS12")
    gen(p12, "second", "second.example.org", "PKCS12")
    return {"jks": jks, "jceks": jceks, "p12": p12, "folder": d}


def _ours(path: Path, capsys, monkeypatch) -> dict:
    monkeypatch.setenv("KS_PASS", PW)
    assert main(["list", str(path), "--json", "--password-env", "KS_PASS"]) == 0
    return json.loads(capsys.readouterr().out)


def _same_as_keytool(ours: dict, theirs: list[KeytoolEntry]) -> None:
    def dn(text: str) -> str:
        return re.sub(r",\s*", ",", text)

    mine = {e["alias"]: e for e in ours["entries"]}
    assert sorted(mine) == sorted(e.alias for e in theirs)
    for entry in theirs:
        got = mine[entry.alias]
        assert got["kind"] == entry.kind, entry.alias
        assert [c["sha256"] for c in got["chain"]] == [c.sha256 for c in entry.chain]
        assert [c["serial"] for c in got["chain"]] == [c.serial for c in entry.chain]
        assert [dn(c["subject"]) for c in got["chain"]] == [dn(c.owner) for c in entry.chain]
        assert [dn(c["issuer"]) for c in got["chain"]] == [dn(c.issuer) for c in entry.chain]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        pytest.param(name, kind, marks=needs(StoreType(kind)))
        for name, kind in (("jks", "JKS"), ("jceks", "JCEKS"), ("p12", "PKCS12"))
    ],
)
def test_list_equals_keytool(made, capsys, monkeypatch, name: str, kind: str) -> None:
    ours = _ours(made[name], capsys, monkeypatch)
    assert ours["type"] == kind
    _same_as_keytool(ours, keytool_list(made[name], PW))


@needs(StoreType.JKS, StoreType.JCEKS)
def test_chain_is_leaf_first_and_secret_key_has_algorithm(made, capsys, monkeypatch) -> None:
    server = next(
        e for e in _ours(made["jks"], capsys, monkeypatch)["entries"] if e["alias"] == "server"
    )
    assert [c["subject"] for c in server["chain"]] == [
        "O=Example,CN=app.example.org",
        "O=Example,CN=Example CA",
    ]
    assert server["chain"][0]["key"] == "EC secp256r1"
    secret = next(
        e for e in _ours(made["jceks"], capsys, monkeypatch)["entries"] if e["kind"] == "secret-key"
    )
    assert secret["chain"] == []
    # JCEKS hides the algorithm inside the encryption: list decrypts secret keys to say it
    assert (secret["algorithm"], secret["size"]) in {("AES", 128), ("AES", 192), ("AES", 256)}


@needs(StoreType.JKS)
def test_show_a_keytool_entry(made, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KS_PASS", PW)
    assert main(["show", str(made["jks"]), "--alias", "SERVER", "--password-env", "KS_PASS"]) == 0
    out = capsys.readouterr().out
    assert "Certificate 1 of 2: app.example.org" in out
    assert "Subject Alternative Name: DNS: app.example.org" in out
    assert out.count("-----BEGIN CERTIFICATE-----") == 2


def _convert(src: Path, dest: Path, to: str, *extra: str) -> int:
    return main(
        ["convert", str(src), str(dest), "--to", to, "--password-env", "KS_PASS",
         "--dest-password-env", "KS_PASS", *extra]
    )  # fmt: skip


@needs(StoreType.JKS, StoreType.PKCS12)
def test_convert_jks_to_pkcs12_keytool_reads_it_and_uses_the_key(
    made, tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("KS_PASS", PW)
    monkeypatch.setenv("KEY_PASS", KEY_PW)
    before = made["jks"].read_bytes()
    dest = tmp_path / "server.p12"
    assert _convert(made["jks"], dest, "pkcs12", "--key-password-env", "KEY_PASS") == 0, (
        capsys.readouterr().err
    )
    assert made["jks"].read_bytes() == before
    theirs = keytool_list(dest, PW)
    source = keytool_list(made["jks"], PW)
    assert sorted((e.alias, e.kind, [c.sha256 for c in e.chain]) for e in theirs) == sorted(
        (e.alias, e.kind, [c.sha256 for c in e.chain]) for e in source
    )
    for alias in ("server", "own-password"):
        keytool("-certreq", "-alias", alias, "-keystore", str(dest), "-file", str(tmp_path / f"{alias}.csr"), storepass=PW)  # fmt: skip


@needs(StoreType.JKS, StoreType.PKCS12)
def test_convert_needs_the_other_key_password(made, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KS_PASS", PW)
    dest = tmp_path / "server.p12"
    assert _convert(made["jks"], dest, "pkcs12") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "entry 'own-password'" in err
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []


@needs(StoreType.JCEKS)
def test_convert_secret_key_to_jks_is_refused_and_writes_nothing(
    made, tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("KS_PASS", PW)
    dest = tmp_path / "out.jks"
    assert _convert(made["jceks"], dest, "jks") == 1
    assert capsys.readouterr().err == (
        "keystore-cli: JKS cannot hold entry 'db-key': JKS cannot store secret keys "
        "(use JCEKS or PKCS12)\n"
    )
    assert list(tmp_path.iterdir()) == []


@needs(StoreType.JKS)
def test_convert_certificate_file_to_jks(made, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KS_PASS", PW)
    dest = tmp_path / "trust.jks"
    assert _convert(made["folder"] / "ca.crt", dest, "jks") == 0, capsys.readouterr().err
    theirs = keytool_list(dest, PW)
    assert [(e.alias, e.kind) for e in theirs] == [("example ca", "trusted-cert")]
    assert theirs[0].chain[0].serial == "c4"


CACERTS = Path("/etc/ssl/certs/java/cacerts")


@needs(StoreType.JKS)
@pytest.mark.skipif(not CACERTS.is_file(), reason="no system Java cacerts")
def test_system_cacerts_lists_silently(tmp_path) -> None:
    # Debian's cacerts holds roots with serial number 0, which cryptography warns about.
    copy = tmp_path / "cacerts"
    copy.write_bytes(CACERTS.read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "keystore_gui.cli", "list", str(copy), "--json",
         "--password-env", "KS_PASS"],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "KS_PASS": "changeit"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0 and proc.stderr == ""
    entries = json.loads(proc.stdout)["entries"]
    assert any(c["serial"] == "0" for e in entries for c in e["chain"])
    assert len(entries) == len(keytool_list(copy, "changeit"))


@needs(StoreType.JKS, StoreType.PKCS12)
def test_in_place_conversion_with_overwrite(made, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KS_PASS", PW)
    monkeypatch.setenv("KEY_PASS", KEY_PW)
    path = tmp_path / "server.keystore"
    path.write_bytes(made["jks"].read_bytes())
    args = ["--key-password-env", "KEY_PASS"]
    assert _convert(path, path, "pkcs12", *args) == 1
    assert "give --overwrite" in capsys.readouterr().err
    assert _convert(path, path, "pkcs12", *args, "--overwrite") == 0
    assert path.read_bytes()[:1] == b"\x30"
    assert sorted(e.alias for e in keytool_list(path, PW)) == [
        "example-ca",
        "own-password",
        "server",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.keystore"]


@needs(StoreType.JKS)
def test_new_store_password_also_protects_the_keys(made, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KS_PASS", PW)
    monkeypatch.setenv("NEW_PASS", "brand-new-pw")
    monkeypatch.setenv("KEY_PASS", KEY_PW)
    dest = tmp_path / "renewed.jks"
    assert main(
        ["convert", str(made["jks"]), str(dest), "--to", "jks", "--password-env", "KS_PASS",
         "--dest-password-env", "NEW_PASS", "--key-password-env", "KEY_PASS"]
    ) == 0, capsys.readouterr().err  # fmt: skip
    kt("-certreq", "-alias", "server", "-keystore", str(dest), "-file", str(tmp_path / "s.csr"), storepass="brand-new-pw")  # fmt: skip
