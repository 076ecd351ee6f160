"""The failover drill of the production runbook (docs/hub-operations.md, "Failing over to the
standby"), against real PostgreSQL 15 servers: a primary with a synchronous streaming standby,
two hub processes behind HAProxy, two kiosks registering through them. The primary is killed with
SIGKILL in the middle; the standby is promoted (`pg_ctl promote`), its wait for a synchronous
standby of its own is lifted, and the hubs are restarted pointed at it (postgres-nio connects to
one host: it has no multi-host list or `target_session_attrs`). Every record the hub had
acknowledged before the kill is on the promoted server, and in the end every record of both
kiosks is applied exactly once, each kiosk's numbers without a gap."""

import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from conftest import KIOSK_BIN, free_port, registration_form, registry_number
from hub_pair import enrol, start_balancer, start_hub, stop

RECORDS = 40  # per kiosk
STANDBY = "standby1"


class Standby:
    """A streaming replica of the hub fixture's PostgreSQL, made with `pg_basebackup`, in a
    private directory the cluster's owner can reach."""

    def __init__(self, pg: dict) -> None:
        self.bin = Path(pg["bin_dir"])
        self.primary = pg
        self.owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        self.base = Path(tempfile.mkdtemp(prefix="lmis-standby-", dir="/tmp"))
        os.chmod(self.base, 0o755)
        if self.owner:
            os.chown(self.base, self.owner.pw_uid, self.owner.pw_gid)
        self.data = self.base / "data"
        self.port = free_port()

    def run(self, *args) -> str:
        owner = {}
        if self.owner:
            owner = dict(user=self.owner.pw_uid, group=self.owner.pw_gid, extra_groups=[])
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        result = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, cwd=self.base,
                                env=env, timeout=120, **owner)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self) -> None:
        self.run(self.bin / "pg_basebackup", "-h", self.primary["host"], "-p", self.primary["port"], "-U",
                 "postgres", "-D", self.data, "-X", "stream", "-c", "fast", "-R")
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            # The name the primary's synchronous_standby_names lists.
            conf.write(f"primary_conninfo = 'host={self.primary['host']} port={self.primary['port']}"
                       f" user=postgres application_name={STANDBY}'\n")
        with open(self.data / "postgresql.conf", "a") as conf:
            # The standby carries the primary's settings, synchronous replication included, so that
            # once promoted it is configured as a primary (the drill lifts the wait, see below).
            conf.write(f"port = {self.port}\nunix_socket_directories = '{self.base}'\nhot_standby = on\n"
                       f"synchronous_commit = on\nsynchronous_standby_names = 'FIRST 1 ({STANDBY})'\n")
        self.run(self.bin / "pg_ctl", "-D", self.data, "-l", self.base / "postgres.log", "-w", "start")

    def sql(self, query: str) -> str:
        return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "lmis",
                               "-Atc", query], check=True, capture_output=True, text=True).stdout.strip()

    def promote(self) -> None:
        self.run(self.bin / "pg_ctl", "-D", self.data, "-w", "promote")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60,
                           **(dict(user=self.owner.pw_uid, group=self.owner.pw_gid, extra_groups=[])
                              if self.owner else {}))
        shutil.rmtree(self.base, ignore_errors=True)


def outbox(data_dir: Path, where: str = "1") -> list[tuple[str, int, str | None]]:
    with sqlite3.connect(data_dir / "kiosk.sqlite") as db:
        return db.execute(f"SELECT id, seq, sync_state FROM outbox WHERE {where} ORDER BY seq").fetchall()


def test_no_acknowledged_record_is_lost_when_the_primary_dies(kiosk, hub, tmp_path):
    standby = Standby(hub["pg"])
    hubs: list = []
    balancer = None
    try:
        standby.start()
        hub["sql"](f"ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 ({STANDBY})'")
        hub["sql"]("ALTER SYSTEM SET synchronous_commit = 'on'")
        hub["sql"]("SELECT pg_reload_conf()")
        deadline = time.monotonic() + 30
        while hub["sql"](f"SELECT sync_state FROM pg_stat_replication WHERE application_name = '{STANDBY}'") \
                != "sync":
            assert time.monotonic() < deadline, hub["sql"]("SELECT * FROM pg_stat_replication")
            time.sleep(0.2)

        ports = [int(hub["base"].rsplit(":", 1)[1]), free_port()]
        hubs = [hub["process"], start_hub(hub["env"], ports[1], tmp_path / "hub-b.log")]
        balancer, base = start_balancer(tmp_path, ports)

        kiosks = []
        for number in range(2):
            data_dir = tmp_path / f"kiosk-{number}"
            process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "5"})
            enrol(hub, base, data_dir, "--name", f"kiosk-{number}")
            kiosks.append((process, data_dir))

        made = [0, 0]

        def register(number: int) -> None:
            process = kiosks[number][0]
            for index in range(RECORDS):
                status, body = process.request("POST", "/api/v1/registrations",
                                               registration_form(registry_number(number * 5000 + index)))
                assert status == 201, body
                made[number] += 1
                time.sleep(0.3)

        workers = [threading.Thread(target=register, args=(number,)) for number in range(2)]
        for worker in workers:
            worker.start()
        # Killed once the hub has acknowledged records of both kiosks: uploads are in flight.
        deadline = time.monotonic() + 60
        while not all(outbox(data_dir, "sync_state = 'applied'") for _, data_dir in kiosks) \
                or sum(made) < RECORDS * 2 // 3:
            assert time.monotonic() < deadline, "the kiosks' records were not acknowledged"
            time.sleep(0.05)
        assert hub["postgres"]("kill")["was_running"]
        killed_at, made_at_kill = time.monotonic(), sum(made)
        # What the hub acknowledged: the kiosks mark a record only after the hub's answer, and no
        # answer can come after the kill.
        acknowledged = [row[0] for _, data_dir in kiosks
                        for row in outbox(data_dir, "sync_state IN ('applied', 'duplicate')")]

        # The drill: promote, lift the wait for a synchronous standby the new primary does not
        # have yet (until one is built again), point the hubs at it.
        standby.promote()
        standby.sql("ALTER SYSTEM SET synchronous_standby_names = ''")
        standby.sql("SELECT pg_reload_conf()")
        on_promoted = standby.sql("SELECT count(*) FROM received_record WHERE record_id IN ("
                                  + ",".join(f"'{record}'" for record in acknowledged) + ")")
        assert on_promoted == str(len(acknowledged)), f"{on_promoted} of {len(acknowledged)} acknowledged"
        for index, port in enumerate(ports):
            stop(hubs[index])
            hubs[index] = start_hub(hub["env"], port, tmp_path / f"hub-{index}-promoted.log",
                                    LMIS_HUB_POSTGRES_PORT=str(standby.port))
        serving_again = time.monotonic() - killed_at

        for worker in workers:
            worker.join(timeout=120)
        assert made == [RECORDS, RECORDS]
        deadline = time.monotonic() + 90
        while standby.sql("SELECT count(*) FROM registration") != str(2 * RECORDS):
            assert time.monotonic() < deadline, standby.sql("SELECT count(*) FROM registration")
            time.sleep(0.3)
        for _, data_dir in kiosks:
            now = subprocess.run([KIOSK_BIN, "sync", "now", "--data-dir", str(data_dir)], capture_output=True,
                                 text=True, timeout=60)
            assert now.returncode == 0, now.stdout + now.stderr

        # Exactly once, on the promoted server: a person and a registration per record, nothing
        # quarantined, and each kiosk's numbers 1..N each once.
        assert standby.sql("SELECT count(*) FROM person") == str(2 * RECORDS)
        assert standby.sql("SELECT count(*) FROM quarantine") == "0"
        held = sorted(standby.sql("SELECT concat_ws(':', count(*), count(DISTINCT seq), min(seq), max(seq))"
                                  " FROM received_record GROUP BY device_id").split())
        expected = []
        for _, data_dir in kiosks:
            rows = outbox(data_dir)
            assert {state for _, _, state in rows} <= {"applied", "duplicate"}, rows
            assert [seq for _, seq, _ in rows] == list(range(1, len(rows) + 1))
            expected.append(f"{len(rows)}:{len(rows)}:1:{len(rows)}")
        assert held == sorted(expected)
        ids = [row[0] for _, data_dir in kiosks for row in outbox(data_dir)]
        assert standby.sql("SELECT count(*) FROM received_record WHERE record_id IN ("
                           + ",".join(f"'{record}'" for record in ids) + ")") == str(len(ids))
        print(f"primary killed with {len(acknowledged)} records acknowledged ({made_at_kill} of {2 * RECORDS} made);"
              f" hubs serving on the promoted server {serving_again:.1f} s after the kill")
    finally:
        stop(balancer)
        for process in hubs[1:]:
            stop(process)
        if hubs and hubs[0] is not hub["process"]:
            stop(hubs[0])
        standby.remove()
