"""Key files in every layout OpenSSL writes, each with a certificate from a small openssl PKI.

One root and one issuing CA sign a ``localhost`` server certificate for each key type (RSA, EC,
DSA, Ed25519, Ed448); each key is then written by ``openssl`` as PKCS#8 (plain, PBES2 AES-256,
PKCS#12 PBE 3DES), PKCS#1/SEC1/DSA "traditional" (plain and ``Proc-Type: 4,ENCRYPTED``), DER
and a combined PEM with the chain. Passwords reach openssl through the environment only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.chain_pki import Issued, Pki
from tests.tools import openssl

KEY_PASSWORD = "k3y-Pass"
SAN = "DNS:localhost, IP:127.0.0.1"


@dataclass(frozen=True)
class KeyFileCase:
    name: str
    key_type: str  # rsa | ec | dsa | ed25519 | ed448
    path: Path
    password: str | None
    leaf: Issued

    @property
    def fullchain(self) -> Path:
        return self.leaf.cert.parent / f"{self.key_type}.fullchain.pem"


@dataclass
class KeyPki:
    dir: Path
    root: Issued
    ca: Issued
    leaves: dict[str, Issued]
    cases: dict[str, KeyFileCase]

    def case(self, name: str) -> KeyFileCase:
        return self.cases[name]


_GENPKEY = {
    "rsa": ("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
    "ec": ("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"),
    "ed25519": ("-algorithm", "ED25519"),
    "ed448": ("-algorithm", "ED448"),
}


def _genkey(folder: Path, key_type: str) -> Path:
    out = folder / f"{key_type}.pkcs8.pem"
    if key_type == "dsa":
        params = folder / "dsa.params"
        openssl("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048",
                "-out", str(params))  # fmt: skip
        openssl("genpkey", "-paramfile", str(params), "-out", str(out))
    else:
        openssl("genpkey", *_GENPKEY[key_type], "-out", str(out))
    return out


def make_key_pki(folder: Path) -> KeyPki:
    pki = Pki(folder)
    root = pki.root("root", "/O=Example/CN=Example Root CA")
    ca = pki.issue("ca", "/O=Example/CN=Example Issuing CA", root, ca=True)
    leaves: dict[str, Issued] = {}
    cases: dict[str, KeyFileCase] = {}

    def add(name: str, key_type: str, path: Path, password: str | None = None) -> None:
        cases[name] = KeyFileCase(name, key_type, path, password, leaves[key_type])

    def variant(name: str, *args: str, password: bool = False) -> Path:
        out = folder / name
        openssl(*args, "-out", str(out), passout=KEY_PASSWORD if password else None)
        return out

    for key_type in ("rsa", "ec", "dsa", "ed25519", "ed448"):
        key = _genkey(folder, key_type)
        leaf = pki.issue(key_type, f"/O=Example/CN=localhost {key_type}", ca, key=key, san=SAN)
        leaves[key_type] = leaf
        (folder / f"{key_type}.fullchain.pem").write_text(
            leaf.cert.read_text() + ca.cert.read_text() + root.cert.read_text()
        )
        add(f"{key_type}-pkcs8.pem", key_type, key)
    rsa = str(leaves["rsa"].key)
    topk8 = ("pkcs8", "-topk8", "-in", rsa)
    add(
        "rsa-pkcs8-aes.pem",
        "rsa",
        variant("rsa-pkcs8-aes.pem", *topk8, "-v2", "aes-256-cbc", password=True),
        KEY_PASSWORD,
    )
    add(
        "rsa-pkcs8-3des.pem",
        "rsa",
        variant("rsa-pkcs8-3des.pem", *topk8, "-v1", "PBE-SHA1-3DES", password=True),
        KEY_PASSWORD,
    )
    add("rsa-pkcs8.der", "rsa", variant("rsa-pkcs8.der", *topk8, "-nocrypt", "-outform", "DER"))
    add("rsa-pkcs8-aes.der", "rsa",
        variant("rsa-pkcs8-aes.der", *topk8, "-v2", "aes-256-cbc", "-outform", "DER",
                password=True), KEY_PASSWORD)  # fmt: skip
    add("rsa-pkcs1.pem", "rsa", variant("rsa-pkcs1.pem", "rsa", "-in", rsa, "-traditional"))
    add("rsa-pkcs1-aes.pem", "rsa",
        variant("rsa-pkcs1-aes.pem", "rsa", "-in", rsa, "-traditional", "-aes256",
                password=True), KEY_PASSWORD)  # fmt: skip
    add("rsa-pkcs1-3des.pem", "rsa",
        variant("rsa-pkcs1-3des.pem", "rsa", "-in", rsa, "-traditional", "-des3",
                password=True), KEY_PASSWORD)  # fmt: skip
    ec = str(leaves["ec"].key)
    add("ec-sec1.pem", "ec", variant("ec-sec1.pem", "ec", "-in", ec))
    add(
        "ec-sec1-aes.pem",
        "ec",
        variant("ec-sec1-aes.pem", "ec", "-in", ec, "-aes128", password=True),
        KEY_PASSWORD,
    )
    add(
        "dsa-traditional.pem",
        "dsa",
        variant("dsa-traditional.pem", "pkey", "-in", str(leaves["dsa"].key), "-traditional"),
    )
    combined = folder / "combined.pem"
    combined.write_bytes(
        cases["rsa-pkcs1-aes.pem"].path.read_bytes() + (folder / "rsa.fullchain.pem").read_bytes()
    )
    add("combined.pem", "rsa", combined, KEY_PASSWORD)
    return KeyPki(folder, root, ca, leaves, cases)


@pytest.fixture(scope="session")
def key_pki(tmp_path_factory: pytest.TempPathFactory) -> KeyPki:
    return make_key_pki(tmp_path_factory.mktemp("keypki"))
