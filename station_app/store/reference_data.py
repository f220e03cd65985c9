"""Reading and changing county reference data (see core.reference).

Versions are `reference_value` records written through the single write path, so a change made
at the station is audited and syncs, and a version pushed down by the county arrives the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from station_app.core import reference
from station_app.core.reference import default
from station_app.store.database import StationDatabase

if TYPE_CHECKING:  # the write path reads rules from here while it checks a write
    from station_app.store.records import RecordStore

ENTITY = "reference_value"


def value(database: StationDatabase, key: str, on: dt.date | None = None) -> Any:
    """The value of `key` in force on `on` (today if not given): the newest version, else the default."""
    return values(database, [key], on or dt.date.today())[key]


def values(database: StationDatabase, keys: Sequence[str], on: dt.date) -> dict[str, Any]:
    """The values of several keys in force on `on`, read in one query (a relief step judges by five)."""
    rows = database.query(
        f"SELECT key, effective_from, value FROM {ENTITY} WHERE key IN ({', '.join('?' * len(keys))}) AND deleted = 0"
        " ORDER BY effective_from, id", list(keys))
    versions: dict[str, list[tuple[str, str]]] = {key: [] for key in keys}
    for r in rows:
        versions[r["key"]].append((r["effective_from"], r["value"]))
    found = {key: reference.in_force(versions[key], on) for key in keys}
    return {key: json.loads(v) if v is not None else default(key) for key, v in found.items()}


def versions(database: StationDatabase, key: str) -> list[dict[str, Any]]:
    """Every version of `key`, oldest first, with who made it (for the head's rule view)."""
    rows = database.query(
        f"SELECT id, rev, effective_from, value, notes, updated_by, updated_at FROM {ENTITY} "
        "WHERE key = ? AND deleted = 0 ORDER BY effective_from, id",
        [key],
    )
    return [{**r, "value": json.loads(r["value"])} for r in rows]


def set_value(store: RecordStore, key: str, new_value: Any, effective_from: dt.date, notes: str = "") -> dict[str, Any]:
    """Record a new version of `key` from `effective_from` on; earlier versions stay for the past."""
    reference.label(key)
    return store.create(ENTITY, {"key": key, "value": new_value, "effective_from": effective_from.isoformat(),
                                 "notes": notes})
