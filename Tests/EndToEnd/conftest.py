"""Shared fixtures for end-to-end tests: the real `kiosk serve` process and a real Chromium."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KIOSK_BIN = os.environ.get("KIOSK_BIN", str(ROOT / ".build" / "debug" / "kiosk"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"

LETTERS = "АБВГДЕЖЗИКЛМНОӨПРСТУҮФХЦЧШЭЮЯ"


def registry_number(index: int) -> str:
    """The index-th of 90 000 distinct valid registry numbers (born 1970-1999)."""
    first = LETTERS[(index // 100) % len(LETTERS)]
    second = LETTERS[(index // 3000) % len(LETTERS)]
    year = 70 + (index // 7) % 30
    month = 1 + index % 12
    day = 1 + (index // 12) % 28
    return f"{first}{second}{year:02d}{month:02d}{day:02d}{index % 100:02d}"


def registration_form(number: str, **overrides) -> dict:
    form = {
        "registryNumber": number,
        "familyName": "Болд",
        "givenName": "Сарангэрэл",
        "phone": "99112233",
        "aimagCode": "UB-SB",
        "soumCode": "UB-SB-05",
        "educationCode": "vocational",
        "occupationCode": "83",
        "skills": ["жолоо барих"],
        "experienceYears": 6,
        "desiredOccupationCode": "83",
        "hasDisability": False,
        "status": "unemployed",
        "consent": True,
        "language": "mn",
    }
    form.update(overrides)
    return form


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class KioskProcess:
    """One `kiosk serve` child process on a free loopback port (or on `host`, started through
    `prefix`, e.g. `ip netns exec NS` for a kiosk in a network namespace of its own)."""

    def __init__(self, data_dir: Path, *args: str, env: dict | None = None, host: str = "127.0.0.1",
                 prefix: tuple[str, ...] = ()):
        self.data_dir = data_dir
        self.host = host
        self.prefix = list(prefix)
        self.args = list(args)
        self.env = env or {}
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = data_dir.parent / f"kiosk-{self.port}.log"

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> "KioskProcess":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # No printers unless a test brings the print lab (never the machine's own CUPS), and no
        # fingerprint reader unless a test asks for one.
        env = {**os.environ, "KIOSK_THERMAL_QUEUE": "", "KIOSK_A4_QUEUE": "", "KIOSK_FINGERPRINT_READER": "none",
               **self.env}
        command = [*self.prefix, KIOSK_BIN, "serve", "--host", self.host, "--port", str(self.port),
                   "--data-dir", str(self.data_dir), "--kiosk-dir", str(ROOT / "Kiosk"), *self.args]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"), env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kiosk exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        raise RuntimeError("kiosk did not answer /healthz in time")

    def request(self, method: str, path: str, body: dict | None = None, cookie: str | None = None,
                headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", **(headers or {})}
        if cookie:
            # Cookie-authenticated changes must come from the kiosk's own origin.
            headers["Cookie"] = cookie
            headers["Origin"] = self.base
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def release(self, session_code: str, registry_number: str, cookie: str | None = None) -> dict:
        """An officer who has seen the ID card confirms the visitor for the kiosk screen showing
        `session_code` (the person's details then open there)."""
        status, body = self.request("POST", "/api/v1/staff/kiosk-proofs",
                                    {"sessionCode": session_code, "registryNumber": registry_number},
                                    cookie=cookie or self.staff_cookie())
        assert status == 200, body
        return body

    def proof(self, registry_number: str) -> dict:
        """A screen session with the proof of `registry_number` released to it by an officer: the
        headers a kiosk screen sends about that person."""
        status, session = self.request("POST", "/api/v1/kiosk/sessions")
        assert status == 201, session
        self.release(session["code"], registry_number)
        status, proved = self.request("GET", "/api/v1/kiosk/sessions/current",
                                      headers={"X-Kiosk-Session": session["session"]})
        assert status == 200 and proved["status"] == "proved", proved
        return {"X-Kiosk-Session": session["session"], "X-Kiosk-Proof": proved["proof"]["token"]}

    def staff_cookie(self, username: str = "ajiltan1", counter: int = 1) -> str:
        """Signs in a demo officer (reading whole registrations is for staff)."""
        request = urllib.request.Request(
            self.base + "/api/v1/staff/sessions", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"username": username, "pin": "2468", "counter": counter}).encode())
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers["Set-Cookie"].split(";")[0]

    def terminate(self, timeout: float = 10.0) -> int:
        assert self.process
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        assert self.process
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()


@pytest.fixture
def kiosk(tmp_path):
    started: list[KioskProcess] = []

    def start(*args: str, data_dir: Path | None = None, env: dict | None = None) -> KioskProcess:
        process = KioskProcess(data_dir or tmp_path / "data", *args, env=env).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture(scope="session")
def print_lab(tmp_path_factory):
    """The private printing lab: cupsd, an IPP Everywhere A4 printer, the ESC/POS emulator.
    Without emupos (no Python 3.13) every test that uses it skips with that reason."""
    from print_peers import PrintLab, emupos_skip_reason

    if reason := emupos_skip_reason():
        pytest.skip(reason)
    with PrintLab(tmp_path_factory.mktemp("print-lab")) as lab:
        yield lab


@pytest.fixture
def printing_kiosk(kiosk, print_lab):
    """A kiosk whose printers are the lab's; faults are cleared before and after."""
    print_lab.clear_faults()
    env = {"KIOSK_CUPS_SERVER": print_lab.cups_server, "KIOSK_THERMAL_QUEUE": print_lab.thermal_queue,
           "KIOSK_A4_QUEUE": print_lab.a4_queue}

    def start(*args: str, **kwargs) -> KioskProcess:
        return kiosk(*args, env={**env, **kwargs.pop("env", {})}, **kwargs)

    yield start
    print_lab.clear_faults()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # As on the appliance: the display board may play its chime and announcements unprompted.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        yield browser
        browser.close()


@pytest.fixture
def artifacts(request) -> Path:
    directory = ARTIFACTS / request.node.name.replace("[", "-").replace("]", "")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# The LMIS hub: a real `lmis-hub serve` process on a private PostgreSQL cluster (lmis_peers.py).
HUB_BIN = os.environ.get("LMIS_HUB_BIN", str(Path(KIOSK_BIN).parent / "lmis-hub"))
TOKEN = "e2e-admin-token-0123456789"


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """A hub with the office UB-SB; `admin(method, path, body)` and `sql(query)` reach it. It is a
    development hub over plain HTTP, which the kiosk's commands accept only when told to."""
    monkeypatch.setenv("KIOSK_ALLOW_HTTP_HUB", "true")
    peer = subprocess.Popen([sys.executable, str(ROOT / "Tests/EndToEnd/lmis_peers.py"), "postgres",
                             "--dir", str(tmp_path / "pg")], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    pg = json.loads(peer.stdout.readline())
    subprocess.run(["createdb", "-h", pg["host"], "-p", str(pg["port"]), "-U", "postgres", "lmis"], check=True)
    port = free_port()
    env = {**os.environ, "LMIS_HUB_PORT": str(port), "LMIS_HUB_POSTGRES_HOST": pg["host"],
           "LMIS_HUB_POSTGRES_PORT": str(pg["port"]), "LMIS_HUB_POSTGRES_USER": "postgres",
           "LMIS_HUB_POSTGRES_DATABASE": "lmis", "LMIS_HUB_ADMIN_TOKEN": TOKEN}
    log = open(tmp_path / "hub.log", "wb")
    process = subprocess.Popen([HUB_BIN, "serve"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError((tmp_path / "hub.log").read_text())
            time.sleep(0.1)

    def admin(method: str, path: str, body) -> dict:
        request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {TOKEN}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def sql(query: str) -> str:
        return subprocess.run(["psql", "-h", pg["host"], "-p", str(pg["port"]), "-U", "postgres", "-d", "lmis",
                               "-Atc", query], check=True, capture_output=True, text=True).stdout.strip()

    def postgres(command: str) -> dict:
        """Tells the hub's PostgreSQL to `stop`, `start` or be killed (`kill`)."""
        peer.stdin.write(f"{command}\n".encode())
        peer.stdin.flush()
        return json.loads(peer.stdout.readline())

    admin("PUT", "/admin/offices/UB-SB", {"name": "Сүхбаатар дүүргийн ХХҮХ", "adminUnit": "UB-SB"})
    yield {"base": base, "admin": admin, "sql": sql, "process": process, "postgres": postgres, "pg": pg, "env": env}
    process.terminate()
    process.wait(timeout=10)
    peer.stdin.close()
    peer.wait(timeout=30)
