"""The county server's numbered migrations, on SQLite and PostgreSQL: a new database is set up, one
made by the first (unversioned) server is adopted and upgraded after a backup, a newer one is refused
untouched, and PostgreSQL without pg_dump is refused with an instruction."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess

import pytest

from station_app.core.errors import DatabaseError, KnownError
from station_app.server import config
from station_app.server.store import backend, migrations
from station_app.store import driver
from station_app.server.store.storage import ServerStore
from tests.sync_fixtures import new_postgres_database, postgres  # noqa: F401 (fixture)

PERSON = {"id": "p-1", "station_id": "s-1", "rev": 1, "deleted": 0, "created_at": "2026-01-05T08:00:00.000Z",
          "name": "张秀英", "id_number": "210411195406110131", "gender": "F", "birth_date": "1954-06-11"}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "county.db")
    return new_postgres_database(request.getfixturevalue("postgres"))


def first_server_database(url: str) -> None:
    """What the first server's CREATE … IF NOT EXISTS block left: its tables, no version, some records."""
    db = backend.connect(url)
    db.script(migrations.statements(migrations.available()[0], db))
    db.execute("INSERT INTO stations (name, code_hash, created_at, station_id) VALUES ('前甸镇', 'x', 'now', 's-1')")
    db.execute("INSERT INTO records VALUES ('person', 'p-1', 's-1', 1, 0, ?, 'now')", (json.dumps(PERSON),))
    db.close()


def version_of(url: str) -> int:
    db = backend.connect(url)
    try:
        return migrations.current_version(db)
    finally:
        db.close()


def test_a_new_database_is_set_up_at_the_latest_version_without_a_backup(url, tmp_path):
    ServerStore(url, backup_folder=tmp_path / "backups").close()
    assert version_of(url) == migrations.latest_version() >= 3
    assert not (tmp_path / "backups").exists()


def test_the_first_servers_database_is_adopted_backed_up_and_upgraded_with_its_records_searchable(url, tmp_path):
    first_server_database(url)
    assert version_of(url) == 1
    store = ServerStore(url, backup_folder=tmp_path / "backups")
    assert version_of(url) == migrations.latest_version()
    [copy] = (tmp_path / "backups").iterdir()
    assert copy.stat().st_mode & 0o077 == 0  # personal data: the owner's eyes only
    if copy.suffix == ".db":  # encrypted with the database's own key, as the database is
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(copy).execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        old = driver.sqlite.connect(str(copy))
        driver.keyed(old, config.database_key(copy.parent.parent / "county.db"))
        assert old.execute("SELECT payload FROM records").fetchone()[0] == json.dumps(PERSON)
        assert not old.execute("SELECT 1 FROM sqlite_master WHERE name = 'server_schema'").fetchall()
        old.close()
    else:
        listing = subprocess.run(["pg_restore", "--list", str(copy)], capture_output=True, text=True).stdout
        assert "TABLE DATA public records" in listing
    # The read tables were filled from the records already there, search keys included.
    assert store.read("SELECT name FROM read_person")[0]["name"] == "张秀英"
    assert {r["key"] for r in store.read("SELECT key FROM read_person_key")} >= {"n:张秀英", "p:zxy"}
    store.close()


def test_a_version_4_database_gets_the_business_dates_and_the_submitted_reports_of_its_records(url, tmp_path):
    """Version 5 reads what the figures go by (issue 14) from records the server already held."""
    child = {"id": "c-1", "station_id": "s-1", "rev": 2, "deleted": 0, "created_at": "2026-09-01T08:00:00.000Z",
             "updated_at": "2026-11-03T08:00:00.000Z", "person_id": "p-1", "category": "left_behind",
             "status": "exited", "entered_on": "2026-08-10", "exited_on": "2026-10-05"}
    version = {"id": "v-1", "station_id": "s-1", "rev": 1, "deleted": 0, "created_at": "2026-11-01T08:00:00.000Z",
               "updated_at": "2026-11-01T08:00:00.000Z", "month": "2026-10", "version": 1, "figures": [],
               "reason": None, "submitted_by": "王站长", "submitted_at": "2026-11-01 16:00", "digest": "0" * 64}
    db = backend.connect(url)
    for migration in migrations.available()[:4]:
        db.script(migrations.statements(migration, db))
    db.execute(f"CREATE TABLE {migrations.VERSION_TABLE} (version INTEGER NOT NULL)")
    db.execute(f"INSERT INTO {migrations.VERSION_TABLE} (version) VALUES (4)")
    for entity_name, payload in (("child_profile", child), ("report_version", version)):
        db.execute("INSERT INTO records VALUES (?, ?, 's-1', 1, 0, ?, 'now')",
                   (entity_name, payload["id"], json.dumps(payload)))
    db.close()
    store = ServerStore(url, backup_folder=tmp_path / "backups")
    assert version_of(url) == migrations.latest_version() >= 5
    assert store.read("SELECT entered_on, exited_on, updated_at FROM read_child_profile") == [
        {"entered_on": "2026-08-10", "exited_on": "2026-10-05", "updated_at": "2026-11-03T08:00:00.000Z"}]
    assert [(r["month"], r["version"], r["submitted_by"]) for r in store.read("SELECT * FROM read_report_version")] \
        == [("2026-10", 1, "王站长")]
    store.close()


def test_an_older_database_without_a_backup_folder_is_refused(url):
    first_server_database(url)
    with pytest.raises(DatabaseError, match="备份"):
        ServerStore(url)
    assert version_of(url) == 1


def test_a_newer_database_is_refused_untouched(url, tmp_path):
    ServerStore(url, backup_folder=tmp_path / "backups").close()
    db = backend.connect(url)
    db.execute(f"UPDATE {migrations.VERSION_TABLE} SET version = ?", (migrations.latest_version() + 1,))
    db.close()
    before = (tmp_path / "county.db").read_bytes() if not url.startswith("postgresql") else None
    with pytest.raises(DatabaseError, match="更新版本"):
        ServerStore(url, backup_folder=tmp_path / "backups")
    assert version_of(url) == migrations.latest_version() + 1
    if before is not None:
        assert (tmp_path / "county.db").read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_postgresql_without_pg_dump_is_refused_with_an_instruction_and_left_as_it_was(postgres, tmp_path, monkeypatch):
    url = new_postgres_database(postgres)
    first_server_database(url)
    real_which = shutil.which
    monkeypatch.setattr(backend.shutil, "which", lambda name: None if name == "pg_dump" else real_which(name))
    with pytest.raises(KnownError, match="apt-get install postgresql-client") as refused:
        ServerStore(url, backup_folder=tmp_path / "backups")
    assert "未做任何改动" in refused.value.message
    assert version_of(url) == 1
