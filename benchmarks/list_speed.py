"""Time ``keystore-cli list`` against ``keytool -list`` on the same files, in the same run.

Makes, in a temporary folder: a JKS and a PKCS#12 of 10,000 trusted certificates and a JKS and a
PKCS#12 of 300 private keys. The certificates and keys are made in-process with ``cryptography``
(one keytool call per certificate would take hours); the keystores themselves are written by the
JDK's own ``KeyStore`` classes in ONE JVM run of a small Java program (``java File.java``).

Each tool lists each file several times as a subprocess; the table shows the median wall time,
the ratio, CPU time and each tool's peak resident memory (from ``wait4``'s rusage of that very child).
Passwords reach both tools through the environment only.

Usage: python benchmarks/list_speed.py [--runs 5] [--certs 10000] [--keys 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REPO = Path(__file__).resolve().parents[1]
PASSWORD_VAR = "BENCH_STORE_PASSWORD"
PASSWORD = "bench-password"

JAVA_SOURCE = r"""
import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.*;

/** Builds the benchmark keystores with the JDK's own KeyStore implementations. */
public class MakeStores {
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        int keys = Integer.parseInt(args[1]);
        char[] pw = System.getenv("BENCH_STORE_PASSWORD").toCharArray();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Collection<? extends java.security.cert.Certificate> trusted;
        try (InputStream in = Files.newInputStream(dir.resolve("trusted.pem"))) {
            trusted = cf.generateCertificates(in);
        }
        KeyFactory kf = KeyFactory.getInstance("EC");
        for (String type : new String[] {"JKS", "PKCS12"}) {
            String ext = type.equals("JKS") ? "jks" : "p12";
            KeyStore ts = KeyStore.getInstance(type);
            ts.load(null, null);
            int i = 0;
            for (java.security.cert.Certificate c : trusted) {
                ts.setCertificateEntry(String.format("cert-%05d", i++), c);
            }
            try (OutputStream out = Files.newOutputStream(dir.resolve("trusted-" + trusted.size() + "." + ext))) {
                ts.store(out, pw);
            }
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(null, null);
            for (int k = 0; k < keys; k++) {
                byte[] der = Files.readAllBytes(dir.resolve("key-" + k + ".der"));
                PrivateKey key = kf.generatePrivate(new PKCS8EncodedKeySpec(der));
                java.security.cert.Certificate cert;
                try (InputStream in = Files.newInputStream(dir.resolve("key-" + k + ".pem"))) {
                    cert = cf.generateCertificate(in);
                }
                ks.setKeyEntry(String.format("key-%03d", k), key, pw, new java.security.cert.Certificate[] {cert});
            }
            try (OutputStream out = Files.newOutputStream(dir.resolve("keys-" + keys + "." + ext))) {
                ks.store(out, pw);
            }
        }
    }
}
"""


def _certificate(key: ec.EllipticCurvePrivateKey, cn: str, serial: int) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )


def make_files(folder: Path, certs: int, keys: int) -> list[Path]:
    shared = ec.generate_private_key(ec.SECP256R1())
    with (folder / "trusted.pem").open("wb") as fh:
        for i in range(certs):
            cert = _certificate(shared, f"Benchmark CA {i:05d}", 1_000_000 + i)
            fh.write(cert.public_bytes(serialization.Encoding.PEM))
    for k in range(keys):
        key = ec.generate_private_key(ec.SECP256R1())
        (folder / f"key-{k}.der").write_bytes(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        cert = _certificate(key, f"server-{k:03d}.example.org", 2_000_000 + k)
        (folder / f"key-{k}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    source = folder / "MakeStores.java"
    source.write_text(JAVA_SOURCE)
    subprocess.run(
        ["java", str(source), str(folder), str(keys)],
        env={**os.environ, PASSWORD_VAR: PASSWORD},
        check=True,
        timeout=1800,
    )
    return [
        folder / f"trusted-{certs}.jks",
        folder / f"trusted-{certs}.p12",
        folder / f"keys-{keys}.jks",
        folder / f"keys-{keys}.p12",
    ]


@dataclass
class Measure:
    seconds: list[float]
    cpu_seconds: list[float]
    peak_rss_kib: int
    failed: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_seconds)


def measure(argv: list[str], runs: int, env: dict[str, str]) -> Measure:
    times: list[float] = []
    cpu: list[float] = []
    peak = 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        if proc.returncode != 0:
            reason = err.strip().splitlines()[-1] if err else "?"
            return Measure(times or [elapsed], cpu or [0.0], peak, reason)
        times.append(elapsed)
        cpu.append(usage.ru_utime + usage.ru_stime)
        peak = max(peak, usage.ru_maxrss)
    return Measure(times, cpu, peak)


def compile_bytecode() -> None:
    """Compile the package's bytecode as ``pip install`` does, so that every measured start
    runs what an installed copy runs (with ``PYTHONDONTWRITEBYTECODE`` set, as on some CI
    machines, each start would otherwise compile every module of the package again)."""
    import compileall

    compileall.compile_dir(REPO / "keystore_gui", quiet=1)


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    java_version = (java.stderr or java.stdout).splitlines()[0] if java.returncode == 0 else "?"
    import cryptography

    return (
        f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}\n"
        f"python {platform.python_version()}, cryptography {cryptography.__version__}; {java_version}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and file (median)")
    parser.add_argument("--certs", type=int, default=10_000, help="trusted certificates")
    parser.add_argument("--keys", type=int, default=300, help="private keys")
    parser.add_argument("--keep", metavar="DIR", help="make the files in DIR and keep them")
    args = parser.parse_args()
    keytool = shutil.which("keytool")
    if keytool is None or shutil.which("java") is None:
        print("list_speed: the JDK (java, keytool) must be on PATH", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="keystore-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        files = make_files(folder, args.certs, args.keys)
        print(f"made {len(files)} keystores in {time.perf_counter() - started:.1f} s in {folder}")
        print(machine())
        compile_bytecode()
        env = {
            **os.environ,
            PASSWORD_VAR: PASSWORD,
            "PYTHONPATH": str(REPO),
        }
        header = (
            f"{'file':<18} {'size':>9} {'keystore-cli':>12} {'keytool':>9} {'ratio':>6} "
            f"{'cli CPU':>8} {'kt CPU':>8} {'cli RSS':>8} {'kt RSS':>8}"
        )
        print(f"\nmedian of {args.runs} runs each: wall time, CPU time (user+sys); peak RSS\n")
        print(header)
        print("-" * len(header))
        failures = 0
        for path in files:
            ours = measure(
                [sys.executable, "-m", "keystore_gui.cli", "list", str(path),
                 "--password-env", PASSWORD_VAR],
                args.runs,
                env,
            )  # fmt: skip
            theirs = measure(
                [keytool, "-J-Duser.language=en", "-list", "-keystore", str(path),
                 "-storepass:env", PASSWORD_VAR],
                args.runs,
                env,
            )  # fmt: skip
            size = f"{path.stat().st_size / 1024:.0f} KiB"
            if ours.failed or theirs.failed:
                failures += 1
                print(f"{path.name:<18} {size:>9}  failed: {ours.failed or theirs.failed}")
                continue
            print(
                f"{path.name:<18} {size:>9} {ours.median:>11.2f}s {theirs.median:>8.2f}s "
                f"{theirs.median / ours.median:>5.1f}x {ours.cpu:>7.2f}s {theirs.cpu:>7.2f}s "
                f"{ours.peak_rss_kib / 1024:>6.0f}MB {theirs.peak_rss_kib / 1024:>6.0f}MB"
            )
        print(
            "\nratio = keytool wall time / keystore-cli wall time (target: >= 10x at 10,000 "
            "entries).\nOn a busy machine wall times stretch; the CPU columns show the work done."
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
