"""Numbered migrations of the county server's database (db/server/), on SQLite and PostgreSQL.

`db/server/0003_name.sql` takes the database from version 2 to 3; the version is the one row of
`server_schema`. A database made by the first server (an unversioned CREATE … IF NOT EXISTS block)
has its tables but no version: it is recognised as version 1 and upgraded from there.

- A database newer than this program is refused untouched.
- An older one is copied first (SQLite: the backup API; PostgreSQL: pg_dump, or a refusal that
  says what to install), then every pending migration runs, their Python steps after them, and
  the new version is set, in one transaction: a crash leaves the old version or the new, never between.
- Several worker processes may start at once: the upgrade holds the database's write lock (SQLite)
  or an advisory lock (PostgreSQL), and each process re-reads the version under it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from station_app.core.errors import DatabaseError
from station_app.paths import install_root
from station_app.server.store import read_tables
from station_app.server.store.backend import Backend
from station_app.store import migrations as numbered
from station_app.store.migrations import Migration

VERSION_TABLE = "server_schema"
FIRST_TABLE = "stations"  # present in every database the first server made

PostStep = Callable[[Backend], None]
# Data SQL cannot compute: read tables are filled from the records already held. A step runs once,
# after the SQL of every pending migration, so it is written against the latest schema only.
POST_STEPS: dict[int, PostStep] = {3: read_tables.rebuild, 5: read_tables.rebuild, 7: read_tables.rebuild,
                                   9: read_tables.rebuild}


def folder() -> Path:
    return install_root() / "db" / "server"


def available() -> list[Migration]:
    """The server's migrations, numbered and split into statements as the station's are."""
    return numbered.available(folder())


def statements(migration: Migration, db: Backend) -> list[str]:
    """A migration's statements with the database's spelling of its placeholders."""
    return [s.replace("{serial}", db.serial).replace("{collate_c}", db.collate_c) for s in migration.statements]


def latest_version() -> int:
    return len(available())


def current_version(db: Backend) -> int:
    if db.has_table(VERSION_TABLE):
        return int(db.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()["version"])
    return 1 if db.has_table(FIRST_TABLE) else 0


def upgrade(db: Backend, backup_folder: Path | None) -> Path | None:
    """Bring the database to the latest version; the backup made on the way (None when none was
    needed). `backup_folder` None: an older database is refused rather than upgraded unsaved."""
    migrations = available()
    db.execute(db.begin)
    try:
        db.lock_schema()
        current = current_version(db)
        if current > len(migrations):
            raise DatabaseError(f"服务器数据库是更新版本的程序建立的（版本 {current}，本程序只认识到版本 {len(migrations)}），"
                                "请改用新版本的服务器程序。数据库未做任何改动。")
        backup = _backup(db, backup_folder, current) if 0 < current < len(migrations) else None
        if current < len(migrations):
            if not db.has_table(VERSION_TABLE):
                db.execute(f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)")
                db.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (?)", (current,))
            pending = migrations[current:]
            for migration in pending:
                db.script(statements(migration, db))
            for step in dict.fromkeys(POST_STEPS[m.version] for m in pending if m.version in POST_STEPS):
                step(db)
            db.execute(f"UPDATE {VERSION_TABLE} SET version = ?", (len(migrations),))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return backup


def _backup(db: Backend, backup_folder: Path | None, current: int) -> Path:
    if backup_folder is None:
        raise DatabaseError("服务器数据库需要升级，但没有给出备份目录：请用 main.py server --dir 目录 … 启动，"
                            "升级前的备份会放在该目录的 backups 下。")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return db.backup(backup_folder, f"county-v{current}-{stamp}")
