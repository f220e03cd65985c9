"""Rebuild a station on a new PC from the county (从县服务器恢复), when the old PC and its backups are gone.

An empty data folder gets a new head account and key, enrolls with the county's one-time
re-enrollment code (the county then refuses the old PC's keys), and pulls back every record the
county holds for the station, page by page. Each page is applied through the store's remote-apply
path (no outbox rows: the county has them already) in one transaction with the cursor, so a rebuild
killed anywhere resumes from the last page. At the end the outbox numbering goes on after the last
change the county acknowledged and the pull cursor after the feed the old PC had applied; whatever
the old PC never synced is lost, and the summary says from where.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station_app.core.errors import KnownError
from station_app.core.ids import new_id
from station_app.core.jobs import JobState
from station_app.core.roles import COUNTY_SYNC
from station_app.jobs import admin
from station_app.store import sync_state
from station_app.store.database import StationDatabase
from station_app.store.driver import Connection
from station_app.store.keyring import new_key
from station_app.store.records import RecordStore
from station_app.sync import audit_feed, client
from station_app.sync import protocol as p


@dataclass(frozen=True)
class Rebuilt:
    station: str
    records: int
    high_water: int
    last_seen_at: str | None
    audit_through: int = 0
    audit_last_at: str | None = None

    def summary(self) -> str:
        return (f"已从县服务器恢复“{self.station}”：{self.records:,} 条记录。最后一次成功同步：第 {self.high_water:,} 条，"
                f"时间 {_when(self.last_seen_at)}；之后未同步的工作无法恢复。操作日志恢复到第 {self.audit_through:,} 条"
                f"（{_when(self.audit_last_at)}），之后未同步的操作记录无法恢复")


def _when(moment: str | None) -> str:
    return (moment or "")[:16].replace("T", " ") or "无"


@dataclass(frozen=True)
class Started:
    database: StationDatabase
    recovery_code: str


def start(path: Path, server_url: str, code: str, head: tuple[str, str, str], *, ca_file: str | None = None,
          expect_fingerprint: str | None = None) -> Started:
    """A new database at `path` (which must not exist) with its head (username, name, password),
    enrolled with the re-enrollment `code`; nothing is left behind if any of it fails."""
    if path.exists():
        raise KnownError(f"{path} 已存在：从县服务器恢复只能恢复到空的数据文件夹")
    database = StationDatabase.open(path, new_key())
    try:
        audit_feed.hold_back(database)
        _head, recovery_code = admin.set_up_for_rebuild(database, JobState(), *head)
        client.enroll(database, server_url, code, ca_file=ca_file, expect_fingerprint=expect_fingerprint,
                      station_id=new_id())
        with database.transaction() as conn:
            sync_state.put(conn, sync_state.REBUILD_CURSOR, "")
    except BaseException:
        database.close()
        admin.discard_new_database(path)
        raise
    return Started(database, recovery_code)


def under_way(database: StationDatabase) -> bool:
    return sync_state.get(database, sync_state.REBUILD_CURSOR) is not None


def resume(database: StationDatabase, state: JobState | None = None) -> Rebuilt:
    """Pull the pages from the stored cursor to the end, then take up the station's numbering."""
    if not under_way(database):
        return _finished(database)
    state = state or JobState()
    enrollment = client.Enrollment.load(database)
    transport = client.HttpTransport(enrollment.server_url, enrollment.county["sign"], enrollment.ca_file)
    store = RecordStore(database, COUNTY_SYNC)
    done = 0
    try:
        audit_feed.restore(database, enrollment, transport, state)
        while True:
            cursor = sync_state.get(database, sync_state.REBUILD_CURSOR) or ""
            page = p.check(p.REBUILD_PAGE, transport.post("/v1/rebuild", p.request(
                enrollment.station_id, "rebuild", enrollment.keys.sign, cursor=cursor)))
            with database.transaction() as conn:
                store.apply_remote_many([(r["entity"], r["payload"], 0) for r in page["records"]])
                sync_state.put(conn, sync_state.REBUILD_CURSOR, page["cursor"])
                if not page["more"]:
                    _finish(conn, page)
            done += len(page["records"])
            state.report(done, 0, f"已取回 {done:,} 条记录")
            if not page["more"]:
                break
    finally:
        transport.close()
    return _finished(database)


def _finish(conn: Connection, page: dict[str, Any]) -> None:
    sync_state.continue_outbox_after(conn, page["high_water"])
    sync_state.put(conn, sync_state.CURSOR, page["feed_cursor"])
    sync_state.forget(conn, sync_state.REBUILD_CURSOR)
    sync_state.put(conn, sync_state.REBUILT, json.dumps({k: page[k] for k in ("high_water", "last_seen_at")}))


def _finished(database: StationDatabase) -> Rebuilt:
    """What a finished rebuild brought back and where it left off (a run after the end says it again)."""
    done = sync_state.get(database, sync_state.REBUILT)
    if done is None:
        raise KnownError("本站没有进行中的从县服务器恢复")
    where = json.loads(done)
    return Rebuilt(client.Enrollment.load(database).name, sync_state.records_held(database), where["high_water"],
                   where["last_seen_at"], *audit_feed.restored(database))


def rebuild_into(state: JobState, path: Path, server_url: str, code: str, head: tuple[str, str, str],
                 expect_fingerprint: str | None = None) -> tuple[Rebuilt, str]:
    """The whole rebuild as one job (the first-start window's 从县服务器恢复): what came back, and the
    new database's recovery code to show once."""
    started = start(path, server_url, code, head, expect_fingerprint=expect_fingerprint)
    try:
        return resume(started.database, state), started.recovery_code
    finally:
        started.database.close()
