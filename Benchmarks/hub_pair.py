"""Figures of issue 24: kiosks syncing through a real HAProxy to one or two `lmis-hub serve`
processes on a private PostgreSQL 15 (Tests/EndToEnd/lmis_peers.py), each load a run of
`hub-load-bench`: records/s, round latency p50/p95, errors, and the CPU and memory of the hubs and
of PostgreSQL over the run.

    .venv/bin/python Benchmarks/hub_pair.py [--bin .build/debug] [--hubs 2 1] [--kiosks 300]
        [--seconds 30] [--interval 5] [--records 10 40 160]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests/EndToEnd"))

TOKEN = "bench-admin-token-0123456789"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / TICKS


def memory_mib(pid: int, field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def postgres_pids(postmaster: int) -> list[int]:
    pids = [postmaster]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                    pids.append(int(entry.name))
            except (OSError, IndexError):
                pass
    return pids


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / ".build/debug"))
    parser.add_argument("--hubs", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--kiosks", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--records", type=int, nargs="+", default=[10, 40, 160])
    args = parser.parse_args()
    hub_bin = Path(args.bin) / "lmis-hub"
    bench_bin = Path(args.bin) / "hub-load-bench"
    os.environ["LMIS_HUB_BIN"] = str(hub_bin)
    from conftest import free_port
    from hub_pair import start_balancer, start_hub, stop

    work = Path(tempfile.mkdtemp(prefix="hub-pair-bench-"))
    peer = subprocess.Popen([sys.executable, str(ROOT / "Tests/EndToEnd/lmis_peers.py"), "postgres", "--dir",
                             str(work / "pg")], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    pg = json.loads(peer.stdout.readline())
    hubs, balancer = [], None
    try:
        results = []
        for count in args.hubs:
            database = f"lmis{count}"
            subprocess.run(["createdb", "-h", pg["host"], "-p", str(pg["port"]), "-U", "postgres", database],
                           check=True)
            env = {**os.environ, "LMIS_HUB_POSTGRES_HOST": pg["host"], "LMIS_HUB_POSTGRES_PORT": str(pg["port"]),
                   "LMIS_HUB_POSTGRES_USER": "postgres", "LMIS_HUB_POSTGRES_DATABASE": database,
                   "LMIS_HUB_ADMIN_TOKEN": TOKEN, "LMIS_HUB_LOG_LEVEL": "warning"}
            ports = [free_port() for _ in range(count)]
            hubs = [start_hub(env, port, work / f"hub-{count}-{index}.log") for index, port in enumerate(ports)]
            run_dir = work / f"lb-{count}"
            run_dir.mkdir()
            # The runbook's checks (every 2 s): a hub slowed by load is not taken out at once.
            balancer, base = start_balancer(run_dir, ports, check="inter 2s fall 2 rise 2")
            subprocess.run(["curl", "-sf", "-X", "PUT", "-H", f"Authorization: Bearer {TOKEN}", "-H",
                            "Content-Type: application/json", "-d",
                            '{"name": "Сүхбаатар", "adminUnit": "UB-SB", "timeZone": "Asia/Ulaanbaatar"}',
                            f"{base}/admin/offices/UB-SB"], check=True, stdout=subprocess.DEVNULL)
            for records in args.records:
                pids = [hub.pid for hub in hubs]
                pg_pids = postgres_pids(pg["postmaster_pid"])
                bench = subprocess.Popen([str(bench_bin), "--hub", base, "--admin-token", TOKEN, "--kiosks",
                                          str(args.kiosks), "--seconds", str(args.seconds), "--records",
                                          str(records), "--interval", str(args.interval)],
                                         stdout=subprocess.PIPE, text=True)
                # The measured window starts once the kiosks are enrolled: sample the CPU then.
                assert "enrolled" in bench.stdout.readline()
                hub_cpu, pg_cpu, began = cpu_seconds(pids), cpu_seconds(pg_pids), time.monotonic()
                output, _ = bench.communicate()
                wall = time.monotonic() - began
                figure = json.loads(output.strip().splitlines()[-1])
                figure.update(
                    hubs=count, hubCPU=(cpu_seconds(pids) - hub_cpu) / wall,
                    postgresCPU=(cpu_seconds(postgres_pids(pg["postmaster_pid"])) - pg_cpu) / wall,
                    hubPeakMiB=[round(memory_mib(pid), 1) for pid in pids],
                    offered=args.kiosks * records / args.interval, load=os.getloadavg()[0])
                results.append(figure)
                print(json.dumps(figure, sort_keys=True), flush=True)
            stop(balancer)
            for hub in hubs:
                stop(hub)
            hubs, balancer = [], None
        print("| hubs | kiosks | offered records/s | records/s | rounds | errors | p50 s | p95 s | hub CPU | "
              "PostgreSQL CPU | hub peak MiB | load |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for f in results:
            print(f"| {f['hubs']} | {f['kiosks']} | {f['offered']:.0f} | {f['recordsPerSecond']:.0f} | {f['rounds']} |"
                  f" {f['errors']} | {f['p50']:.2f} | {f['p95']:.2f} | {f['hubCPU']:.2f} | {f['postgresCPU']:.2f} |"
                  f" {', '.join(str(m) for m in f['hubPeakMiB'])} | {f['load']:.1f} |")
        return 0
    finally:
        stop(balancer)
        for hub in hubs:
            stop(hub)
        peer.stdin.close()
        peer.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
