"""Time ``keystore-cli examine`` of a loopback ``openssl s_server`` against a command that does no
network work at all (``keystore-cli list`` of a one-certificate PEM), in the same run.

The difference is what examining costs beyond Python's start-up: the connection, the handshake
and the judgement. Also times the core alone (``connect`` + ``diagnose``) in-process.

Usage: python benchmarks/examine_speed.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keystore_gui.core.tls import connect, parse_target
from keystore_gui.core.tlsdiag import diagnose
from tests.tls_servers import make_server_pki, s_server


def _cli() -> str:
    return str(Path(sys.executable).with_name("keystore-cli"))


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.monotonic()
    subprocess.run(argv, capture_output=True, env=env, check=False)
    return time.monotonic() - start


def _line(name: str, times: list[float]) -> str:
    return (
        f"{name:34} median {statistics.median(times):.3f} s  "
        f"(min {min(times):.3f}, max {max(times):.3f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("https_proxy", "no_proxy")}
    with tempfile.TemporaryDirectory() as folder:
        pki = make_server_pki(Path(folder))
        chain = pki.file("chain.pem", pki.intermediate, pki.root)
        with s_server(pki.leaf, chain) as server:
            examine = [_cli(), "examine", server.target, "--intermediates", str(pki.root.cert)]
            listing = [_cli(), "list", str(pki.root.cert)]
            cli = [_timed(examine, env) for _ in range(args.runs)]
            base = [_timed(listing, env) for _ in range(args.runs)]
            core = []
            for _ in range(args.runs):
                start = time.monotonic()
                diagnose(connect(parse_target(server.target)), [])
                core.append(time.monotonic() - start)
    print(_line("keystore-cli examine (loopback)", cli))
    print(_line("keystore-cli list (one PEM)", base))
    print(_line("connect + diagnose, in-process", core))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
