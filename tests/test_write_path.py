"""The one write path: record, outbox and audit row together or not at all."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from station_app.core.errors import (
    DuplicatePersonError,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from station_app.core.roles import Actor
from station_app.store import audit_log, users
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter, person_ids
from station_app.store.records import RecordStore
from station_app.store.relief import balance
from tests.helpers import count

ROOT = Path(__file__).resolve().parent.parent
ZHANG = {"name": "张三", "id_number": "11010519491231002X"}


def totals(database):
    return {t: count(database, t) for t in ("person", "outbox", "audit_log")}


def test_create_writes_the_record_its_outbox_change_and_an_audit_entry(database, store, village):
    before = totals(database)
    person = store.create("person", {**ZHANG, "village_id": village["id"]})

    assert totals(database) == {"person": before["person"] + 1, "outbox": before["outbox"] + 1,
                                "audit_log": before["audit_log"] + 1}
    change = database.query("SELECT * FROM outbox ORDER BY seq DESC LIMIT 1")[0]
    payload = json.loads(change["payload"])
    assert (change["entity"], change["record_id"], change["op"], change["base_rev"], change["rev"]) == (
        "person", person["id"], "upsert", 0, 1)
    assert change["acked_at"] is None
    assert payload["name"] == "张三" and payload["station_id"] == database.station_id and payload["deleted"] == 0
    entry = database.query("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")[0]
    assert (entry["username"], entry["action"], entry["change_id"]) == ("head", "create", change["change_id"])
    assert json.loads(entry["changes"])["name"] == [None, "张三"]


def test_update_records_base_rev_and_which_fields_changed_from_what_to_what(database, store):
    person = store.create("person", ZHANG)
    updated = store.update("person", person["id"], {"phone": "13904130001"}, base_rev=1)

    assert updated["rev"] == 2
    change = database.query("SELECT base_rev, rev FROM outbox ORDER BY seq DESC LIMIT 1")[0]
    assert change == {"base_rev": 1, "rev": 2}
    assert store.history("person", person["id"])[-1]["changes"] == {"phone": [None, "13904130001"]}


def test_saving_without_a_change_writes_nothing(database, store):
    person = store.create("person", ZHANG)
    before = totals(database)
    store.update("person", person["id"], {"name": " 张三 "}, base_rev=1)
    assert totals(database) == before


def test_an_edit_started_from_an_old_revision_is_refused_not_overwritten(database, store):
    person = store.create("person", ZHANG)
    store.update("person", person["id"], {"phone": "13904130001"}, base_rev=1)
    before = totals(database)
    with pytest.raises(StaleRecordError, match="已被修改"):
        store.update("person", person["id"], {"phone": "13904130002"}, base_rev=1)
    assert totals(database) == before
    assert store.get("person", person["id"])["phone"] == "13904130001"


def test_delete_is_a_tombstone_that_syncs_and_leaves_search(database, store):
    person = store.create("person", ZHANG)
    store.delete("person", person["id"], base_rev=1)

    row = store.get("person", person["id"], include_deleted=True)
    assert (row["deleted"], row["rev"]) == (1, 2)
    assert database.scalar("SELECT op FROM outbox ORDER BY seq DESC LIMIT 1") == "delete"
    assert person_ids(database, PersonFilter(text="张三")) == []
    # The number is free again: the same person may be registered anew.
    assert store.create("person", ZHANG)["id"] != person["id"]


def test_a_record_still_referenced_is_not_deleted(database, store, village):
    person = store.create("person", {**ZHANG, "village_id": village["id"]})
    profile = store.create("elder_profile", {"person_id": person["id"], "categories": ["alone"], "status": "active"})
    before = totals(database)
    with pytest.raises(PermissionDenied, match="仍被其他记录引用：特殊困难老年人档案1条（老年人）"):
        store.delete("person", person["id"], person["rev"])
    with pytest.raises(PermissionDenied, match="人员1条（所属村（社区））"):
        store.delete("village", village["id"], village["rev"])
    assert totals(database) == before
    store.delete("elder_profile", profile["id"], profile["rev"])
    store.delete("person", person["id"], person["rev"])  # nothing points at it any more


def test_a_write_that_fails_half_way_leaves_no_record_outbox_or_audit_row(database, store, monkeypatch):
    before = totals(database)

    def broken_append(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(audit_log, "append", broken_append)  # fails after record and outbox are written
    with pytest.raises(OSError):
        store.create("person", ZHANG)
    assert totals(database) == before
    assert count(database, "person_search") == 0


def test_a_process_killed_in_the_middle_of_a_save_leaves_nothing_half_written(data_dir, database, head):
    """Really crash: the child process dies (os._exit) after the rows and outbox are written but
    before the transaction commits, as when the PC is switched off."""
    before = totals(database)
    script = textwrap.dedent(f"""
        import os
        from station_app.core.roles import Actor
        from station_app.store import audit_log
        from station_app.store.database import StationDatabase
        from station_app.store.records import RecordStore
        db = StationDatabase.open({str(database.path)!r}, bytes.fromhex({database.key.hex()!r}))
        def die(conn, actor, events):
            conn.execute("SELECT 1")  # the people and outbox rows are in the open transaction now
            os._exit(9)
        audit_log.append = die
        people = [{{"name": "李" + str(i), "gender": "F", "birth_date": "1950-01-01"}} for i in range(500)]
        RecordStore(db, Actor({head.user_id!r}, "head", "王站长", "head")).create_many("person", people)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 9, result.stderr

    reopened = StationDatabase.open(database.path)
    assert totals(reopened) == before
    assert audit_log.first_broken(reopened.conn) is None


def test_a_viewer_write_is_refused_by_the_store(database, store):
    viewer_row = users.create_user(database, store.actor, "guest", "督导", "viewer", "viewer-pass1")
    viewer = Actor(viewer_row["id"], "guest", "督导", "viewer")
    person = store.create("person", ZHANG)
    before = totals(database)
    viewer_store = RecordStore(database, viewer)
    for attempt in (lambda: viewer_store.create("person", {"name": "李四", "gender": "M", "birth_date": "1990-01-01"}),
                    lambda: viewer_store.update("person", person["id"], {"phone": "13904130001"}, 1),
                    lambda: viewer_store.delete("person", person["id"], 1)):
        with pytest.raises(PermissionDenied, match="只读"):
            attempt()
    assert totals(database) == before
    assert viewer_store.get("person", person["id"])["name"] == "张三"  # reading is allowed


def test_registering_a_known_id_number_points_at_the_existing_person(store):
    first = store.create("person", ZHANG)
    with pytest.raises(DuplicatePersonError, match="已登记为「张三」") as caught:
        store.create("person", {"name": "张叁", "id_number": "11010519491231002x"})
    assert caught.value.existing_id == first["id"]


def test_a_batch_is_all_or_nothing(database, store):
    before = totals(database)
    batch = [{"name": f"王{i}", "gender": "M", "birth_date": "1980-01-01"} for i in range(20)]
    batch[13]["birth_date"] = "1980-02-30"
    with pytest.raises(ValidationError):
        store.create_many("person", batch)
    assert totals(database) == before


def test_references_must_exist(store):
    with pytest.raises(ValidationError) as caught:
        store.create("person", {**ZHANG, "village_id": "no-such-village"})
    assert caught.value.errors == {"village_id": "所属村（社区）不存在或已被删除，请重新选择"}


def test_reserve_fund_never_goes_below_zero_and_entries_are_never_edited(database, store):
    entry = {"kind": "topup", "amount": "2000", "reason": "年初拨付备用金", "entry_date": "2026-01-05"}
    topup = store.create("reserve_fund_entry", entry)
    store.create("reserve_fund_entry", {**entry, "kind": "adjust_out", "amount": "1500", "reason": "冲正多记的拨入"})
    with pytest.raises(ValidationError, match="备用金余额不足：当前余额 500.00 元，本笔支出 600.00 元"):
        store.create("reserve_fund_entry", {**entry, "kind": "adjust_out", "amount": "600", "reason": "冲正"})
    assert balance(database) == 50000
    with pytest.raises(PermissionDenied, match="只能新增"):
        store.update("reserve_fund_entry", topup["id"], {"amount": "9000"}, 1)
    with pytest.raises(PermissionDenied, match="只能新增"):
        store.delete("reserve_fund_entry", topup["id"], 1)
    with pytest.raises(Exception, match="append-only"):  # even raw SQL cannot edit the ledger
        database.conn.execute("UPDATE reserve_fund_entry SET amount = 1")


def test_records_carry_the_system_fields_sync_needs(store):
    person = store.create("person", ZHANG)
    assert person["id"][14] == "7"  # UUID version 7: time-ordered
    assert set(person) >= {"station_id", "rev", "created_at", "updated_at", "created_by", "updated_by", "deleted"}
    later = store.create("person", {"name": "李四", "gender": "M", "birth_date": "1990-01-01"})
    assert later["id"] > person["id"]


def test_a_second_connection_sees_a_committed_write_at_once(database, store):
    store.create("person", ZHANG)
    other = StationDatabase.open(database.path, check=False)
    assert other.scalar("SELECT name FROM person") == "张三"
