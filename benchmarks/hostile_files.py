"""How long ``keystore-cli list`` takes on crafted hostile files (and keytool where it reads them).

``python benchmarks/hostile_files.py`` builds, in a temporary folder: a PKCS#12 of 20 key bags at
5,000,000 iterations without a MAC (opened with a wrong password) and with a valid MAC, a JCEKS
of 10 secret keys at 5,000,000 iterations, a PEM bundle of 100,000 different certificates with
one common name, one certificate 30,000 times, and a PKCS#12 of 30,000 bags with one
``friendlyName``; then times one ``keystore-cli list`` of each (wall and CPU time, exit status,
the line it printed on error) and ``keytool -list`` of the first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.list_speed import machine  # noqa: E402
from tests import hostile  # noqa: E402
from tests.certfactory import der, make_cert, pem  # noqa: E402

PASSWORD = "changeit"


def files() -> list[tuple[str, str, str, Callable[[], bytes]]]:
    """(what, file name, password given, content)."""
    bags = [hostile.shrouded_bag(5_000_000, f"k{i}") for i in range(20)]
    cert = make_cert("same")
    return [
        ("PKCS#12, 20 key bags at 5M, no MAC, wrong password", "a.p12", "wrong",
         lambda: hostile.pfx(bags)),
        ("PKCS#12, 20 key bags at 5M, valid MAC", "b.p12", PASSWORD,
         lambda: hostile.pfx(bags, PASSWORD)),
        ("JCEKS, 10 secret keys at 5M", "c.jceks", PASSWORD,
         lambda: hostile.jceks_slow_secret_keys(10, 5_000_000, PASSWORD)),
        ("PEM, 100,000 certificates with one CN", "d.pem", PASSWORD,
         lambda: hostile.same_cn_pem(100_000)),
        ("PEM, one certificate 30,000 times", "e.pem", PASSWORD, lambda: pem(cert) * 30_000),
        ("PKCS#12, 30,000 bags with one friendlyName", "f.p12", PASSWORD,
         lambda: hostile.pfx([hostile.cert_bag(der(cert), "same")] * 30_000)),
    ]  # fmt: skip


def run(argv: list[str], password: str) -> tuple[float, float, int, str]:
    env = {**os.environ, "KS_PASS": password}
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace").strip()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.stderr.close()
    wall = time.perf_counter() - start
    last = err.splitlines()[-1] if err else ""
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), last


def main() -> int:
    print(machine())
    cli = [sys.executable, "-m", "keystore_gui.cli", "list"]
    with tempfile.TemporaryDirectory() as tmp:
        for what, name, password, content in files():
            path = Path(tmp) / name
            path.write_bytes(content())
            wall, cpu, status, line = run([*cli, str(path), "--password-env", "KS_PASS"], password)
            print(f"{what}: keystore-cli {wall:.2f} s ({cpu:.2f} s CPU), exit {status} {line}")
            if name == "a.p12" and shutil.which("keytool"):
                argv = ["keytool", "-list", "-keystore", str(path), "-storepass:env", "KS_PASS"]
                wall, cpu, status, _ = run(argv, password)
                print(f"  keytool -list {wall:.2f} s ({cpu:.2f} s CPU), exit {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
