"""Opening the station database: pragmas, version check, migrations, integrity, backups.

One `StationDatabase` wraps one SQLite connection (sqlite3 connections belong to the thread
that made them: a worker thread opens its own). Writes go through `transaction()`, which takes
the write lock up front (BEGIN IMMEDIATE) so two writers queue instead of deadlocking.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from station_app.core.errors import DatabaseError
from station_app.store import migrations
from station_app.store.search_index import rebuild_search_index

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
POST_STEPS: dict[int, migrations.PostStep] = {2: rebuild_search_index}


class NewerDatabaseError(DatabaseError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"这个数据库由更新版本的社工站程序创建（数据版本 {found}，本程序支持到 {supported}）。"
            "为保护数据，本程序不会打开或修改它。请安装最新版本后再打开。"
        )
        self.found = found


class CorruptDatabaseError(DatabaseError):
    pass


def _read_version(path: Path) -> int:
    """user_version without writing anything: the file may belong to a newer program."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(f"无法打开数据库文件 {path}：{exc}") from exc
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(f"文件 {path} 不是有效的社工站数据库（{exc}）。请从备份恢复。") from exc
    finally:
        conn.close()


def connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN ourselves, so nothing commits behind our back.
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit that returned is on disk, even if the power goes a moment later.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class StationDatabase:
    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._station_id: str | None = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, backup_dir: Path | None = None, check: bool = True) -> StationDatabase:
        """Open (creating if absent) and upgrade the database at `path`.

        A database from a newer program is refused before anything is written to it. Before an
        existing database is upgraded, a backup copy goes to `backup_dir` (default: beside it).
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        supported = migrations.latest_version()
        found = _read_version(path) if path.exists() and path.stat().st_size > 0 else 0
        if found > supported:
            raise NewerDatabaseError(found, supported)
        try:
            conn = connect(path)
        except sqlite3.DatabaseError as exc:
            raise CorruptDatabaseError(f"无法打开数据库 {path}：{exc}") from exc
        database = cls(path, conn)
        try:
            if check:
                problems = database.quick_check()
                if problems:
                    raise CorruptDatabaseError(
                        "数据库完整性检查未通过：" + "；".join(problems[:3]) + "。请从备份恢复，或联系县民政局技术人员。"
                    )
            if found < supported:
                if found > 0:
                    copy = database.backup_to((backup_dir or path.parent / "backups") / f"before-v{supported}-{_stamp()}.db")
                    log.info("backed up version %d database to %s before upgrading", found, copy)
                database.migrate(found)
        except BaseException:
            conn.close()
            raise
        return database

    def migrate(self, current: int) -> None:
        for migration in migrations.available():
            if migration.version > current:
                log.info("applying migration %s", migration.path.name)
                migrations.apply(self.conn, migration, POST_STEPS.get(migration.version))

    def close(self) -> None:
        self.conn.close()

    # -- state ------------------------------------------------------------------------------

    @property
    def user_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def station_id(self) -> str | None:
        """The id of this install's station record, or None before first-run set-up."""
        if self._station_id is None:
            row = self.conn.execute("SELECT id FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1").fetchone()
            self._station_id = row[0] if row else None
        return self._station_id

    def forget_station_id(self) -> None:
        self._station_id = None

    def quick_check(self) -> list[str]:
        """Problems SQLite's quick check finds (fast enough for every start-up); [] when sound."""
        rows = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
        return [] if rows == ["ok"] else rows

    def integrity_check(self) -> list[str]:
        """The thorough check (indexes against tables, foreign keys), for the check command."""
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        for table, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} 第 {rowid} 行引用的 {parent} 记录不存在")
        return problems

    # -- reading and writing ------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work; nested use becomes a savepoint inside the outer one."""
        conn = self.conn
        if conn.in_transaction:
            name = f"sp_{secrets.token_hex(6)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            conn.execute(f"RELEASE {name}")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- backups ------------------------------------------------------------------------------

    def backup_to(self, destination: Path) -> Path:
        """A consistent copy through SQLite's online backup, safe while the app is in use.

        Written under a temporary name, flushed to disk, then renamed: a copy that exists is whole.
        """
        destination = Path(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".partial")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(str(partial))
        try:
            self.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, destination)
        return destination


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")

