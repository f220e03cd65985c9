"""The compiled schema check (core.schema.fits) passes exactly what the worded check passes.

The server answers every change of every push with the compiled predicate first and words the
refusal only when it fails, so the two must never disagree: a value one accepts and the other
refuses would be a change applied that should have been rejected, or the reverse. Messages from
outside (push frames, changes, feed items, enrollment, decisions, reference data) are checked on
arbitrary JSON and on valid messages with one part replaced by arbitrary JSON.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from station_app.core import reference, schema
from station_app.sync import protocol as p

SCHEMAS = {"change": p.CHANGE, "push": p.PUSH_FRAME, "pull": p.PULL, "enroll": p.ENROLL, "rebuild": p.REBUILD,
           "decision": p.DECISION_REQUEST, "feed record": p.FEED_ITEMS[p.RECORD], "feed": p.FEED,
           **{f"reference {key}": value for key, value in reference.SCHEMAS.items()}}
ID = "0190a5a0-0000-7000-8000-000000000001"
VALID_CHANGE = {"seq": 3, "change_id": ID, "entity": "person", "record_id": ID, "op": "upsert", "base_rev": 0,
                "rev": 1, "payload": {"id": ID, "station_id": ID, "rev": 1, "deleted": 0, "name": "王芳"}}

json_values = st.recursive(
    st.none() | st.booleans() | st.sampled_from([0, 1, 2, -1, 2**53 - 1, 2**53, -2**53, 1.0, 2.5])
    | st.integers(-2**60, 2**60) | st.floats(allow_nan=True) | st.text(max_size=70)
    | st.sampled_from(["", ID, "person", "upsert", "2026-03-05", "2026-03-05T08:00:00+08:00", "A" * 43 + "=",
                       "ab12cd34ef", "county/x", "station/12"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from([*VALID_CHANGE, "after_seq", "changes", "kind", "extra", "items", "cursor"]) | st.text(max_size=8),
        inner, max_size=6),
    max_leaves=20)


def _agree(message_schema: dict[str, Any], value: Any) -> None:
    assert schema.fits(message_schema)(value) == (not schema.errors(message_schema, value)), value


def _replaced(where: str, value: Any, drop: bool = False) -> dict[str, Any]:
    """VALID_CHANGE with the part at `where` ("rev", "payload.id") set to `value`, or dropped."""
    change = {**VALID_CHANGE, "payload": dict(VALID_CHANGE["payload"])}
    target, key = (change["payload"], where.removeprefix("payload.")) if "." in where else (change, where)
    if drop:
        target.pop(key)
    else:
        target[key] = value
    return change


PARTS = [*VALID_CHANGE, *(f"payload.{k}" for k in VALID_CHANGE["payload"])]
# Each bound and type the change's schema draws: below, at and above them, and the wrong kinds.
EDGES = [0, 1, -1, 2, True, False, 2**53 - 1, 2**53, 1.5, float("nan"), None, "", "x", "含 空格", "a" * 65, [], {},
         ID, "upsert", "delete", "person"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(SCHEMAS)), json_values)
def test_any_json_is_passed_by_the_compiled_check_exactly_when_the_worded_check_finds_nothing(name, value):
    _agree(SCHEMAS[name], value)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(PARTS), json_values, st.booleans())
def test_a_change_with_one_part_replaced_or_dropped_is_judged_alike_by_both_checks(where, value, drop):
    change = _replaced(where, value, drop)
    _agree(p.CHANGE, change)
    _agree(p.PUSH_FRAME["properties"]["batch"], {"after_seq": 2, "changes": [VALID_CHANGE, change]})


def test_a_valid_change_passes_and_a_bool_is_not_a_revision():
    assert schema.fits(p.CHANGE)(VALID_CHANGE)
    assert not schema.fits(p.CHANGE)({**VALID_CHANGE, "rev": True})
    assert not schema.fits(p.CHANGE)({**VALID_CHANGE, "payload": {**VALID_CHANGE["payload"], "id": "含空格 的编号"}})


def test_every_part_of_a_change_at_its_edges_is_judged_alike_by_both_checks():
    for where in PARTS:
        for value in EDGES:
            _agree(p.CHANGE, _replaced(where, value))


@given(text=st.sampled_from(["", "station/12", "county/x", "ab12cd34ef"]), tail=st.sampled_from(["\n", "\r\n", " "]))
def test_a_pattern_ends_where_the_text_ends_as_json_schema_reads_it(text, tail):
    """Python's `$` also matches before a final newline; a pattern's `$` must not (a cursor "\\n" got
    past the rebuild request's check and broke the page it asked for)."""
    for declared in (p.REBUILD_CURSOR, p.NONCE):
        assert not schema.fits(declared)(text + tail) and schema.errors(declared, text + tail)
