"""An upload whose answer is lost while the hub is still applying it (issue 25), with a real
`kiosk serve`, a real `lmis-hub` on a private PostgreSQL and a TCP proxy between them: the link
drops mid-request, the kiosk asks the hub what it holds before sending again, that question
waits for the batch still being applied instead of being told "not held", and every record is
applied once, none answered "duplicate"."""

import re
import sqlite3
import subprocess
import urllib.request

from conftest import TOKEN, registration_form, registry_number
from test_sync_streams import Proxy, enrol, wait_for

# Sessions waiting for a lock on `received_record` (a batch being applied behind our lock) and
# for an advisory lock (the receipts question waiting for the device's batch to end).
APPLY_WAITING = ("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                 "WHERE c.relname = 'received_record' AND NOT l.granted")
RECEIPTS_WAITING = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"


def hold_received_records(hub) -> subprocess.Popen:
    """A psql session holding `received_record` in share mode (a batch cannot write it) until
    its standard input is closed."""
    pg = hub["pg"]
    session = subprocess.Popen(
        ["psql", "-h", pg["host"], "-p", str(pg["port"]), "-U", "postgres", "-d", "lmis", "-q", "-v",
         "ON_ERROR_STOP=1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    session.stdin.write("BEGIN;\nLOCK TABLE received_record IN SHARE MODE;\n\\echo held\n")
    session.stdin.flush()
    assert session.stdout.readline().strip() == "held", session.stderr.read()
    return session


def duplicates_at_hub(hub) -> int:
    request = urllib.request.Request(hub["base"] + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return sum(int(float(value)) for value in re.findall(
        r'^lmis_records_received_total\{[^}]*status="duplicate"[^}]*\} (\S+)$', text, re.M))


def test_an_answer_lost_while_the_batch_is_applied_is_asked_for_and_nothing_is_sent_twice(kiosk, hub, tmp_path):
    data_dir = tmp_path / "data"
    proxy = Proxy(hub["base"].removeprefix("http://"))
    session = None
    try:
        assert enrol(hub, data_dir, proxy.base).returncode == 0
        process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
        session = hold_received_records(hub)
        for index in range(5):
            status, body = process.request("POST", "/api/v1/registrations", registration_form(registry_number(index)))
            assert status == 201, body
        # The batch reached the hub and waits behind the lock; then the link drops under it.
        wait_for(lambda: hub["sql"](APPLY_WAITING) != "0", 20, "no batch reached the hub")
        cut = proxy.command("cut")
        assert cut["ok"] and cut["cut"] >= 1, cut
        # The kiosk comes back and asks what the hub holds; the question waits for the batch.
        wait_for(lambda: hub["sql"](RECEIPTS_WAITING) != "0", 30,
                 "the kiosk did not ask the hub what it holds, or was answered without waiting")
        assert hub["sql"]("SELECT count(*) FROM registration") == "0"
        session.stdin.close()
        session.wait(timeout=10)
        session = None
        wait_for(lambda: hub["sql"]("SELECT count(*) FROM registration") == "5", 30, "the records never arrived")
        asked = "asked the hub before sending again"
        wait_for(lambda: asked in process.log.read_text(errors="replace"), 20, "the kiosk's log does not say it asked")
        said = [line for line in process.log.read_text(errors="replace").splitlines() if asked in line]
        print(said[-1].strip())
        # Each record at the hub once, none sent again and answered "duplicate", none waiting.
        assert hub["sql"]("SELECT count(*) FROM received_record") == "5"
        assert duplicates_at_hub(hub) == 0
        with sqlite3.connect(data_dir / "kiosk.sqlite", timeout=30) as db:
            assert db.execute("SELECT count(*) FROM outbox WHERE sync_state IS NULL").fetchone()[0] == 0
    finally:
        if session is not None:
            session.kill()
        proxy.close()
