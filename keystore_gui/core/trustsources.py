"""Where trust comes from: truststore files, Java's ``cacerts`` and the system CA bundle."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import KeystoreError
from .io import read_bytes, read_keystore
from .model import Certificate, EntryKind, Keystore

if TYPE_CHECKING:  # the window asks where cacerts is at start-up; chains come when judged
    from .chain import TrustSource

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
    import ssl

    default = ssl.get_default_verify_paths().cafile
    for candidate in (default, *_SYSTEM_BUNDLES):
        if candidate and os.path.isfile(candidate):
            return Path(candidate)
    return None


def truststore_label(path: str | os.PathLike[str]) -> str:
    return f"truststore {Path(path).name}"


def intermediates_label(path: str | os.PathLike[str]) -> str:
    return f"intermediates {Path(path).name}"


def is_truststore(store: Keystore) -> bool:
    """A store that holds trusted certificates only: no key pair, no secret key."""
    return all(entry.kind is EntryKind.TRUSTED_CERT for entry in store.entries)


@dataclass(frozen=True)
class OpenStoreSource:
    """An open keystore offered as a trust source, and whether it is ticked by default.

    A truststore (trusted certificates only) is ticked; a keystore holding key pairs is offered
    unticked and, when the user ticks it anyway, named a keystore wherever its certificates are
    credited: trusting a keystore is a choice, never a default.
    """

    name: str
    store: Keystore
    truststore: bool
    ticked: bool

    @property
    def kind(self) -> str:
        return "truststore" if self.truststore else "keystore"

    @property
    def label(self) -> str:
        """How a path credits this source: ``truststore NAME`` or ``keystore NAME``."""
        return f"{self.kind} {self.name}"

    def source(self) -> TrustSource:
        from .chain import source_from_store

        return source_from_store(self.store, self.label, trusted=True)


def open_store_sources(
    open_stores: Iterable[tuple[str, Keystore]], *, checking: Keystore | None = None
) -> list[OpenStoreSource]:
    """The open stores as trust sources: each truststore ticked, except ``checking`` (the store
    whose entry is judged: a store does not vouch for itself); keystores offered unticked."""
    offers = []
    for name, store in open_stores:
        truststore = is_truststore(store)
        offers.append(
            OpenStoreSource(name, store, truststore, truststore and store is not checking)
        )
    return offers


_cache: dict[tuple[str, str, float, int], TrustSource] = {}


def _version(path: Path) -> tuple[float, int]:
    try:
        info = path.stat()
    except OSError as exc:
        raise KeystoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    return info.st_mtime, info.st_size


def _cached(label: str, path: Path, password: str | None) -> TrustSource:
    from .chain import certificates_source

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
    from .chain import JAVA_CACERTS

    found = Path(path) if path is not None else java_cacerts_path()
    if found is None:
        raise KeystoreError("no Java cacerts found: set JAVA_HOME or install a JDK")
    return _cached(JAVA_CACERTS, found, JAVA_CACERTS_PASSWORD)


def system_cas(path: str | os.PathLike[str] | None = None) -> TrustSource:
    """The operating system's CA bundle, every certificate a trust anchor.

    The bundle is plain PEM, read directly: it is not a keystore and has no entries to show.
    """
    from cryptography import x509

    from .chain import SYSTEM_CAS, certificates_source

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
