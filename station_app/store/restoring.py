"""Restoring a backup: over the running station's database (File → 从备份恢复) or into the empty
data folder of a new PC (the first-start window's 从备份恢复). One check and one copy serve both.

`inspect` looks at a backup without writing anything: it must open with the key given (a key ring
of another station yields a key that does not), pass SQLite's integrity check, carry an unbroken
audit hash chain, hold one station (the expected one, when there is one to expect) and come from
this version of the program or an older one. Only then does `place` copy it, encrypted with the
same key, beside its destination and rename it into place, so a database that appears is whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from station_app.core.errors import DatabaseError
from station_app.paths import backups_dir
from station_app.store import audit_log, migrations, sqlite_errors, sync_state
from station_app.store.database import StationDatabase, connect_readonly, fsync_file, stamp
from station_app.store.driver import Connection, keyed, sqlite
from station_app.store.keyring import KeyRing, keys_path
from station_app.store.private_files import create_private
from station_app.store.sync_state import ENROLLMENT, LAST_OK

_SMALLEST_PAGE = 512  # SQLite's smallest page size: every database file is a multiple of it


@dataclass(frozen=True)
class BackupInfo:
    """What a person checks before restoring: whose data, how old, how much."""

    path: Path
    station_id: str
    station_name: str
    version: int
    people: int
    last_change: str  # the newest audit entry's time (UTC ISO), "" if none
    last_sync: str  # the last sync the server answered (UTC ISO), "" if never
    audit_tip: int  # the seq of its newest audit entry
    enrolled: bool  # it syncs with the county, which may hold its audit log beyond audit_tip


def inspect(backup: Path, key: bytes, station_id: str | None = None) -> BackupInfo:
    """Check that `backup` opens with `key` and is sound (and is `station_id`'s, when given);
    DatabaseError saying why not, in Chinese, otherwise. Nothing is written anywhere."""
    backup = Path(backup)
    if not backup.is_file():
        raise DatabaseError(f"找不到备份文件 {backup}")
    try:
        conn = connect_readonly(backup, key)
    except sqlite.Error as exc:
        raise DatabaseError(f"无法打开备份文件 {backup.name}：{exc}") from exc
    try:
        return _inspect_open(backup, conn, station_id)
    except sqlite.DatabaseError as exc:  # a truncated or overwritten page surfaces on the first read of it
        raise DatabaseError(f"{backup.name} 已损坏（{exc}），不能恢复。请换一个备份。") from None
    finally:
        conn.close()


def _inspect_open(backup: Path, conn: Connection, station_id: str | None) -> BackupInfo:
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite.DatabaseError as exc:
        # A wrong key leaves page one unreadable (NOTADB); a file cut short whole pages reads as
        # damaged, one cut inside a page is not whole pages at all.
        if _code(exc) != sqlite_errors.NOTADB or backup.stat().st_size % _SMALLEST_PAGE:
            raise DatabaseError(f"{backup.name} 已损坏（文件不完整，可能复制时中断），不能恢复。请换一个备份。") from None
        raise DatabaseError(f"{backup.name} 不是本社工站的数据库备份，或与所选密钥文件不是同一个社工站的"
                            "（无法用该密钥打开），不能恢复。") from None
    if version > migrations.latest_version():
        raise DatabaseError(f"{backup.name} 由更新版本的程序创建（数据版本 {version}），本程序不能恢复它。请先升级程序。")
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise DatabaseError(f"{backup.name} 已损坏（完整性检查未通过：{problems[0]}），不能恢复。请换一个备份。")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"station", "person", "audit_log"} <= tables:
        raise DatabaseError(f"{backup.name} 不是社工站数据库，不能恢复。")
    stations = conn.execute("SELECT id, name FROM station WHERE deleted = 0 ORDER BY created_at").fetchall()
    if len(stations) != 1 or (station_id is not None and stations[0][0] != station_id):
        raise DatabaseError(f"{backup.name} 是其他社工站的数据，不能恢复到本站。")
    broken = audit_log.first_broken(conn)
    if broken is not None:
        raise DatabaseError(f"{backup.name} 的审计日志第 {broken} 条与哈希链不符：备份在备份之后被改动过，不能恢复。"
                            "请换一个备份，并报告县民政局。")
    people = conn.execute("SELECT COUNT(*) FROM person WHERE deleted = 0").fetchone()[0]
    last_change = conn.execute("SELECT MAX(at) FROM audit_log").fetchone()[0] or ""
    state = dict(conn.execute("SELECT key, value FROM sync_state WHERE key IN (?, ?)", [LAST_OK, ENROLLMENT]).fetchall()
                 if "sync_state" in tables else [])
    return BackupInfo(backup, stations[0][0], stations[0][1], version, people, last_change, state.get(LAST_OK, ""),
                      audit_log.tip(conn)[0], ENROLLMENT in state)


def _code(exc: sqlite.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def place(backup: Path, key: bytes, destination: Path, hold_back: bool) -> None:
    """Copy the inspected `backup` to `destination` (encrypted with `key`), whole or not at all.
    Nothing may hold `destination` open: its old WAL goes with it. With `hold_back`, the county may
    hold the audit log beyond the backup's end: the copy's new entries wait for that history
    (sync.audit_feed.restore, at the next sync), else they would reuse seqs the county holds."""
    incoming = destination.with_name(destination.name + ".restoring")
    incoming.unlink(missing_ok=True)
    create_private(incoming)
    source = connect_readonly(backup, key)
    target = sqlite.connect(str(incoming))
    try:
        keyed(target, key)
        source.backup(target)
        if hold_back:
            with target:
                audit_log.hold_back(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        source.close()
        target.close()
    fsync_file(incoming)
    for leftover in (destination.with_name(destination.name + "-wal"), destination.with_name(destination.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(incoming, destination)


def restore(database: StationDatabase, backup: Path) -> Path:
    """Replace the running station's database with its own `backup` after `inspect` passes;
    returns the copy kept of the current database. `database` is closed: reopen it to go on."""
    key = database.require_key()
    info = inspect(backup, key, database.station_id)
    synced = sync_state.get_int(database, audit_log.SENT)  # the county holds the log up to here
    kept = database.backup_to(backups_dir(database.path.parent) / f"before-restore-{stamp()}.db")
    database.close()
    place(backup, key, database.path, hold_back=info.enrolled and synced > info.audit_tip)
    return kept


def move_in(backup: Path, ring: KeyRing, key: bytes, destination: Path) -> BackupInfo:
    """A new PC: put `backup` and its key `ring` (already unlocked to `key`) at `destination`,
    which must not exist yet. The check comes first, so a refused backup leaves nothing behind."""
    if destination.exists():
        raise DatabaseError(f"数据目录中已有社工站数据库 {destination}，不能再从备份恢复到这里。")
    info = inspect(backup, key)
    destination.parent.mkdir(parents=True, exist_ok=True)
    ring.copy_to(keys_path(destination))  # first: a database never sits there without the ring that opens it
    try:  # how far the county holds the log is known only to the county: asked at the next sync
        place(backup, key, destination, hold_back=info.enrolled)
    except BaseException:
        keys_path(destination).unlink(missing_ok=True)
        destination.with_name(destination.name + ".restoring").unlink(missing_ok=True)
        raise
    return info
