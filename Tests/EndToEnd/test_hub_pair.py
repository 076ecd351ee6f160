"""Two hub processes on one PostgreSQL behind a real HAProxy (Debian's package, started here): a
kiosk registers and syncs through the balancer while one hub is killed with SIGKILL in the middle;
every record reaches the database exactly once and the other hub carries on."""

import signal
import subprocess
import threading
import time

from conftest import KIOSK_BIN, free_port, registration_form, registry_number
from hub_pair import enrol, start_balancer, start_hub, stop

RECORDS = 60


def test_every_record_is_applied_once_when_one_of_two_hubs_dies(kiosk, hub, tmp_path):
    first_port = int(hub["base"].rsplit(":", 1)[1])
    second_port = free_port()
    second = start_hub(hub["env"], second_port, tmp_path / "hub-b.log")
    balancer = None
    try:
        balancer, base = start_balancer(tmp_path, [first_port, second_port])
        data_dir = tmp_path / "data"
        # A round at each registration (a nudge) and every 5 s: uploads run all the time.
        process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "5"})
        enrol(hub, base, data_dir)

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
        stop(balancer)
        stop(second)
