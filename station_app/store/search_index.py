"""The person search index: keys from `core.search`, kept in step with every person write."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from station_app.core import search

_MAX_RESULTS = 5000


def index_rows(person_id: str, name: str, id_number: str | None) -> list[tuple[str, str]]:
    return [(key, person_id) for key in search.person_keys(name, id_number)]


def replace_keys(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str | None]], *, fresh: bool = False) -> None:
    """(person_id, name, id_number) -> keys; `fresh` skips deleting keys of new people."""
    rows = list(rows)
    if not fresh:
        conn.executemany("DELETE FROM person_search WHERE person_id = ?", [(r[0],) for r in rows])
    conn.executemany(
        "INSERT OR IGNORE INTO person_search (key, person_id) VALUES (?, ?)",
        [pair for pid, name, idn in rows for pair in index_rows(pid, name, idn)],
    )


def drop_keys(conn: sqlite3.Connection, person_id: str) -> None:
    conn.execute("DELETE FROM person_search WHERE person_id = ?", (person_id,))


def search_ids(conn: sqlite3.Connection, text: str, limit: int = _MAX_RESULTS) -> list[str]:
    """Ids of living people matching what was typed, best-known order not implied."""
    found: dict[str, None] = {}
    for low, high in search.query_ranges(text):
        for (pid,) in conn.execute(
            "SELECT person_id FROM person_search WHERE key >= ? AND key < ? LIMIT ?", (low, high, limit)
        ):
            found[pid] = None
    return list(found)[:limit]


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Fill the index and sort names from scratch (migration 2, and repair)."""
    conn.execute("DELETE FROM person_search")
    people = conn.execute("SELECT id, name, id_number FROM person WHERE deleted = 0").fetchall()
    replace_keys(conn, people, fresh=True)
    conn.executemany("UPDATE person SET sort_name = ? WHERE id = ?", [(search.sort_key(n), pid) for pid, n, _ in people])
