"""Two or more `lmis-hub serve` processes behind a real HAProxy (Debian's package), for the tests
that kill parts of the hub's side while kiosks sync through it."""

import subprocess
import time
import urllib.request
from pathlib import Path

from conftest import HUB_BIN, KIOSK_BIN, free_port


def wait_healthy(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=1):
                return
        except OSError:
            assert time.monotonic() < deadline, f"{base} did not become healthy"
            time.sleep(0.1)


def start_hub(env: dict, port: int, log: Path, **settings: str) -> subprocess.Popen:
    """An `lmis-hub serve` on `port` with the hub fixture's `env` and `settings` over it
    (`LMIS_HUB_POSTGRES_PORT="5433"`, …), healthy when returned."""
    with open(log, "ab") as out:
        process = subprocess.Popen([HUB_BIN, "serve"], env={**env, **settings, "LMIS_HUB_PORT": str(port)},
                                   stdout=out, stderr=out)
    wait_healthy(f"http://127.0.0.1:{port}")
    return process


def start_balancer(directory: Path, hub_ports: list[int], check: str = "inter 300 fall 2 rise 2") \
        -> tuple[subprocess.Popen, str]:
    """HAProxy round-robin over the hubs on `hub_ports`, checking `/health` (`check`: how often,
    after how many answers down or up); returns the process and its base URL, healthy."""
    port = free_port()
    config = directory / "haproxy.cfg"
    servers = "\n".join(f"    server h{index} 127.0.0.1:{hub} check {check}"
                        for index, hub in enumerate(hub_ports))
    # Uploads may be retried on another server: the hub applies a record once whatever the
    # number of times it arrives (by its id), so a request cut by a dying server is safe again.
    config.write_text(f"""
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch
    retry-on conn-failure empty-response response-timeout

frontend lmis
    bind 127.0.0.1:{port}
    default_backend hubs

backend hubs
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
{servers}
""")
    balancer = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=subprocess.DEVNULL,
                                stderr=open(directory / "haproxy.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base)
    return balancer, base


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def enrol(hub: dict, base: str, data_dir: Path, *args: str) -> None:
    """`kiosk sync enrol` of the kiosk in `data_dir` with the hub fixture's office, through `base`."""
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    enrolled = subprocess.run([KIOSK_BIN, "sync", "enrol", "--hub", base, "--code", code, "--data-dir", str(data_dir),
                               *args], capture_output=True, text=True)
    assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr
