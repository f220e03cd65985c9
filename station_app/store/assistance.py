"""Assistance statuses and household means checks: reading them for a person, a household or a
relief case, and the statuses running out (the due list). Writes are plain records through the
single write path, whose checks (core.assistance) hold the county's list of kinds and a result's
completeness.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from station_app.core import assistance
from station_app.core.entities import entity
from station_app.core.relief_views import Standing
from station_app.store import reference_data
from station_app.store.database import StationDatabase
from station_app.store.record_rows import decode

_STATUS = entity("assistance_status")
_MEANS = entity("means_check")


def kinds_rule(database: StationDatabase, on: dt.date) -> dict[str, Any]:
    return reference_data.value(database, assistance.KINDS, on)


def statuses(database: StationDatabase, *, person_ids: Sequence[str] = (), household_ids: Sequence[str] = ()
             ) -> list[dict[str, Any]]:
    """Living statuses of these people and households, latest start first."""
    rows = database.query(
        "SELECT * FROM assistance_status WHERE deleted = 0 AND (person_id IN (SELECT value FROM json_each(?))"
        " OR household_id IN (SELECT value FROM json_each(?))) ORDER BY starts_on DESC, created_at DESC",
        [_json(person_ids), _json(household_ids)])
    return [decode(_STATUS, r) for r in rows]


def means_checks(database: StationDatabase, household_id: str | None) -> list[dict[str, Any]]:
    """The household's means checks, newest request first."""
    if not household_id:
        return []
    rows = database.query("SELECT * FROM means_check WHERE deleted = 0 AND household_id = ?"
                          " ORDER BY COALESCE(requested_on, authorized_on, created_at) DESC", [household_id])
    return [decode(_MEANS, r) for r in rows]


def adult_members(database: StationDatabase, household_id: str, on: dt.date) -> list[dict[str, Any]]:
    """Members aged 18 or more on `on`: each signs the authorization letter (核对授权书)."""
    born_by = f"{on.year - 18:04d}-{on:%m-%d}"  # compared as text, so 29 February needs no special case
    return database.query("SELECT id, name, id_number, relation_to_head FROM person WHERE household_id = ?"
                          " AND deleted = 0 AND birth_date <= ? ORDER BY birth_date", [household_id, born_by])


def standing(database: StationDatabase, person_id: str, household_id: str | None, on: dt.date) -> Standing:
    found = statuses(database, person_ids=[person_id], household_ids=[household_id] if household_id else [])
    return Standing(found, means_checks(database, household_id), kinds_rule(database, on), on)


def expiring(database: StationDatabase, today: dt.date) -> list[dict[str, Any]]:
    """Statuses that hold today and end within the county's warning days, soonest first, with the
    person or the household they belong to."""
    rule = kinds_rule(database, today)
    until = (today + dt.timedelta(days=int(rule["warn_days"]))).isoformat()
    rows = database.query(
        """SELECT s.*, COALESCE(p.name, h.head_name || '家') AS holder, COALESCE(p.village_id, h.village_id) AS village_id
           FROM assistance_status s LEFT JOIN person p ON p.id = s.person_id AND p.deleted = 0
           LEFT JOIN household h ON h.id = s.household_id AND h.deleted = 0
           WHERE s.deleted = 0 AND s.ends_on >= ? AND s.ends_on <= ? AND s.starts_on <= ?
             AND (p.id IS NOT NULL OR h.id IS NOT NULL)
           ORDER BY s.ends_on""", [today.isoformat(), until, today.isoformat()])
    return [{**r, "kind_label": assistance.kind_label(rule, r["kind"])} for r in rows]


def _json(ids: Sequence[str]) -> str:
    return json.dumps(list(ids))
