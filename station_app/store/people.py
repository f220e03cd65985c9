"""Reading people and households: list queries, search, and the household view.

Lists work on row ids: a query returns the ordered ids of every matching person (cheap, even
for 100,000), and the list model fetches the rows it shows a page at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core import search
from station_app.core.entities import ENTITIES, PERSON_LINKS
from station_app.store.database import StationDatabase
from station_app.store.records import decode

# Columns a list may sort by, mapped to SQL; pinyin order for names.
SORTABLE = {
    "name": "p.sort_name",
    "gender": "p.gender",
    "birth_date": "p.birth_date",
    "village": "v.name",
    "updated_at": "p.updated_at",
}


@dataclass(frozen=True)
class PersonFilter:
    text: str = ""
    village_id: str | None = None
    sort: str = "name"
    descending: bool = False


def person_rowids(database: StationDatabase, flt: PersonFilter) -> list[int]:
    """Row ids of living people matching `flt`, in display order."""
    where, params = ["p.deleted = 0"], []
    ranges = search.query_ranges(flt.text)
    if flt.text.strip() and not ranges:
        return []
    if ranges:
        where.append(
            "p.id IN (SELECT person_id FROM person_search WHERE "
            + " OR ".join("(key >= ? AND key < ?)" for _ in ranges) + ")"
        )
        params += [bound for r in ranges for bound in r]
    if flt.village_id:
        where.append("p.village_id = ?")
        params.append(flt.village_id)
    order = SORTABLE.get(flt.sort, "p.sort_name") + (" DESC" if flt.descending else "")
    join = "LEFT JOIN village v ON v.id = p.village_id" if flt.sort == "village" else ""
    sql = f"SELECT p.rowid FROM person p {join} WHERE {' AND '.join(where)} ORDER BY {order}, p.rowid"
    return [r[0] for r in database.conn.execute(sql, params)]


def person_rows(database: StationDatabase, rowids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """List rows for the given row ids, keyed by row id (the caller keeps its own order)."""
    if not rowids:
        return {}
    marks = ", ".join("?" * len(rowids))
    rows = database.query(
        f"""SELECT p.rowid AS rowid, p.id, p.rev, p.name, p.gender, p.birth_date, p.id_number, p.phone,
                   p.address, p.village_id, v.name AS village_name, h.head_name AS household_head,
                   EXISTS (SELECT 1 FROM child_profile c WHERE c.person_id = p.id AND c.deleted = 0
                           AND c.status = 'active') AS is_child,
                   EXISTS (SELECT 1 FROM elder_profile e WHERE e.person_id = p.id AND e.deleted = 0
                           AND e.status = 'active') AS is_elder
            FROM person p
            LEFT JOIN village v ON v.id = p.village_id
            LEFT JOIN household h ON h.id = p.household_id
            WHERE p.rowid IN ({marks})""",
        list(rowids),
    )
    return {r["rowid"]: r for r in rows}


def find_by_id_number(database: StationDatabase, number: str) -> dict[str, Any] | None:
    """The living person holding this ID number, so registering it again opens them instead."""
    rows = database.query("SELECT * FROM person WHERE id_number = ? AND deleted = 0", [number])
    return decode(ENTITIES["person"], rows[0]) if rows else None


def villages(database: StationDatabase) -> list[dict[str, Any]]:
    return database.query("SELECT id, code, name FROM village WHERE deleted = 0 ORDER BY code")


def households_in(database: StationDatabase, village_id: str) -> list[dict[str, Any]]:
    return database.query(
        "SELECT id, rev, head_name, address, phone FROM household WHERE village_id = ? AND deleted = 0 ORDER BY head_name",
        [village_id],
    )


def household_overview(database: StationDatabase, household_id: str) -> dict[str, Any]:
    """A household, its village, its members, and every program record that concerns each member."""
    household = decode(ENTITIES["household"], database.query("SELECT * FROM household WHERE id = ?", [household_id])[0])
    village = database.query("SELECT id, code, name FROM village WHERE id = ?", [household["village_id"]])
    members = [
        decode(ENTITIES["person"], r)
        for r in database.query(
            "SELECT * FROM person WHERE household_id = ? AND deleted = 0 ORDER BY birth_date", [household_id]
        )
    ]
    for member in members:
        member["records"] = person_records(database, member["id"])
    return {"household": household, "village": village[0] if village else None, "members": members}


def person_records(database: StationDatabase, person_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(entity name, record) for every living program record about this person, newest first."""
    found: list[tuple[str, dict[str, Any]]] = []
    for entity_name, column in PERSON_LINKS:
        spec = ENTITIES[entity_name]
        for row in database.query(
            f"SELECT * FROM {entity_name} WHERE {column} = ? AND deleted = 0", [person_id]
        ):
            found.append((entity_name, decode(spec, row)))
    found.sort(key=lambda item: item[1]["updated_at"], reverse=True)
    return found


def count_people(database: StationDatabase) -> int:
    return int(database.scalar("SELECT COUNT(*) FROM person WHERE deleted = 0"))


def pending_changes(database: StationDatabase) -> int:
    """Outbox rows the county server has not acknowledged yet."""
    return int(database.scalar("SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL"))
