#!/usr/bin/env python3
"""Figures for the foundation's performance targets, measured on the release build.

  startup   launch of `kiosk serve` to the first 200 from /healthz (target < 1 s), median of N runs,
            on a fresh data directory (migrations and reference data install included) and on an
            existing one
  memory    resident memory of the idle service (target < 60 MB), and after the load test
  load      50 concurrent clients registering over loopback with wrk (target p99 < 25 ms, 0 errors):
            once with a think time per client (50 ms: about 1000 registrations/s offered, far above
            an office's peak) and once without (saturation: throughput, and latency when queued)

Usage: Benchmarks/run.sh [--runs N] [--duration S]   (builds the release binary first)
"""
import argparse
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary: Path, data: Path, port: int) -> tuple[subprocess.Popen, float]:
    return start_with(binary, data, port, ["--log-level", "warning"])


def start_with(binary: Path, data: Path, port: int, extra: list[str]) -> tuple[subprocess.Popen, float]:
    began = time.perf_counter()
    process = subprocess.Popen([str(binary), "serve", "--port", str(port), "--data-dir", str(data),
                                "--kiosk-dir", str(ROOT / "Kiosk"), *extra],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/healthz"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return process, time.perf_counter() - began
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"kiosk exited with {process.returncode}")
            time.sleep(0.002)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build-release" / "release" / "kiosk"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--think", type=int, default=50, help="ms each client waits between registrations")
    args = parser.parse_args()
    binary = Path(args.binary)

    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    try:
        fresh, warm = [], []
        for run in range(args.runs):
            data = work / f"fresh-{run}"
            process, seconds = start(binary, data, free_port())
            fresh.append(seconds)
            stop(process)
            process, seconds = start(binary, data, free_port())
            warm.append(seconds)
            stop(process)
        print(f"startup to /healthz, fresh data dir:    median {statistics.median(fresh) * 1000:6.1f} ms"
              f"  (min {min(fresh) * 1000:.1f}, max {max(fresh) * 1000:.1f}, n={len(fresh)})")
        print(f"startup to /healthz, existing data dir: median {statistics.median(warm) * 1000:6.1f} ms"
              f"  (min {min(warm) * 1000:.1f}, max {max(warm) * 1000:.1f}, n={len(warm)})")

        for think_ms, label in [(args.think, f"think time {args.think} ms per client"), (0, "no think time (saturation)")]:
            port = free_port()
            data = work / f"load-{think_ms}"
            process, _ = start(binary, data, port)
            time.sleep(1)
            idle = rss_mb(process.pid)
            run = subprocess.run(
                ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "5s",
                 "-s", str(ROOT / "Benchmarks" / "register.lua"), f"http://127.0.0.1:{port}", "--", str(think_ms)],
                capture_output=True, text=True, check=True)
            output = run.stdout
            if "register.lua" in run.stderr or "error" in run.stderr.lower():
                raise SystemExit(f"wrk script failed: {run.stderr}")
            loaded = rss_mb(process.pid)
            stop(process)
            with sqlite3.connect(data / "kiosk.sqlite") as db:
                stored = db.execute("SELECT COUNT(*) FROM registration").fetchone()[0]
                outbox = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
            percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
            requests = re.search(r"(\d+) requests in", output)
            rate = re.search(r"Requests/sec:\s+(\S+)", output)
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
            socket_errors = re.search(r"Socket errors: (.*)", output)
            print(f"registrations, {args.connections} concurrent clients, {label}, {args.duration} s:")
            print(f"  {requests.group(1) if requests else '?'} requests, {rate.group(1) if rate else '?'}/s;"
                  f" latency p50 {percentiles.get('50')}, p90 {percentiles.get('90')}, p99 {percentiles.get('99')}")
            print(f"  stored afterwards: {stored} registrations, {outbox} outbox records;"
                  f" errors: non-2xx {non2xx.group(1) if non2xx else 0},"
                  f" socket {socket_errors.group(1) if socket_errors else 'none'}")
            print(f"  resident memory: {idle:.1f} MB idle, {loaded:.1f} MB after the load")
        if os.environ.get("BENCH_VERBOSE"):
            print(output)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
