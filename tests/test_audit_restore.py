"""Restoring a backup older than the last sync (issue 20, point 1): the station's audit log goes on
without a false tampering alarm. The next sync takes back from the county the entries the backup
lacks, the entries written since the restore follow them after a checkpoint, and the county accepts
the continued chain; the records' outbox, numbered behind the county's high water, is accepted too."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.core.errors import KnownError
from station_app.core.jobs import JobState
from station_app import paths
from station_app.jobs import accounts, admin, moving
from station_app.paths import backups_dir
from station_app.server.bundles import import_bundle
from station_app.server.store import station_audit
from station_app.store import audit_log
from station_app.store.database import StationDatabase, forget_keys
from station_app.store.records import RecordStore
from station_app.sync import audit_feed, bundles, client
from station_app.sync import protocol as p
from tests.conftest import HEAD_PASSWORD
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)
from tests.test_audit_sync import JSON, chain, entries, held


def restored(database: StationDatabase, backup) -> StationDatabase:
    """File → 从备份恢复, then the station opened again."""
    path, key = database.path, database.require_key()
    admin.restore(JobState(), path, key, backup)
    database.close()
    return StationDatabase.open(path, key)


def assert_continued(county, again: StationDatabase, synced: list[dict], work: dict) -> None:
    """After the sync: the county's entries the backup lacked came back verbatim, a checkpoint, then the
    entries written since the restore; `check` passes; the county holds each entry once, refused none,
    and has the record written since (the outbox, numbered behind its high water)."""
    log = entries(again)
    assert log[: len(synced)] == synced  # what the backup lacked came back verbatim
    checkpoint = log[len(synced)]
    assert checkpoint["action"] == audit_log.RESTORED
    assert json.loads(checkpoint["changes"])["restored_through"] == len(synced)
    assert any(e["record_id"] == work["id"] for e in log[len(synced) + 1:])  # written since, held back, then chained
    assert admin.check_database(again, JobState()).ok
    assert held(county.store, again.station_id) == log  # every entry once
    assert not station_audit.refusals(county.store, again.station_id)
    assert county.store.read("SELECT 1 FROM records WHERE record_id = ?", (work["id"],))  # the outbox went too


def test_an_older_backup_restored_syncs_on_without_a_tampering_alarm(county, database, head, store, village):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    backup = database.backup_to(backups_dir(database.path.parent) / "yesterday.db")
    store.create("village", {"code": "210411101202", "name": "后甸村"})
    client.sync(database)
    synced = entries(database)  # the county holds these; the backup ends before them

    again = restored(database, backup)
    work = RecordStore(again, head).create("village", {"code": "210411101203", "name": "恢复后村"})
    client.sync(again)

    assert_continued(county, again, synced, work)
    again.close()


def on_a_new_pc(stick, tmp_path) -> tuple[StationDatabase, RecordStore]:
    """The first-start window's 从备份恢复 from `stick`, then logged in as the head."""
    new_pc = tmp_path / "new-pc"
    new_pc.mkdir()
    moving.restore_backup(JobState(), moving.locate(stick), moving.Unlock("head", HEAD_PASSWORD), new_pc)
    forget_keys()
    again, actor = accounts.log_in(paths.database_path(new_pc), "head", HEAD_PASSWORD)
    return again, RecordStore(again, actor)


def test_yesterdays_backup_on_a_new_pc_syncs_on_without_a_tampering_alarm(county, database, head, store, village,
                                                                         tmp_path):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    database.backup_to(tmp_path / "usb" / "station-20261101-090000.db")
    store.create("village", {"code": "210411101202", "name": "后甸村"})
    client.sync(database)
    synced = entries(database)
    again, work_store = on_a_new_pc(tmp_path / "usb", tmp_path)
    work = work_store.create("village", {"code": "210411101203", "name": "新电脑村"})
    client.sync(again)
    assert_continued(county, again, synced, work)
    again.close()


def test_a_current_backup_on_a_new_pc_adds_only_a_checkpoint(county, database, head, store, village, tmp_path):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    synced = entries(database)
    database.backup_to(tmp_path / "usb" / "station-20261101-090000.db")
    again, work_store = on_a_new_pc(tmp_path / "usb", tmp_path)  # it cannot know the county holds no more
    work = work_store.create("village", {"code": "210411101203", "name": "新电脑村"})
    client.sync(again)
    assert_continued(county, again, synced, work)
    again.close()


def by_usb(county, database: StationDatabase, folder) -> None:
    """A bundle to the county and its return bundle back."""
    path, _ = bundles.export_bundle(database, folder)
    returned = folder / "return.stbundle"
    returned.write_bytes(import_bundle(county.store, county.keys, path.read_bytes()).return_bundle)
    bundles.import_return(database, returned)


def test_an_older_backup_restored_offline_takes_its_history_back_by_usb_bundle(county, database, head, store,
                                                                               village, tmp_path):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    backup = database.backup_to(backups_dir(database.path.parent) / "yesterday.db")
    store.create("village", {"code": "210411101202", "name": "后甸村"})
    client.sync(database)
    synced = entries(database)

    again = restored(database, backup)
    work = RecordStore(again, head).create("village", {"code": "210411101203", "name": "恢复后村"})
    by_usb(county, again, tmp_path / "usb-1")  # its return bundle brings the history back
    assert not station_audit.refusals(county.store, again.station_id)
    by_usb(county, again, tmp_path / "usb-2")  # the next carries the continued chain
    assert_continued(county, again, synced, work)
    again.close()


def test_a_backup_not_older_than_the_last_sync_restores_as_before(county, database, head, store, village):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    backup = database.backup_to(backups_dir(database.path.parent) / "today.db")
    store.create("village", {"code": "210411101202", "name": "后甸村"})  # never synced: gone with the restore

    again = restored(database, backup)
    RecordStore(again, head).create("village", {"code": "210411101203", "name": "恢复后村"})
    client.sync(again)
    log = entries(again)
    assert not any(e["action"] == audit_log.RESTORED for e in log)
    assert held(county.store, again.station_id) == log
    assert not station_audit.refusals(county.store, again.station_id)
    again.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=JSON, edits=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(p.AUDIT_KEYS), JSON), max_size=2),
       first=st.integers(-1, 1), more=st.booleans())
def test_a_returned_history_page_that_does_not_hold_up_changes_nothing(database, head, garbage, edits, first, more):
    with database.transaction() as conn:
        audit_log.hold_back(conn)
    tip = audit_log.tip(database.conn)
    page = chain(4, (tip[0] + first, tip[1]))  # starting too early, right after the tip, or leaving a gap
    for index, key, value in edits:
        page[index] = {**page[index], key: value}
    for answer in (garbage, {"entries": page, "more": more, "through": tip[0] + 4, "last_at": None}):
        before = entries(database)
        try:
            audit_feed.take_page(database, answer)
        except KnownError:
            assert entries(database) == before
        assert audit_log.first_broken(database.conn) is None  # whatever came back, one intact chain
