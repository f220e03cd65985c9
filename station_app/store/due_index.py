"""The due index: every item of the due list that the write path keeps (core.behaviour.DueRule),
one row per item with its due date, so the list's first screen is a range scan of `due`.

A write of an entity with due rules moves the items the rule names; they are recomputed from the
records as the write left them, in the write's transaction, and replaced here. Migration 11 filled
the index for the records written before it.
"""

from __future__ import annotations

from collections.abc import Sequence

from station_app.core.behaviour import Storage, Write
from station_app.core.entities import Entity
from station_app.store.driver import Connection


def refresh(conn: Connection, spec: Entity, writes: Sequence[Write], storage: Storage) -> None:
    """Recompute the items `writes` may have moved (call after writing them)."""
    for rule in spec.behaviour.due:
        keys = list(dict.fromkeys(key for w in writes for key in rule.affected(w)))
        if not keys:
            continue
        found = rule.compute(keys, storage)
        conn.executemany("DELETE FROM due_index WHERE kind = ? AND person_id = ? AND record_id = ?", keys)
        conn.executemany("INSERT INTO due_index (kind, person_id, record_id, due, rank) VALUES (?, ?, ?, ?, ?)",
                         [(*key, *found[key]) for key in keys if key in found])
