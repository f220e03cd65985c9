"""The person search index: keys from `core.search`, kept in step with every person write.

Rows are (key, person_id, sort_name). There is deliberately no index on person_id: old keys are
removed by recomputing them from the record as it was, which keeps bulk inserts cheap.
`rebuild_search_index` repairs the whole table from the people themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from station_app.core import search
from station_app.store.driver import Connection

Person = Mapping[str, Any]  # needs id, name, id_number


def _rows(people: Iterable[Person]) -> list[tuple[str, str, str]]:
    rows = []
    for p in people:
        sort_name = search.sort_key(p["name"])
        rows += [(key, p["id"], sort_name) for key in search.person_keys(p["name"], p["id_number"])]
    return rows


def add_keys(conn: Connection, people: Iterable[Person]) -> None:
    conn.executemany("INSERT OR IGNORE INTO person_search (key, person_id, sort_name) VALUES (?, ?, ?)", _rows(people))


def drop_keys(conn: Connection, people: Iterable[Person]) -> None:
    """Remove the keys these records (as they were before a change) put in the index."""
    conn.executemany("DELETE FROM person_search WHERE key = ? AND person_id = ?",
                     [(key, pid) for key, pid, _ in _rows(people)])


def rebuild_search_index(conn: Connection) -> None:
    """Fill the index and sort names from scratch (migration 2, and repair)."""
    conn.execute("DELETE FROM person_search")
    people = [
        {"id": pid, "name": name, "id_number": number}
        for pid, name, number in conn.execute("SELECT id, name, id_number FROM person WHERE deleted = 0")
    ]
    add_keys(conn, people)
    conn.executemany("UPDATE person SET sort_name = ? WHERE id = ?", [(search.sort_key(p["name"]), p["id"]) for p in people])
