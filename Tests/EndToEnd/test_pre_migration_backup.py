"""A new version's first start on an office database at an older schema: `kiosk serve` copies the
database (online, checked) into DATA/backups, labelled pre-migration, before its schema steps run;
the copy is a sound database at the old version with the office's records."""

import sqlite3

from conftest import registration_form, registry_number

# The schema step undone to make the "older" database: the last one whose tables nothing else uses.
STEP = "v33:"


def read(path, sql):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_a_start_on_an_older_schema_backs_the_database_up_first(kiosk, tmp_path):
    data_dir = tmp_path / "data"
    first = kiosk(data_dir=data_dir)
    for n in (1, 2):
        status, _ = first.request("POST", "/api/v1/registrations", registration_form(registry_number(n)))
        assert status == 201
    assert first.terminate() == 0
    database = data_dir / "kiosk.sqlite"

    # The database as the previous version left it: without the last schema step's tables.
    connection = sqlite3.connect(database)
    with connection:
        connection.execute("DROP TABLE backup_label")
        connection.execute("DROP TABLE outbox_floor")
        connection.execute("DELETE FROM grdb_migrations WHERE identifier LIKE ?", (STEP + "%",))
    connection.close()
    old_version = {row[0] for row in read(database, "SELECT identifier FROM grdb_migrations")}
    assert not any(step.startswith(STEP) for step in old_version)
    assert not (data_dir / "backups").exists()

    second = kiosk(data_dir=data_dir)
    [backup] = sorted((data_dir / "backups").glob("kiosk-*-pre-migration-*.sqlite"))
    assert read(backup, "PRAGMA integrity_check") == [("ok",)]
    assert {row[0] for row in read(backup, "SELECT identifier FROM grdb_migrations")} == old_version
    assert read(backup, "SELECT count(*) FROM sqlite_master WHERE name = 'backup_label'") == [(0,)]
    assert read(backup, "SELECT count(*) FROM registration") == [(2,)]
    # The live database has had its step; the service serves and says what it did.
    assert any(row[0].startswith(STEP) for row in read(database, "SELECT identifier FROM grdb_migrations"))
    assert second.request("GET", "/healthz")[0] == 200
    assert "backed up before its migrations" in second.log.read_text()
    # Started again at the current schema: no second copy.
    assert second.terminate() == 0
    kiosk(data_dir=data_dir)
    assert len(list((data_dir / "backups").glob("kiosk-*-pre-migration-*.sqlite"))) == 1
