"""``keystore-cli verify`` on keystores and truststores made by keytool, checked against openssl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keystore_gui.cli import main
from keystore_gui.core.io import read_keystore
from keystore_gui.core.trustsources import java_cacerts_path, system_bundle_path
from tests.chain_pki import Issued, Pki, openssl_verify
from tests.tools import keytool, openssl, requires_keytool, requires_openssl

pytestmark = [
    requires_keytool,
    requires_openssl,
    pytest.mark.keytool,
    pytest.mark.openssl,
]

STOREPASS = "store-secret"
TRUSTPASS = "trust-secret"


class Files:
    def __init__(self, folder: Path) -> None:
        pki = Pki(folder / "pki")
        self.root = pki.root("root", "/CN=Cli Root CA")
        self.inter = pki.issue("inter", "/CN=Cli Intermediate CA", self.root, ca=True)
        self.leaf = pki.issue("leaf", "/CN=cli.example", self.inter)
        self.inter_pem = pki.bundle("intermediates.pem", self.inter)

        self.keystore = folder / "server.jks"
        self._import_key(self.keystore, "server", [self.leaf, self.inter])
        # Alone in its store: no other entry carries the intermediate.
        self.lonely_store = folder / "lonely.p12"
        self._import_key(self.lonely_store, "lonely", [self.leaf], "PKCS12")
        keytool(
            "-genkeypair", "-alias", "self", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=self.example", "-validity", "30", "-keystore", str(self.keystore),
            storepass=STOREPASS, keypass=STOREPASS,
        )  # fmt: skip
        self.self_signed_pem = folder / "self.pem"
        keytool(
            "-exportcert", "-rfc", "-alias", "self", "-keystore", str(self.keystore),
            "-file", str(self.self_signed_pem), storepass=STOREPASS,
        )  # fmt: skip

        self.truststore = folder / "trust.jks"
        self._trust(self.truststore, "JKS", self.root)
        self.other = folder / "other.p12"
        self._trust(self.other, "PKCS12", self.inter)

    def _import_key(
        self, store: Path, alias: str, chain: list[Issued], storetype: str = "JKS"
    ) -> None:
        p12 = store.parent / f"{alias}-export.p12"
        bundle = store.parent / f"{alias}-chain.pem"
        bundle.write_text("".join(c.cert.read_text() for c in chain[1:]) or "")
        args = ["pkcs12", "-export", "-name", alias, "-in", str(chain[0].cert)]
        args += ["-inkey", str(chain[0].key), "-out", str(p12)]
        if chain[1:]:
            args += ["-certfile", str(bundle)]
        openssl(*args, passout=STOREPASS)
        keytool(
            "-importkeystore", "-srckeystore", str(p12), "-srcstoretype", "PKCS12",
            "-destkeystore", str(store), "-deststoretype", storetype,
            "-srcalias", alias, "-destalias", alias, "-destkeypass:env", "KT_DESTPASS",
            srcpass=STOREPASS, destpass=STOREPASS,
        )  # fmt: skip

    def _trust(self, path: Path, storetype: str, cert: Issued) -> None:
        keytool(
            "-importcert", "-noprompt", "-alias", cert.name, "-file", str(cert.cert),
            "-keystore", str(path), "-storetype", storetype, storepass=TRUSTPASS,
        )  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    return Files(tmp_path_factory.mktemp("cli-chains"))


@pytest.fixture(autouse=True)
def passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KS_PASS", STOREPASS)
    monkeypatch.setenv("TRUST_PASS", TRUSTPASS)


def verify(
    files: Files, alias: str, *extra: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    store = files.lonely_store if alias == "lonely" else files.keystore
    argv = ["verify", str(store), "--alias", alias, "--password-env", "KS_PASS", *extra]
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def trust(*paths: Path) -> list[str]:
    args: list[str] = []
    for path in paths:
        args += ["--truststore", str(path)]
    return [*args, "--truststore-password-env", "TRUST_PASS"]


def test_good_chain_is_trusted_and_printed(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = verify(
        files, "server", *trust(files.truststore), "--purpose", "tls-server", capsys=capsys
    )
    assert (status, err) == (0, "")
    assert "TRUSTED" in out and "NOT TRUSTED" not in out
    assert (
        out.index("CN=cli.example")
        < out.index("CN=Cli Intermediate CA")
        < out.index("CN=Cli Root CA")
    )
    assert "from truststore trust.jks" in out
    assert "Web PKI: passes web-PKI rules" in out
    assert openssl_verify(files.leaf, [files.root], [files.inter])[0]


def test_json_names_the_missing_intermediate(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = verify(files, "lonely", *trust(files.truststore), "--json", capsys=capsys)
    assert status == 3
    result = json.loads(out)
    assert result["trusted"] is False
    assert [p["subject"] for p in result["path"]] == ["CN=cli.example"]
    assert result["path"][0]["source"] == "this keystore"
    assert result["path"][0]["sha256"] == files.leaf.certificate.sha256
    assert result["problems"] == [
        "'CN=cli.example': issuer 'CN=Cli Intermediate CA' not found in any trust source"
    ]
    assert not openssl_verify(files.leaf, [files.root])[0]


def test_missing_intermediate_found_in_another_truststore_or_as_intermediates(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = verify(
        files, "lonely", *trust(files.truststore, files.other), "--json", capsys=capsys
    )
    assert status == 0, out
    assert json.loads(out)["path"][-1]["source"] == "truststore other.p12"

    status, out, _ = verify(
        files,
        "lonely",
        *trust(files.truststore),
        "--intermediates",
        str(files.inter_pem),
        "--json",
        capsys=capsys,
    )
    assert status == 0, out
    sources = [p["source"] for p in json.loads(out)["path"]]
    assert sources == ["this keystore", "intermediates intermediates.pem", "truststore trust.jks"]
    assert openssl_verify(files.leaf, [files.root], [files.inter])[0]


def test_at_a_later_date_the_chain_has_expired(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = verify(
        files, "server", *trust(files.truststore), "--at", "2040-01-01", capsys=capsys
    )
    assert status == 3
    expiry = files.leaf.certificate.not_after.date().isoformat()
    assert f"'CN=cli.example': expired on {expiry}" in out


def test_keytool_self_signed_entry(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = verify(files, "self", *trust(files.truststore), capsys=capsys)
    assert status == 3
    assert "'CN=self.example': self-signed and not in the truststore" in out
    openssl_ok = openssl(
        "verify", "-CAfile", str(files.root.cert), str(files.self_signed_pem), check=False
    )
    assert openssl_ok.returncode != 0


def test_errors_are_one_line_with_status_1(
    files: Files, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = verify(files, "nobody", *trust(files.truststore), capsys=capsys)
    assert (status, out) == (1, "")
    assert err == "keystore-cli: no entry with alias 'nobody'\n"

    status, _, err = verify(files, "server", "--truststore", str(files.truststore), capsys=capsys)
    assert status == 1 and err.count("\n") == 1 and "--truststore-password-env" in err

    with pytest.raises(SystemExit) as exited:
        verify(files, "server", "--at", "yesterday", capsys=capsys)
    assert exited.value.code == 2 and "not a date" in capsys.readouterr().err


@pytest.mark.skipif(java_cacerts_path() is None, reason="no JDK cacerts on this machine")
@pytest.mark.parametrize(
    ("option", "source"), [("--java-cacerts", "Java cacerts"), ("--system-cas", "system CAs")]
)
def test_a_public_root_is_trusted_by_java_and_the_system(
    option: str, source: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cacerts = java_cacerts_path()
    assert cacerts is not None
    if option == "--system-cas" and system_bundle_path() is None:
        pytest.skip("no system CA bundle on this machine")
    store = read_keystore(cacerts, "changeit")
    isrg = next((e for e in store if "CN=ISRG Root X1" in e.chain[0].subject), None)
    if isrg is None:
        pytest.skip("this cacerts has no ISRG Root X1")
    monkeypatch.setenv("CACERTS_PASS", "changeit")
    base = ["verify", str(cacerts), "--alias", isrg.alias, "--password-env", "CACERTS_PASS"]
    assert main([*base, option, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(p["subject"], p["source"]) for p in result["path"]] == [
        (isrg.chain[0].subject, source)
    ]

    # Without a trust source, a root is just a self-signed certificate.
    assert main([*base, "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["problems"] == [
        f"'{isrg.chain[0].subject}': self-signed and not in the truststore"
    ]


class KeytoolChain:
    """root → ca → server made by keytool alone, as in the keytool manual."""

    def __init__(self, folder: Path) -> None:
        self.store = folder / "kt.p12"
        ks = ["-keystore", str(self.store)]
        for alias, dname, ext in (
            ("root", "CN=KT Root", ["-ext", "bc:c"]),
            ("ca", "CN=KT Issuing CA", []),
            ("server", "CN=kt.example", []),
        ):
            keytool(
                "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", dname, *ext, *ks, storepass=STOREPASS,
            )  # fmt: skip
        self.pems = {name: folder / f"kt-{name}.pem" for name in ("root", "ca", "server")}
        keytool("-exportcert", "-rfc", "-alias", "root", "-file", str(self.pems["root"]), *ks,
                storepass=STOREPASS)  # fmt: skip
        for alias, signer, exts in (
            ("ca", "root", ["-ext", "bc:c=ca:true,pathlen:0", "-ext", "ku:c=keyCertSign,cRLSign"]),
            ("server", "ca", ["-ext", "san=dns:kt.example", "-ext", "eku=serverAuth"]),
        ):
            csr = folder / f"kt-{alias}.csr"
            keytool("-certreq", "-alias", alias, "-file", str(csr), *ks, storepass=STOREPASS)
            keytool(
                "-gencert", "-rfc", "-alias", signer, "-infile", str(csr),
                "-outfile", str(self.pems[alias]), *exts, *ks, storepass=STOREPASS,
            )  # fmt: skip
            # The signed certificate replaces the self-signed one before it signs anything.
            keytool("-importcert", "-noprompt", "-alias", alias, "-file", str(self.pems[alias]),
                    *ks, storepass=STOREPASS)  # fmt: skip


@pytest.fixture(scope="module")
def kt_chain(tmp_path_factory: pytest.TempPathFactory) -> KeytoolChain:
    return KeytoolChain(tmp_path_factory.mktemp("keytool-chain"))


def test_keytool_made_chain_agrees_with_openssl(
    kt_chain: KeytoolChain, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["verify", str(kt_chain.store), "--alias", "server", "--password-env", "KS_PASS"]
    trusted = ["--truststore", str(kt_chain.pems["root"])]
    assert main([*base, *trusted, "--purpose", "tls-server", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [p["subject"] for p in result["path"]] == [
        "CN=kt.example",
        "CN=KT Issuing CA",
        "CN=KT Root",
    ]
    assert [p["source"] for p in result["path"]] == [
        "this keystore",
        "this keystore",
        "truststore kt-root.pem",
    ]
    pems = kt_chain.pems
    ok = openssl("verify", "-CAfile", str(pems["root"]), "-untrusted", str(pems["ca"]),
                 "-purpose", "sslserver", str(pems["server"]), check=False)  # fmt: skip
    assert ok.returncode == 0, ok.stdout + ok.stderr

    # The keystore's own root is not trusted just because it sits in the keystore.
    assert main([*base, "--json"]) == 3
    result = json.loads(capsys.readouterr().out)
    assert result["problems"] == ["'CN=KT Root': self-signed and not in the truststore"]
