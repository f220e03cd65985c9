"""Reading the program lists: children, elderly people on the rounds, and relief cases.

Like the people list, a list query returns only the ordered ids of the matching records, and the
list model fetches the rows it shows a page at a time with `program_rows`. A program record is
shown with the person it is about (name, age, village), and for the two visiting programs with
the date of the latest visit and the next-due date that visit set.

The typed search is the people search itself (`people.person_ids`), so a child is found by
exactly what finds the child on the people list. At 100,000 people (13,000 children) a list
query takes 30-60 ms, a page of rows under 10 ms.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core.entities import ENTITIES
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter, person_ids
from station_app.store.record_rows import decode


@dataclass(frozen=True)
class Program:
    table: str
    visits: bool  # visited on a schedule: show the latest visit and the next-due date
    sortable: dict[str, str]  # sort keys of this program beyond the common ones, mapped to SQL


_RISK_ORDER = "CASE r.risk_level WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
PROGRAMS = {
    "child": Program("child_profile", True, {"category": "r.category", "risk_level": _RISK_ORDER}),
    "elder": Program("elder_profile", True, {"ability_level": "r.ability_level", "risk_level": _RISK_ORDER}),
    "relief": Program("relief_case", False, {"case_type": "r.case_type", "applied_on": "r.applied_on",
                                             "amount_approved": "r.amount_approved",
                                             "paperwork_due": "r.paperwork_due"}),
}
_COMMON_SORTS = {"name": "p.sort_name", "birth_date": "p.birth_date", "village": "v.name", "status": "r.status"}


def _visit_columns(program: str) -> dict[str, str]:
    """SQL for the latest visit of `program` to the record's person and the next-due date it set.
    Both read the visit_latest index (person, program, date, next-due) alone: a few entries per person."""
    latest = (f"FROM visit v WHERE v.person_id = r.person_id AND v.program = '{program}' AND v.deleted = 0"
              " ORDER BY v.visit_date DESC LIMIT 1")
    return {"last_visit": f"(SELECT v.visit_date {latest})", "next_due": f"(SELECT v.next_due {latest})"}


def _sorts(program: str) -> dict[str, str]:
    spec = PROGRAMS[program]
    return {**_COMMON_SORTS, **spec.sortable, **(_visit_columns(program) if spec.visits else {})}


Condition = tuple[str, Sequence[Any]]  # SQL on the record `r` and person `p`, with its parameters


def overdue(program: str, day: dt.date) -> Condition:
    """Overdue a visit of `program` on `day`: the latest visit's next-due date is before it (no
    date set: never due), or, never visited, the person was on the roll before it. The roll counts
    from its 纳入日期 as the work recorded it (a child entered last spring and never visited is long
    overdue, even if typed in today); from the day the record was made only where it has none."""
    latest = (f"FROM visit v WHERE v.person_id = r.person_id AND v.program = '{program}' AND v.deleted = 0"
              " ORDER BY v.visit_date DESC, v.created_at DESC LIMIT 1")
    return (f"COALESCE((SELECT COALESCE(v.next_due, '~') {latest}), r.entered_on, substr(r.created_at, 1, 10)) < ?",
            [day.isoformat()])


def program_ids(database: StationDatabase, program: str, flt: PersonFilter,
                conditions: Sequence[Condition] = ()) -> list[str]:
    """Ids of the program's living records about living people matching `flt` and every one of
    the program's own `conditions` (e.g. a category), in display order."""
    matching = None
    if flt.text.strip():
        matching = person_ids(database, PersonFilter(text=flt.text))
        if not matching:
            return []
    sql, params = _ids_sql(program, flt, matching, conditions)
    return [r[0] for r in database.conn.execute(sql, params)]


def _ids_sql(program: str, flt: PersonFilter, matching: list[str] | None,
            conditions: Sequence[Condition] = ()) -> tuple[str, list[Any]]:
    """The list query. The records drive it (CROSS JOIN keeps SQLite from walking all 100,000
    people in name order to find the few thousand children); a typed search arrives as the
    matching person ids, looked up through the record table's person index."""
    where, params = ["r.deleted = 0"], []
    for condition, values in conditions:
        where.append(condition)
        params.extend(values)
    if matching is not None:
        where.append("r.person_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(matching))
    if flt.village_id:
        where.append("p.village_id = ?")
        params.append(flt.village_id)
    direction = " DESC" if flt.descending else ""
    order = _sorts(program).get(flt.sort, "p.sort_name")
    join = "LEFT JOIN village v ON v.id = p.village_id" if flt.sort == "village" else ""
    sql = (f"SELECT r.id FROM {PROGRAMS[program].table} r CROSS JOIN person p ON p.id = r.person_id AND p.deleted = 0"
           f" {join} WHERE {' AND '.join(where)} ORDER BY {order}{direction}, p.sort_name{direction}, r.id{direction}")
    return sql, params


def program_rows(database: StationDatabase, program: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """List rows for the given record ids, keyed by id: the record (decoded), its person's name,
    gender, birth date, ID number and village (none of the programs has fields of these names),
    and for visiting programs the latest visit's date and the next-due date it set."""
    if not ids:
        return {}
    spec = PROGRAMS[program]
    visits = "".join(f", {sql} AS {name}" for name, sql in _visit_columns(program).items()) if spec.visits else ""
    rows = database.query(
        f"""SELECT r.*, p.name, p.gender, p.birth_date, p.id_number, p.village_id,
                   v.name AS village_name {visits}
            FROM {spec.table} r JOIN person p ON p.id = r.person_id
            LEFT JOIN village v ON v.id = p.village_id
            WHERE r.id IN ({', '.join('?' * len(ids))})""",
        list(ids),
    )
    extras = ("name", "gender", "birth_date", "id_number", "village_id", "village_name", "last_visit", "next_due")
    entity = ENTITIES[spec.table]
    return {r["id"]: {**decode(entity, r), **{k: r.get(k) for k in extras}} for r in rows}
