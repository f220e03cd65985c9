"""What the two visiting programs (children, the elderly) share in the store: one active profile
per person, and visits whose next-due date the program's rule proposes.

Writes go through `RecordStore` (record + outbox + audit in one transaction) like every change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from station_app.core.entities import ENTITIES
from station_app.core.errors import ValidationError
from station_app.core.fields import parse_date
from station_app.store.database import StationDatabase
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore

# (the visit as it will be saved, its date) -> the next-due date the program's rule gives
DueRule = Callable[[Mapping[str, Any], dt.date], dt.date]


def active_profile(database: StationDatabase, table: str, person_id: str) -> dict[str, Any] | None:
    rows = database.query(f"SELECT * FROM {table} WHERE person_id = ? AND deleted = 0 AND status = 'active'"
                          " ORDER BY created_at DESC LIMIT 1", [person_id])
    return decode(ENTITIES[table], rows[0]) if rows else None


def profile_of(database: StationDatabase, table: str, person_id: str) -> dict[str, Any] | None:
    """The person's profile (the active one, else the latest), or None."""
    rows = database.query(f"SELECT * FROM {table} WHERE person_id = ? AND deleted = 0"
                          " ORDER BY status = 'active' DESC, created_at DESC LIMIT 1", [person_id])
    return decode(ENTITIES[table], rows[0]) if rows else None


def save_profile(store: RecordStore, table: str, values: Mapping[str, Any], record: Mapping[str, Any] | None,
                 duplicate_message: str) -> dict[str, Any]:
    """Create or update a profile. One active profile per person: a second one would put the
    person on the program's list (and the due list) twice."""
    person_id = values.get("person_id") or (record or {}).get("person_id")
    if values.get("status", (record or {}).get("status")) == "active" and person_id:
        current = active_profile(store.database, table, person_id)
        if current is not None and (record is None or current["id"] != record["id"]):
            raise ValidationError({"person_id": duplicate_message})
    if record is None:
        return store.create(table, values)
    return store.update(table, record["id"], values, record["rev"])


def save_visit(store: RecordStore, program: str, values: Mapping[str, Any], record: Mapping[str, Any] | None,
               rule: DueRule) -> dict[str, Any]:
    """Record (or correct) a visit of `program`. Without a next-due date typed in, the rule gives
    it; a date typed in is kept (a worker may plan the next visit earlier)."""
    data = {**(record or {}), **values, "program": program}
    if not data.get("next_due") and data.get("visit_date") and data.get("person_id"):
        try:
            day = data["visit_date"] if isinstance(data["visit_date"], dt.date) else parse_date(str(data["visit_date"]))
        except ValueError:
            pass  # validation names the bad date at its field
        else:
            data["next_due"] = rule(data, day)
    if record is None:
        return store.create("visit", data)
    return store.update("visit", record["id"], data, record["rev"])


def person_visits(database: StationDatabase, program: str, person_id: str) -> list[dict[str, Any]]:
    """The person's visits of `program`, newest first."""
    rows = database.query("SELECT * FROM visit WHERE person_id = ? AND program = ? AND deleted = 0"
                          " ORDER BY visit_date DESC, created_at DESC", [person_id, program])
    return [decode(ENTITIES["visit"], r) for r in rows]


def truthy(value: Any) -> bool:
    """A yes/no as forms and imports give it."""
    return value not in (None, 0, False, "", "0", "否", "无")
