"""Schema versions: create from empty, upgrade from the previous version, refuse newer or damaged files."""

import hashlib
from pathlib import Path

import pytest

from station_app.core.entities import ENTITIES
from station_app.store import migrations, people
from station_app.store.database import CorruptDatabaseError, NewerDatabaseError, StationDatabase
from station_app.store.driver import keyed, sqlite
from station_app.store.people import PersonFilter
from station_app.store.search_index import rebuild_search_index

LATEST = migrations.latest_version()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def connect(path: Path, key: bytes) -> sqlite.Connection:
    """A raw connection to an encrypted file, as an older version of the program left it."""
    conn = sqlite.connect(str(path), isolation_level=None)
    keyed(conn, key)
    return conn


def test_from_empty_reaches_the_latest_version_with_wal_and_foreign_keys(data_dir, db_key):
    db = StationDatabase.open(data_dir / "station.db", db_key)
    assert db.user_version == LATEST >= 2
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA synchronous") == 2  # FULL
    assert db.scalar("PRAGMA busy_timeout") > 0


def test_every_declared_field_has_a_column(database):
    for spec in ENTITIES.values():
        columns = {r["name"] for r in database.query(f"PRAGMA table_info({spec.name})")}
        assert set(spec.columns) <= columns, spec.name


@pytest.mark.parametrize("start", range(1, LATEST))
def test_upgrade_from_an_older_version_keeps_data_and_backs_up_first(tmp_path, start, db_key):
    path = tmp_path / "station.db"
    conn = connect(path, db_key)
    for m in migrations.available()[:start]:
        migrations.apply(conn, m, None)
    conn.execute(
        "INSERT INTO person (id, station_id, rev, created_at, updated_at, created_by, updated_by, name, gender,"
        " birth_date) VALUES ('p1', 's', 1, 't', 't', 'u', 'u', '张三丰', 'M', '1950-01-01')"
    )
    if start >= 2:  # that version's store kept the search index itself
        rebuild_search_index(conn)
    conn.close()

    db = StationDatabase.open(path, db_key, backup_dir=tmp_path / "backups")

    assert db.user_version == LATEST
    assert db.scalar("SELECT name FROM person WHERE id = 'p1'") == "张三丰"
    assert people.person_ids(db, PersonFilter(text="zsf")) == ["p1"]  # from 1: migration 2's data step
    backups = list((tmp_path / "backups").glob("before-v*.db"))
    assert len(backups) == 1
    old = connect(backups[0], db_key)
    assert old.execute("PRAGMA user_version").fetchone()[0] == start
    assert old.execute("SELECT name FROM person").fetchone()[0] == "张三丰"


def test_newer_database_is_refused_and_left_untouched(tmp_path, db_key):
    path = tmp_path / "station.db"
    StationDatabase.open(path, db_key).close()
    conn = connect(path, db_key)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before, files_before = digest(path), sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(NewerDatabaseError, match="更新版本的社工站程序") as caught:
        StationDatabase.open(path, db_key)

    assert caught.value.found == LATEST + 1
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before  # no WAL, no backup, nothing


def test_a_file_that_is_not_a_database_is_reported(tmp_path, db_key):
    path = tmp_path / "station.db"
    path.write_bytes(b"this is a word document, not a database" * 200)
    with pytest.raises(CorruptDatabaseError, match="密钥不符，或文件已损坏"):
        StationDatabase.open(path, db_key)


def test_damage_found_by_the_start_up_check_is_reported_not_ignored(tmp_path, db_key):
    path = tmp_path / "station.db"
    db = StationDatabase.open(path, db_key)
    db.conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)", [(f"k{i:05d}", "v" * 50) for i in range(3000)]
    )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = int(db.scalar("PRAGMA page_size"))
    # Find a b-tree page of the settings table's index and scribble over its cell pointers.
    root = db.scalar("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_settings_1'")
    db.close()
    raw = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    raw[start + 8 : start + 64] = b"\xff" * 56
    path.write_bytes(bytes(raw))

    with pytest.raises(CorruptDatabaseError, match="完整性检查未通过"):
        StationDatabase.open(path, db_key)


def test_a_failing_migration_leaves_the_old_version_in_place(tmp_path):
    bad = tmp_path / "migrations"
    bad.mkdir()
    (bad / "0001_first.sql").write_text("CREATE TABLE a (x);\nCREATE TABLE b (y);\nINSERT INTO nowhere VALUES (1);\n")
    conn = sqlite.connect(str(tmp_path / "x.db"), isolation_level=None)
    with pytest.raises(sqlite.OperationalError):
        migrations.apply(conn, migrations.available(bad)[0], None)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0


def test_migration_files_keep_trigger_bodies_whole():
    statements = migrations.available()[0].statements
    triggers = [s for s in statements if s.startswith("CREATE TRIGGER")]
    assert triggers and all(s.rstrip().endswith("END;") for s in triggers)
