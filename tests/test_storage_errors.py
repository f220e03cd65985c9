"""A locked database, a full disk or a read-only file is the environment's doing, not a bug: the
store says so calmly in Chinese (a KnownError, which the UI shows as a message, not as the crash
dialog) and nothing is half-written."""

from __future__ import annotations

import pytest

from station_app.core.errors import KnownError
from station_app.store.database import StationDatabase, connect, connect_readonly
from station_app.store.records import RecordStore
from station_app.store.sqlite_errors import StorageError
from tests.helpers import count

ZHANG = {"name": "张三", "id_number": "11010519491231002X"}


def test_a_database_locked_by_another_connection_is_a_calm_message(database, store):
    other = connect(database.path, database.key)
    other.execute("BEGIN IMMEDIATE")  # another window holds the write lock
    database.conn.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(StorageError, match="正被另一个窗口或程序占用") as caught:
            store.create("person", ZHANG)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert isinstance(caught.value, KnownError)
    assert store.create("person", ZHANG)["name"] == "张三"  # once the other lets go, saving works


def test_a_full_disk_is_a_calm_message_and_nothing_is_half_written(database, store):
    before = {t: count(database, t) for t in ("person", "outbox", "audit_log")}
    pages = database.scalar("PRAGMA page_count")
    database.conn.execute(f"PRAGMA max_page_count = {pages}")  # as if the disk had no room left
    people = [{"name": f"张{i}", "gender": "男", "birth_date": "1960-01-01", "notes": "长" * 1500} for i in range(40)]
    with pytest.raises(StorageError, match="磁盘空间已满"):
        store.create_many("person", people)
    assert {t: count(database, t) for t in before} == before
    database.conn.execute(f"PRAGMA max_page_count = {pages * 1000}")
    assert len(store.create_many("person", people)) == 40


def test_a_read_only_database_file_is_a_calm_message(database, head):
    read_only = StationDatabase(database.path, connect_readonly(database.path, database.key), database.key)
    try:
        with pytest.raises(StorageError, match="数据库文件是只读的"):
            RecordStore(read_only, head).create("person", ZHANG)
    finally:
        read_only.close()


def test_a_bug_in_our_sql_is_still_a_bug(database):
    with pytest.raises(Exception) as caught, database.transaction() as conn:
        conn.execute("SELECT * FROM no_such_table")
    assert not isinstance(caught.value, KnownError)
