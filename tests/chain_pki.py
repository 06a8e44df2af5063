"""Small PKIs made with the real ``openssl`` (``req`` and ``ca``), for the trust-chain tests.

Each certificate is an EC P-256 key pair (fast) signed as a test asks: as a CA or not, with a path
length, with given validity dates, or with its signature tampered with afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from keystore_gui.core.model import Certificate
from tests.tools import openssl

_CONFIG = """\
[ca]
default_ca = test_ca

[test_ca]
database = {dir}/index.txt
new_certs_dir = {dir}/newcerts
serial = {dir}/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no

[anything]
commonName = supplied
organizationName = optional

[req]
distinguished_name = dn
prompt = no

[dn]

[root]
basicConstraints = critical, CA:true{pathlen}
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ca_ext]
basicConstraints = critical, CA:true{pathlen}
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[server]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = {san}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@dataclass
class Issued:
    name: str
    key: Path
    cert: Path

    @property
    def certificate(self) -> Certificate:
        return Certificate(pem_to_der(self.cert.read_bytes()))


def pem_to_der(pem: bytes) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509 import load_pem_x509_certificate

    return load_pem_x509_certificate(pem).public_bytes(Encoding.DER)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%d%H%M%SZ")


class Pki:
    def __init__(self, folder: Path) -> None:
        self.dir = folder
        (folder / "newcerts").mkdir(parents=True, exist_ok=True)
        (folder / "index.txt").write_text("")
        (folder / "serial").write_text("1000\n")
        self._n = 0

    def _config(self, name: str, pathlen: int | None, san: str) -> Path:
        path = self.dir / f"{name}.cnf"
        path.write_text(
            _CONFIG.format(
                dir=self.dir,
                pathlen="" if pathlen is None else f", pathlen:{pathlen}",
                san=san,
            )
        )
        return path

    def _key_and_csr(self, name: str, subject: str, config: Path) -> tuple[Path, Path]:
        key, csr = self.dir / f"{name}.key", self.dir / f"{name}.csr"
        openssl(
            "req", "-new", "-config", str(config), "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", str(key), "-out", str(csr), "-subj", subject,
        )  # fmt: skip
        return key, csr

    def root(self, name: str, subject: str, *, pathlen: int | None = None) -> Issued:
        config = self._config(name, pathlen, "DNS:unused")
        key, csr = self._key_and_csr(name, subject, config)
        cert = self.dir / f"{name}.pem"
        openssl(
            "ca", "-batch", "-config", str(config), "-selfsign", "-keyfile", str(key),
            "-in", str(csr), "-out", str(cert), "-extensions", "root", "-notext",
            "-startdate", _stamp(dt.datetime.now(dt.UTC) - dt.timedelta(days=1000)),
            "-enddate", _stamp(dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)),
        )  # fmt: skip
        return Issued(name, key, cert)

    def issue(
        self,
        name: str,
        subject: str,
        issuer: Issued,
        *,
        ca: bool = False,
        pathlen: int | None = None,
        san: str = "DNS:server.example",
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        key: Path | None = None,
        digest: str = "sha256",
    ) -> Issued:
        config = self._config(name, pathlen, san)
        if key is None:
            key, csr = self._key_and_csr(name, subject, config)
        else:
            csr = self.dir / f"{name}.csr"
            openssl(
                "req", "-new", "-config", str(config), "-key", str(key),
                "-out", str(csr), "-subj", subject,
            )  # fmt: skip
        now = dt.datetime.now(dt.UTC)
        cert = self.dir / f"{name}.pem"
        openssl(
            "ca", "-batch", "-config", str(config), "-cert", str(issuer.cert),
            "-keyfile", str(issuer.key), "-in", str(csr), "-out", str(cert),
            "-extensions", "ca_ext" if ca else "server", "-notext", "-md", digest,
            "-startdate", _stamp(not_before or now - dt.timedelta(days=1)),
            "-enddate", _stamp(not_after or now + dt.timedelta(days=365)),
        )  # fmt: skip
        return Issued(name, key, cert)

    def tampered(self, original: Issued, name: str) -> Issued:
        """``original`` with one bit of its signature flipped."""
        der = bytearray(pem_to_der(original.cert.read_bytes()))
        der[-5] ^= 0x01
        out = self.dir / f"{name}.der"
        out.write_bytes(bytes(der))
        pem = self.dir / f"{name}.pem"
        openssl("x509", "-inform", "DER", "-in", str(out), "-out", str(pem))
        return Issued(name, original.key, pem)

    def bundle(self, name: str, *members: Issued) -> Path:
        path = self.dir / name
        path.write_text("".join(m.cert.read_text() for m in members))
        return path


def openssl_verify(
    leaf: Issued, trusted: list[Issued], untrusted: list[Issued] = (), *, purpose: str | None = None
) -> tuple[bool, str]:
    """``openssl verify`` of ``leaf``: (ok, output)."""
    folder = leaf.cert.parent
    ca = folder / f"verify-ca-{leaf.name}.pem"
    ca.write_text("".join(t.cert.read_text() for t in trusted))
    args = ["verify", "-CAfile", str(ca)]
    if untrusted:
        inter = folder / f"verify-untrusted-{leaf.name}.pem"
        inter.write_text("".join(u.cert.read_text() for u in untrusted))
        args += ["-untrusted", str(inter)]
    if purpose:
        args += ["-purpose", purpose]
    proc = openssl(*args, str(leaf.cert), check=False)
    return proc.returncode == 0, proc.stdout + proc.stderr
