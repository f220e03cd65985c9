"""One bad item never stops sync: a poisoned county decision or reference version coming down, a
bad value going up, and an unexpected error during a run, against a real county server."""

from __future__ import annotations

import json
import logging

import pytest

from station_app.core.ids import new_id, now_iso
from station_app.store import reference_data, sync_state
from station_app.sync import client
from station_app.sync import protocol as p
from tests.helpers import count
from tests.sync_fixtures import TODAY, approver, county, enrolled, postgres, referred_case  # noqa: F401 (fixtures)


def _feed(county, station_id: str | None, item: dict) -> None:
    """Put an item in the county's feed as it is, as an older server or a bug might have."""
    with county.store.transaction() as conn:
        county.store._feed(conn, station_id, item)


def _reference_record(key: str, value, effective_from: str) -> dict:
    now = now_iso()
    return {"id": new_id(), "station_id": p.COUNTY, "rev": 1, "created_at": now, "updated_at": now,
            "created_by": "县民政局", "updated_by": "县民政局", "deleted": 0, "key": key, "value": value,
            "effective_from": effective_from, "notes": ""}


@pytest.mark.parametrize("poison", [{"decided_on": "下周一"}, {"approved": "false"}, {"decided_on": "2999-01-01"},
                                    {"amount": 2**70}])
def test_a_poisoned_county_decision_is_set_aside_and_pulls_go_on(county, database, store, village, poison):
    enrolled(county, database, "前甸镇")
    case = referred_case(store, village)
    client.sync(database)
    bad = {**p.feed_decision(case["id"], True, 1_000_000, "同意", "县民政局", TODAY.isoformat()), **poison}
    _feed(county, database.station_id, bad)
    county.store.publish_reference("relief_repeat", {"warn_within_days": 90, "block": False}, TODAY.isoformat(), "",
                                   approver())

    report = client.sync(database)  # before: ValueError on every run, the cursor stuck

    assert report.counts["refused"] == 1 and report.counts["received"] == 2
    assert store.get("relief_case", case["id"])["status"] == "county"  # the bad decision changed nothing
    assert reference_data.value(database, "relief_repeat")["warn_within_days"] == 90  # the next item applied
    [refused] = sync_state.rejected_items(database)
    assert refused["direction"] == "down" and refused["record_id"] == case["id"] and refused["reason"]
    assert sync_state.get(database, sync_state.LAST_ERROR) is None
    client.sync(database)  # the refusal goes up with the next pull, and the cursor stays past the item
    [reported] = county.store.feed_rejections(database.station_id)
    assert reported["reason"] == refused["reason"]
    assert count(database, "sync_rejected WHERE reported_at IS NOT NULL") == 1


def test_a_malformed_reference_version_is_ignored_with_a_warning_and_the_old_one_stays(county, database, store,
                                                                                     village, caplog):
    enrolled(county, database, "前甸镇")
    county.store.publish_reference("relief_standard", {"monthly_fen": 80000}, TODAY.isoformat(), "", approver())
    client.sync(database)
    bad = _reference_record("relief_standard", {"monthly_fen": "八百元"}, TODAY.isoformat())  # would be in force
    _feed(county, None, p.feed_record("reference_value", bad, 0))
    good = _reference_record("child_roll_rules", {"warn_days": 45, "exit_age": 16, "term_years": 1}, TODAY.isoformat())
    _feed(county, None, p.feed_record("reference_value", good, 0))

    with caplog.at_level(logging.WARNING, logger="station_app.sync.client"):
        client.sync(database)

    assert reference_data.value(database, "relief_standard")["monthly_fen"] == 80000
    assert reference_data.value(database, "child_roll_rules")["warn_days"] == 45
    [refused] = sync_state.rejected_items(database)
    assert "每人每月标准" in refused["reason"] and "应为整数" in refused["reason"]
    assert any("refused" in r.message for r in caplog.records)


def test_one_bad_value_going_up_is_rejected_and_the_rest_flows(county, database, store, village):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    # An outbox row as an older version's store let through: a rule whose JSON is a bare string.
    bad = {**_reference_record("relief_tiers", "三档", "2027-01-01"), "station_id": database.station_id}
    with database.transaction() as conn:
        conn.execute("INSERT INTO reference_value (id, station_id, rev, created_at, updated_at, created_by, updated_by,"
                     " deleted, key, value, effective_from, notes) VALUES (?, ?, 1, ?, ?, 'head', 'head', 0, ?, ?, ?, '')",
                     (bad["id"], bad["station_id"], bad["created_at"], bad["updated_at"], bad["key"], '"三档"',
                      bad["effective_from"]))
        conn.execute("INSERT INTO outbox (change_id, entity, record_id, op, base_rev, rev, payload, created_at)"
                     " VALUES (?, 'reference_value', ?, 'upsert', 0, 1, ?, ?)",
                     (new_id(), bad["id"], json.dumps(bad, ensure_ascii=False), now_iso()))
    later = store.create("village", {"code": "210411101202", "name": "后甸村"})

    report = client.sync(database)  # before: HTTP 500 on every try, the village stuck behind it

    assert (report.counts["rejected"], report.counts["applied"]) == (1, 1)
    assert count(database, "outbox WHERE acked_at IS NULL") == 0
    assert later["id"] in {r["record_id"] for r in county.store.records(entity_name="village")}
    [refused] = sync_state.rejected_items(database)
    assert (refused["direction"], refused["record_id"]) == ("up", bad["id"])
    assert refused["reason"].startswith("内容")


def test_an_unexpected_error_during_sync_is_recorded_not_silent(county, database, store, village, monkeypatch):
    enrolled(county, database, "前甸镇")

    def broken(*_args, **_kwargs):
        raise RuntimeError("磁盘控制器异常")

    monkeypatch.setattr(client, "pull", broken)
    with pytest.raises(RuntimeError):
        client.sync(database)
    assert "RuntimeError" in sync_state.get(database, sync_state.LAST_ERROR)
    assert "磁盘控制器异常" in sync_state.history(database)[0]["error"]


def test_a_long_reason_and_an_unknown_kind_do_not_stop_the_pulls_either(county, database, store, village):
    enrolled(county, database, "前甸镇")
    _feed(county, database.station_id, {"kind": "merge_households", "note": "新版本才有的更新"})
    client.sync(database)
    [refused] = sync_state.rejected_items(database)
    assert "不认识的更新类型" in refused["reason"]
    with database.transaction() as conn:  # a refusal whose reason is longer than the protocol carries
        sync_state.reject_feed_item(conn, {"seq": 99, "kind": p.RECORD}, "原因很长" * 1000)
    client.sync(database)
    reported = county.store.feed_rejections(database.station_id)
    assert [len(r["reason"]) <= p.MAX_REASON for r in reported] == [True, True]
    assert sync_state.get(database, sync_state.LAST_ERROR) is None
