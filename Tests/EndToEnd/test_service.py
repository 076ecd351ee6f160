"""The service as a process: durability under kill -9, graceful shutdown, configuration."""
import os
import random
import sqlite3
import threading
import time
import http.client
import json
import subprocess

from conftest import KIOSK_BIN, ROOT, KioskProcess, registration_form, registry_number


def _load(process: KioskProcess, first_index: int, acked: dict, stop: threading.Event, workers: int = 8):
    """Workers post registrations until the service dies; every 201 is recorded as acknowledged."""
    lock = threading.Lock()

    def work(worker: int):
        connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=5)
        index = first_index + worker * 2000
        for _ in range(2000):
            if stop.is_set():
                return
            number = registry_number(index)
            index += 1
            try:
                connection.request("POST", "/api/v1/registrations", json.dumps(registration_form(number)),
                                   {"Content-Type": "application/json"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                return  # the service is gone
            if response.status == 201:
                with lock:
                    acked[number] = json.loads(body)["id"]
            else:
                raise AssertionError(f"unexpected {response.status}: {body[:200]!r}")

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    return threads


def test_acknowledged_registrations_survive_kill_9(tmp_path):
    data = tmp_path / "data"
    acked: dict[str, str] = {}
    rng = random.Random(20261122)
    for round_ in range(3):
        process = KioskProcess(data).start()
        stop = threading.Event()
        before = len(acked)
        threads = _load(process, round_ * 20_000, acked, stop)
        time.sleep(rng.uniform(0.4, 1.2))
        process.kill()  # SIGKILL mid-load: no chance to flush or close anything
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        assert len(acked) > before, "the load never got a registration through"

        # Reopen the file directly: every acknowledged registration is there with its outbox record.
        with sqlite3.connect(data / "kiosk.sqlite") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = dict(db.execute("SELECT registry_number, id FROM registration").fetchall())
            missing = {n for n in acked if stored.get(n) != acked[n]}
            assert not missing, f"acknowledged but lost: {sorted(missing)[:5]}"
            count, low, high = db.execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM outbox").fetchone()
            assert count == len(stored), "each registration has exactly one outbox record"
            assert (low, high) == (1, count), "outbox sequence is gapless"
            orphans = db.execute(
                "SELECT COUNT(*) FROM registration r WHERE NOT EXISTS "
                "(SELECT 1 FROM outbox o WHERE json_extract(o.payload, '$.registration.id') = r.id)").fetchone()[0]
            assert orphans == 0

    # And the service itself reopens the database and serves every acknowledged record.
    process = KioskProcess(data).start()
    try:
        cookie = process.staff_cookie()
        for number, registration_id in acked.items():
            status, body = process.request("GET", f"/api/v1/registrations/{registration_id}", cookie=cookie)
            assert status == 200 and body["registryNumber"] == number
        status, body = process.request("POST", "/api/v1/registrations", registration_form(registry_number(89_999)))
        assert status == 201
    finally:
        process.stop()


def test_sigterm_shuts_down_gracefully(kiosk):
    process = kiosk()
    started = time.monotonic()
    assert process.terminate(timeout=10) == 0
    assert time.monotonic() - started < 5


def test_western_office_runs_on_hovd_time_from_a_config_file(tmp_path, kiosk):
    config = tmp_path / "kiosk.conf"
    config.write_text("office_code = MN-043\noffice_unit = MN-043\ntime_zone = Asia/Hovd\n"
                      "office_name_mn = Ховд аймгийн ХХҮГ\noffice_name_en = Khovd aimag LSWO\n", encoding="utf-8")
    process = kiosk("--config", str(config), env={"KIOSK_LANGUAGE": "en"})
    html = subprocess.run(["curl", "-s", process.base + "/display"], capture_output=True, text=True).stdout
    assert 'data-time-zone="Asia/Hovd"' in html
    assert "Ховд аймгийн ХХҮГ" in html
    status, body = process.request("POST", "/api/v1/registrations",
                                   registration_form("УБ90051223", aimagCode="MN-043", soumCode="MN-043-01"))
    assert status == 201 and body["reference"] == "MN-043-000001"


def test_bad_configuration_is_refused_with_the_key_named(tmp_path):
    result = subprocess.run([KIOSK_BIN, "serve", "--data-dir", str(tmp_path), "--kiosk-dir", str(ROOT / "Kiosk"),
                             "--time-zone", "Mars/Olympus"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "time_zone" in result.stderr
    result = subprocess.run([KIOSK_BIN, "serve", "--data-dir", str(tmp_path), "--kiosk-dir", str(ROOT / "Kiosk"),
                             "--office-unit", "NOWHERE"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 78
    assert "office_unit" in result.stderr


def test_technician_adds_a_staff_account_who_then_signs_in(tmp_path, kiosk):
    data = tmp_path / "data"
    result = subprocess.run([KIOSK_BIN, "staff", "add", "bat.erdene", "--name", "Бат-Эрдэнэ", "--role", "head",
                             "--data-dir", str(data)], input="739154\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # The PIN never appears in arguments or output.
    assert "739154" not in result.stdout + result.stderr
    refused = subprocess.run([KIOSK_BIN, "staff", "add", "saraa", "--name", "X", "--data-dir", str(data)],
                             input="12\n", capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "pin" in refused.stderr
    # Trivial PINs are refused with the reason, in both languages; the demo PIN only in demo mode.
    for pin, reason in (("123456", "run of digits"), ("000000", "one digit repeated"), ("13579", "at least 6")):
        refused = subprocess.run([KIOSK_BIN, "staff", "add", "saraa", "--name", "X", "--data-dir", str(data)],
                                 input=pin + "\n", capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and reason in refused.stderr and "ПИН" in refused.stderr, refused.stderr
    real_office = {**os.environ, "KIOSK_DEMO_STAFF": "false"}
    refused = subprocess.run([KIOSK_BIN, "staff", "add", "saraa", "--name", "X", "--data-dir", str(data)],
                             input="2468\n", capture_output=True, text=True, timeout=60, env=real_office)
    assert refused.returncode != 0 and "demo office" in refused.stderr
    process = kiosk(data_dir=data)
    status, session = process.request("POST", "/api/v1/staff/sessions",
                                      {"username": "bat.erdene", "pin": "739154", "counter": 3})
    assert status == 201
    assert session["role"] == "head" and session["displayName"] == "Бат-Эрдэнэ"


def test_systemd_hears_ready_then_the_watchdog_then_stopping(tmp_path):
    """As under `Type=notify` with `WatchdogSec=`: READY=1 once /healthz answers, WATCHDOG=1 at
    half the interval while the database answers, STOPPING=1 on SIGTERM."""
    import socket

    path = str(tmp_path / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    listener.settimeout(20)
    process = KioskProcess(tmp_path / "data", env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000"}).start()
    try:
        messages = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and messages.count(b"WATCHDOG=1") < 4:
            messages.append(listener.recv(4096))
        ready = [m for m in messages if m.startswith(b"READY=1")]
        assert ready and b"STATUS=serving office UB-SB" in ready[0]
        assert messages.count(b"WATCHDOG=1") >= 4
        started = time.monotonic()
        assert listener.recv(4096) == b"WATCHDOG=1"
        assert time.monotonic() - started < 0.9  # every 0.5 s for an interval of 1 s
        assert process.terminate() == 0
        rest = []
        listener.settimeout(5)
        while True:
            message = listener.recv(4096)
            rest.append(message)
            if message == b"STOPPING=1":
                break
        assert rest[-1] == b"STOPPING=1"
    finally:
        process.stop()
        listener.close()
