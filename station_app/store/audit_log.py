"""Appending to and verifying the hash-chained audit log (chain rules in core.audit), and the whole
entries it exchanges with the county (sync.audit_feed): sent up as they are, restored verbatim."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from station_app.core import audit
from station_app.core.errors import KnownError
from station_app.core.ids import now_iso
from station_app.core.roles import Actor
from station_app.store.driver import Connection


@dataclass(frozen=True)
class Event:
    action: str
    entity: str | None = None
    record_id: str | None = None
    change_id: str | None = None
    changes: Mapping[str, Any] | str | None = None  # text: already JSON as stored (audit.changes_json)


# While this sync_state key is set (a rebuild waiting for its history from the county), new entries
# wait in audit_pending: the restored history must come first in the chain (db/0016_audit_pending.sql).
HELD_BACK = "audit_held_back"
SENT = "audit_sent"  # sync_state: the last entry the county acknowledged holding (sync.audit_feed)
RESTORED = "audit_restored"  # the checkpoint entry: every entry before it came back from the county
_ENTRY_COLUMNS = "at, user_id, username, action, entity, record_id, change_id, changes"
COLUMNS = ("seq", *audit.CHAINED_FIELDS[1:], "prev_hash", "hash")


def append(conn: Connection, actor: Actor, events: Iterable[Event]) -> None:
    """Append events in order; call inside the transaction that makes the change they describe."""
    at, user_id, username = now_iso(), actor.user_id, actor.username
    entries = [(at, user_id, username, event.action, event.entity, event.record_id, event.change_id,
                event.changes if event.changes is None or isinstance(event.changes, str)
                else audit.to_json(event.changes)) for event in events]
    if conn.execute("SELECT 1 FROM sync_state WHERE key = ?", (HELD_BACK,)).fetchone():
        conn.executemany(f"INSERT INTO audit_pending ({_ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", entries)
    else:
        _chain(conn, entries)


def _chain(conn: Connection, entries: Iterable[tuple[Any, ...]]) -> None:
    """Seal entries (CHAINED_FIELDS but seq, in order) onto the end of the chain."""
    seq, prev = tip(conn)
    rows = []
    for entry in entries:  # rows in CHAINED_FIELDS order, hashed as they are built
        seq += 1
        values = (seq, *entry)
        digest = audit.chain_hash(prev, values)
        rows.append((*values, prev, digest))
        prev = digest
    _insert(conn, rows)


def _insert(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    conn.executemany(f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)


def tip(conn: Connection) -> tuple[int, str]:
    """The seq and hash of the last entry (0 and the genesis hash for an empty log)."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(last[0]), str(last[1])) if last else (0, audit.GENESIS)


def entries_after(conn: Connection, seq: int, limit: int) -> list[dict[str, Any]]:
    """Whole entries (COLUMNS, hashes included) after `seq`, in order: what the county keeps a copy of."""
    cursor = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                          (seq, limit))
    return [dict(zip(COLUMNS, row)) for row in cursor]


def restore(conn: Connection, entries: list[Mapping[str, Any]]) -> None:
    """Put entries the county kept back verbatim (their seqs and hashes) at the end of the chain,
    if they continue it exactly; else KnownError and nothing is written."""
    seq, prev = tip(conn)
    if [e["seq"] for e in entries] != list(range(seq + 1, seq + 1 + len(entries))) \
            or audit.first_broken(entries, prev) is not None:
        raise KnownError("县服务器送回的操作日志与本站已恢复的部分接不上，恢复已停止。请联系县民政局技术人员。")
    _insert(conn, [tuple(e[c] for c in COLUMNS) for e in entries])


def hold_back(conn: Connection) -> None:
    """From now until the county's history is restored, new entries wait in audit_pending."""
    conn.execute("INSERT INTO sync_state (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING", (HELD_BACK,))


def release_held_back(conn: Connection, actor: Actor) -> int:
    """End a restore: a checkpoint entry saying that the entries before it came back from the county,
    then the entries held back meanwhile, in the order they were made. Returns the restored tip."""
    restored, last_hash = tip(conn)
    checkpoint = (now_iso(), actor.user_id, actor.username, RESTORED, None, None, None,
                  audit.to_json({"restored_through": restored, "restored_hash": last_hash}))
    held = conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM audit_pending ORDER BY id").fetchall()
    _chain(conn, [checkpoint, *(tuple(row) for row in held)])
    conn.execute("DELETE FROM audit_pending")
    conn.execute("DELETE FROM sync_state WHERE key = ?", (HELD_BACK,))
    return restored


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


Mark = tuple[int, int]  # where the chain and the held-back entries end


def mark(conn: Connection) -> Mark:
    """Where the log ends now, held-back entries included: `touched_since` it tells what a write changed."""
    row = conn.execute("SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit_log),"
                       " (SELECT COALESCE(MAX(id), 0) FROM audit_pending)").fetchone()
    return int(row[0]), int(row[1])


def touched_since(conn: Connection, since: Mark) -> frozenset[str]:
    """The entity names changed after `since` (reads are logged too, but change nothing). Every
    write leaves an audit entry in its own transaction, so this names all that a write did, also
    while entries are held back (after restoring an older backup, until the next sync)."""
    changed = f"entity IS NOT NULL AND action NOT IN {READ_ACTIONS}"
    return frozenset(row[0] for row in conn.execute(
        f"SELECT entity FROM audit_log WHERE seq > ? AND {changed} UNION SELECT entity FROM audit_pending"
        f" WHERE id > ? AND {changed}", since))
