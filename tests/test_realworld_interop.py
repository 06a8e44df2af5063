"""Keystores written by other people's tools, read as keytool and openssl read them.

``../shared/realworld/`` beside the repository (``REALWORLD_DIR`` elsewhere) holds keystore and
certificate files from public projects with a ``manifest.json`` of their passwords; when it is
absent these tests skip. The files are read from there, never copied into the repository.

For every file, ``keystore-cli list --json`` is compared with what the JDK sees
(``tests/realworld/ListStores.java``: one JVM running keytool's own ``KeyStore`` calls for all
files, instead of 80 ``keytool -list -v`` start-ups) and with ``openssl pkcs12`` / ``openssl
pkcs7``: the same entries, kinds, chains, fingerprints and serials. Every keystore is then
converted to PKCS#12 and the JDK must read the result back with the same entries.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from keystore_gui.cli import main
from tests.tools import KEYTOOL, OPENSSL

ROOT = Path(__file__).resolve().parents[1]
REALWORLD = Path(os.environ.get("REALWORLD_DIR", ROOT.parent / "shared" / "realworld"))
MANIFEST = REALWORLD / "manifest.json"
LISTER = Path(__file__).with_name("realworld") / "ListStores.java"
BCPROV = Path("/usr/share/java/bcprov.jar")

pytestmark = [
    pytest.mark.keytool,
    pytest.mark.openssl,
    pytest.mark.skipif(not MANIFEST.exists(), reason=f"no real-world keystores at {REALWORLD}"),
    pytest.mark.skipif(KEYTOOL is None or OPENSSL is None, reason="needs keytool and openssl"),
]

# Passwords of keys whose own password differs from the store's, from the manifest's notes.
KEY_PASSWORDS: dict[str, dict[str, str]] = {
    "pyjks-jks-custom_entry_passwords.jks": {"private": "private_password"},
    "pyjks-jceks-custom_entry_passwords.jceks": {
        "private": "private_password",
        "secret": "secret_password",
    },
    "pyjks-bks-custom_entry_passwords.bksv2": {
        "sealed_private_key": "private_password",
        "sealed_public_key": "public_password",
        "sealed_secret_key": "secret_password",
    },
    "pyjks-uber-custom_entry_passwords.uber": {
        "sealed_private_key": "private_password",
        "sealed_public_key": "public_password",
        "sealed_secret_key": "secret_password",
    },
    "keystore-go-keystore_keypass.jks": {"alias": "keypassword"},
    "jdk-jdk_jceks_twopass.p12": {"pkcs12testca": "keypass"},
    "jdk-keystoreCA.jceks": {"pkcs12testca": "keypass"},
}

# Conversions to PKCS#12 that must be refused, and the reason the refusal must give.
REFUSED_CONVERSIONS: dict[str, str] = {
    "pyjks-bks-christmas.bksv1": "entry 'sealed_public_key': a bare public key",
    "pyjks-bks-christmas.bksv2": "entry 'sealed_public_key': a bare public key",
    "pyjks-bks-custom_entry_passwords.bksv2": "entry 'sealed_public_key': a bare public key",
    "pyjks-uber-christmas.uber": "entry 'sealed_public_key': a bare public key",
    "pyjks-uber-custom_entry_passwords.uber": "entry 'sealed_public_key': a bare public key",
    "jdk-SecretKeyKS.jks": "the key of entry 'alias' is of a kind this product cannot read",
    "jdk-sect193r1server-rsa1024ca.p12": "its key (EC sect193r1) is not supported",
    "pyjks-jks-duplicate_aliases.jks": "another entry has the same alias",
    "pyjks-jceks-duplicate_aliases.jceks": "another entry has the same alias",
    "pyjks-jks-truststore.jks": "needs a password",
    "pyjks-jks-RSA2048_3certs.jks": "its certificate chain does not chain",
}

# Formats the product names but does not read: the one line it must give instead.
NAMED_ONLY: dict[str, str] = {
    "kse-keystore.bcfks": "unsupported: BouncyCastle FIPS keystore (BCFKS)",
}

CERTIFICATE_FILES = ("PEM", "DER", "PKCS7", "PKIPATH")

JAVA_KINDS = {
    "PrivateKeyEntry": "private-key",
    "SecretKeyEntry": "secret-key",
    "trustedCertEntry": "trusted-cert",
}


def _manifest() -> list[dict[str, Any]]:
    if not MANIFEST.exists():
        return []
    return list(json.loads(MANIFEST.read_text(encoding="utf-8")))


FILES = {item["name"]: item for item in _manifest()}


@dataclass
class Result:
    ours: dict[str, Any] | None = None
    error: str | None = None
    java: dict[str, Any] = field(default_factory=dict)
    openssl: tuple[list[str], int] | None = None
    """The certificates' SHA-256 and the number of private keys openssl found."""
    converted: dict[str, Any] | None = None
    convert_error: str | None = None
    java_converted: dict[str, Any] = field(default_factory=dict)


def _cli(*argv: str, env: dict[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def _password_args(
    item: dict[str, Any], unknown: str = "--no-password"
) -> tuple[list[str], dict[str, str]]:
    if item["password"] is None:
        return [unknown] if unknown else [], {}
    return ["--password-env", "RW_PASS"], {"RW_PASS": item["password"]}


def _our_listing(path: Path, item: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    args, env = _password_args(item)
    status, out, err = _cli("list", str(path), "--json", *args, env=env)
    if status != 0:
        return None, err.strip()
    return json.loads(out), None


def _convert(path: Path, item: dict[str, Any], dest: Path) -> str | None:
    args, env = _password_args(item, unknown="")
    env["RW_DEST"] = "changeit"
    key_args: list[str] = []
    for n, (alias, password) in enumerate(KEY_PASSWORDS.get(item["name"], {}).items()):
        env[f"RW_KEY{n}"] = password
        key_args += ["--key-password-env", f"{alias}=RW_KEY{n}"]
    status, _, err = _cli(
        "convert", str(path), str(dest), "--to", "pkcs12", "--dest-password-env", "RW_DEST",
        *args, *key_args, env=env,
    )  # fmt: skip
    return err.strip() if status != 0 else None


def _java_listings(requests: list[tuple[Path, str | None]]) -> dict[str, Any]:
    """One JVM lists every file; passwords go through stdin, never argv."""
    lines = [
        f"{p}\t" + ("-" if pw is None else base64.b64encode(pw.encode("utf-8")).decode("ascii"))
        for p, pw in requests
    ]
    java = Path(KEYTOOL or "keytool").with_name("java")
    argv = [str(java), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    if BCPROV.exists():
        argv += ["-cp", str(BCPROV)]
    proc = subprocess.run(
        [*argv, str(LISTER)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return {json.loads(line)["file"]: json.loads(line) for line in proc.stdout.splitlines()}


_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----\n(.*?)-----END CERTIFICATE-----", re.S)


def _openssl(
    path: Path, item: dict[str, Any], store_type: str | None
) -> tuple[list[str], int] | None:
    """Certificates (SHA-256) and the count of private keys openssl reads from ``path``."""
    import hashlib

    assert OPENSSL is not None
    password = item["password"] or ""
    if store_type == "PKCS12":
        attempts = [
            ([*extra, *mac], {b"OSSL_PASS": spelling})
            for spelling in (password.encode("utf-8"), password.encode("latin-1", "replace"))
            for extra in ([], ["-legacy"])
            for mac in ([], ["-nomacver"])
        ]
        commands = [
            ([OPENSSL, "pkcs12", "-in", str(path), "-nodes", "-passin", "env:OSSL_PASS", *a], e)
            for a, e in attempts
        ]
    elif store_type in ("PKCS7", "PEM", "DER"):
        commands = [
            ([OPENSSL, "pkcs7", "-in", str(path), "-print_certs", "-inform", f], {})
            for f in ("DER", "PEM")
        ]
        commands += [
            ([OPENSSL, "crl2pkcs7", "-nocrl", "-certfile", str(path)], {}),
            ([OPENSSL, "x509", "-in", str(path), "-inform", "DER"], {}),
        ]
    else:
        return None
    for argv, env in commands:
        proc = subprocess.run(argv, env={**os.environb, **env}, capture_output=True, timeout=60)
        if proc.returncode != 0:
            continue
        out = proc.stdout
        if argv[1] == "crl2pkcs7":
            proc = subprocess.run(
                [OPENSSL, "pkcs7", "-print_certs"], input=out, capture_output=True, timeout=60
            )
            if proc.returncode != 0:
                continue
            out = proc.stdout
        certs = [
            hashlib.sha256(base64.b64decode(body)).hexdigest() for body in _PEM_CERT.findall(out)
        ]
        keys = len(re.findall(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----", out))
        if certs or keys:
            return certs, keys
    return None


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    files = REALWORLD / "files"
    out_dir = tmp_path_factory.mktemp("realworld")
    found: dict[str, Result] = {}
    requests: list[tuple[Path, str | None]] = []
    for name, item in FILES.items():
        path = files / name
        result = found[name] = Result()
        result.ours, result.error = _our_listing(path, item)
        requests.append((path, item["password"]))
        if result.ours is None or result.ours["type"] in CERTIFICATE_FILES:
            continue
        dest = out_dir / f"{name}.p12"
        result.convert_error = _convert(path, item, dest)
        if result.convert_error is None:
            result.converted = _our_listing(dest, {"password": "changeit"})[0]
            requests.append((dest, "changeit"))
    java = _java_listings(requests)
    with ThreadPoolExecutor(max_workers=4) as pool:
        sslout = pool.map(
            lambda name: _openssl(
                files / name,
                FILES[name],
                found[name].ours["type"] if found[name].ours else _guess_type(name),
            ),
            FILES,
        )
        for name, ssl in zip(FILES, sslout, strict=True):
            found[name].openssl = ssl
    for name, result in found.items():
        result.java = java[str(files / name)]
        if result.converted is not None:
            result.java_converted = java[str(out_dir / f"{name}.p12")]
    return found


def _guess_type(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    return {".p12": "PKCS12", ".pfx": "PKCS12", ".p7b": "PKCS7", ".pem": "PEM"}.get(suffix)


# --- comparing -------------------------------------------------------------------------------


def _chain(chain: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(c["sha256"], c["serial"].lower().lstrip("0") or "0") for c in chain]


def _java_kind(entry: dict[str, Any]) -> str:
    """keytool's kind, or what the key really is when the JDK could recover it."""
    return {"private": "private-key", "secret": "secret-key", "public": "public-key"}.get(
        entry.get("key") or "", JAVA_KINDS.get(entry["kind"], entry["kind"])
    )


def _java_view(ours: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Our entries as Java would show them: loose certificates and shadowed duplicates left out."""
    return sorted(
        (e["alias"].lower(), e["kind"], _chain(e["chain"]))
        for e in ours["entries"]
        if not e.get("loose") and not e.get("shadowed")
    )


def _java_entries(java: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return sorted(
        ((e["alias"] or "").lower(), _java_kind(e), _chain(e["chain"])) for e in java["entries"]
    )


def _certificates(listing: dict[str, Any]) -> Counter[str]:
    return Counter(c["sha256"] for e in listing["entries"] for c in e["chain"])


def _check_listing(name: str, result: Result) -> None:
    java, ours = result.java, result.ours
    if ours is None:
        assert result.error and "\n" not in result.error and "internal error" not in result.error
        if name in NAMED_ONLY:
            assert NAMED_ONLY[name] in result.error
            return
        if "error" not in java:
            pytest.fail(f"keytool reads {name}, we say: {result.error}")
        if result.openssl is not None:
            pytest.fail(f"openssl reads {name}, we say: {result.error}")
        return
    if "error" not in java:
        if java["type"] in ("certificates", "PkiPath"):
            mine = [c["sha256"] for e in ours["entries"] for c in e["chain"]]
            assert mine == [e["chain"][0]["sha256"] for e in java["entries"]]
        elif ours["type"] == "PKCS12":
            # The JDK skips keys in plain (unshrouded) key bags; openssl's count checks them.
            mine, theirs = _java_view(ours), _java_entries(java)
            assert [e for e in theirs if e not in mine] == []
            assert [e for e in mine if e not in theirs and e[1] != "private-key"] == []
        else:
            assert _java_view(ours) == _java_entries(java)
    if result.openssl is not None:
        certs, keys = result.openssl
        assert set(_certificates(ours)) == set(certs), "certificates differ from openssl's"
        if ours["type"] == "PKCS12":
            ours_keys = sum(e["kind"] == "private-key" for e in ours["entries"])
            assert ours_keys == keys, "private keys differ from openssl's"


def _check_conversion(name: str, result: Result) -> None:
    if result.ours is None or result.ours["type"] in CERTIFICATE_FILES:
        pytest.skip("not a keystore we read")
    if name in REFUSED_CONVERSIONS:
        assert result.convert_error is not None, "converted, but it must be refused"
        assert REFUSED_CONVERSIONS[name] in result.convert_error
        return
    assert result.convert_error is None, result.convert_error
    assert result.converted is not None
    assert "error" not in result.java_converted, result.java_converted.get("error")
    assert _java_entries(result.java_converted) == _java_view(result.ours)


NAMES = list(FILES) or ["(none)"]


@pytest.mark.parametrize("name", NAMES)
def test_lists_as_keytool_and_openssl_do(name: str, results: dict[str, Result]) -> None:
    _check_listing(name, results[name])


@pytest.mark.parametrize("name", NAMES)
def test_converted_store_reads_back_in_keytool(name: str, results: dict[str, Result]) -> None:
    _check_conversion(name, results[name])
