"""Where trust comes from: truststore files, Java's ``cacerts`` and the system CA bundle."""

from __future__ import annotations

import glob
import os
import ssl
from collections.abc import Mapping
from pathlib import Path

from cryptography import x509

from .chain import (
    JAVA_CACERTS,
    SYSTEM_CAS,
    TrustSource,
    certificates_source,
)
from .errors import KeystoreError
from .io import read_bytes, read_keystore
from .model import Certificate

JAVA_CACERTS_PASSWORD = "changeit"
"""The well-known password of every JDK's ``cacerts``; it guards integrity, not secrecy."""

_SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # macOS, BSD
)


def java_cacerts_candidates(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where Java's ``cacerts`` may be, best first: ``$JAVA_HOME``'s, the system JDK's, then
    every installed JDK's (newest first)."""
    env = os.environ if environ is None else environ
    candidates: list[str] = []
    java_home = env.get("JAVA_HOME")
    if java_home:
        candidates += [
            os.path.join(java_home, "lib", "security", "cacerts"),
            os.path.join(java_home, "jre", "lib", "security", "cacerts"),
        ]
    candidates += [
        "/etc/ssl/certs/java/cacerts",
        "/etc/pki/java/cacerts",
        *sorted(glob.glob("/usr/lib/jvm/*/lib/security/cacerts"), reverse=True),
        *sorted(
            glob.glob("/Library/Java/JavaVirtualMachines/*/Contents/Home/lib/security/cacerts")
        ),
    ]
    return [Path(c) for c in dict.fromkeys(candidates)]


def java_cacerts_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The first of :func:`java_cacerts_candidates` that exists."""
    return next((p for p in java_cacerts_candidates(environ) if p.is_file()), None)


def system_bundle_path() -> Path | None:
    """The operating system's CA bundle (a PEM file), if there is one."""
    default = ssl.get_default_verify_paths().cafile
    for candidate in (default, *_SYSTEM_BUNDLES):
        if candidate and os.path.isfile(candidate):
            return Path(candidate)
    return None


def truststore_label(path: str | os.PathLike[str]) -> str:
    return f"truststore {Path(path).name}"


def intermediates_label(path: str | os.PathLike[str]) -> str:
    return f"intermediates {Path(path).name}"


_cache: dict[tuple[str, str, float, int], TrustSource] = {}


def _version(path: Path) -> tuple[float, int]:
    try:
        info = path.stat()
    except OSError as exc:
        raise KeystoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    return info.st_mtime, info.st_size


def _cached(label: str, path: Path, password: str | None) -> TrustSource:
    key = (label, str(path), *_version(path))
    source = _cache.get(key)
    if source is None:
        store = read_keystore(path, password)
        source = certificates_source(
            (cert for _, cert in store.certificates()), label, trusted=True
        )
        _cache[key] = source
    return source


def java_cacerts(path: str | os.PathLike[str] | None = None) -> TrustSource:
    """Java's CA certificates, every one a trust anchor (read once per file version)."""
    found = Path(path) if path is not None else java_cacerts_path()
    if found is None:
        raise KeystoreError("no Java cacerts found: set JAVA_HOME or install a JDK")
    return _cached(JAVA_CACERTS, found, JAVA_CACERTS_PASSWORD)


def system_cas(path: str | os.PathLike[str] | None = None) -> TrustSource:
    """The operating system's CA bundle, every certificate a trust anchor.

    The bundle is plain PEM, read directly: it is not a keystore and has no entries to show.
    """
    found = Path(path) if path is not None else system_bundle_path()
    if found is None:
        raise KeystoreError("no system CA bundle found")
    key = (SYSTEM_CAS, str(found), *_version(found))
    source = _cache.get(key)
    if source is None:
        try:
            certs = x509.load_pem_x509_certificates(read_bytes(found))
        except ValueError:
            raise KeystoreError(f"{found} is not a PEM bundle of certificates") from None
        source = certificates_source(
            (Certificate.from_x509(c) for c in certs), SYSTEM_CAS, trusted=True
        )
        _cache[key] = source
    return source
