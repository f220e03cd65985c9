"""The console's read tables: per kind of record, the fields the county counts and searches, as columns.

The full record stays in `records` as the protocol delivered it; these tables copy the few fields
the overview, the figures and the search read, and are written by `upsert` in the same transaction
as the records themselves (each applied batch, bundle and county edit), so they never disagree.
Two tables are derived rather than copied: each person's search keys (core.search, the station's
own keys: name, pinyin, initials, ID-number tail) and each person's latest visit per program (what
"overdue" starts from, as the station's due list does).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from station_app.core.entities import entity
from station_app.core.fields import BOOL, JSON_KINDS
from station_app.core.search import person_keys, sort_key

# entity -> the fields copied into read_<entity> (besides the SYSTEM_COLUMNS).
READ_COLUMNS: dict[str, tuple[str, ...]] = {
    "village": ("code", "name"),
    "household": ("village_id", "head_name", "address", "phone"),
    "person": ("name", "id_number", "gender", "birth_date", "phone", "village_id", "household_id", "address"),
    "child_profile": ("person_id", "category", "sub_type", "status", "risk_level", "entered_on", "exited_on"),
    "agreement": ("child_profile_id", "signed_date", "expiry_date"),
    "child_report": ("person_id", "urgency", "stage", "reported_at", "step_due"),
    "elder_profile": ("person_id", "categories", "risk_level", "status", "entered_on", "exited_on"),
    "visit": ("program", "person_id", "visit_date", "next_due"),
    "relief_case": ("person_id", "household_id", "case_type", "tier", "household_size", "status", "applied_on",
                    "amount_proposed", "amount_approved", "amount_paid", "paid_on", "advance_amount", "advance_on",
                    "paperwork_due", "approved_on", "case_no"),
    "relief_step": ("relief_case_id", "action", "decided_on"),
    "reserve_fund_entry": ("kind", "amount", "entry_date", "relief_case_id"),
    # What a relief case is decided with: its rigid expenses, the household's means checks and the
    # statuses of the applicant and household (the full records are read from `records`).
    "rigid_expense": ("relief_case_id",),
    "means_check": ("household_id", "relief_case_id", "requested_on", "result_on", "verdict"),
    "assistance_status": ("person_id", "household_id", "kind", "starts_on", "ends_on"),
    # Submitted monthly reports: the figures of each version, and which figures list records (the
    # lists themselves are read from the record when a figure is traced).
    "report_version": ("month", "version", "figures", "reason", "submitted_by", "submitted_at", "digest"),
    "report_figure": ("report_version_id", "key", "entity"),
}
# updated_at: a tombstone's is when the record was deleted (a figure of an earlier month still counts it).
SYSTEM_COLUMNS = ("id", "owner", "deleted", "created_at", "updated_at")
# Columns computed from the record rather than copied: person -> sort_name (pinyin order for lists).
DERIVED: dict[str, dict[str, Callable[[Mapping[str, Any]], Any]]] = {
    "person": {"sort_name": lambda r: sort_key(r.get("name") or "")}}
_CHUNK = 500  # ids per IN (…) list


def live_person(alias: str) -> str:
    """A condition: the person of `alias`'s record is not deleted (as the station's JOIN on live
    people reads it). Deleted people are few and have an index of their own, so this costs a probe
    where a join would read every person of the city."""
    return f"NOT EXISTS (SELECT 1 FROM read_person dp WHERE dp.id = {alias}.person_id AND dp.deleted = 1)"


def columns(entity_name: str) -> tuple[str, ...]:
    return SYSTEM_COLUMNS + READ_COLUMNS[entity_name] + tuple(DERIVED.get(entity_name, {}))


def _upsert_sql(entity_name: str) -> str:
    cols = columns(entity_name)
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols[1:])
    return (f"INSERT INTO read_{entity_name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            f" ON CONFLICT (id) DO UPDATE SET {updates}")


@functools.cache
def _copied_fields(entity_name: str) -> tuple[tuple[str, str], ...]:
    """(name, kind) of each field copied into read_<entity>: looked up once, not for every record."""
    spec = entity(entity_name)
    return tuple((name, spec.field(name).kind) for name in READ_COLUMNS[entity_name])


def _value(kind: str, value: Any) -> Any:
    if kind in JSON_KINDS and value is not None and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if kind == BOOL and value is not None:
        return int(bool(value))
    return value


def _row(entity_name: str, payload: Mapping[str, Any], owner: str) -> tuple[Any, ...]:
    copied = [_value(kind, payload.get(name)) for name, kind in _copied_fields(entity_name)]
    derived = [derive(payload) for derive in DERIVED.get(entity_name, {}).values()]
    return (payload["id"], owner, int(bool(payload.get("deleted"))), payload.get("created_at") or "",
            payload.get("updated_at") or "", *copied, *derived)


def upsert(conn: Any, records: Iterable[tuple[str, Mapping[str, Any], str]]) -> None:
    """Bring the read tables up to date with (entity, payload, owner) records just written."""
    by_entity: dict[str, dict[str, tuple[Any, ...]]] = {}
    people: dict[str, Mapping[str, Any]] = {}
    visited: set[str] = set()
    for entity_name, payload, owner in records:
        if entity_name not in READ_COLUMNS:
            continue
        by_entity.setdefault(entity_name, {})[payload["id"]] = _row(entity_name, payload, owner)
        if entity_name == "person":
            people[payload["id"]] = {**payload, "owner": owner}
        elif entity_name == "visit" and payload.get("person_id"):
            visited.add(payload["person_id"])
    for entity_name, rows in by_entity.items():
        conn.executemany(_upsert_sql(entity_name), list(rows.values()))
    _search_keys(conn, people)
    _latest_visits(conn, sorted(visited))


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _search_keys(conn: Any, people: Mapping[str, Mapping[str, Any]]) -> None:
    for chunk in _chunks(list(people)):
        conn.execute(f"DELETE FROM read_person_key WHERE person_id IN ({', '.join('?' * len(chunk))})", chunk)
    rows = {(key, person_id): p["owner"] for person_id, p in people.items() if not p.get("deleted")
            for key in person_keys(p.get("name") or "", p.get("id_number"))}
    conn.executemany("INSERT INTO read_person_key (key, person_id, owner) VALUES (?, ?, ?)",
                     [(key, person_id, owner) for (key, person_id), owner in rows.items()])


# The latest visit of a person in a program: none later by date, then by time entered, then by id.
_LATEST = """
INSERT INTO read_visit_latest (person_id, program, owner, visit_id, next_due)
SELECT v.person_id, v.program, v.owner, v.id, v.next_due FROM read_visit v
WHERE v.person_id IN ({marks}) AND v.deleted = 0 AND NOT EXISTS (
    SELECT 1 FROM read_visit w WHERE w.person_id = v.person_id AND w.program = v.program AND w.deleted = 0
      AND (w.visit_date > v.visit_date OR (w.visit_date = v.visit_date AND (w.created_at > v.created_at
           OR (w.created_at = v.created_at AND w.id > v.id)))))
"""


def _latest_visits(conn: Any, person_ids: list[str]) -> None:
    for chunk in _chunks(person_ids):
        marks = ", ".join("?" * len(chunk))
        conn.execute(f"DELETE FROM read_visit_latest WHERE person_id IN ({marks})", chunk)
        conn.execute(_LATEST.format(marks=marks), chunk)


def rebuild(conn: Any) -> None:
    """Fill the read tables from every record the server holds (after the migration that makes them)."""
    for entity_name in READ_COLUMNS:
        after = ""
        while True:
            rows = conn.execute("SELECT record_id, owner, payload FROM records WHERE entity = ? AND record_id > ?"
                                " ORDER BY record_id LIMIT 2000", (entity_name, after)).fetchall()
            if not rows:
                break
            upsert(conn, [(entity_name, json.loads(r["payload"]), r["owner"]) for r in rows])
            after = rows[-1]["record_id"]
