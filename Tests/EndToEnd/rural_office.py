"""A soum office on a rural link (issue 25): the hub and its PostgreSQL in one network namespace,
`kiosk serve` (and `kiosk sync ...`) in another, joined only by the emulated link of linkemu.py.
Used by test_rural_link.py and Benchmarks/rural_link.py."""
import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import HUB_BIN, KIOSK_BIN, ROOT, TOKEN, KioskProcess, registration_form, registry_number
from linkemu import HUB_LINK_ADDRESS, RuralNetwork

HUB_PORT = 8443


class RuralOffice:
    """`with RuralOffice(directory, network) as office:` a hub (office UB-SB) and an enrolled kiosk
    whose only path to it is `network`'s link."""

    def __init__(self, directory: Path, network: RuralNetwork, kiosk_env: dict | None = None):
        self.directory = directory
        self.network = network
        self.kiosk_env = kiosk_env or {}
        self.hub_base = f"http://{network.hub_address}:{HUB_PORT}"
        self.hub_url = f"http://{HUB_LINK_ADDRESS}:{HUB_PORT}"  # as the kiosk reaches it, over the link
        self.data_dir = directory / "kiosk-data"
        self.peer: subprocess.Popen | None = None
        self.hub: subprocess.Popen | None = None
        self.kiosk: KioskProcess | None = None

    def __enter__(self) -> "RuralOffice":
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        net = self.network
        self.peer = subprocess.Popen(
            net.in_hub(sys.executable, str(ROOT / "Tests/EndToEnd/lmis_peers.py"), "postgres", "--dir",
                       str(self.directory / "pg")), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.pg = json.loads(self.peer.stdout.readline())
        subprocess.run(net.in_hub("createdb", "-h", self.pg["host"], "-p", str(self.pg["port"]), "-U", "postgres",
                                  "lmis"), check=True)
        env = {"LMIS_HUB_HOST": "0.0.0.0", "LMIS_HUB_PORT": str(HUB_PORT), "LMIS_HUB_POSTGRES_HOST": self.pg["host"],
               "LMIS_HUB_POSTGRES_PORT": str(self.pg["port"]), "LMIS_HUB_POSTGRES_USER": "postgres",
               "LMIS_HUB_POSTGRES_DATABASE": "lmis", "LMIS_HUB_ADMIN_TOKEN": TOKEN}
        log = open(self.directory / "hub.log", "wb")
        self.hub = subprocess.Popen(net.in_hub("env", *(f"{k}={v}" for k, v in env.items()), HUB_BIN, "serve"),
                                    stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.hub_base + "/health", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or self.hub.poll() is not None:
                    raise RuntimeError((self.directory / "hub.log").read_text())
                time.sleep(0.1)
        self.admin("PUT", "/admin/offices/UB-SB", {"name": "Сүхбаатар дүүргийн ХХҮХ", "adminUnit": "UB-SB"})
        self.kiosk = KioskProcess(
            self.data_dir, env={"KIOSK_ALLOW_HTTP_HUB": "true", **self.kiosk_env}, host=net.kiosk_address,
            prefix=tuple(net.in_kiosk())).start(timeout=60)
        code = self.admin("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
        # The outage schedule counts from the enrolment: a slow start (a loaded machine) would
        # otherwise meet the first outage while enrolling.
        net.command("epoch")
        enrolled = self.sync_cli("enrol", "--hub", self.hub_url, "--code", code)
        assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr

    def admin(self, method: str, path: str, body) -> dict:
        request = urllib.request.Request(self.hub_base + path, method=method, data=json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {TOKEN}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def hub_counter(self, name: str, label: str) -> dict[str, int]:
        """A counter of the hub's /metrics, summed by one label."""
        request = urllib.request.Request(self.hub_base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        found: dict[str, int] = {}
        for line in text.splitlines():
            if line.startswith(name + "{"):
                value = re.search(label + r'="([^"]+)"', line).group(1)
                found[value] = found.get(value, 0) + int(float(line.rsplit(" ", 1)[1]))
        return found

    def sql(self, query: str) -> str:
        return subprocess.run(self.network.in_hub("psql", "-h", self.pg["host"], "-p", str(self.pg["port"]), "-U",
                                                  "postgres", "-d", "lmis", "-Atc", query),
                              check=True, capture_output=True, text=True).stdout.strip()

    def sync_cli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(self.network.in_kiosk("env", "KIOSK_ALLOW_HTTP_HUB=true", KIOSK_BIN, "sync", *args,
                                                    "--data-dir", str(self.data_dir)),
                              capture_output=True, text=True, timeout=timeout)

    def sync_now(self, cookie: str) -> None:
        """Asks the serving kiosk for a round now, as staff do from the console."""
        status, body = self.kiosk.request("POST", "/api/v1/sync", {}, cookie=cookie)
        assert status in (200, 202), body

    # The office's records.

    def outbox_ids(self) -> dict[str, str]:
        """Every outbox record of the kiosk: id → type."""
        with sqlite3.connect(f"file:{self.data_dir / 'kiosk.sqlite'}?mode=ro", uri=True) as db:
            return dict(db.execute("SELECT id, record_type FROM outbox"))

    def waiting(self) -> int:
        with sqlite3.connect(f"file:{self.data_dir / 'kiosk.sqlite'}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM outbox WHERE sync_state IS NULL").fetchone()[0]

    def hub_records(self) -> list[str]:
        """The ids of every record the hub received (with repeats, were there any)."""
        text = self.sql("SELECT record_id FROM received_record")
        return text.split("\n") if text else []

    def register(self, index: int) -> None:
        status, body = self.kiosk.request("POST", "/api/v1/registrations", registration_form(registry_number(index)))
        assert status == 201, body

    def serve_ticket(self, cookie: str, service: str = "А") -> str:
        """One visitor's ticket as on a real day: issued, called, served, finished (four events)."""
        status, ticket = self.kiosk.request("POST", "/api/v1/tickets", {"serviceCode": service})
        assert status == 201, ticket
        status, called = self.kiosk.request("POST", "/api/v1/counters/1/call-next", cookie=cookie)
        assert status == 200, called
        for action, body in (("start", {}), ("finish", {"outcome": "counselled"})):
            status, answer = self.kiosk.request("POST", f"/api/v1/tickets/{called['id']}/{action}", body,
                                                cookie=cookie)
            assert status == 200, answer
        return called["id"]

    def __exit__(self, *_) -> None:
        if self.kiosk:
            self.kiosk.stop()
        if self.hub and self.hub.poll() is None:
            self.hub.terminate()
            try:
                self.hub.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.hub.kill()
        if self.peer:
            self.peer.stdin.close()
            self.peer.wait(timeout=30)
