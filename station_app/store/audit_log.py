"""Appending to and verifying the hash-chained audit log (chain rules in core.audit)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from station_app.core import audit
from station_app.core.ids import now_iso
from station_app.core.roles import Actor
from station_app.store.driver import Connection


@dataclass(frozen=True)
class Event:
    action: str
    entity: str | None = None
    record_id: str | None = None
    change_id: str | None = None
    changes: Mapping[str, Any] | None = None


def append(conn: Connection, actor: Actor, events: Iterable[Event]) -> None:
    """Append events in order; call inside the transaction that makes the change they describe."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0], last[1]) if last else (0, audit.GENESIS)
    at, user_id, username = now_iso(), actor.user_id, actor.username
    rows = []
    for event in events:  # rows in CHAINED_FIELDS order, hashed as they are built
        seq += 1
        changes = event.changes
        values = (seq, at, user_id, username, event.action, event.entity, event.record_id, event.change_id,
                  None if changes is None else audit.to_json(changes))
        digest = audit.chain_hash(prev, values)
        rows.append((*values, prev, digest))
        prev = digest
    conn.executemany(
        "INSERT INTO audit_log (seq, at, user_id, username, action, entity, record_id, change_id, changes,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def count(conn: Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])


def first_broken(conn: Connection) -> int | None:
    """The seq of the first row that does not fit the chain, or None if the log is intact."""
    cursor = conn.execute(
        "SELECT seq, at, user_id, username, action, entity, record_id, change_id, changes, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    names = [d[0] for d in cursor.description]
    return audit.first_broken(dict(zip(names, row)) for row in cursor)


# Reading a record is logged in the same chain (store.access_log), but it is not part of the
# record's history: that shows what changed.
READ_ACTIONS = ("view", "export")


def history(conn: Connection, entity: str, record_id: str) -> list[dict[str, Any]]:
    """What happened to one record, oldest first, with `changes` decoded."""
    cursor = conn.execute(
        "SELECT seq, at, username, action, changes FROM audit_log WHERE entity = ? AND record_id = ?"
        f" AND action NOT IN {READ_ACTIONS} ORDER BY seq",
        (entity, record_id),
    )
    return [
        {"seq": s, "at": at, "username": u, "action": a, "changes": json.loads(c) if c else {}}
        for s, at, u, a, c in cursor
    ]


def last_seq(conn: Connection) -> int:
    """Where the log ends now: `touched_since` that seq tells what a write changed."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM audit_log").fetchone()[0])


def touched_since(conn: Connection, seq: int) -> frozenset[str]:
    """The entity names changed after `seq` (reads are logged too, but change nothing). Every
    write leaves an audit entry in its own transaction, so this names all that a write did."""
    return frozenset(row[0] for row in conn.execute(
        f"SELECT DISTINCT entity FROM audit_log WHERE seq > ? AND entity IS NOT NULL AND action NOT IN {READ_ACTIONS}",
        (seq,)))
