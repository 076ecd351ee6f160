"""Backups and a restore, end to end: a serving kiosk backed up online with `kiosk backup`, records
made and synced after the backup, the office database lost and restored with `kiosk restore`, and
the real `lmis-hub` on PostgreSQL still applying every record exactly once, reporting the records
lost with the old file as a gap."""

import json
import sqlite3
from contextlib import closing
import subprocess
import urllib.request
from pathlib import Path

from conftest import KIOSK_BIN, TOKEN, registration_form, registry_number


def cli(*args: str, data_dir: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    import os
    return subprocess.run([KIOSK_BIN, *args, "--data-dir", str(data_dir)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **(env or {})})


def outbox(data_dir: Path) -> list[tuple[int, str, str | None]]:
    # Closed at once: an open connection would (rightly) keep `kiosk restore` from replacing the file.
    with closing(sqlite3.connect(data_dir / "kiosk.sqlite")) as db:
        return db.execute("SELECT seq, id, sync_state FROM outbox ORDER BY seq").fetchall()


def devices(hub) -> list[dict]:
    request = urllib.request.Request(hub["base"] + "/admin/devices", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def register(process, index: int) -> None:
    status, body = process.request("POST", "/api/v1/registrations", registration_form(registry_number(index)))
    assert status == 201, body


def test_a_restore_applies_nothing_twice_and_the_hub_reports_the_lost_records(kiosk, hub, tmp_path):
    data_dir = tmp_path / "data"
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600", "KIOSK_SYNC_UPLOAD_POLL": "3600"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    assert cli("sync", "enrol", "--hub", hub["base"], "--code", code, data_dir=data_dir).returncode == 0
    for index in range(2):
        register(process, index)
    assert cli("sync", "now", data_dir=data_dir).returncode == 0

    # One record waits when the backup is taken, online, while the kiosk serves.
    register(process, 2)
    made = cli("backup", data_dir=data_dir)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "integrity ok" in made.stdout
    backups = sorted((data_dir / "backups").glob("kiosk-UB-SB-*.sqlite"))
    assert len(backups) == 1
    backup_sequence = max(seq for seq, _, _ in outbox(data_dir))
    with closing(sqlite3.connect(backups[0])) as db:
        waited = [row[0] for row in db.execute("SELECT id FROM outbox WHERE sync_state IS NULL")]
    assert len(waited) == 1
    # A copy onto a "USB stick" too; nothing is pruned there.
    stick = tmp_path / "usb"
    assert cli("backup", "--to", str(stick), data_dir=data_dir).returncode == 0
    assert len(list(stick.glob("kiosk-UB-SB-*.sqlite"))) == 1

    # After the backup: one record synced (with the one that waited), then two made and never
    # sent, though the hub heard of them in a heartbeat.
    register(process, 3)
    assert cli("sync", "now", data_dir=data_dir).returncode == 0
    register(process, 4)
    register(process, 5)
    beat = cli("sync", "heartbeat", data_dir=data_dir)
    assert beat.returncode == 0, beat.stdout + beat.stderr
    before_loss = outbox(data_dir)
    last_made = max(seq for seq, _, _ in before_loss)
    lost = [row for row in before_loss if row[2] is None]
    assert len(lost) == 2
    assert hub["sql"]("SELECT count(*) FROM person") == "4"
    # Not while the service has the database open.
    busy = cli("restore", str(backups[0]), data_dir=data_dir)
    assert busy.returncode == 1 and "stop the service first" in busy.stdout, busy.stdout
    process.terminate()

    # Another office's backup is refused unless forced.
    refused = cli("restore", str(backups[0]), data_dir=data_dir, env={"KIOSK_OFFICE_CODE": "UB-BZD"})
    assert refused.returncode == 1 and "the backup is of office UB-SB" in refused.stdout

    # The disk dies; the technician restores last night's backup.
    for name in ["kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm"]:
        (data_dir / name).unlink(missing_ok=True)
    restored = cli("restore", str(backups[0]), data_dir=data_dir)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"new records are numbered from #{last_made + 1}" in restored.stdout, restored.stdout
    assert max(seq for seq, _, _ in outbox(data_dir)) == backup_sequence

    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600", "KIOSK_SYNC_UPLOAD_POLL": "3600"})
    register(process, 6)
    after = outbox(data_dir)
    new = [row for row in after if row[0] > backup_sequence]
    assert new and min(seq for seq, _, _ in new) == last_made + 1
    now = cli("sync", "now", data_dir=data_dir)
    assert now.returncode == 0, now.stdout + now.stderr
    # The record that waited in the backup reached the hub after it: answered as a duplicate (by
    # this round or by the serving kiosk's own, which a new registration nudges).
    states = {record_id: state for _, record_id, state in outbox(data_dir)}
    assert [states[record_id] for record_id in waited] == ["duplicate"], states
    assert all(states[record_id] == "applied" for _, record_id, _ in new)

    # Every record once: the people of records 0-3 and 6; those of 4 and 5 were lost with the disk.
    assert hub["sql"]("SELECT count(*) FROM person") == "5"
    assert hub["sql"]("SELECT count(*) FROM quarantine") == "0"
    assert hub["sql"]("SELECT count(*) - count(DISTINCT seq) FROM received_record") == "0"
    lost_sequences = sorted(seq for seq, _, _ in lost)
    assert hub["sql"](
        f"SELECT count(*) FROM received_record WHERE seq IN ({','.join(map(str, lost_sequences))})") == "0"
    # The next round's heartbeat: nothing waits, so the two numbers missing will never come.
    assert cli("sync", "heartbeat", data_dir=data_dir).returncode == 0
    [device] = devices(hub)
    assert device["missing"] == 2, device
    assert device["heartbeat"]["restoredAt"] is not None
    assert device["heartbeat"]["lastBackupAt"] is not None
    assert any("lost" in need for need in device["needs"]), device["needs"]
