"""The station's side of sync, in its own tables (db/0008_sync.sql, 0009): enrollment and cursors,
the server's answers on outbox rows, conflicts waiting for a person, feed items the station
refused, and the history of runs.

Functions taking `conn` run inside the caller's transaction: acknowledgements and the pull cursor
are written in the same transaction as what they acknowledge or what was pulled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core.entities import ENTITIES
from station_app.core.ids import now_iso
from station_app.store.database import StationDatabase
from station_app.store.driver import Connection

# Keys of sync_state
ENROLLMENT = "enrollment"  # JSON: server_url, station keys, county public keys, name
CURSOR = "pull_cursor"
BUNDLE_NUMBER = "bundle_number"
RETURN_NUMBER = "return_number"
LAST_OK = "last_ok_at"
OFFLINE_SINCE = "offline_since"
LAST_ERROR = "last_error"
REBUILD_CURSOR = "rebuild_cursor"  # kept while a rebuild from the county is under way (sync.rebuild)
REBUILT = "rebuilt"  # JSON: where a finished rebuild left off (the county's high_water and its time)

FINAL = ("applied", "duplicate", "conflict", "rejected")


def get(database: StationDatabase, key: str, default: str | None = None) -> str | None:
    value = database.scalar("SELECT value FROM sync_state WHERE key = ?", [key])
    return default if value is None else str(value)


def get_int(database: StationDatabase, key: str) -> int:
    return int(get(database, key, "0") or 0)


def put(conn: Connection, key: str, value: Any) -> None:
    conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (key, str(value)))


def forget(conn: Connection, key: str) -> None:
    conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))


def enrollment(database: StationDatabase) -> dict[str, Any] | None:
    text = get(database, ENROLLMENT)
    return json.loads(text) if text else None


def save_enrollment(database: StationDatabase, data: Mapping[str, Any]) -> None:
    with database.transaction() as conn:
        put(conn, ENROLLMENT, json.dumps(dict(data), ensure_ascii=False))


# -- the outbox as sync sees it -------------------------------------------------------------------

def records_held(database: StationDatabase) -> int:
    """How many records of every entity (tombstones too) this station holds."""
    return sum(int(database.scalar(f"SELECT COUNT(*) FROM {name}")) for name in ENTITIES)


def continue_outbox_after(conn: Connection, seq: int) -> None:
    """Number the next local change `seq` + 1: a station rebuilt from the county goes on after the
    last change the county acknowledged, so none of its new changes looks like one it has seen."""
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'outbox'")
    conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)", (seq,))


def pending_changes(database: StationDatabase, limit: int, after_seq: int = 0) -> list[dict[str, Any]]:
    """Unacknowledged outbox rows in seq order (the order they must reach the server)."""
    return database.query(
        "SELECT seq, change_id, entity, record_id, op, base_rev, rev, payload FROM outbox"
        " WHERE acked_at IS NULL AND seq > ? ORDER BY seq LIMIT ?", [after_seq, limit])


def seq_before(database: StationDatabase, seq: int) -> int:
    """The seq of the change just before `seq` (0 if none): the batch's `after_seq`."""
    return int(database.scalar("SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE seq < ?", [seq]))


def acknowledge(conn: Connection, results: Iterable[Mapping[str, Any]]) -> None:
    """The server's answers: each answered change is acknowledged, with its status kept."""
    now = now_iso()
    conn.executemany(
        "UPDATE outbox SET acked_at = ?, ack_status = ?, ack_reason = ? WHERE change_id = ? AND acked_at IS NULL",
        [(now, r.get("first_status") or r["status"], r.get("reason"), r["change_id"]) for r in results
         if r["status"] in FINAL])


def outbox_payload(conn: Connection, entity_name: str, record_id: str, rev: int) -> dict[str, Any] | None:
    """The record as it was at `rev`, from the outbox row that made it (for three-way comparison)."""
    row = conn.execute("SELECT payload FROM outbox WHERE entity = ? AND record_id = ? AND rev = ? ORDER BY seq DESC"
                       " LIMIT 1", (entity_name, record_id, rev)).fetchone()
    return json.loads(row[0]) if row else None


def outbox_change(conn: Connection, change_id: str) -> dict[str, Any]:
    entity_name, record_id, payload = conn.execute(
        "SELECT entity, record_id, payload FROM outbox WHERE change_id = ?", (change_id,)).fetchone()
    return {"entity": entity_name, "record_id": record_id, "payload": json.loads(payload)}


# The two counts below read every row of the outbox (no index answers them): with a small page
# cache meanwhile, or the window's own connection would keep tens of MiB of outbox pages that
# nothing reads again.
def rejected_count(database: StationDatabase) -> int:
    with database.reading_once():
        return int(database.scalar("SELECT (SELECT COUNT(*) FROM outbox WHERE ack_status = 'rejected')"
                                   " + (SELECT COUNT(*) FROM sync_rejected)"))


def pending_by_entity(database: StationDatabase) -> list[tuple[str, int]]:
    with database.reading_once():
        return [(r[0], r[1]) for r in database.conn.execute(
            "SELECT entity, COUNT(*) FROM outbox WHERE acked_at IS NULL GROUP BY entity ORDER BY COUNT(*) DESC")]


# -- what was refused, either way -------------------------------------------------------------------

def reject_feed_item(conn: Connection, item: Mapping[str, Any], reason: str) -> None:
    """Keep a county feed item the station would not apply, with why (the cursor moves past it)."""
    conn.execute(
        "INSERT INTO sync_rejected (seq, kind, entity, record_id, reason, item, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (seq) DO NOTHING",
        (item["seq"], str(item.get("kind")), _text_or_none(item.get("entity")),
         _text_or_none(item.get("record_id") or item.get("case_id")), reason, json.dumps(dict(item), ensure_ascii=False),
         now_iso()))


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def unreported_rejections(database: StationDatabase) -> list[dict[str, Any]]:
    """Refused feed items the server has not been told of yet: [{seq, reason}]."""
    return database.query("SELECT seq, reason FROM sync_rejected WHERE reported_at IS NULL ORDER BY seq")


def mark_reported(conn: Connection, seqs: Iterable[int]) -> None:
    conn.executemany("UPDATE sync_rejected SET reported_at = ? WHERE seq = ?", [(now_iso(), s) for s in seqs])


def rejected_items(database: StationDatabase) -> list[dict[str, Any]]:
    """Everything refused, newest first: changes the county rejected (direction "up") and county
    updates this station refused ("down"), each with its entity, record and reason."""
    return database.query(
        "SELECT 'up' AS direction, acked_at AS at, entity, record_id, payload AS content, ack_reason AS reason"
        " FROM outbox WHERE ack_status = 'rejected'"
        " UNION ALL SELECT 'down', received_at, COALESCE(entity, kind), record_id, item, reason FROM sync_rejected"
        " ORDER BY at DESC")


# -- conflicts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Conflict:
    id: int
    entity: str
    record_id: str
    kind: str
    mine: dict[str, Any] | None
    theirs: dict[str, Any] | None
    theirs_rev: int | None
    fields: list[str]
    message: str | None
    detected_at: str


def flag_conflict(conn: Connection, entity_name: str, record_id: str, *, kind: str = "record",
                  mine: Mapping[str, Any] | None = None, theirs: Mapping[str, Any] | None = None,
                  theirs_rev: int | None = None, fields: Iterable[str] = (), message: str | None = None) -> None:
    """Keep both sides for a person; a newer notice about the same record replaces the county's side."""
    conn.execute(
        "INSERT INTO sync_conflict (entity, record_id, kind, mine, theirs, theirs_rev, fields, message, detected_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity, record_id) WHERE resolved_at IS NULL DO UPDATE SET"
        " theirs = excluded.theirs, theirs_rev = excluded.theirs_rev, fields = excluded.fields,"
        " message = excluded.message",
        (entity_name, record_id, kind, _json(mine), _json(theirs), theirs_rev, json.dumps(sorted(fields)), message,
         now_iso()))


def _json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(dict(value), ensure_ascii=False)


def open_conflicts(database: StationDatabase) -> list[Conflict]:
    rows = database.query("SELECT * FROM sync_conflict WHERE resolved_at IS NULL ORDER BY id")
    return [Conflict(r["id"], r["entity"], r["record_id"], r["kind"],
                     json.loads(r["mine"]) if r["mine"] else None, json.loads(r["theirs"]) if r["theirs"] else None,
                     r["theirs_rev"], json.loads(r["fields"]), r["message"], r["detected_at"]) for r in rows]


def open_conflict_count(database: StationDatabase) -> int:
    return int(database.scalar("SELECT COUNT(*) FROM sync_conflict WHERE resolved_at IS NULL"))


def disputed(database: StationDatabase, entity_name: str, record_ids: Sequence[str]) -> frozenset[str]:
    """Which of the records have a conflict still waiting for a person."""
    return frozenset(r["record_id"] for r in database.query_in(
        "SELECT record_id FROM sync_conflict WHERE entity = ? AND resolved_at IS NULL AND record_id IN ({})",
        record_ids, [entity_name]))


def close_conflict(conn: Connection, conflict_id: int, username: str) -> None:
    conn.execute("UPDATE sync_conflict SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL",
                 (now_iso(), username, conflict_id))


# -- history ---------------------------------------------------------------------------------------

def add_history(conn: Connection, kind: str, counts: Mapping[str, int], error: str | None = None) -> None:
    conn.execute(
        "INSERT INTO sync_history (at, kind, sent, applied, duplicate, conflict, rejected, received, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (now_iso(), kind, *(int(counts.get(k, 0)) for k in ("sent", "applied", "duplicate", "conflict", "rejected",
                                                           "received")), error))


def history(database: StationDatabase, limit: int = 50) -> list[dict[str, Any]]:
    return database.query("SELECT * FROM sync_history ORDER BY id DESC LIMIT ?", [limit])


@dataclass(frozen=True)
class Status:
    enrolled: bool
    pending: int
    conflicts: int
    rejected: int
    last_ok_at: str | None
    offline_since: str | None
    last_error: str | None


def status(database: StationDatabase) -> Status:
    """What the status bar and the sync page say, from a few index look-ups."""
    state = {r[0]: r[1] for r in database.conn.execute(
        "SELECT key, value FROM sync_state WHERE key IN (?, ?, ?, ?)", (ENROLLMENT, LAST_OK, OFFLINE_SINCE, LAST_ERROR))}
    return Status(ENROLLMENT in state, int(database.scalar("SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL")),
                  open_conflict_count(database), rejected_count(database), state.get(LAST_OK),
                  state.get(OFFLINE_SINCE), state.get(LAST_ERROR))


def dismiss_conflict(database: StationDatabase, conflict_id: int, username: str) -> None:
    """A notice a person has read (a county decision that could not be applied): nothing to write."""
    with database.transaction() as conn:
        close_conflict(conn, conflict_id, username)
