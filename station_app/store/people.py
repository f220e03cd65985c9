"""Reading people and households: list queries, search, and the household view.

Lists work on ids: a query returns the ordered ids of every matching person (cheap, even for
100,000: they come from covering indexes), and the list model fetches the rows it shows a page
at a time with `person_rows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core import search
from station_app.core.entities import ENTITIES, PERSON_LINKS
from station_app.store.database import StationDatabase
from station_app.store.record_rows import decode

# Columns a list may sort by, mapped to SQL; pinyin order for names.
SORTABLE = {
    "name": "p.sort_name",
    "gender": "p.gender",
    "birth_date": "p.birth_date",
    "village": "v.name",
    "updated_at": "p.updated_at",
}


# Beyond this many hits a list says "more than 1,000": a search narrows, nobody scrolls that far.
COUNT_CAP = 1000


@dataclass(frozen=True)
class PersonFilter:
    text: str = ""
    village_id: str | None = None
    sort: str = "name"
    descending: bool = False


def person_ids(database: StationDatabase, flt: PersonFilter, limit: int | None = None) -> list[str]:
    """Ids of living people matching `flt`, in display order; the first `limit` of them if given
    (a first screen: SQLite then keeps only the best few while it reads the hits)."""
    query = search.parse_query(flt.text)
    if flt.text.strip() and query.empty:
        return []
    if not query.empty and flt.sort == "name" and not flt.village_id:
        return _search_by_name_order(database, query, flt.descending, limit)
    where, params = _where(query, flt)
    direction = " DESC" if flt.descending else ""
    # Ties broken by name, then id; no column twice, or SQLite sorts again instead of walking
    # the (sort_name, id) index.
    order = dict.fromkeys((SORTABLE.get(flt.sort, "p.sort_name"), "p.sort_name", "p.id"))
    join = "LEFT JOIN village v ON v.id = p.village_id" if flt.sort == "village" else ""
    sql = (f"SELECT p.id FROM person p {join} WHERE {where}"
           f" ORDER BY {', '.join(column + direction for column in order)}")
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    return [r[0] for r in database.conn.execute(sql, params)]


def count_matching(database: StationDatabase, flt: PersonFilter, cap: int = COUNT_CAP) -> int:
    """How many living people match `flt`, up to `cap`: a list says "more than `cap`" above its
    first screen. A person found through two keys is counted once, which takes a sort, and
    sorting eleven thousand 王 to say "eleven thousand" would cost more than the first screen."""
    query = search.parse_query(flt.text)
    if flt.text.strip() and query.empty:
        return 0
    if not query.empty and not flt.village_id:
        hits, params = _hits_sql(query)
        sql = f"SELECT COUNT(*), COUNT(DISTINCT pid) FROM (SELECT pid FROM ({hits}) LIMIT ?)"
    else:
        where, params = _where(query, flt)
        sql = f"SELECT COUNT(*), COUNT(*) FROM (SELECT 1 FROM person p WHERE {where} LIMIT ?)"
    read = cap
    while True:  # more rows than people when some are found twice: read on until `cap` people
        rows, found = database.conn.execute(sql, [*params, read]).fetchone()
        if found >= cap or rows < read:
            return min(cap, found)
        read *= 2


def _where(query: search.Query, flt: PersonFilter) -> tuple[str, list[str]]:
    """The conditions on `person p` for the query and the village."""
    where, params = ["p.deleted = 0"], []
    if not query.empty:
        hits, hit_params = _hits_sql(query)
        where.append(f"p.id IN (SELECT pid FROM ({hits}))")
        params += hit_params
    if flt.village_id:
        where.append("p.village_id = ?")
        params.append(flt.village_id)
    return " AND ".join(where), params


def _hits_sql(query: search.Query) -> tuple[str, list[str]]:
    """SQL giving (pid, sname) for every hit: keys from the search index, which carries the sort
    name, and ID-number heads from the person table's own index. A person may appear twice."""
    parts, params = [], []
    for low, high in query.key_ranges:
        parts.append("SELECT person_id AS pid, sort_name AS sname FROM person_search WHERE key >= ? AND key < ?")
        params += [low, high]
    if query.id_number_range:
        # The conditions of the partial unique index, so SQLite can use it for the range.
        parts.append("SELECT id AS pid, sort_name AS sname FROM person WHERE deleted = 0 AND id_number IS NOT NULL"
                     " AND id_number >= ? AND id_number < ?")
        params += list(query.id_number_range)
    return " UNION ALL ".join(parts), params


def _search_by_name_order(database: StationDatabase, query: search.Query, descending: bool,
                          limit: int | None) -> list[str]:
    """The common case, answered from the search index alone, so thousands of hits (everyone
    surnamed 王) are sorted by SQLite without visiting the person table. A person matching through
    two keys appears once, at their first place; with a `limit`, more rows are read until that
    many different people are found (or the hits run out)."""
    hits, params = _hits_sql(query)
    direction = " DESC" if descending else ""
    sql = f"SELECT pid FROM ({hits}) ORDER BY sname{direction}, pid{direction}"
    if limit is None:
        return list(dict.fromkeys(r[0] for r in database.conn.execute(sql, params)))
    read = limit
    while True:
        rows = database.conn.execute(sql + " LIMIT ?", [*params, read]).fetchall()
        found = list(dict.fromkeys(r[0] for r in rows))
        if len(found) >= limit or len(rows) < read:
            return found[:limit]
        read *= 2


def person_rows(database: StationDatabase, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """List rows for the given ids, keyed by id (the caller keeps its own order)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = database.query(
        f"""SELECT p.id, p.rev, p.name, p.gender, p.birth_date, p.id_number, p.phone,
                   p.address, p.village_id, v.name AS village_name, h.head_name AS household_head,
                   EXISTS (SELECT 1 FROM child_profile c WHERE c.person_id = p.id AND c.deleted = 0
                           AND c.status = 'active') AS is_child,
                   EXISTS (SELECT 1 FROM elder_profile e WHERE e.person_id = p.id AND e.deleted = 0
                           AND e.status = 'active') AS is_elder
            FROM person p
            LEFT JOIN village v ON v.id = p.village_id
            LEFT JOIN household h ON h.id = p.household_id
            WHERE p.id IN ({marks})""",
        list(ids),
    )
    return {r["id"]: r for r in rows}


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


def card_details(database: StationDatabase, person_ids: Sequence[str]) -> list[dict[str, Any]]:
    """What a registration card prints for each person, in the order asked: the person, their
    village and household, and the programs they are on."""
    labels = {name: ENTITIES[name].label for name in ("child_profile", "elder_profile")}
    details = []
    for pid in person_ids:
        person = decode(ENTITIES["person"], database.query("SELECT * FROM person WHERE id = ?", [pid])[0])
        village = database.scalar("SELECT name FROM village WHERE id = ?", [person["village_id"]])
        household = database.query("SELECT head_name, address FROM household WHERE id = ?", [person["household_id"]])
        programs = [labels[name] for name, record in person_records(database, pid)
                    if name in labels and record.get("status") == "active"]
        details.append({"person": person, "village_name": village,
                        "household_head_name": household[0]["head_name"] if household else None,
                        "household_address": household[0]["address"] if household else None,
                        "programs": list(dict.fromkeys(programs))})
    return details
