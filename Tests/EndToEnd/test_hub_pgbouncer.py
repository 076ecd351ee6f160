"""The hub behind a real pgBouncer (Debian's package) in transaction mode, as the runbook
(docs/hub-operations.md, "pgBouncer in transaction mode") has it: twenty hub connections share two
server connections, so a named prepared statement or any session state of the hub would be lost
between its transactions. A kiosk registers and syncs through it; every record is applied once."""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from conftest import KIOSK_BIN, free_port, registration_form, registry_number
from hub_pair import enrol, start_hub, stop

RECORDS = 30
PGBOUNCER = "/usr/sbin/pgbouncer"


def test_the_hub_syncs_through_pgbouncer_in_transaction_mode(kiosk, hub, tmp_path):
    assert Path(PGBOUNCER).exists(), "pgbouncer is not installed (Provisioning/dev.sh installs it)"
    # pgBouncer refuses to run as root: it runs as the cluster's owner, in a directory it reaches.
    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    work = Path(tempfile.mkdtemp(prefix="lmis-pgbouncer-", dir="/tmp"))
    os.chmod(work, 0o755)
    port = free_port()
    (work / "users.txt").write_text('"postgres" ""\n')
    (work / "pgbouncer.ini").write_text(f"""
[databases]
lmis = host={hub["pg"]["host"]} port={hub["pg"]["port"]} dbname=lmis user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {work}/users.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
stats_period = 1
""")
    bouncer = subprocess.Popen([PGBOUNCER, str(work / "pgbouncer.ini")], stdout=open(tmp_path / "pgbouncer.log", "wb"),
                               stderr=subprocess.STDOUT,
                               **(dict(user=owner.pw_uid, group=owner.pw_gid, extra_groups=[]) if owner else {}))
    served = None

    def console(command: str) -> list[dict]:
        answer = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "pgbouncer",
                                 "-A", "-F", "\t", "-c", command], capture_output=True, text=True, timeout=10)
        assert answer.returncode == 0, answer.stderr
        header, *rows = answer.stdout.strip().splitlines()[:-1]
        return [dict(zip(header.split("\t"), row.split("\t"))) for row in rows]

    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                console("SHOW POOLS")
                break
            except AssertionError:
                assert time.monotonic() < deadline and bouncer.poll() is None, \
                    (tmp_path / "pgbouncer.log").read_text()
                time.sleep(0.1)
        hub_port = free_port()
        served = start_hub(hub["env"], hub_port, tmp_path / "hub-pgbouncer.log", LMIS_HUB_POSTGRES_PORT=str(port),
                           LMIS_HUB_POSTGRES_CONNECTIONS="20")
        base = f"http://127.0.0.1:{hub_port}"

        data_dir = tmp_path / "data"
        process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "5"})
        enrol(hub, base, data_dir)
        for index in range(RECORDS):
            status, body = process.request("POST", "/api/v1/registrations", registration_form(registry_number(index)))
            assert status == 201, body
        deadline = time.monotonic() + 60
        while hub["sql"]("SELECT count(*) FROM registration") != str(RECORDS):
            assert time.monotonic() < deadline, hub["sql"]("SELECT count(*) FROM registration")
            time.sleep(0.3)
        now = subprocess.run([KIOSK_BIN, "sync", "now", "--data-dir", str(data_dir)], capture_output=True, text=True,
                             timeout=60)
        assert now.returncode == 0, now.stdout + now.stderr

        assert hub["sql"]("SELECT count(*) FROM person") == str(RECORDS)
        assert hub["sql"]("SELECT count(*) FROM quarantine") == "0"
        log = (tmp_path / "hub-pgbouncer.log").read_text(errors="replace")
        assert "prepared statement" not in log and "request failed" not in log
        pool = next(row for row in console("SHOW POOLS") if row["database"] == "lmis")
        assert pool["pool_mode"] == "transaction"
        servers = int(pool["sv_active"]) + int(pool["sv_idle"]) + int(pool["sv_used"])
        assert servers <= 2, pool
        # Many more transactions than server connections: they were shared.
        time.sleep(1.5)
        stats = next(row for row in console("SHOW STATS") if row["database"] == "lmis")
        assert int(stats["total_xact_count"]) > 5 * servers, stats
        print(f"{stats['total_xact_count']} transactions, {stats['total_query_count']} queries of the hub"
              f" over {servers} server connections")
    finally:
        stop(served)
        stop(bouncer)
        shutil.rmtree(work, ignore_errors=True)
