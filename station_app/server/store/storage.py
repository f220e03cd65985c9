"""The county server's own database: stations, their records with revisions, the change feed.

Not the station's store: the server keeps every station's records as the protocol delivers them
(entity, id, owning station, revision, full payload), each station's acknowledged high-water seq
and bundle numbers, every change_id it has answered (so a resent change is acknowledged again and
never applied twice), conflicts it kept, and one feed of what flows down (per station, or to all).

SQLite (WAL, synchronous=FULL) in one file by default, or PostgreSQL by URL (store.backend). One
writing connection guarded by a lock, so the server's worker threads write one batch at a time, each
batch one transaction, which also brings the console's read tables up to date (store.read_tables);
queries outside a transaction take one of a few reading connections instead, so a county person's
page does not wait behind a station's batch. The schema is versioned (store.migrations): opening the
store upgrades an older database after a backup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import queue
import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station_app.core import reference, relief  # noqa: F401 (relief registers its reference keys)
from station_app.core.county_roles import BUNDLES, DECIDE, PUBLISH, STATIONS, CountyActor
from station_app.core.errors import KnownError, ValidationError
from station_app.core.fields import format_money
from station_app.core.ids import new_id, now_iso
from station_app.core.text import clean
from station_app.core.validation import validate
from station_app.server import config
from station_app.server.store import migrations, read_tables
from station_app.server.store.audit import SERVER_CONSOLE, audit
from station_app.server.store.backend import Backend, connect
from station_app.sync import protocol as p

ONLINE, BUNDLE = "online", "bundle"  # how a station's changes came in
READERS = 6  # reading connections per server process (PostgreSQL allows 100 connections by default)
# Relief cases waiting for the county: sent up (status county) and not decided here yet. Rows
# (owner, record_id, day) as the console's indicators have them.
WAITING_SQL = ("SELECT c.owner, c.id AS record_id, c.applied_on AS day FROM read_relief_case c WHERE c.deleted = 0"
               " AND c.status = 'county' AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id)")


class Refused(KnownError):
    """A request the server will not serve (unknown or revoked station, bad code): HTTP 403."""


@dataclass(frozen=True)
class Station:
    name: str
    station_id: str
    sign_public: str
    box_public: str
    high_water: int
    last_bundle: int
    return_number: int


_UPSERT_RECORD = (
    "INSERT INTO records (entity, record_id, owner, rev, deleted, payload, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (entity, record_id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted,"
    " payload = excluded.payload, updated_at = excluded.updated_at")


def _record_row(entity_name: str, payload: Mapping[str, Any], owner: str, now: str) -> tuple[Any, ...]:
    return (entity_name, payload["id"], owner, payload["rev"], int(bool(payload.get("deleted"))),
            p.canonical(payload).decode(), now)


@dataclass
class _BatchWork:
    """One batch decided change by change in memory (the contract's rules), its writes collected."""

    station_id: str
    now: str
    seen: dict[str, str]  # change_id -> the status it got when first received
    current: dict[tuple[str, str], dict[str, Any]]  # the server's records the batch touches
    change_rows: list[tuple[Any, ...]] = field(default_factory=list)
    conflict_rows: list[tuple[Any, ...]] = field(default_factory=list)
    # (entity, payload) of the last state of each record applied
    records: dict[tuple[str, str], tuple[str, Mapping[str, Any]]] = field(default_factory=dict)

    def apply(self, change: Mapping[str, Any]) -> dict[str, Any]:
        result = self._decide(change)
        if result["status"] != p.DUPLICATE:
            self.seen[change["change_id"]] = result["status"]
            self.change_rows.append((change["change_id"], self.station_id, change["seq"], _label(change, "entity"),
                                     _label(change, "record_id"), result["status"], result.get("reason"), self.now))
        return result

    def _decide(self, change: Mapping[str, Any]) -> dict[str, Any]:
        """The contract's rules in order: seen before, well formed (protocol.change_problem), the
        station's own record (never another station's, never the county's), then the revision."""
        answer = {"change_id": change["change_id"], "seq": change["seq"]}
        if change["change_id"] in self.seen:
            return {**answer, "status": p.DUPLICATE, "first_status": self.seen[change["change_id"]]}
        problem = p.change_problem(change)
        if problem:
            return {**answer, "status": p.REJECTED, "reason": problem}
        payload = change["payload"]
        key = (change["entity"], change["record_id"])
        current = self.current.get(key)
        owners = {current["owner"] if current else payload["station_id"], payload["station_id"]}
        if owners != {self.station_id} or p.COUNTY in owners:
            return {**answer, "status": p.REJECTED, "reason": "这条记录属于其他单位或县民政局，本站不能修改"}
        server_rev = current["rev"] if current else 0
        if server_rev != change["base_rev"]:
            self.conflict_rows.append((self.station_id, change["change_id"], change["entity"], change["record_id"],
                                       change["base_rev"], server_rev, p.canonical(payload).decode(), self.now))
            server_payload = current["payload"] if current else None
            return {**answer, "status": p.CONFLICT, "server_rev": server_rev,
                    "server_payload": json.loads(server_payload) if isinstance(server_payload, str) else server_payload}
        self.records[key] = (change["entity"], payload)
        self.current[key] = {"owner": self.station_id, "rev": payload["rev"], "payload": payload}
        return {**answer, "status": p.APPLIED}


def _label(change: Mapping[str, Any], name: str) -> str:
    """A change's entity or record id as the change log keeps it, whatever a malformed change sent."""
    value = change.get(name)
    return value[:64] if isinstance(value, str) else ""


def spend_nonce(conn: Backend, station_id: str, nonce: str, sent_at: dt.datetime) -> None:
    """Refuse a signed request seen before, in the caller's transaction. Nonces are kept in the
    database, so every worker process sees them, for as long as a request carrying them could still
    pass as fresh."""
    conn.execute("DELETE FROM nonces WHERE station_id = ? AND sent_at < ?",
                 (station_id, p.iso(p.utc_now() - p.REQUEST_WINDOW)))
    taken = conn.execute("INSERT INTO nonces (station_id, nonce, sent_at) VALUES (?, ?, ?)"
                         " ON CONFLICT (station_id, nonce) DO NOTHING", (station_id, nonce, p.iso(sent_at)))
    if taken.rowcount != 1:
        raise p.NotAuthentic("这个请求已经收到过（可能被截获后重放），已拒绝")


def one_time_code() -> str:
    """A code the county reads out or hands over once (enrollment, re-enrollment)."""
    return "-".join(secrets.token_hex(2).upper() for _ in range(4))


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


class ServerStore:
    def __init__(self, url_or_path: str | Path, *, backup_folder: Path | None = None, key_file: Path | None = None
                 ) -> None:
        """`url_or_path`: a SQLite file (or sqlite:///path), encrypted with the key in `key_file` (see
        server.config.database_key), or a postgresql:// URL. An older database is upgraded after a
        copy in `backup_folder` (without one, only a new database is set up)."""
        self.db = connect(url_or_path, key_file)
        self._key_file = key_file
        try:
            migrations.upgrade(self.db, backup_folder)
        except BaseException:
            self.db.close()
            raise
        self._lock = threading.RLock()
        self._url = url_or_path
        self._readers: queue.LifoQueue[Backend] = queue.LifoQueue()
        self._opened: list[Backend] = []
        self._opening = threading.Lock()

    @classmethod
    def in_folder(cls, folder: Path, database_url: str | None = None, key_file: Path | None = None) -> ServerStore:
        """The store of the server whose data folder is `folder`: county.db there (or the database at
        `database_url`), upgraded after a copy in its backups/ folder when older."""
        return cls(config.database(folder, database_url), backup_folder=config.backups(folder), key_file=key_file)

    def close(self) -> None:
        for reader in self._opened:
            reader.close()
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Backend]:
        with self._lock:
            self.db.execute(self.db.begin)
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def read(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Rows of one query on a reading connection: what is committed, outside any transaction."""
        reader = self._reader()
        try:
            return list(reader.execute(sql, params).fetchall())
        finally:
            self._readers.put(reader)

    def _reader(self) -> Backend:
        """A free reading connection; a new one while there are fewer than READERS, else wait for one."""
        try:
            return self._readers.get_nowait()
        except queue.Empty:
            with self._opening:
                if len(self._opened) < READERS:
                    self._opened.append(connect(self._url, self._key_file))
                    return self._opened[-1]
            return self._readers.get()

    # -- stations ------------------------------------------------------------------------------

    def create_station(self, name: str, actor: CountyActor = SERVER_CONSOLE, client: str | None = None) -> str:
        """A station the county expects, and its one-time enrollment code (shown once)."""
        actor.require(STATIONS)
        name = clean(name)
        if not name:
            raise ValidationError({"name": "请填写社工站名称（如乡镇名）"})
        code = one_time_code()
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM stations WHERE name = ?", (name,)).fetchone():
                raise ValidationError({"name": f"社工站“{name}”已存在"})
            conn.execute("INSERT INTO stations (name, code_hash, created_at) VALUES (?, ?, ?)",
                         (name, hash_code(code), now_iso()))
            self._event(conn, name, "登记", "生成一次性登记码", actor)
            audit(conn, actor, "登记社工站", name, None, client)
        return code

    def issue_rebuild_code(self, name: str, actor: CountyActor = SERVER_CONSOLE, client: str | None = None) -> str:
        """A one-time re-enrollment code for an enrolled station whose PC is lost (shown once): a new
        PC that enrolls with it takes the station over, and the old PC's keys stop counting."""
        actor.require(STATIONS)
        code = one_time_code()
        with self.transaction() as conn:
            if conn.execute("UPDATE stations SET code_hash = ?, rebuild_requested_at = ? WHERE name = ?"
                            " AND station_id IS NOT NULL AND revoked_at IS NULL",
                            (hash_code(code), now_iso(), name)).rowcount != 1:
                raise KnownError(f"没有名为“{name}”的已登记在用社工站")
            self._event(conn, name, "换机恢复", "生成一次性恢复登记码（新电脑登记后旧电脑的密钥作废）", actor)
            audit(conn, actor, "生成恢复登记码", name, None, client)
        return code

    def enroll(self, code: str, station_id: str, sign_public: str, box_public: str, escrow: str | None
               ) -> tuple[str, str]:
        """Bind the station that holds `code` to its keys; the code is spent. A re-enrollment code
        binds the station's existing id to the new keys (the one proposed is ignored) and keeps the
        old signing key as rebuilt. Returns (name, station id)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT name, station_id, revoked_at, rebuild_requested_at, sign_public, high_water"
                               " FROM stations WHERE code_hash = ?", (hash_code(code),)).fetchone()
            if row is None or row["revoked_at"] or (row["station_id"] is not None and not row["rebuild_requested_at"]):
                raise Refused("登记码无效或已使用，请向县民政局索取新的登记码")
            if row["station_id"] is not None:
                self._rebuild(conn, row, sign_public, box_public, escrow)
                return str(row["name"]), str(row["station_id"])
            if conn.execute("SELECT 1 FROM stations WHERE station_id = ?", (station_id,)).fetchone():
                raise Refused("这个社工站已经登记过")
            conn.execute("UPDATE stations SET station_id = ?, sign_public = ?, box_public = ?, escrow = ?,"
                         " enrolled_at = ? WHERE name = ?",
                         (station_id, sign_public, box_public, escrow, now_iso(), row["name"]))
            self._event(conn, row["name"], "完成登记", f"社工站密钥指纹 {p.fingerprint(sign_public)}", None)
            return str(row["name"]), station_id

    def _rebuild(self, conn: Backend, row: Mapping[str, Any], sign_public: str, box_public: str,
                 escrow: str | None) -> None:
        now = now_iso()
        conn.execute("INSERT INTO station_rebuilds (station_id, old_sign_public, rebuilt_at, high_water)"
                     " VALUES (?, ?, ?, ?)", (row["station_id"], row["sign_public"], now, row["high_water"]))
        conn.execute("UPDATE stations SET sign_public = ?, box_public = ?, escrow = ?, enrolled_at = ?,"
                     " rebuild_requested_at = NULL WHERE name = ?", (sign_public, box_public, escrow, now, row["name"]))
        self._event(conn, row["name"], "换机恢复完成",
                    f"新电脑密钥指纹 {p.fingerprint(sign_public)}；旧电脑的同步和数据包不再接收", None)

    def revoke(self, name: str, actor: CountyActor = SERVER_CONSOLE, client: str | None = None) -> None:
        actor.require(STATIONS)
        with self.transaction() as conn:
            if conn.execute("UPDATE stations SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                            (now_iso(), name)).rowcount != 1:
                raise KnownError(f"没有名为“{name}”的在用社工站")
            self._event(conn, name, "撤销", "不再接受其同步和数据包", actor)
            audit(conn, actor, "撤销社工站", name, None, client)

    @staticmethod
    def _event(conn: Backend, name: str, kind: str, detail: str, actor: CountyActor | None) -> None:
        """A line of the station's history (站点管理): created, enrolled, revoked, bundles imported."""
        conn.execute("INSERT INTO station_events (station_name, at, kind, detail, by_name) VALUES (?, ?, ?, ?, ?)",
                     (name, now_iso(), kind, detail, actor.display_name if actor else None))

    def station(self, station_id: str) -> Station:
        """The enrolled, unrevoked station with `station_id`, or Refused."""
        rows = self.read("SELECT * FROM stations WHERE station_id = ?", (station_id,))
        if not rows:
            raise Refused("未登记的社工站")
        row = rows[0]
        if row["revoked_at"]:
            raise Refused("该社工站的同步资格已被县民政局撤销")
        return Station(row["name"], row["station_id"], row["sign_public"], row["box_public"], row["high_water"],
                       row["last_bundle"], row["return_number"])

    def stations(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.read(
            "SELECT name, station_id, enrolled_at, revoked_at, high_water, last_seen_at FROM stations ORDER BY name")]

    def escrow(self, name: str) -> str | None:
        rows = self.read("SELECT escrow FROM stations WHERE name = ?", (name,))
        if not rows:
            raise KnownError(f"没有名为“{name}”的社工站")
        return rows[0]["escrow"]

    def spend_nonce(self, station_id: str, nonce: str, sent_at: dt.datetime) -> None:
        """Refuse a signed request seen before (`spend_nonce` in a transaction of its own)."""
        with self.transaction() as conn:
            spend_nonce(conn, station_id, nonce, sent_at)

    def note_rejections(self, station: Station, rejected: list[dict[str, Any]]) -> None:
        """Feed items the station refused, with its reasons (for the county to see and correct)."""
        now = now_iso()
        with self.transaction() as conn:
            for r in rejected:
                conn.execute("INSERT INTO feed_rejections (station_id, feed_seq, reason, reported_at) VALUES (?, ?, ?, ?)"
                             " ON CONFLICT (station_id, feed_seq) DO NOTHING", (station.station_id, r["seq"], r["reason"], now))

    def feed_rejections(self, station_id: str) -> list[dict[str, Any]]:
        return self.read("SELECT feed_seq, reason, reported_at FROM feed_rejections WHERE station_id = ?"
                          " ORDER BY feed_seq", (station_id,))

    # -- push ----------------------------------------------------------------------------------

    def push(self, station: Station, batch: Mapping[str, Any], nonce: str, sent_at: dt.datetime) -> dict[str, Any]:
        """A pushed batch applied in the transaction that spends its request's nonce: one commit (one
        flush to disk) per batch, and a replayed request is refused before anything of it applies."""
        with self.transaction() as conn:
            spend_nonce(conn, station.station_id, nonce, sent_at)
            return self.apply_batch(conn, station.station_id, batch)

    def apply_batch(self, conn: Backend, station_id: str, batch: Mapping[str, Any], via: str = ONLINE
                    ) -> dict[str, Any]:
        """Apply one batch inside the caller's transaction: every change answered with its status.

        What the batch touches is read in two queries and written with one executemany per table,
        all sent at once (Backend.pipeline), so a batch costs a handful of round trips whatever its size."""
        high_water = conn.execute("SELECT high_water FROM stations WHERE station_id = ?",
                                  (station_id,)).fetchone()["high_water"]
        if batch["after_seq"] > high_water:  # something before this batch has not arrived yet
            return {"status": "gap", "high_water": high_water, "results": []}
        changes = batch["changes"]
        work = _BatchWork(station_id, now_iso(), self._seen(conn, changes), self._current(conn, changes))
        results = [work.apply(change) for change in changes]
        high_water = max(high_water, changes[-1]["seq"] if changes else high_water)
        with conn.pipeline():  # every write of the batch in one round trip
            conn.executemany("INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", work.change_rows)
            conn.executemany("INSERT INTO conflicts (station_id, change_id, entity, record_id, base_rev, server_rev,"
                             " payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", work.conflict_rows)
            self.put_records(conn, station_id, list(work.records.values()), work.now)
            conn.execute("UPDATE stations SET high_water = ?, last_seen_at = ?, last_via = ? WHERE station_id = ?",
                         (high_water, work.now, via, station_id))
        return {"status": "ok", "high_water": high_water, "results": results}

    @staticmethod
    def _seen(conn: Backend, changes: list[dict[str, Any]]) -> dict[str, str]:
        ids = [c["change_id"] for c in changes]
        if not ids:
            return {}
        return {r["change_id"]: r["status"] for r in conn.execute(
            f"SELECT change_id, status FROM changes WHERE change_id IN ({', '.join('?' * len(ids))})", ids)}

    @staticmethod
    def _current(conn: Backend, changes: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        ids = sorted({c["record_id"] for c in changes if isinstance(c.get("record_id"), str)})
        if not ids:
            return {}
        return {(r["entity"], r["record_id"]): r for r in conn.execute(
            f"SELECT entity, record_id, owner, rev, payload FROM records WHERE record_id IN ({', '.join('?' * len(ids))})",
            ids)}

    @staticmethod
    def put_records(conn: Backend, owner: str, records: list[tuple[str, Mapping[str, Any]]], now: str) -> None:
        """Write (entity, payload) records as `owner`'s, with their read-table rows, in the caller's
        transaction; a record appears once in `records`."""
        conn.executemany(_UPSERT_RECORD, [_record_row(e, payload, owner, now) for e, payload in records])
        read_tables.upsert(conn, [(e, payload, owner) for e, payload in records])

    # -- pull ----------------------------------------------------------------------------------

    def pull(self, station: Station, after: int, limit: int = 1000, app_version: str | None = None) -> dict[str, Any]:
        """The feed after `after`. That the station asks from there means it has applied everything up
        to it; what this answer carries has been sent. The console shows both for a decision."""
        rows = self.read("SELECT seq, body FROM feed WHERE seq > ? AND (station_id = ? OR station_id IS NULL)"
                         " ORDER BY seq LIMIT ?", (after, station.station_id, limit + 1))
        items = [{**json.loads(r["body"]), "seq": r["seq"]} for r in rows[:limit]]
        sent = items[-1]["seq"] if items else after
        with self.transaction() as conn:
            conn.execute("UPDATE stations SET feed_cursor = CASE WHEN feed_cursor < ? THEN ? ELSE feed_cursor END,"
                         " feed_sent = CASE WHEN feed_sent < ? THEN ? ELSE feed_sent END,"
                         " app_version = COALESCE(?, app_version) WHERE station_id = ?"
                         " AND (feed_cursor < ? OR feed_sent < ? OR COALESCE(app_version, '') != COALESCE(?, app_version, ''))",
                         (after, after, sent, sent, app_version, station.station_id, after, sent, app_version))
        return {"items": items, "cursor": sent, "more": len(rows) > limit}

    def _feed(self, conn: Backend, station_id: str | None, body: Mapping[str, Any]) -> int:
        return int(conn.execute("INSERT INTO feed (station_id, body, created_at) VALUES (?, ?, ?) RETURNING seq",
                                (station_id, p.canonical(body).decode(), now_iso())).fetchone()["seq"])

    # -- what the county does ---------------------------------------------------------------------

    def publish_reference(self, key: str, value: Any, effective_from: str, notes: str, actor: CountyActor,
                          client: str | None = None) -> dict[str, Any]:
        """A new version of a reference-data key, owned by the county, sent down to every station.
        A value without the key's shape (the record's rule, core.reference.check) is refused at the
        field "value", and so is a date already past."""
        actor.require(PUBLISH)
        if key not in reference.KEYS:
            raise KnownError(f"没有这项参考数据：{key}（可用：{'、'.join(sorted(reference.KEYS))}）")
        now, by = now_iso(), actor.display_name
        record = {"id": new_id(), "station_id": p.COUNTY, "rev": 1, "created_at": now, "updated_at": now,
                  "created_by": by, "updated_by": by, "deleted": 0, "key": key,
                  "value": value, "effective_from": effective_from, "notes": notes}
        record.update(validate("reference_value", record))
        if record["effective_from"] < dt.date.today().isoformat():
            raise ValidationError({"effective_from": "生效日期不能早于今天：已经办完的事按当时的规定，不能事后改变"})
        with self.transaction() as conn:
            self.put_records(conn, p.COUNTY, [("reference_value", record)], now)
            self._feed(conn, None, p.feed_record("reference_value", record, 0))
            audit(conn, actor, "发布参数", key, f"自 {record['effective_from']} 起：{notes}", client)
        return record

    def county_edit(self, entity_name: str, record_id: str, changes: Mapping[str, Any], by: str) -> dict[str, Any]:
        """A correction the county makes to a station's record: a new revision, sent down to its owner."""
        now = now_iso()
        with self.transaction() as conn:
            row = conn.execute("SELECT owner, rev, payload FROM records WHERE entity = ? AND record_id = ?",
                               (entity_name, record_id)).fetchone()
            if row is None:
                raise KnownError("服务器上没有这条记录")
            record = {**json.loads(row["payload"]), **changes, "rev": row["rev"] + 1, "updated_at": now,
                      "updated_by": by}
            record.update(validate(entity_name, record))
            self.put_records(conn, row["owner"], [(entity_name, record)], now)
            self._feed(conn, row["owner"], p.feed_record(entity_name, record, row["rev"]))
        return record

    def waiting_cases(self) -> list[dict[str, Any]]:
        """Relief cases sent up for the county's approval and not yet decided, oldest first."""
        rows = self.read(f"SELECT w.owner, s.name AS station_name, r.payload FROM ({WAITING_SQL}) w"
                         " JOIN records r ON r.entity = 'relief_case' AND r.record_id = w.record_id"
                         " LEFT JOIN stations s ON s.station_id = w.owner ORDER BY w.day, w.record_id")
        return [{"station_id": r["owner"], "station_name": r["station_name"], **json.loads(r["payload"])} for r in rows]

    def decide(self, case_id: str, approved: bool, amount: int | None, reason: str | None, actor: CountyActor,
               decided_on: str, client: str | None = None) -> dict[str, Any]:
        """The county's decision on a waiting case by `actor` (an 审批 account), queued for the station
        that owns it and written to the audit log in the same transaction; refused (ValidationError at
        the field) unless it keeps the protocol's rules for a decision."""
        actor.require(DECIDE)
        decided_by = actor.display_name
        fields = {"approved": approved, "amount": amount, "reason": reason, "decided_by": decided_by,
                  "decided_on": decided_on}
        p.check_decision(p.check(p.DECISION_BODY, fields), dt.date.today())
        with self.transaction() as conn:
            row = conn.execute("SELECT owner, payload FROM records WHERE entity = 'relief_case' AND record_id = ?",
                               (case_id,)).fetchone()
            if row is None or json.loads(row["payload"]).get("status") != "county":
                raise KnownError("这个案件不在等待县级审批的状态")
            if conn.execute("SELECT 1 FROM decisions WHERE case_id = ?", (case_id,)).fetchone():
                raise KnownError("这个案件已经审批过")
            item = p.feed_decision(case_id, approved, amount, reason, decided_by, decided_on)
            seq = self._feed(conn, row["owner"], item)
            conn.execute("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (case_id, row["owner"], int(approved), amount, reason, decided_by, decided_on, seq))
            verdict = f"批准 {format_money(amount)} 元" if approved else f"不予救助：{reason}"
            audit(conn, actor, "县级审批", case_id, verdict, client)
        return item

    # -- reading, for the county and for tests -------------------------------------------------------

    def records(self, owner: str | None = None, entity_name: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT entity, record_id, owner, rev, deleted, payload FROM records WHERE 1 = 1", []
        if owner is not None:
            sql, params = sql + " AND owner = ?", [*params, owner]
        if entity_name is not None:
            sql, params = sql + " AND entity = ?", [*params, entity_name]
        return [{**dict(r), "payload": json.loads(r["payload"])} for r in self.read(sql, params)]

    def change_count(self, station_id: str) -> int:
        return int(self.read("SELECT COUNT(*) AS n FROM changes WHERE station_id = ?", (station_id,))[0]["n"])

    def conflicts(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.read("SELECT * FROM conflicts ORDER BY id")]

    # -- bundles ---------------------------------------------------------------------------------

    def import_bundle(self, station: Station, number: int, content: Mapping[str, Any],
                      actor: CountyActor = SERVER_CONSOLE, client: str | None = None) -> dict[str, Any]:
        """Every batch of a station's bundle in one transaction, then the return content: the
        acknowledgements and what the feed holds for the station after the cursor it sent."""
        actor.require(BUNDLES)
        batches = p.bundle_batches(content)
        with self.transaction() as conn:
            last = conn.execute("SELECT last_bundle FROM stations WHERE station_id = ?",
                                (station.station_id,)).fetchone()["last_bundle"]
            if number <= last:
                raise p.ProtocolError(f"这个数据包（第 {number} 号）已经导入过，不能重复导入")
            results: list[dict[str, Any]] = []
            for envelope, body_bytes in batches:
                body = p.check(p.PUSH_FRAME, p.verify(envelope, station.sign_public, body_bytes))
                if body["station_id"] != station.station_id:
                    raise p.ProtocolError("数据包中的批次不属于这个社工站")
                answer = self.apply_batch(conn, station.station_id, p.check_batch(body["batch"]), BUNDLE)
                if answer["status"] != "ok":
                    raise p.ProtocolError("数据包缺少前面的变更：请在社工站重新导出（会包含所有未确认的变更）")
                results.extend(answer["results"])
            returned = conn.execute("UPDATE stations SET last_bundle = ?, return_number = return_number + 1"
                                    " WHERE station_id = ? RETURNING return_number",
                                    (number, station.station_id)).fetchone()["return_number"]
            counts = {label: sum(1 for r in results if r["status"] == status) for status, label in p.STATUS_LABELS.items()}
            summary = f"第 {number} 号数据包：" + "，".join(f"{label} {n} 条" for label, n in counts.items() if n)
            self._event(conn, station.name, "导入U盘数据包", summary if results else f"第 {number} 号数据包：没有新变更", actor)
            audit(conn, actor, "导入U盘数据包", station.name, summary, client)
        feed = self.pull(station, int(content.get("cursor", 0)), limit=1_000_000)
        return {"return_number": returned, "results": results, "feed": feed}
