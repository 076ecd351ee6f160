#!/usr/bin/env python3
"""Printing figures (issue 4): from "take a ticket" (POST /api/v1/tickets with print) to the
job accepted by cupsd, through the release kiosk, a private cupsd and the ESC/POS emulator.

Usage: python3 Benchmarks/printing.py [--tickets N]   (after Benchmarks/run.sh built the release)
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))
from print_peers import PrintLab  # noqa: E402

KIOSK = ROOT / ".build-release" / "release" / "kiosk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(base: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work, PrintLab(Path(work) / "lab") as lab:
        port = free_port()
        env = {**os.environ, "KIOSK_CUPS_SERVER": lab.cups_server, "KIOSK_LOG_LEVEL": "error"}
        kiosk = subprocess.Popen([str(KIOSK), "serve", "--port", str(port), "--data-dir", f"{work}/data",
                                  "--kiosk-dir", str(ROOT / "Kiosk")], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            post(base, "/api/v1/tickets", {"serviceCode": "Д", "print": True})  # warm up
            times = []
            failures = 0
            for index in range(args.tickets):
                started = time.perf_counter()
                status, body = post(base, "/api/v1/tickets", {"serviceCode": "АДЕ"[index % 3], "print": True})
                times.append((time.perf_counter() - started) * 1000)
                if status != 201 or body.get("print", {}).get("status") != "sent":
                    failures += 1
            quantiles = statistics.quantiles(times, n=100)
            print(f"Take a ticket → job accepted by cupsd ({args.tickets} tickets, one kiosk): "
                  f"median {statistics.median(times):.1f} ms, p95 {quantiles[94]:.1f} ms, "
                  f"max {max(times):.1f} ms, {failures} not sent   (target p95 < 150 ms)")
            received = len(lab.wait_for_receipts(args.tickets + 1, timeout=60))
            print(f"Receipts the emulated printer finished: {received} of {args.tickets + 1}")
        finally:
            kiosk.terminate()
            kiosk.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
