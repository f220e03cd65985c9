"""The county's changes applied as one batch (a pull page, a return bundle, a rebuild) leave the
station exactly as the same changes applied one at a time: the same records, search keys, due
list, kept conflicts and audit entries, and the same answer for each change."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.core.ids import new_id
from station_app.store import audit_log, sync_state
from station_app.sync import client
from station_app.sync import protocol as p
from tests.helpers import county, id_number

TODAY = dt.date(2026, 11, 23)
NAMES = ("王伟", "李娜", "欧阳春")

# One change: (which record, its rev, the base_rev it claims, which name, deleted).
changes = st.lists(st.tuples(st.integers(0, 4), st.integers(1, 4), st.integers(0, 3), st.integers(0, 2),
                             st.booleans()), min_size=1, max_size=12)


class _Undo(Exception):
    """Raised to roll back one way of applying, once its outcome is read."""


def _snapshot(database) -> tuple:
    def rows(sql: str) -> list[tuple]:
        return [tuple(r.values()) for r in database.query(sql)]

    return (rows("SELECT * FROM person ORDER BY id"), rows("SELECT * FROM village ORDER BY id"),
            rows("SELECT key, person_id, sort_name FROM person_search ORDER BY key, person_id"),
            rows("SELECT * FROM due_index ORDER BY kind, person_id, record_id"),
            rows("SELECT entity, record_id, mine, theirs, theirs_rev, fields FROM sync_conflict"
                 " WHERE resolved_at IS NULL ORDER BY entity, record_id"),
            rows("SELECT action, entity, record_id, changes FROM audit_log ORDER BY seq"))


def _outcome(database, apply) -> tuple[list[str], tuple]:
    try:
        with database.transaction():
            statuses = apply()
            outcome = (statuses, _snapshot(database))
            raise _Undo
    except _Undo:
        return outcome


@pytest.fixture
def people(store) -> list[dict]:
    """Two people registered here: their outbox rows are the base a conflict is judged from."""
    return [store.create("person", {"name": NAMES[i], "gender": "male", "birth_date": "1950-01-01",
                                    "id_number": id_number("19500101", 11 + 2 * i)}) for i in range(2)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=changes)
def test_a_batch_of_county_changes_ends_as_the_same_changes_applied_one_by_one(store, village, people, plan):
    fresh = [{**people[0], "id": new_id(), "id_number": None}, {**people[1], "id": new_id(), "id_number": None}]
    records = [*people, *fresh]
    feed = []
    for which, rev, base_rev, name, deleted in plan:
        if which == 4:
            feed.append(("village", {**village, "rev": rev, "name": f"{NAMES[name]}村", "deleted": deleted}, base_rev))
        else:
            feed.append(("person", {**records[which], "rev": rev, "name": NAMES[name], "deleted": deleted}, base_rev))
    remote = county(store)
    together = _outcome(store.database, lambda: remote.apply_remote_many(feed))
    alone = _outcome(store.database, lambda: [remote.apply_remote(*change) for change in feed])
    assert together == alone
    assert audit_log.first_broken(store.database.conn) is None


def test_a_record_the_station_cannot_take_is_set_aside_and_the_rest_of_its_page_applies(store, people):
    """A run of records goes in as one batch; one the database refuses (an ID number a living person
    here has already) is set aside with its reason, as it was when each applied alone."""
    now = "2026-11-23T08:00:00+00:00"

    def person(name: str, number: str | None) -> dict:
        return {**people[0], "id": new_id(), "rev": 1, "created_at": now, "updated_at": now, "name": name,
                "id_number": number, "station_id": store.database.station_id}

    sent = [person("赵一", None), person("钱二", people[1]["id_number"]), person("孙三", None)]
    feed = {"items": [{**p.feed_record("person", record, 0), "seq": seq} for seq, record in enumerate(sent, 1)],
            "cursor": 3, "more": False}
    report = client.Report()

    client.apply_feed(store.database, feed, report)

    assert [store.database.scalar("SELECT COUNT(*) FROM person WHERE id = ?", [r["id"]]) for r in sent] == [1, 0, 1]
    [refused] = sync_state.rejected_items(store.database)
    assert refused["record_id"] == sent[1]["id"] and refused["reason"]
    assert report.counts["refused"] == 1 and report.counts["received"] == 3
    assert sync_state.get_int(store.database, sync_state.CURSOR) == 3
