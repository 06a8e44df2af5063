"""``copy-certs``, ``import-certs``, ``export-certs`` against keytool-made stores (the WSO2 case)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from keystore_gui import cli
from tests.tools import keytool, keytool_list, openssl, requires_keytool
from tests.truststore_certs import Pki

WSO2 = "wso2carbon"


pytestmark = [
    requires_keytool,
    pytest.mark.keytool,
]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``wso2carbon.jks`` (EC key pair) and ``client-truststore.jks`` with two CA certificates,
    both made by keytool, plus ``cas.pem`` with those CAs."""
    folder = tmp_path_factory.mktemp("wso2")
    keytool(
        "-genkeypair", "-alias", WSO2, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost, O=WSO2, C=US", "-validity", "365",
        "-keystore", str(folder / "wso2carbon.jks"), "-storetype", "JKS",
        storepass=WSO2, keypass=WSO2,
    )  # fmt: skip
    pki = Pki()
    for alias, which in (("example-root", "root"), ("other-root", "other")):
        pem = folder / f"{alias}.pem"
        pem.write_text(pki.cert(which).pem)
        keytool(
            "-importcert", "-noprompt", "-alias", alias, "-file", str(pem),
            "-keystore", str(folder / "client-truststore.jks"), "-storetype", "JKS",
            storepass=WSO2,
        )  # fmt: skip
    (folder / "cas.pem").write_text(pki.cert("inter").pem + pki.cert("root").pem)
    return folder


@pytest.fixture
def work(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("wso2carbon.jks", "client-truststore.jks", "cas.pem"):
        shutil.copy(made / name, tmp_path / name)
    monkeypatch.setenv("SRC_PASS", WSO2)
    monkeypatch.setenv("DEST_PASS", WSO2)
    monkeypatch.setenv("OTHER_PASS", "changeit")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def copy(
    work: Path, capsys: pytest.CaptureFixture[str], dest: str, *extra: str
) -> tuple[int, str, str]:
    return run(
        capsys, "copy-certs", str(work / "wso2carbon.jks"), str(work / dest),
        "--password-env", "SRC_PASS", "--dest-password-env", "DEST_PASS", *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def leaf(made: Path) -> str:
    """SHA-256 of the key pair's certificate, as keytool lists it."""
    (entry,) = keytool_list(made / "wso2carbon.jks", WSO2)
    assert entry.kind == "private-key"
    return entry.chain[0].sha256


def test_wso2_into_existing_truststore(
    work: Path, capsys: pytest.CaptureFixture[str], leaf: str
) -> None:
    truststore = work / "client-truststore.jks"
    before = {(e.alias, e.kind, e.chain[0].sha256) for e in keytool_list(truststore, WSO2)}
    status, out, err = copy(work, capsys, "client-truststore.jks")
    assert (status, err) == (0, "")
    assert "added as 'wso2carbon'" in out
    after = keytool_list(truststore, WSO2)
    assert before < {(e.alias, e.kind, e.chain[0].sha256) for e in after}
    assert len(after) == len(before) + 1
    new = next(e for e in after if e.alias == WSO2)
    assert new.kind == "trusted-cert"
    assert new.chain[0].sha256 == leaf
    assert all(e.kind == "trusted-cert" for e in after)

    data = truststore.read_bytes()
    status, out, _ = copy(work, capsys, "client-truststore.jks")
    assert status == 0
    assert "already present as 'wso2carbon' (skipped)" in out
    assert "unchanged" in out
    assert truststore.read_bytes() == data


@pytest.mark.parametrize(
    ("name", "extra"), [("truststore.p12", ()), ("trust", ("--dest-type", "pkcs12"))]
)
def test_wso2_into_new_pkcs12(
    work: Path, capsys: pytest.CaptureFixture[str], name: str, extra: tuple[str, ...], leaf: str
) -> None:
    status, out, err = copy(work, capsys, name, "--json", *extra)
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert result["created"] is True
    assert [c["action"] for c in result["certificates"]] == ["add"]
    (entry,) = keytool_list(work / name, WSO2, "PKCS12")
    assert (entry.alias, entry.kind) == (WSO2, "trusted-cert")
    assert entry.chain[0].sha256 == leaf
    assert (work / name).stat().st_mode & 0o077 == 0


def test_new_jks_with_chain_made_by_keytool(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = copy(work, capsys, "new.jks", "--what", "chain")
    assert (status, err) == (0, "")
    (entry,) = keytool_list(work / "new.jks", WSO2, "JKS")  # self-signed: the chain is itself
    assert entry.kind == "trusted-cert"


def test_errors_write_nothing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truststore = work / "client-truststore.jks"
    data = truststore.read_bytes()
    for extra in (("--alias", "nope"), ("--dest-password-env", "OTHER_PASS")):
        status, _, err = copy(work, capsys, "client-truststore.jks", *extra)
        assert status != 0 and err.count("\n") == 1 and "Traceback" not in err, err
        assert truststore.read_bytes() == data
    status, _, err = copy(work, capsys, "missing.bin")
    assert status != 0 and "--dest-type" in err
    assert not (work / "missing.bin").exists()


def test_alias_taken_fail_and_rename(
    work: Path, capsys: pytest.CaptureFixture[str], leaf: str
) -> None:
    truststore = work / "client-truststore.jks"
    keytool(
        "-importcert", "-noprompt", "-alias", WSO2, "-file", str(work / "cas.pem"),
        "-keystore", str(truststore), storepass=WSO2,
    )  # fmt: skip
    data = truststore.read_bytes()
    status, _, err = copy(work, capsys, "client-truststore.jks", "--on-conflict", "fail")
    assert status != 0 and "alias 'wso2carbon' is taken" in err
    assert truststore.read_bytes() == data
    status, out, _ = copy(work, capsys, "client-truststore.jks")
    assert status == 0 and "was taken: added as 'wso2carbon-2'" in out
    aliases = {e.alias: e.chain[0].sha256 for e in keytool_list(truststore, WSO2)}
    assert aliases["wso2carbon-2"] == leaf


def test_import_certs(work: Path, capsys: pytest.CaptureFixture[str], leaf: str) -> None:
    truststore = work / "client-truststore.jks"
    der = work / "wso2.cer"
    keytool("-exportcert", "-alias", WSO2, "-keystore", str(work / "wso2carbon.jks"),
            "-file", str(der), storepass=WSO2)  # fmt: skip
    argv = ["import-certs", str(truststore), str(work / "cas.pem"), str(der)]
    status, out, err = run(capsys, *argv, "--password-env", "DEST_PASS")
    assert (status, err) == (0, "")
    assert "already present as 'example-root'" in out  # the root was in it
    entries = {e.alias: e for e in keytool_list(truststore, WSO2)}
    assert entries["example-issuing-ca-1"].kind == "trusted-cert"
    assert entries["localhost"].chain[0].sha256 == leaf
    data = truststore.read_bytes()
    status, out, _ = run(capsys, *argv, "--password-env", "DEST_PASS")
    assert status == 0 and "unchanged" in out and truststore.read_bytes() == data
    (work / "bad.pem").write_text("not a certificate\n")
    status, _, err = run(capsys, "import-certs", str(truststore), str(work / "bad.pem"),
                         "--password-env", "DEST_PASS")  # fmt: skip
    assert status != 0 and "bad.pem" in err and truststore.read_bytes() == data


@pytest.mark.parametrize("fmt", ["pem", "der", "pkcs7"])
def test_export_certs(work: Path, capsys: pytest.CaptureFixture[str], fmt: str, leaf: str) -> None:
    out_file = work / f"out.{fmt}"
    status, _, err = run(
        capsys, "export-certs", str(work / "wso2carbon.jks"), "--alias", WSO2,
        "--out", str(out_file), "--format", fmt, "--password-env", "SRC_PASS",
    )  # fmt: skip
    assert (status, err) == (0, "")
    if fmt == "pkcs7":
        text = openssl("pkcs7", "-inform", "DER", "-in", str(out_file), "-print_certs").stdout
        out_file.write_text(text)
    printed = keytool("-printcert", "-file", str(out_file)).stdout
    assert leaf.upper() in printed.replace(":", "")


def test_into_a_keystore_with_a_key_the_key_stays_usable(
    work: Path, capsys: pytest.CaptureFixture[str], leaf: str
) -> None:
    """A PKCS#12 made by keytool with a key pair of its own: the copy adds a trusted entry and
    the key is still there and usable (keytool -certreq signs with it)."""
    store = work / "client.p12"
    keytool(
        "-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=client", "-keystore", str(store), "-storetype", "PKCS12",
        storepass=WSO2,
    )  # fmt: skip
    status, _, err = copy(work, capsys, "client.p12")
    assert (status, err) == (0, "")
    entries = {e.alias: e for e in keytool_list(store, WSO2, "PKCS12")}
    assert entries["client"].kind == "private-key"
    assert (entries[WSO2].kind, entries[WSO2].chain[0].sha256) == ("trusted-cert", leaf)
    csr = keytool("-certreq", "-alias", "client", "-keystore", str(store), storepass=WSO2)
    assert "BEGIN NEW CERTIFICATE REQUEST" in csr.stdout


def test_dest_type_that_contradicts_an_existing_store_is_refused(work: Path, capsys) -> None:
    dest = work / "client-truststore.jks"
    before = dest.read_bytes()
    status, out, err = run(
        capsys, "copy-certs", str(work / "wso2carbon.jks"), str(dest), "--password-env", "SRC_PASS",
        "--dest-password-env", "DEST_PASS", "--dest-type", "pkcs12",
    )  # fmt: skip
    assert status != 0 and out == ""
    assert err.count("\n") == 1 and "existing JKS file" in err
    assert dest.read_bytes() == before
