"""Mutation fuzzing of every reader: the only outcomes allowed are a parsed store or a
:class:`KeystoreError`; no other exception, no hang, no runaway memory.

Seeds are real files made by keytool and openssl, and crafted ones (many key bags, nested BER
strings, names alike, hostile aliases) from :mod:`tests.hostile`. Each input is a seed mutated by truncation,
bit flips, byte runs, insertions, deletions, or a length field forced to 2^31. For JKS and JCEKS
the integrity hash is recomputed after the mutation so the parser behind it is reached too.

Then :func:`run_shapes` reads each hostile shape of :mod:`tests.hostile` once, as the CLI reads a
file: the same outcomes are allowed, within the same time and memory.

``python -m tests.fuzz --inputs 100000`` runs the long job (``make fuzz``); the test suite runs a
short one through :func:`run` and the shapes at a small scale.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import hashlib
import itertools
import platform
import random
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from keystore_gui.commands.list import reveal_secret_keys
from keystore_gui.core.certinfo import describe_entry
from keystore_gui.core.errors import KeystoreError
from keystore_gui.core.io import load_keystore, read_bytes
from keystore_gui.core.model import Keystore, StoreType
from tests import hostile
from tests.tools import genkeypair, keytool, openssl

PASSWORD = "fuzzpass"
PER_INPUT_SECONDS = 15
"""Above the worst legitimate case: a JCEKS key at the JDK's 5,000,000-round limit takes ~4 s here."""
JCEKS_UNLOCK_SHARE = 0.1
"""JDK 17 protects JCEKS keys with 200,000 PBE rounds (~0.1 s each in pure Python): only this
share of JCEKS inputs decrypts its keys, so the run covers more inputs in the same time."""
SHAPE_SECONDS = 60
"""Wall time allowed to each hostile shape: 100,000 certificates take ~8 s of CPU, and the
machine the long run shares may stretch that several times."""
MEMORY_HEADROOM = 1024**3
"""No input may make the reader allocate more than this beyond what the process already maps."""


@dataclass(frozen=True)
class Seed:
    name: str
    data: bytes
    store_type: StoreType


@dataclass
class Report:
    inputs: int = 0
    parsed: int = 0
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    crashes: list[str] = field(default_factory=list)
    slowest: float = 0.0
    seconds: float = 0.0

    def summary(self) -> str:
        kinds = ", ".join(f"{name} {n}" for name, n in self.errors.most_common())
        return (
            f"{self.inputs} inputs in {self.seconds:.1f} s: {self.parsed} parsed, "
            f"{sum(self.errors.values())} refused with the core's errors "
            f"({len(self.errors)} distinct: {kinds}); crashes: {len(self.crashes)}; "
            f"slowest input {self.slowest * 1000:.0f} ms"
        )


def make_seeds(folder: Path) -> list[Seed]:
    """Small real files of every readable format, made by keytool and openssl."""
    jks, jceks, p12 = folder / "s.jks", folder / "s.jceks", folder / "s.p12"
    for store, kind in ((jks, "JKS"), (jceks, "JCEKS"), (p12, "PKCS12")):
        genkeypair(
            store, kind, "k", "CN=fuzz", "-keyalg", "EC", "-groupname", "secp256r1",
            "-validity", "30", storepass=PASSWORD, keypass=PASSWORD if kind != "PKCS12" else None,
        )  # fmt: skip
    cert = folder / "c.pem"
    keytool(
        "-exportcert",
        "-rfc",
        "-keystore",
        str(jks),
        "-alias",
        "k",
        "-file",
        str(cert),
        storepass=PASSWORD,
    )
    keytool(
        "-importcert",
        "-noprompt",
        "-keystore",
        str(jks),
        "-alias",
        "t",
        "-file",
        str(cert),
        storepass=PASSWORD,
    )
    keytool(
        "-genseckey",
        "-keystore",
        str(jceks),
        "-storetype",
        "JCEKS",
        "-alias",
        "s",
        "-keyalg",
        "AES",
        "-keysize",
        "128",
        storepass=PASSWORD,
        keypass=PASSWORD,
    )
    der = folder / "c.der"
    openssl("x509", "-in", str(cert), "-outform", "DER", "-out", str(der))
    p7b = folder / "c.p7b"
    openssl("crl2pkcs7", "-nocrl", "-certfile", str(cert), "-outform", "DER", "-out", str(p7b))
    key = folder / "k.pem"
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key))
    legacy = folder / "legacy.p12"
    openssl(
        "req",
        "-x509",
        "-new",
        "-key",
        str(key),
        "-subj",
        "/CN=legacy",
        "-days",
        "30",
        "-out",
        str(folder / "l.pem"),
    )
    openssl(
        "pkcs12",
        "-export",
        "-legacy",
        "-inkey",
        str(key),
        "-in",
        str(folder / "l.pem"),
        "-out",
        str(legacy),
        passout=PASSWORD,
    )
    return [
        Seed("jks", jks.read_bytes(), StoreType.JKS),
        Seed("jceks", jceks.read_bytes(), StoreType.JCEKS),
        Seed("pkcs12", p12.read_bytes(), StoreType.PKCS12),
        Seed("pkcs12-legacy", legacy.read_bytes(), StoreType.PKCS12),
        Seed("pem", cert.read_bytes(), StoreType.PEM),
        Seed("der", der.read_bytes(), StoreType.DER),
        Seed("pkcs7", p7b.read_bytes(), StoreType.PKCS7),
        *crafted_seeds(cert.read_bytes()),
    ]


def crafted_seeds(pem: bytes) -> list[Seed]:
    """Small hostile files whose mutations reach the bounds: key bags whose counts a mutation
    may raise, BER strings in pieces, names alike, aliases with control characters."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    cert = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
    bags = [hostile.shrouded_bag(2048, f"k{i}") for i in range(2)]
    named = [hostile.cert_bag(cert, "same")] * 3
    evil = [("a\nb", cert), ("\x1b[2J", cert)]
    return [
        Seed("pkcs12-bags", hostile.pfx(bags + named, PASSWORD), StoreType.PKCS12),
        Seed("pkcs12-ber", hostile.nested_octets(hostile.pfx(named)[:40], 3), StoreType.PKCS12),
        Seed("jks-aliases", hostile.jks_trusted(evil, PASSWORD), StoreType.JKS),
    ]


def _fix_java_digest(data: bytes) -> bytes:
    """Recompute the JKS/JCEKS integrity hash so a mutation is not caught by it alone."""
    if len(data) < 24 or data[:4] not in (b"\xfe\xed\xfe\xed", b"\xce\xce\xce\xce"):
        return data
    body = data[:-20]
    digest = hashlib.sha1(
        PASSWORD.encode("utf-16-be") + b"Mighty Aphrodite" + body, usedforsecurity=False
    ).digest()
    return body + digest


def mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3, 8))):
        if not buf:
            break
        op = rng.randrange(7)
        pos = rng.randrange(len(buf))
        if op == 0:
            del buf[pos:]
        elif op == 1:
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == 2:
            buf[pos] = rng.randrange(256)
        elif op == 3:
            buf[pos:pos] = rng.randbytes(rng.randrange(1, 16))
        elif op == 4:
            del buf[pos : pos + rng.randrange(1, 64)]
        elif op == 5:
            buf[pos : pos + 4] = rng.choice((b"\x7f\xff\xff\xff", b"\x80\x00\x00\x00", b"\xff\xff"))
        else:
            buf[pos : pos + 2] = rng.choice((b"\x84\x7f", b"\x82\xff", b"\x30\x80"))
    out = bytes(buf)
    return _fix_java_digest(out) if rng.random() < 0.7 else out


class _Timeout(BaseException):  # not caught by the readers' broad handlers
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _Timeout


def inputs(seeds: list[Seed], count: int, seed: int) -> Iterator[tuple[Seed, bytes]]:
    rng = random.Random(seed)
    for _ in range(count):
        s = rng.choice(seeds)
        yield s, mutate(rng, s.data)


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[0])
    return pages * resource.getpagesize()


def _exercise(store: Keystore, unlock: bool, shown: int | None = None) -> None:
    """What a user can do with a store that opened: unlock its keys, list it, show each entry
    (or the first ``shown``)."""
    for entry in store.entries:
        if entry.is_locked and unlock:
            store.unlock(entry, PASSWORD)
        for cert in entry.chain:
            _ = (cert.subject, cert.issuer, cert.not_after, cert.key_description)
    for entry in itertools.islice(store.entries, shown):
        _ = list(describe_entry(entry).lines())


def _as_list_and_show(store: Keystore) -> None:
    """What ``list`` decrypts (secret keys, within its budget), then every entry shown."""
    reveal_secret_keys(store)
    _exercise(store, unlock=False, shown=100)


def _attempt(
    report: Report,
    what: str,
    load: Callable[[], Keystore],
    use: Callable[[Keystore], None],
    seconds: int = PER_INPUT_SECONDS,
) -> None:
    """One input: a parsed store or a one-line :class:`KeystoreError`, nothing else."""
    report.inputs += 1
    t0 = time.perf_counter()
    signal.alarm(seconds)
    try:
        use(load())
        report.parsed += 1
    except KeystoreError as exc:
        report.errors[type(exc).__name__] += 1
        if "\n" in str(exc):
            report.crashes.append(f"{what}: a message of more than one line: {exc!r}")
    except _Timeout:
        report.crashes.append(f"{what}: hang over {seconds} s")
    except Exception as exc:
        report.crashes.append(f"{what}: {type(exc).__name__}: {exc}")
    finally:
        signal.alarm(0)
    report.slowest = max(report.slowest, time.perf_counter() - t0)


@contextlib.contextmanager
def _guarded() -> Iterator[None]:
    """An alarm for hangs and an address-space cap for runaway memory, while fuzzing."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_mapped_bytes() + MEMORY_HEADROOM, hard))
    try:
        yield
    finally:
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def run(seeds: list[Seed], count: int, seed: int = 1) -> Report:
    report = Report()
    rng = random.Random(seed + 1)
    start = time.perf_counter()
    with _guarded():
        for s, data in inputs(seeds, count, seed):
            unlock = s.store_type is not StoreType.JCEKS or rng.random() < JCEKS_UNLOCK_SHARE
            load = functools.partial(load_keystore, data, PASSWORD)
            use = functools.partial(_exercise, unlock=unlock)
            _attempt(report, f"{s.name}: {data.hex()}", load, use)
    report.seconds = time.perf_counter() - start
    return report


def _read_and_load(path: Path) -> Keystore:
    return load_keystore(read_bytes(path), PASSWORD)


def run_shapes(folder: Path, scale: int = 1) -> tuple[Report, list[tuple[str, str, float]]]:
    """Every crafted hostile shape (tests/hostile.py) read as the CLI reads a file; each
    outcome (``opened`` or the error's first words) and its time."""
    report = Report()
    outcomes: list[tuple[str, str, float]] = []
    start = time.perf_counter()
    with _guarded():
        for i, shape in enumerate(hostile.shapes(PASSWORD, scale)):
            place = folder / str(i)
            place.mkdir()
            path = shape.make(place)
            before = (report.parsed, report.errors.copy(), len(report.crashes))
            t0 = time.perf_counter()
            load = functools.partial(_read_and_load, path)
            _attempt(report, shape.name, load, _as_list_and_show, SHAPE_SECONDS)
            if report.parsed > before[0]:
                outcome = "opened"
            elif len(report.crashes) > before[2]:
                outcome = "CRASH"
            else:
                outcome = next(iter(report.errors - before[1]))
            outcomes.append((shape.name, outcome, time.perf_counter() - t0))
    report.seconds = time.perf_counter() - start
    return report, outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scale", type=int, default=100, help="repeats in the hostile shapes (x 1,000 names)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeds = make_seeds(Path(tmp))
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print("seeds: " + ", ".join(f"{s.name} ({len(s.data)} B)" for s in seeds))
    report = run(seeds, args.inputs, args.seed)
    print(report.summary())
    with tempfile.TemporaryDirectory() as tmp:
        shaped, outcomes = run_shapes(Path(tmp), args.scale)
    print("hostile shapes:")
    for name, outcome, seconds in outcomes:
        print(f"  {name}: {outcome} in {seconds:.2f} s")
    crashes = report.crashes + shaped.crashes
    for crash in crashes[:20]:
        print("CRASH", crash)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
