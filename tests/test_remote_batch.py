"""The county's changes applied as one batch (a pull page, a return bundle, a rebuild) leave the
station exactly as the same changes applied one at a time: the same records, search keys, due
list, kept conflicts and audit entries, and the same answer for each change."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.core.ids import new_id
from station_app.store import audit_log
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
