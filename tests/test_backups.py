"""Automatic backups with rotation, and restoring: consistent copies, refused wrong files, nothing lost."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from station_app.store import backups, restoring
from station_app.core import retention
from station_app.core.errors import DatabaseError
from station_app.paths import backups_dir
from station_app.store import audit_log, keyring
from station_app.store.database import StationDatabase
from station_app.store.driver import keyed, sqlite
from station_app.store.keyring import keys_path
from station_app.store.records import RecordStore

DAY = dt.timedelta(days=1)


def test_retention_keeps_a_week_of_days_and_a_month_of_weeks():
    now = dt.datetime(2026, 11, 23, 9, 0)
    taken = {f"b{i}": now - i * DAY for i in range(60)}
    taken["again-today"] = now - dt.timedelta(hours=3)
    kept = retention.keep(taken)
    assert {f"b{i}" for i in range(7)} <= kept and "again-today" not in kept
    older = sorted((taken[k] for k in kept - {f"b{i}" for i in range(7)}), reverse=True)
    assert len(older) == 4
    assert len({t.isocalendar()[:2] for t in older}) == 4  # one per week
    assert all(t < now - 6 * DAY for t in older)


def test_an_automatic_backup_a_day_and_old_ones_thinned_out(database, head):
    folder = backups_dir(database.path.parent)
    start = dt.datetime(2026, 9, 1, 8, 30)
    manual = database.backup_to(folder / "station-20260801-120000.db")
    for day in range(60):
        assert backups.automatic_backup(database, now=start + day * DAY) is not None
        assert backups.automatic_backup(database, now=start + day * DAY + dt.timedelta(hours=5)) is None
    autos = backups.automatic_backups(folder)
    assert len(autos) == retention.DAILY + retention.WEEKLY
    assert max(autos.values()) == start + 59 * DAY
    assert all(keys_path(p).exists() for p in autos)  # each copy opens with the key ring beside it
    assert manual.exists()  # made by hand: never thinned out


def test_a_backup_taken_while_another_connection_writes_restores_consistently(database, head, store):
    stop = threading.Event()
    written = []

    def writer():
        own = StationDatabase.open(database.path)
        own_store = RecordStore(own, head)
        while not stop.is_set():
            written.append(own_store.create_many("person", [
                {"name": f"写入{len(written)}-{i}", "gender": "F", "birth_date": "1950-01-01"} for i in range(20)]))
        own.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 5:
        threading.Event().wait(0.01)
    copy = database.backup_to(backups_dir(database.path.parent) / "during-writes.db")
    stop.set()
    thread.join()
    restored_from = copy
    key = database.require_key()
    restoring.restore(database, restored_from)
    again = StationDatabase.open(database.path, key)
    try:
        assert again.integrity_check() == []
        assert audit_log.first_broken(again.conn) is None
        people = again.scalar("SELECT COUNT(*) FROM person")
        assert 0 < people < 20 * len(written) + 1 or people % 20 == 0
        assert people % 20 == 0  # whole batches only: each create_many is one transaction
        assert again.scalar("SELECT COUNT(*) FROM outbox WHERE entity = 'person'") == people
    finally:
        again.close()


def test_restore_keeps_the_current_database_and_brings_back_the_backup(database, head, store):
    store.create("person", {"name": "备份前", "gender": "M", "birth_date": "1950-01-01"})
    copy = database.backup_to(backups_dir(database.path.parent) / "station-x.db")
    store.create("person", {"name": "备份后", "gender": "M", "birth_date": "1950-01-01"})
    info = restoring.inspect(copy, database.require_key(), database.station_id)
    assert (info.station_name, info.people) == ("前甸镇社会工作服务站", 1)
    key = database.require_key()
    kept = restoring.restore(database, copy)
    again = StationDatabase.open(database.path, key)
    names = [r["name"] for r in again.query("SELECT name FROM person")]
    again.close()
    assert names == ["备份前"]
    old = StationDatabase.open(kept, key, check=True)
    assert {r["name"] for r in old.query("SELECT name FROM person")} == {"备份前", "备份后"}
    old.close()


def test_a_backup_from_a_newer_version_is_refused_and_nothing_changes(database, head, store):
    copy = database.backup_to(backups_dir(database.path.parent) / "newer.db")
    conn = sqlite.connect(str(copy))
    keyed(conn, database.require_key())
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="更新版本"):
        restoring.restore(database, copy)
    assert database.scalar("SELECT COUNT(*) FROM station") == 1  # still open, untouched
    assert not list(backups_dir(database.path.parent).glob("before-restore-*"))


def test_another_stations_backup_or_a_stray_file_is_refused(database, head, tmp_path):
    other = StationDatabase.open(tmp_path / "other" / "station.db", keyring.new_key())
    foreign = other.backup_to(tmp_path / "foreign.db")
    other.close()
    with pytest.raises(DatabaseError, match="不是本社工站"):
        restoring.inspect(foreign, database.require_key(), database.station_id)
    stray = tmp_path / "notes.db"
    stray.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseError):
        restoring.inspect(stray, database.require_key(), database.station_id)
