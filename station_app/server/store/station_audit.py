"""Each station's audit log at the county: received run by run, checked to continue the hash chain the
county holds, refused and noted as tampering when it does not, read back by a rebuilt station and shown
on the console.

A station sends its entries after the last the county acknowledged, so each arrives once; a run sent
again (a bundle and an online sync carrying the same entries) is checked entry by entry against what
is held and stored nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from station_app.core import audit
from station_app.core.errors import KnownError
from station_app.core.ids import now_iso
from station_app.server.store.backend import Backend
from station_app.server.store.storage import BUNDLE, ONLINE, ServerStore, Station, spend_nonce
from station_app.sync import protocol as p

log = logging.getLogger(__name__)
_COLUMNS = ", ".join(p.AUDIT_KEYS)
PAGE = 50  # entries on one console page
REFUSED_EVENT = "操作日志被拒收"  # the line a refused run leaves in the station's history


def receive(conn: Backend, station: Station, part: dict[str, Any], via: str) -> dict[str, Any]:
    """Store a run of the station's entries in the caller's transaction, or say why not (AUDIT_ANSWER).
    A refusal is kept with its reason and in the station's history, for the console."""
    held_seq, held_hash = _held(conn, station)
    if part["after_seq"] > held_seq:  # an earlier run has not arrived (or the county's copy went back)
        return {"status": p.AUDIT_GAP, "through": held_seq}
    reason = p.audit_refusal(part, held_seq, held_hash, _known(conn, station, part, held_seq))
    if reason:
        return _refuse(conn, station, via, reason, held_seq)
    fresh = [e for e in part["entries"] if e["seq"] > held_seq]
    now = now_iso()
    conn.executemany(f"INSERT INTO station_audit (station_id, {_COLUMNS}, received_at, via)"
                     f" VALUES ({', '.join('?' * (len(p.AUDIT_KEYS) + 3))})",
                     [(station.station_id, *(e[k] for k in p.AUDIT_KEYS), now, via) for e in fresh])
    return {"status": p.AUDIT_OK, "through": fresh[-1]["seq"] if fresh else held_seq}


def receive_online(store: ServerStore, station: Station, part: dict[str, Any], nonce: str,
                   sent_at: dt.datetime) -> dict[str, Any]:
    """A run sent online, in the transaction that spends its request's nonce (one commit per run)."""
    with store.transaction() as conn:
        spend_nonce(conn, station.station_id, nonce, sent_at)
        return receive(conn, station, part, ONLINE)


def receive_bundled(store: ServerStore, station: Station, envelopes: Any) -> dict[str, Any] | None:
    """The audit runs a USB bundle carries (each a signed AUDIT request, checked like an online one),
    in one transaction after the bundle's batches; the last answer, for the return bundle. A run that
    does not hold up is refused with its reason; the bundle's records stay imported."""
    answer = None
    with store.transaction() as conn:
        for envelope in envelopes if isinstance(envelopes, list) else [envelopes]:
            try:
                body = _bundled(station, envelope, p.AUDIT)
            except KnownError as exc:
                return _refuse(conn, station, BUNDLE, exc.message[: p.MAX_REASON], _held(conn, station)[0])
            answer = receive(conn, station, body["audit"], BUNDLE)
            if answer["status"] != p.AUDIT_OK:
                break
    return answer


def _held(conn: Backend, station: Station) -> tuple[int, str]:
    """The seq and hash of the last entry the county holds of the station's log."""
    held = conn.execute("SELECT seq, hash FROM station_audit WHERE station_id = ? ORDER BY seq DESC LIMIT 1",
                        (station.station_id,)).fetchone()
    return (int(held["seq"]), str(held["hash"])) if held else (0, audit.GENESIS)


def _refuse(conn: Backend, station: Station, via: str, reason: str, held_seq: int) -> dict[str, Any]:
    """Keep a refused run's reason, and a line in the station's history, for the console."""
    conn.execute("INSERT INTO station_audit_refusals (station_id, received_at, via, reason) VALUES (?, ?, ?, ?)",
                 (station.station_id, now_iso(), via, reason))
    ServerStore._event(conn, station.name, REFUSED_EVENT, f"疑似篡改：{reason}", None)
    return {"status": p.AUDIT_REFUSED, "through": held_seq, "reason": reason}


def _known(conn: Backend, station: Station, part: dict[str, Any], held_seq: int) -> dict[int, str]:
    """The hashes the county holds of the entries this run repeats."""
    seqs = [e["seq"] for e in part["entries"] if e["seq"] <= held_seq]
    if not seqs:
        return {}
    return {int(r["seq"]): r["hash"] for r in conn.execute(
        "SELECT seq, hash FROM station_audit WHERE station_id = ? AND seq BETWEEN ? AND ?",
        (station.station_id, seqs[0], seqs[-1]))}


def history_page(store: ServerStore, station: Station, after: int, limit: int) -> dict[str, Any]:
    """The station's entries after `after` as it sent them (AUDIT_PAGE), for its rebuild."""
    rows = store.read(f"SELECT {_COLUMNS} FROM station_audit WHERE station_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                      (station.station_id, after, limit + 1))
    last = store.read("SELECT seq, at FROM station_audit WHERE station_id = ? ORDER BY seq DESC LIMIT 1",
                      (station.station_id,))
    return {"entries": [dict(r) for r in rows[:limit]], "more": len(rows) > limit,
            "through": int(last[0]["seq"]) if last else 0, "last_at": last[0]["at"] if last else None}


def history_bundled(store: ServerStore, station: Station, envelope: Any) -> dict[str, Any] | None:
    """The page of its history a station's USB bundle asks for (a station restored from a backup older
    than its last sync, holding back its new entries until it has it), or None if it asks for none."""
    if envelope is None:
        return None
    try:
        body = _bundled(station, envelope, p.AUDIT_HISTORY)
    except KnownError as exc:  # the bundle's records are in: answer without the page, the station asks again
        log.warning("station %s bundled an audit history request that does not hold up: %s", station.name, exc.message)
        return None
    return history_page(store, station, body["after"], body.get("limit", p.MAX_AUDIT))


def _bundled(station: Station, envelope: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """A signed request of the station's carried in a USB bundle, checked as an online one is."""
    body = p.check(schema, p.verify(envelope, station.sign_public))
    if body["station_id"] != station.station_id:
        raise p.ProtocolError("数据包中的操作日志不属于这个社工站")
    return body


def refusals(store: ServerStore, station_id: str) -> list[dict[str, Any]]:
    """The runs of this station's audit log the county refused, newest first."""
    return store.read("SELECT received_at, via, reason FROM station_audit_refusals WHERE station_id = ?"
                      " ORDER BY id DESC", (station_id,))


def _utc(day: dt.date) -> str:
    """The stored form (UTC, as now_iso writes it) of the start of `day` on the county's clock."""
    start = dt.datetime.combine(day, dt.time()).astimezone().astimezone(dt.timezone.utc)
    return start.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _filter(station_id: str, person: str, day_from: dt.date | None, day_to: dt.date | None) -> tuple[str, list[Any]]:
    where, params = "station_id = ?", [station_id]
    if person:
        where, params = where + " AND username = ?", [*params, person]
    if day_from:
        where, params = where + " AND at >= ?", [*params, _utc(day_from)]
    if day_to:  # the whole day: up to the start of the next
        where, params = where + " AND at < ?", [*params, _utc(day_to + dt.timedelta(days=1))]
    return where, params


def listing(store: ServerStore, station_id: str, person: str = "", day_from: dt.date | None = None,
            day_to: dt.date | None = None, page: int = 1) -> tuple[list[dict[str, Any]], int]:
    """One page of the station's synced entries, newest first, by person and days (the county's
    calendar): (rows, how many match in all)."""
    where, params = _filter(station_id, person, day_from, day_to)
    total = int(store.read(f"SELECT COUNT(*) AS n FROM station_audit WHERE {where}", params)[0]["n"])
    rows = store.read(f"SELECT seq, at, username, action, entity, record_id, changes FROM station_audit WHERE {where}"
                      " ORDER BY seq DESC LIMIT ? OFFSET ?", [*params, PAGE, (max(page, 1) - 1) * PAGE])
    return rows, total


def people(store: ServerStore, station_id: str) -> list[str]:
    """Who appears in the station's synced log (the console's person filter)."""
    return [r["username"] for r in store.read(
        "SELECT DISTINCT username FROM station_audit WHERE station_id = ? ORDER BY username", (station_id,))]
