"""Run the real ``keytool`` and ``openssl`` from tests, with passwords passed through the
environment (never on a child's command line)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

KEYTOOL = shutil.which("keytool")
OPENSSL = shutil.which("openssl")

requires_keytool = pytest.mark.skipif(KEYTOOL is None, reason="keytool (JDK 17) is not on PATH")
requires_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl is not on PATH")


class ToolError(AssertionError):
    pass


def _run(
    argv: Sequence[str], env: dict[str, str], check: bool, input: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    proc = subprocess.run(
        list(argv),
        env=full_env,
        input=input.decode() if input is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check and proc.returncode != 0:
        raise ToolError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc


def keytool(
    *args: str,
    storepass: str | None = None,
    keypass: str | None = None,
    destpass: str | None = None,
    srcpass: str | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """``keytool ARGS`` with ``-storepass:env`` etc. so no password reaches argv."""
    if KEYTOOL is None:
        pytest.skip("keytool (JDK 17) is not on PATH")
    # C1-only JIT and the serial GC halve a short-lived JVM's CPU time; output is unchanged
    argv = [
        KEYTOOL,
        "-J-XX:TieredStopAtLevel=1",
        "-J-XX:+UseSerialGC",
        "-J-Duser.language=en",
        "-J-Duser.country=US",
        *args,
    ]
    env: dict[str, str] = {}
    for option, value, var in (
        ("-storepass", storepass, "KT_STOREPASS"),
        ("-keypass", keypass, "KT_KEYPASS"),
        ("-deststorepass", destpass, "KT_DESTPASS"),
        ("-srcstorepass", srcpass, "KT_SRCPASS"),
    ):
        if value is not None:
            argv += [f"{option}:env", var]
            env[var] = value
    return _run(argv, env, check)


def genkeypair(
    store: Path,
    storetype: str,
    alias: str,
    dname: str,
    *args: str,
    storepass: str,
    keypass: str | None = None,
) -> None:
    """``keytool -genkeypair`` of ``alias`` into ``store``; ``args`` choose key and extensions."""
    keytool(
        "-genkeypair", "-keystore", str(store), "-storetype", storetype, "-alias", alias,
        "-dname", dname, *args, storepass=storepass, keypass=keypass,
    )  # fmt: skip


def openssl(
    *args: str,
    passin: str | None = None,
    passout: str | None = None,
    check: bool = True,
    input: bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    """``openssl ARGS`` with ``-passin env:`` / ``-passout env:``."""
    if OPENSSL is None:
        pytest.skip("openssl is not on PATH")
    argv = [OPENSSL, *args]
    env: dict[str, str] = {}
    if passin is not None:
        argv += ["-passin", "env:OSSL_PASSIN"]
        env["OSSL_PASSIN"] = passin
    if passout is not None:
        argv += ["-passout", "env:OSSL_PASSOUT"]
        env["OSSL_PASSOUT"] = passout
    return _run(argv, env, check, input)


@dataclass
class KeytoolCert:
    owner: str
    issuer: str
    serial: str
    sha256: str  # lowercase hex, no colons


@dataclass
class KeytoolEntry:
    alias: str
    kind: str  # "private-key" | "trusted-cert" | "secret-key"
    chain: list[KeytoolCert] = field(default_factory=list)


_KINDS = {
    "PrivateKeyEntry": "private-key",
    "trustedCertEntry": "trusted-cert",
    "SecretKeyEntry": "secret-key",
}


def keytool_list(path: Path, storepass: str, storetype: str | None = None) -> list[KeytoolEntry]:
    """Parse ``keytool -list -v`` into entries, in keytool's order."""
    args = ["-list", "-v", "-keystore", str(path)]
    if storetype:
        args += ["-storetype", storetype]
    out = keytool(*args, storepass=storepass).stdout
    entries: list[KeytoolEntry] = []
    for block in re.split(r"\n(?=Alias name: )", out):
        m = re.match(r"Alias name: (.*)", block)
        if not m:
            continue
        kind_m = re.search(r"Entry type: (\w+)", block)
        assert kind_m, block
        entry = KeytoolEntry(m.group(1), _KINDS[kind_m.group(1)])
        for cm in re.finditer(
            r"Owner: ([^\n]*)\nIssuer: ([^\n]*)\nSerial number: (\w+)\n.*?SHA256: ([0-9A-F:]+)",
            block,
            re.S,
        ):
            entry.chain.append(
                KeytoolCert(
                    cm.group(1),
                    cm.group(2),
                    cm.group(3).lower().lstrip("0") or "0",
                    cm.group(4).replace(":", "").lower(),
                )
            )
        entries.append(entry)
    return entries
