"""The county server's SQLite database is encrypted at rest, its key kept apart, its files private."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys

import pytest

from station_app.core.errors import KnownError
from station_app.server import config
from station_app.server.store import backend, migrations
from station_app.server.store.storage import ServerStore
from station_app.sync import client
from tests.sync_fixtures import ROOT, start_server, stop


@pytest.fixture
def county_dir(tmp_path, monkeypatch):
    for name in (config.KEY_ENV, config.KEY_FILE_ENV):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "county"
    folder.mkdir()
    return folder


def _plain_sqlite_reads(path) -> bool:
    try:
        with sqlite3.connect(path) as conn:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False


def test_after_a_sync_neither_county_db_nor_its_wal_shows_personal_data(county_dir, database, demo_people):
    people = database.query("SELECT name, id_number, phone FROM person WHERE id_number IS NOT NULL")
    url, process = start_server(county_dir)
    try:
        server = ServerStore(county_dir / "county.db")
        client.enroll(database, url, server.create_station("前甸镇"))
        client.sync(database)
        db, wal = county_dir / "county.db", county_dir / "county.db-wal"
        assert wal.stat().st_size > 0  # the server still runs: the batches sit in the WAL
        data = db.read_bytes() + wal.read_bytes()
        for person in people:
            for value in (person["id_number"], person["name"], person["phone"]):
                assert not value or value.encode() not in data, value
        assert not _plain_sqlite_reads(db)
        assert len(server.records(owner=database.station_id, entity_name="person")) == len(
            database.query("SELECT id FROM person"))  # while the server with the key reads them all
        server.close()
        private = [p for p in county_dir.rglob("*") if p.is_file() and "unused" not in p.parts]  # (station's log)
        # (No admin.token any more: county people's API tokens are kept hashed in the database.)
        assert {p.name for p in private} >= {"county.db", "county.db-wal", "county.db.key", "county.keys.json",
                                             "server.jsonl"}
        for path in private:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    finally:
        stop(process)


def test_a_plaintext_county_db_from_the_previous_version_is_converted(county_dir):
    db = county_dir / "county.db"
    with sqlite3.connect(db) as conn:  # what the previous version left: plain SQLite (version 1), mode 0644
        for statement in migrations.statements(migrations.available()[0], backend.Backend()):
            conn.execute(statement)
        conn.execute("INSERT INTO stations (name, code_hash, created_at) VALUES ('前甸镇', 'x', '2026-01-01')")
    db.chmod(0o644)

    server = ServerStore(db, backup_folder=county_dir / "backups")  # converted first, then backed up and upgraded
    assert [s["name"] for s in server.stations()] == ["前甸镇"]
    server.close()
    [backup] = (county_dir / "backups").iterdir()
    for path in (db, backup):
        assert not _plain_sqlite_reads(path) and "前甸镇".encode() not in path.read_bytes()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex((county_dir / "county.db.key").read_text())) == 32


def test_without_its_key_the_database_stays_shut(county_dir, tmp_path, monkeypatch):
    stick = tmp_path / "usb" / "county.db.key"
    stick.parent.mkdir()
    ServerStore(county_dir / "county.db", key_file=stick).close()  # the key made on the stick, not beside the database
    assert not (county_dir / "county.db.key").exists()
    with pytest.raises(KnownError, match="找不到县服务器数据库的密钥文件"):
        ServerStore(county_dir / "county.db")
    monkeypatch.setenv(config.KEY_FILE_ENV, str(stick))
    ServerStore(county_dir / "county.db").close()
    monkeypatch.delenv(config.KEY_FILE_ENV)
    monkeypatch.setenv(config.KEY_ENV, "00" * 32)
    with pytest.raises(KnownError, match="密钥不对"):
        ServerStore(county_dir / "county.db")
    monkeypatch.setenv(config.KEY_ENV, stick.read_text().strip())
    ServerStore(county_dir / "county.db").close()


def test_the_county_commands_take_the_key_file(county_dir, tmp_path):
    stick = tmp_path / "usb" / "county.db.key"
    command = [sys.executable, "main.py", "server", "--dir", str(county_dir), "--key-file", str(stick)]
    made = subprocess.run([*command, "create-station", "前甸镇"], cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0 and stick.exists(), made.stderr
    refused = subprocess.run([sys.executable, "main.py", "server", "--dir", str(county_dir), "stations"],
                             cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 2 and "--key-file" in refused.stderr + refused.stdout
    listed = subprocess.run([*command, "stations"], cwd=ROOT, capture_output=True, text=True)
    assert "前甸镇\t待登记" in listed.stdout
