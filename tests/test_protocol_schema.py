"""The protocol's validators on any input (Hypothesis): every value gets an answer — accepted, or
refused with a Chinese reason — and never an exception; real changes and feed items pass."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.core import reference, schema
from station_app.core.entities import ENTITIES
from station_app.core.errors import ValidationError
from station_app.store import reference_data, sync_state
from station_app.sync import protocol as p

CHINESE = re.compile(r"[\u4e00-\u9fff]")
TODAY = dt.date(2026, 11, 23)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)


def _field_values(entity_name: str) -> st.SearchStrategy[dict]:
    """A record of `entity_name` with any JSON in each of its declared fields."""
    return st.fixed_dictionaries({}, optional={name: json_values for name in ENTITIES[entity_name].field_names})


changes = st.sampled_from(sorted(ENTITIES)).flatmap(lambda name: st.fixed_dictionaries({
    "seq": st.integers(1, 10), "change_id": st.just("c1"), "entity": st.just(name),
    "record_id": st.just("r1"), "op": st.sampled_from(["upsert", "delete"]), "base_rev": st.integers(0, 3),
    "rev": st.just(1), "payload": _field_values(name).map(lambda d: {**d, "id": "r1", "station_id": "s1", "rev": 1})}))


def _answered(problem: str | None) -> None:
    assert problem is None or CHINESE.search(problem), problem


@PROPERTY
@given(changes)
def test_any_change_is_applied_or_rejected_with_a_reason(change):
    _answered(p.change_problem(change))


@PROPERTY
@given(st.dictionaries(st.sampled_from(list(p.CHANGE_KEYS)), json_values))
def test_any_change_shape_is_answered(change):
    _answered(p.change_problem(change))


@PROPERTY
@given(st.sampled_from([p.RECORD, p.DECISION, "other"]), st.dictionaries(st.text(max_size=10), json_values),
       changes)
def test_any_feed_item_is_applied_or_set_aside_with_a_reason(kind, extra, change):
    item = {**extra, **(change if kind == p.RECORD else {}), "seq": 1, "kind": kind}
    _answered(p.feed_item_problem(item, TODAY))


@PROPERTY
@given(st.dictionaries(st.sampled_from(list(p.DECISION_FIELDS)), json_values))
def test_any_decision_body_is_accepted_or_refused_at_a_field(body):
    try:
        p.check_decision(p.check(p.DECISION_BODY, body), TODAY)
    except ValidationError as exc:
        assert exc.errors and all(CHINESE.search(m) for m in exc.errors.values())


@PROPERTY
@given(st.sampled_from(sorted(reference.KEYS)), json_values)
def test_any_reference_value_fits_its_key_or_is_refused_at_a_field(key, value):
    try:
        reference.check(key, value)
    except ValidationError as exc:
        assert exc.errors and all(CHINESE.search(m) for m in exc.errors.values())


@PROPERTY
@given(json_values)
def test_the_signed_request_schemas_answer_any_json(value):
    for message in (p.PUSH_FRAME, p.PULL, p.ENROLL, p.FEED):
        try:
            schema.check(p.signed(message), {"body": value, "signature": value})
        except ValidationError as exc:
            assert all(CHINESE.search(m) for m in exc.errors.values())


def test_what_a_station_really_sends_passes(database, demo_people):
    rows = sync_state.pending_changes(database, 100_000)
    assert len(rows) > 300
    for row in rows:
        assert p.change_problem(p.change_from_outbox(row)) is None, row["entity"]


@pytest.mark.parametrize("key", sorted(reference.KEYS))
def test_the_shipped_rules_pass_as_feed_items(key):
    record = {"id": "r1", "station_id": p.COUNTY, "rev": 1, "deleted": 0, "key": key,
              "value": reference_data.default(key), "effective_from": "2026-01-01"}
    assert p.feed_item_problem({**p.feed_record("reference_value", record, 0), "seq": 1}, TODAY) is None


def test_integers_beyond_what_json_readers_keep_exactly_are_refused():
    with pytest.raises(ValidationError, match="之间"):
        schema.check({"type": "integer"}, 2**70)
    with pytest.raises(ValidationError, match="时区"):
        schema.check({"type": "string", "format": "date-time"}, "2026-11-23T08:00:00")


def test_a_visit_saved_today_on_a_calendar_a_day_ahead_is_accepted_and_a_later_date_refused(database, demo_people):
    """The station keeps Beijing time and the county server may keep UTC: just past midnight the
    station's today is the server's tomorrow. Dated two days ahead of the server, it is refused at
    the field, both ways (a change pushed up, a record sent down)."""
    row = next(r for r in sync_state.pending_changes(database, 100_000) if r["entity"] == "visit")
    change = p.change_from_outbox(row)

    def dated(day: dt.date) -> dict:
        return {**change, "payload": {**change["payload"], "visit_date": day.isoformat()}}

    assert p.change_problem(dated(TODAY + dt.timedelta(days=1)), TODAY) is None
    assert "走访日期" in p.change_problem(dated(TODAY + dt.timedelta(days=2)), TODAY)
    item = {**p.feed_record("visit", dated(TODAY + dt.timedelta(days=1))["payload"], 0), "seq": 1}
    assert p.feed_item_problem(item, TODAY) is None
