"""JKS and JCEKS stores made by the real keytool, shared by the ``test_jks_*`` modules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.tools import genkeypair, keytool

STOREPASS = "storepass1"
KEYPASS = "keypass2"
"""The key password of the entry ``ownpass``, which differs from the store password."""


@dataclass
class MadeStore:
    path: Path
    storetype: str
    aliases_with_own_password: tuple[str, ...] = ("ownpass",)


def _gen(path: Path, storetype: str, alias: str, *args: str, keypass: str = STOREPASS) -> None:
    genkeypair(
        path, storetype, alias, f"CN={alias}, O=Keystore GUI tests", "-validity", "3650", *args,
        storepass=STOREPASS, keypass=keypass,
    )  # fmt: skip


def _sign(
    path: Path, storetype: str, issuer: str, subject: str, ext: tuple[str, ...], above: list[Path]
) -> Path:
    """``subject``'s request signed by ``issuer``, imported back with the issuer's chain
    (``above``, PEM files) as ``subject``'s chain. Returns the new certificate's PEM file."""
    csr = path.with_name(f"{path.name}.{subject}.csr")
    crt = path.with_name(f"{path.name}.{subject}.crt")
    common = _common(path, storetype)
    keytool("-certreq", "-alias", subject, "-file", str(csr), *common, storepass=STOREPASS)
    keytool(
        "-gencert",
        "-alias",
        issuer,
        "-infile",
        str(csr),
        "-outfile",
        str(crt),
        "-rfc",
        "-validity",
        "3000",
        *ext,
        *common,
        storepass=STOREPASS,
    )
    reply = path.with_name(f"{path.name}.{subject}.reply")
    reply.write_bytes(b"".join(p.read_bytes() for p in [crt, *above]))
    keytool("-importcert", "-alias", subject, "-file", str(reply), *common, storepass=STOREPASS)
    return crt


def _common(path: Path, storetype: str) -> tuple[str, ...]:
    return ("-keystore", str(path), "-storetype", storetype)


def make_stores(folder: Path) -> dict[str, MadeStore]:
    """A JKS and a JCEKS of every kind of entry keytool makes in them.

    Entries: ``rsa``, ``ec``, ``ed``, ``dsa`` key pairs; ``root`` → ``inter`` → ``leaf`` (a chain
    of 3 built with -gencert and reply imports); ``trusted-root``, the root as a trusted
    certificate; ``ownpass``, an EC key with its own password; the JCEKS also has the secret
    keys ``aes`` (AES-256, a SecretKeySpec) and ``des3`` (DESede, which Java serializes as a
    KeyRep). The JCEKS is converted from the JKS by keytool (so its keys are protected the JCEKS
    way), then ``ownpass`` is added to each and the secret keys to the JCEKS.
    """
    path = folder / "made.jks"
    _gen(path, "JKS", "rsa", "-keyalg", "RSA", "-keysize", "2048")
    _gen(path, "JKS", "ec", "-keyalg", "EC", "-groupname", "secp256r1")
    _gen(path, "JKS", "ed", "-keyalg", "Ed25519")
    _gen(path, "JKS", "dsa", "-keyalg", "DSA", "-keysize", "2048")
    ca = ("-keyalg", "EC", "-ext", "bc:c")
    _gen(path, "JKS", "root", *ca)
    _gen(path, "JKS", "inter", *ca)
    _gen(path, "JKS", "leaf", "-keyalg", "EC")
    root_pem = folder / "root.pem"
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "root",
        "-file",
        str(root_pem),
        *_common(path, "JKS"),
        storepass=STOREPASS,
    )
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "trusted-root",
        "-file",
        str(root_pem),
        *_common(path, "JKS"),
        storepass=STOREPASS,
    )
    inter_pem = _sign(path, "JKS", "root", "inter", ("-ext", "bc:c"), [root_pem])
    _sign(path, "JKS", "inter", "leaf", (), [inter_pem, root_pem])
    jceks = folder / "made.jceks"
    keytool(
        "-importkeystore",
        "-srckeystore",
        str(path),
        "-srcstoretype",
        "JKS",
        "-destkeystore",
        str(jceks),
        "-deststoretype",
        "JCEKS",
        srcpass=STOREPASS,
        destpass=STOREPASS,
    )
    for target, storetype in ((path, "JKS"), (jceks, "JCEKS")):
        _gen(target, storetype, "ownpass", "-keyalg", "EC", keypass=KEYPASS)
    for alias, algorithm, size in (("aes", "AES", "256"), ("des3", "DESede", "168")):
        keytool(
            "-genseckey",
            "-alias",
            alias,
            "-keyalg",
            algorithm,
            "-keysize",
            size,
            *_common(jceks, "JCEKS"),
            storepass=STOREPASS,
            keypass=STOREPASS,
        )
    return {"JKS": MadeStore(path, "JKS"), "JCEKS": MadeStore(jceks, "JCEKS")}
