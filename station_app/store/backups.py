"""Automatic backups with rotation, and restoring a backup.

The app takes a backup at start-up and then once a day while it runs (into the data folder's
`backups/`, as `auto-YYYYMMDD-HHMMSS.db` with its key ring beside it), through SQLite's online
backup so a copy taken while people work is consistent; older automatic copies are thinned out by
core.retention. Copies made by hand, before an upgrade or before a restore are never deleted here.

Restoring checks first that the file is a Station database this program can open (same station
key, not from a newer version, passing SQLite's quick check), keeps a copy of the current database,
then puts the backup in its place. The caller reopens the database afterwards (an older backup is
upgraded then, as any older database is).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from station_app.core import retention
from station_app.core.errors import DatabaseError, PermissionDenied
from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.paths import backups_dir
from station_app.store import migrations
from station_app.store.database import StationDatabase, connect_readonly, fsync_file, stamp
from station_app.store.driver import keyed, sqlite
from station_app.store.keyring import keys_path
from station_app.store.private_files import create_private

AUTO_PREFIX = "auto-"
_STAMP = "%Y%m%d-%H%M%S"


def backup_by_hand(database: StationDatabase, actor: Actor, destination: Path | None = None) -> Path:
    """A copy a person asked for. A folder (existing, or a path without a file extension, e.g. a
    USB stick's directory) gets a file named with the date and time. A backup carries every
    record out of the station, so a read-only account may not make one."""
    if not actor.can_back_up:
        raise PermissionDenied("只读账号不能备份数据库：备份含全部个人信息，请由站长或社工备份。")
    if destination is None or destination.is_dir() or not destination.suffix:
        folder = destination or backups_dir(database.path.parent)
        destination = folder / f"station-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    return database.backup_to(destination)


def automatic_backups(folder: Path) -> dict[Path, dt.datetime]:
    """The automatic backups in `folder`, with when each was taken (from its name)."""
    found = {}
    for path in folder.glob(f"{AUTO_PREFIX}*.db"):
        try:
            found[path] = dt.datetime.strptime(path.stem.removeprefix(AUTO_PREFIX), _STAMP)
        except ValueError:
            continue  # not one of ours
    return found


def automatic_backup(database: StationDatabase, state: JobState | None = None,
                     now: dt.datetime | None = None) -> Path | None:
    """Take today's automatic backup unless one exists, then thin out the old ones; the new copy or None."""
    now = now or dt.datetime.now()
    folder = backups_dir(database.path.parent)
    existing = automatic_backups(folder) if folder.exists() else {}
    if not retention.due(existing.values(), now):
        return None
    made = database.backup_to(folder / f"{AUTO_PREFIX}{now:{_STAMP}}.db")
    existing[made] = now
    for old in set(existing) - retention.keep(existing):
        old.unlink(missing_ok=True)
        keys_path(old).unlink(missing_ok=True)
    return made


@dataclass(frozen=True)
class BackupInfo:
    """What a person checks before restoring: whose data, how old, how much."""

    path: Path
    station_name: str
    version: int
    people: int
    last_change: str  # the newest audit entry's time (UTC ISO), "" if none


def inspect(backup: Path, database: StationDatabase) -> BackupInfo:
    """Check `backup` can replace `database`; DatabaseError (in Chinese) saying why not otherwise."""
    backup = Path(backup)
    if not backup.is_file():
        raise DatabaseError(f"找不到备份文件 {backup}")
    try:
        conn = connect_readonly(backup, database.require_key())
    except sqlite.Error as exc:
        raise DatabaseError(f"无法打开备份文件 {backup.name}：{exc}") from exc
    try:
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite.DatabaseError:
            raise DatabaseError(f"{backup.name} 不是本社工站的数据库备份（无法用本站密钥打开），不能恢复。") from None
        if version > migrations.latest_version():
            raise DatabaseError(f"{backup.name} 由更新版本的程序创建（数据版本 {version}），本程序不能恢复它。请先升级程序。")
        if [r[0] for r in conn.execute("PRAGMA quick_check")] != ["ok"]:
            raise DatabaseError(f"{backup.name} 已损坏（完整性检查未通过），不能恢复。请换一个备份。")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"station", "person", "audit_log"} <= tables:
            raise DatabaseError(f"{backup.name} 不是社工站数据库，不能恢复。")
        station = conn.execute("SELECT id, name FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1").fetchone()
        if station is None or (database.station_id is not None and station[0] != database.station_id):
            raise DatabaseError(f"{backup.name} 是其他社工站的数据，不能恢复到本站。")
        people = conn.execute("SELECT COUNT(*) FROM person WHERE deleted = 0").fetchone()[0]
        last = conn.execute("SELECT MAX(at) FROM audit_log").fetchone()[0] or ""
        return BackupInfo(backup, station[1], version, people, last)
    finally:
        conn.close()


def restore(database: StationDatabase, backup: Path) -> Path:
    """Replace the database with `backup` after `inspect` passes; returns the copy kept of the
    current database. `database` is closed: reopen it (the same path and key) to go on."""
    inspect(backup, database)
    key = database.require_key()
    path = database.path
    kept = database.backup_to(backups_dir(path.parent) / f"before-restore-{stamp()}.db")
    incoming = path.with_name(path.name + ".restoring")
    incoming.unlink(missing_ok=True)
    create_private(incoming)
    source = connect_readonly(backup, key)
    target = sqlite.connect(str(incoming))
    try:
        keyed(target, key)
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        source.close()
        target.close()
    fsync_file(incoming)
    database.close()
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(incoming, path)
    return kept
