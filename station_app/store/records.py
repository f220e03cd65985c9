"""The one write path: record, outbox row and audit row in a single transaction.

Every change to a synced record goes through `RecordStore`. Within one transaction it checks the
actor's role, validates the record (core.validation), checks references, runs the rules the entity
declares (`Entity.behaviour`: one person per ID number, the relief workflow, the reserve fund never
below zero, …), writes the row with its derived columns and search keys, appends the change to the
outbox exactly as the sync contract describes it, and appends a hash-chained audit entry naming who
changed which fields from what to what. If anything fails, none of it is written. The write path
names no entity: what a record type does beyond its fields is declared with it (core.behaviour).

Reads return personal numbers masked for an actor who may not see them (core.privacy).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from station_app.core import audit, privacy
from station_app.core.behaviour import CREATE, DELETE, REMOTE, RESOLVE, UPDATE, Write
from station_app.core.entities import ENTITIES, Entity, entity
from station_app.core.errors import (
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from station_app.core.fields import REF
from station_app.core.ids import new_ids, now_iso
from station_app.core.roles import Actor
from station_app.core.validation import validate, validator
from station_app.store import audit_log, due_index, search_index, sync_state
from station_app.store.database import StationDatabase
from station_app.store.driver import Connection
from station_app.store.record_rows import decode, encode_row, row_encoder, stored_columns
from station_app.store.rule_storage import StoreView

# The outbox's operations, as the sync contract names them.
UPSERT = "upsert"
TOMBSTONE = "delete"

# The change's payload as the outbox keeps it; one encoder for every change of a bulk write.
_payload = json.JSONEncoder(ensure_ascii=False).encode

# A change from the county as the feed carries it: (entity, payload, base_rev).
RemoteChange = tuple[str, Mapping[str, Any], int]


class RecordStore:
    """Reads and writes records as `actor`. Not thread-safe: one per connection."""

    def __init__(self, database: StationDatabase, actor: Actor, today: dt.date | None = None) -> None:
        self.database = database
        self.actor = actor
        self._today = today

    @property
    def conn(self) -> Connection:
        return self.database.conn

    @property
    def today(self) -> dt.date:
        """The day this store judges dates by (fixed in tests), else today."""
        return self._today or dt.date.today()

    # -- reading ----------------------------------------------------------------------------

    def get(self, entity_name: str, record_id: str, *, include_deleted: bool = False) -> dict[str, Any]:
        """The record as the actor may see it: ID and phone numbers masked for those who may not."""
        spec = entity(entity_name)
        record = self._read(spec, record_id, include_deleted)
        return record if self.actor.can_see_full_id else privacy.masked(spec, record)

    def history(self, entity_name: str, record_id: str) -> list[dict[str, Any]]:
        return audit_log.history(self.conn, entity_name, record_id)

    def _read(self, spec: Entity, record_id: str, include_deleted: bool = False) -> dict[str, Any]:
        rows = self.database.query(f"SELECT * FROM {spec.name} WHERE id = ?", [record_id])
        if not rows or (rows[0]["deleted"] and not include_deleted):
            raise NotFound(f"找不到这条{spec.label}记录（可能已被删除）")
        return decode(spec, rows[0])

    # -- writing ----------------------------------------------------------------------------

    def create(self, entity_name: str, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.create_many(entity_name, [data])[0]

    def create_many(self, entity_name: str, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Create records in one transaction: all of them, or (on any error) none."""
        with _collector_paused():
            return self._create_many(entity(entity_name), list(items))

    def _create_many(self, spec: Entity, items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        self._require_write(spec)
        now, user = now_iso(), self.actor.username
        station_id = None if spec.behaviour.is_station else self._station_id()
        check, today = validator(spec.name), self.today  # one day for the whole batch
        records = []
        for data, fresh_id in zip(items, new_ids(len(items))):
            values = check(data, today)
            record_id = data.get("id") or fresh_id
            records.append(
                {"id": record_id, "station_id": station_id or record_id, "rev": 1, "created_at": now,
                 "updated_at": now, "created_by": user, "updated_by": user, "deleted": 0, **values}
            )
        with self.database.transaction() as conn:
            writes = [Write(spec.name, CREATE, None, r) for r in records]
            self._check(conn, spec, writes)
            columns = stored_columns(spec)
            conn.executemany(
                f"INSERT INTO {spec.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                list(map(row_encoder(spec), records)),
            )
            search_index.reindex(conn, spec, [], records)
            due_index.refresh(conn, spec, writes, self._view())
            self._log(conn, spec, [(None, r, UPSERT, 0) for r in records])
        if spec.behaviour.is_station:
            self.database.forget_station_id()
        return records

    def update(self, entity_name: str, record_id: str, changes: Mapping[str, Any], base_rev: int) -> dict[str, Any]:
        """Apply `changes` to the record as it was at `base_rev`; a no-op if nothing differs."""
        spec = entity(entity_name)
        self._require_write(spec)
        self._refuse_if_append_only(spec)
        with self.database.transaction() as conn:
            before = self._current(spec, record_id, base_rev)
            values = validate(spec.name, {**before, **changes}, self._today)
            if all(before[k] == v for k, v in values.items()):
                return before
            after = {**before, **values, "rev": before["rev"] + 1, "updated_at": now_iso(),
                     "updated_by": self.actor.username}
            self._check(conn, spec, [Write(spec.name, UPDATE, before, after)])
            self._write_over(conn, spec, before, after, base_rev)
            self._log(conn, spec, [(before, after, UPSERT, base_rev)])
        return after

    def resend(self, entity_name: str, record_id: str, filled: Iterable[str]) -> dict[str, Any]:
        """Send the record to the county again as it stands, as a change that sets the `filled`
        fields (values once written beside this path, which the county never received): a new
        revision with its outbox row and an audit entry naming those fields, in one transaction."""
        spec = entity(entity_name)
        self._require_write(spec)
        with self.database.transaction() as conn:
            before = self._read(spec, record_id)
            after = {**before, "rev": before["rev"] + 1, "updated_at": now_iso(), "updated_by": self.actor.username}
            self._write_over(conn, spec, before, after, before["rev"])
            self._log(conn, spec, [({**before, **dict.fromkeys(filled)}, after, UPSERT, before["rev"])])
        return after

    def delete(self, entity_name: str, record_id: str, base_rev: int) -> dict[str, Any]:
        """Tombstone the record: it stays, marked deleted, so the deletion itself can sync."""
        spec = entity(entity_name)
        self._require_write(spec)
        self._refuse_if_append_only(spec)
        with self.database.transaction() as conn:
            before = self._current(spec, record_id, base_rev)
            _refuse_if_referenced(conn, spec, record_id)
            after = {**before, "deleted": 1, "rev": before["rev"] + 1, "updated_at": now_iso(),
                     "updated_by": self.actor.username}
            self._check(conn, spec, [Write(spec.name, DELETE, before, after)])
            self._write_over(conn, spec, before, after, base_rev)
            self._log(conn, spec, [(before, after, TOMBSTONE, base_rev)])
        return after

    # -- changes from the county (sync) --------------------------------------------------------

    def apply_remote(self, entity_name: str, payload: Mapping[str, Any], base_rev: int) -> str:
        """One change from the county: `apply_remote_many` of it alone."""
        return self.apply_remote_many([(entity_name, payload, base_rev)])[0]

    def apply_remote_many(self, changes: Sequence[RemoteChange]) -> list[str]:
        """Write records as the county sent them (their id, rev and station kept), in order, audited
        but not put in the outbox: they came from the server. Returns 'applied', 'duplicate' or
        'conflict' for each (entity, payload, base_rev).

        A change is applied when the local record is still at `base_rev` (or absent); a record
        edited here since then is left as it is and both versions are kept in sync_conflict for a
        person. Runs inside the caller's transaction when there is one (the pull cursor goes with
        it). Consecutive changes of one entity are read, checked and written as one batch (a pull
        page, a bundle, a rebuild); a record changed twice starts a new batch, so each change is
        judged against the one before it, as if applied alone. Only the county's feed (the sync
        actor) writes this way.
        """
        if not self.actor.is_county:
            raise PermissionDenied("只有从县民政局同步下来的数据可以这样写入。")
        statuses: list[str] = []
        with _collector_paused(), self.database.transaction() as conn:
            for spec, run in _runs(changes):
                statuses += self._apply_run(conn, spec, run)
        return statuses

    def _apply_run(self, conn: Connection, spec: Entity, run: list[tuple[dict[str, Any], int]]) -> list[str]:
        """Changes of one entity, each record once: duplicates skipped, conflicts kept, the rest written."""
        ids = [incoming["id"] for incoming, _ in run]
        found = self.database.query_in(f"SELECT * FROM {spec.name} WHERE id IN ({{}})", ids)
        stored = {r["id"]: decode(spec, r) for r in found}
        disputed = sync_state.disputed(self.database, spec.name, ids)
        statuses, writes = [], []
        for incoming, base_rev in run:
            local = stored.get(incoming["id"])
            if local is not None and local["rev"] >= incoming["rev"] and _same(spec, local, incoming):
                statuses.append("duplicate")
            elif local is not None and (local["rev"] != base_rev or local["id"] in disputed):
                _flag_remote_conflict(conn, spec, local, incoming, base_rev)
                statuses.append("conflict")
            else:
                writes.append(Write(spec.name, REMOTE, local, incoming))
                statuses.append("applied")
        if writes:
            self._put_remote(conn, spec, writes)
        return statuses

    def _put_remote(self, conn: Connection, spec: Entity, writes: list[Write]) -> None:
        self._check(conn, spec, writes)
        columns = stored_columns(spec)
        conn.executemany(f"INSERT INTO {spec.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                         f" ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns[1:])}",
                         list(map(row_encoder(spec), (w.after for w in writes))))
        search_index.reindex(conn, spec, [r for w in writes for r in _living(w.before)],
                             [r for w in writes for r in _living(w.after)])
        due_index.refresh(conn, spec, writes, self._view())
        audit_log.append(conn, self.actor, [
            audit_log.Event(_remote_action(w), spec.name, w.after["id"], None,
                            audit.changes_json(w.before, w.after, spec.field_names))
            for w in writes])

    def resolve_conflict(self, conflict: sync_state.Conflict, chosen: Mapping[str, Any]) -> dict[str, Any]:
        """A person's resolution: the county's version with the fields they chose from ours, written
        as a new change based on the county's revision, so the server applies it without conflict."""
        spec = entity(conflict.entity)
        self._require_write(spec)
        with self.database.transaction() as conn:
            before = self._read(spec, conflict.record_id, include_deleted=True)
            theirs = conflict.theirs or before
            base_rev = conflict.theirs_rev if conflict.theirs_rev is not None else before["rev"]
            values = validate(spec.name, {**theirs, **chosen}, self._today)
            after = {**theirs, **values, "rev": max(base_rev, before["rev"]) + 1, "updated_at": now_iso(),
                     "updated_by": self.actor.username}
            self._check(conn, spec, [Write(spec.name, RESOLVE, before, after, theirs)])
            self._write_over(conn, spec, before, after, before["rev"])
            self._log(conn, spec, [(before, after, UPSERT, base_rev)])
            sync_state.close_conflict(conn, conflict.id, self.actor.username)
        return after

    # -- the pieces of a write -------------------------------------------------------------

    def _require_write(self, spec: Entity) -> None:
        if not self.actor.can_write_entity(spec.name):
            raise PermissionDenied(self.actor.refusal(spec.label))

    @staticmethod
    def _refuse_if_append_only(spec: Entity) -> None:
        if spec.append_only:
            raise PermissionDenied(f"{spec.label}只能新增，不能修改或删除；如有错误请登记一笔更正。")

    def _station_id(self) -> str:
        station_id = self.database.station_id
        if station_id is None:
            raise PermissionDenied("尚未完成社工站初始设置，不能登记数据。")
        return station_id

    def _current(self, spec: Entity, record_id: str, base_rev: int) -> dict[str, Any]:
        before = self._read(spec, record_id)
        if before["rev"] != base_rev:
            raise StaleRecordError(
                f"这条{spec.label}记录在您打开后已被修改（{before['updated_by']}，{before['updated_at'][:16].replace('T', ' ')}）。"
                "请关闭后重新打开，再做修改，以免覆盖别人的工作。"
            )
        return before

    def _write_over(self, conn: Connection, spec: Entity, before: dict[str, Any], after: dict[str, Any],
                    base_rev: int) -> None:
        cols = stored_columns(spec)[1:]
        encoded = encode_row(spec, after)[1:]
        cursor = conn.execute(
            f"UPDATE {spec.name} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ? AND rev = ?",
            [*encoded, after["id"], base_rev],
        )
        if cursor.rowcount != 1:  # someone else's write slipped in since we read: never overwrite it
            raise StaleRecordError(f"这条{spec.label}记录刚被修改，请重新打开后再改。")
        search_index.reindex(conn, spec, _living(before), _living(after))
        due_index.refresh(conn, spec, [Write(spec.name, UPDATE, before, after)], self._view())

    def _view(self) -> StoreView:
        return StoreView(self.database, self.actor, self.today)

    def _check(self, conn: Connection, spec: Entity, writes: list[Write]) -> None:
        """References, then the entity's own rules (core.behaviour); raise before anything is written."""
        errors: dict[str, str] = {}
        for f in spec.fields:
            if f.kind != REF or f.ref is None:
                continue
            # The field's value first: most new records leave most references empty.
            wanted = {w.after[f.name] for w in writes if w.after[f.name] and w.local and w.op != DELETE
                      and (w.before is None or w.before[f.name] != w.after[f.name])}
            for ref_id in wanted:
                if not conn.execute(f"SELECT 1 FROM {f.ref} WHERE id = ? AND deleted = 0", (ref_id,)).fetchone():
                    errors[f.name] = f"{f.label}不存在或已被删除，请重新选择"
        if errors:
            raise ValidationError(errors)
        spec.behaviour.check(writes, self._view())

    def _log(self, conn: Connection, spec: Entity,
             changes: list[tuple[dict[str, Any] | None, dict[str, Any], str, int]]) -> None:
        """Outbox rows (the change as the server will receive it) and matching audit entries."""
        now = now_iso()
        outbox, events = [], []
        for (before, after, op, base_rev), change_id in zip(changes, new_ids(len(changes))):
            outbox.append((change_id, spec.name, after["id"], op, base_rev, after["rev"], _payload(after), now))
            action = "delete" if op == TOMBSTONE else "create" if before is None else "update"
            fields = ("deleted",) if op == TOMBSTONE else spec.field_names
            events.append(audit_log.Event(action, spec.name, after["id"], change_id,
                                          audit.changes_json(before, after, fields)))
        conn.executemany(
            "INSERT INTO outbox (change_id, entity, record_id, op, base_rev, rev, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            outbox,
        )
        audit_log.append(conn, self.actor, events)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a bulk write. Its rows are dicts, lists and tuples that
    live until the commit, none in a cycle, and every few thousand of them set off a collection
    that walks the whole ever larger heap (the window's too) to free nothing: a tenth of the CPU
    time of a 10,000-person import. Reference counting frees as usual meanwhile; the collector is
    left as it was found."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _living(record: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The record if it exists and is not a tombstone (what a search index holds)."""
    return [record] if record is not None and not record["deleted"] else []


def _runs(changes: Iterable[RemoteChange]) -> Iterator[tuple[Entity, list[tuple[dict[str, Any], int]]]]:
    """Consecutive changes of one entity as (entity, [(record as it will be stored, base_rev)]),
    a new run wherever the entity changes or a record comes up a second time."""
    spec, run, seen = None, [], set()
    for entity_name, payload, base_rev in changes:
        if spec is None or entity_name != spec.name or payload.get("id") in seen:
            if run:
                yield spec, run
            spec, run, seen = entity(entity_name), [], set()
        incoming = {c: payload.get(c) for c in spec.columns}
        incoming["deleted"] = int(bool(incoming["deleted"]))
        run.append((incoming, base_rev))
        seen.add(incoming["id"])
    if run:
        yield spec, run


def _flag_remote_conflict(conn: Connection, spec: Entity, local: dict[str, Any], incoming: dict[str, Any],
                          base_rev: int) -> None:
    """Both versions kept for a person, naming the fields the two sides changed differently."""
    base = sync_state.outbox_payload(conn, spec.name, local["id"], base_rev) or {}
    fields = [f for f in spec.field_names + ("deleted",)
              if local.get(f) != incoming.get(f) and base.get(f, local.get(f)) != local.get(f)]
    sync_state.flag_conflict(conn, spec.name, local["id"], mine=local, theirs=incoming, theirs_rev=incoming["rev"],
                             fields=fields or [f for f in spec.field_names if local.get(f) != incoming.get(f)])


def _remote_action(w: Write) -> str:
    return "sync_delete" if w.after["deleted"] else "sync_create" if w.before is None else "sync_update"


def _same(spec: Entity, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(a.get(f) == b.get(f) for f in (*spec.field_names, "deleted"))


def _refuse_if_referenced(conn: Connection, spec: Entity, record_id: str) -> None:
    """A record that living records still point at is not deleted: nothing is orphaned, nothing
    cascades away unseen. The message says what to deal with first."""
    found = []
    for other in ENTITIES.values():
        for f in other.fields:
            if f.kind == REF and f.ref == spec.name:
                n = conn.execute(f"SELECT COUNT(*) FROM {other.name} WHERE {f.name} = ? AND deleted = 0",
                                 (record_id,)).fetchone()[0]
                if n:
                    found.append(f"{other.label}{n}条（{f.label}）")
    if found:
        raise PermissionDenied(f"这条{spec.label}记录仍被其他记录引用：{'、'.join(found)}。请先处理这些记录，再删除。")
