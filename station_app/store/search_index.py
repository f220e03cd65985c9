"""Search indexes: the keys an entity declares (`Behaviour.search_keys`), kept in step with every
write of it by the store's write path.

An entity `x` with search keys has a table `x_search` of rows (key, x_id, sort_name) — `person`
is the one today (migration 2). There is deliberately no index on the id: old keys are removed by
recomputing them from the record as it was, which keeps bulk inserts cheap.
`rebuild_search_index` repairs the people's index from the people themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import Any

from station_app.core.entities import Entity, entity
from station_app.store.driver import Connection

Record = Mapping[str, Any]


def reindex(conn: Connection, spec: Entity, old: Iterable[Record], new: Iterable[Record]) -> None:
    """Drop the keys the records put in the index as they were (`old`), add those of `new`;
    nothing for an entity without search keys."""
    keys, sort = spec.behaviour.search_keys, spec.behaviour.derived.get("sort_name")
    if keys is None or sort is None:
        return

    def rows(records: Iterable[Record]) -> list[tuple[str, str, str]]:
        return [(key, r["id"], sort_name) for r in records for sort_name in (sort(r),) for key in keys(r)]

    conn.executemany(f"DELETE FROM {spec.name}_search WHERE key = ? AND {spec.name}_id = ?",
                     [(key, rid) for key, rid, _ in rows(old)])
    # In key order: a bulk write's keys then fill the index's pages one after another instead of
    # landing all over it. Sorted by the key alone (string comparisons, not tuples'): a key's
    # people stay in the order written, for a bulk insert that of their time-ordered ids.
    conn.executemany(f"INSERT OR IGNORE INTO {spec.name}_search (key, {spec.name}_id, sort_name) VALUES (?, ?, ?)",
                     sorted(rows(new), key=itemgetter(0)))


def rebuild_search_index(conn: Connection) -> None:
    """Fill the people's index and sort names from scratch (migration 2, and repair)."""
    spec = entity("person")
    conn.execute("DELETE FROM person_search")
    people = [
        {"id": pid, "name": name, "id_number": number}
        for pid, name, number in conn.execute("SELECT id, name, id_number FROM person WHERE deleted = 0")
    ]
    reindex(conn, spec, [], people)
    sort = spec.behaviour.derived["sort_name"]
    conn.executemany("UPDATE person SET sort_name = ? WHERE id = ?", [(sort(p), p["id"]) for p in people])
