"""Two hub processes on one PostgreSQL behind a real HAProxy (Debian's package, started here): a
kiosk registers and syncs through the balancer while one hub is killed with SIGKILL in the middle;
every record reaches the database exactly once and the other hub carries on."""

import signal
import subprocess
import threading
import time
import urllib.request

from conftest import HUB_BIN, KIOSK_BIN, free_port, registration_form, registry_number

RECORDS = 60


def wait_healthy(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=1):
                return
        except OSError:
            assert time.monotonic() < deadline, f"{base} did not become healthy"
            time.sleep(0.1)


def test_every_record_is_applied_once_when_one_of_two_hubs_dies(kiosk, hub, tmp_path):
    first_port = int(hub["base"].rsplit(":", 1)[1])
    second_port = free_port()
    second_log = open(tmp_path / "hub-b.log", "wb")
    second = subprocess.Popen([HUB_BIN, "serve"], env={**hub["env"], "LMIS_HUB_PORT": str(second_port)},
                              stdout=second_log, stderr=second_log)
    balancer = None
    try:
        wait_healthy(f"http://127.0.0.1:{second_port}")
        port = free_port()
        config = tmp_path / "haproxy.cfg"
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
    server a 127.0.0.1:{first_port} check inter 300 fall 2 rise 2
    server b 127.0.0.1:{second_port} check inter 300 fall 2 rise 2
""")
        balancer = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=subprocess.DEVNULL,
                                    stderr=open(tmp_path / "haproxy.log", "wb"))
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)

        data_dir = tmp_path / "data"
        # A round at each registration (a nudge) and every 5 s: uploads run all the time.
        process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "5"})
        code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
        enrolled = subprocess.run([KIOSK_BIN, "sync", "enrol", "--hub", base, "--code", code, "--data-dir",
                                   str(data_dir)], capture_output=True, text=True)
        assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr

        made = []

        def register() -> None:
            for index in range(RECORDS):
                status, body = process.request("POST", "/api/v1/registrations",
                                               registration_form(registry_number(index)))
                assert status == 201, body
                made.append(index)
                time.sleep(0.05)

        worker = threading.Thread(target=register)
        worker.start()
        while len(made) < RECORDS // 3:
            time.sleep(0.02)
        # Killed while the kiosk uploads: no shutdown, requests in flight cut.
        hub["process"].send_signal(signal.SIGKILL)
        killed_at = len(made)
        worker.join(timeout=120)
        assert len(made) == RECORDS

        deadline = time.monotonic() + 60
        while hub["sql"]("SELECT count(*) FROM registration") != str(RECORDS):
            assert time.monotonic() < deadline, hub["sql"]("SELECT count(*) FROM registration")
            time.sleep(0.3)
        now = subprocess.run([KIOSK_BIN, "sync", "now", "--data-dir", str(data_dir)], capture_output=True,
                             text=True, timeout=60)
        assert now.returncode == 0, now.stdout + now.stderr

        # Exactly once: one person and one registration per record, nothing quarantined, and the
        # hub holds every record the kiosk made, each once.
        assert hub["sql"]("SELECT count(*) FROM person") == str(RECORDS)
        assert hub["sql"]("SELECT count(*) FROM registration") == str(RECORDS)
        assert hub["sql"]("SELECT count(*) FROM quarantine") == "0"
        import sqlite3
        with sqlite3.connect(data_dir / "kiosk.sqlite") as db:
            states = dict(db.execute("SELECT coalesce(sync_state, 'waiting'), count(*) FROM outbox GROUP BY 1"))
            made_records = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        assert set(states) <= {"applied", "duplicate"}, states
        assert hub["sql"]("SELECT count(*) FROM received_record") == str(made_records)
        # The surviving hub took the uploads after the kill.
        assert b"batch applied" in (tmp_path / "hub-b.log").read_bytes()
        print(f"killed hub a after {killed_at} of {RECORDS} registrations; kiosk outbox states {states}")
    finally:
        if balancer:
            balancer.terminate()
            balancer.wait(timeout=10)
        second.terminate()
        second.wait(timeout=10)
