"""Numbered schema migrations from `db/`, recorded in `PRAGMA user_version`.

`db/0003_name.sql` takes a database from version 2 to 3. Each migration runs in one transaction
together with its optional Python step (for data SQL cannot compute, such as pinyin keys) and the
new `user_version`, so a power cut leaves the database at the old version or the new, never between.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from station_app.paths import migrations_dir
from station_app.store.driver import Connection, sqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    @property
    def statements(self) -> list[str]:
        """The file split into statements; trigger bodies keep their inner semicolons."""
        statements, pending = [], ""
        for line in self.path.read_text(encoding="utf-8").splitlines(keepends=True):
            if not pending and (not line.strip() or line.lstrip().startswith("--")):
                continue
            pending += line
            if sqlite.complete_statement(pending):
                statements.append(pending.strip())
                pending = ""
        if pending.strip():
            raise ValueError(f"{self.path.name}: unterminated statement at the end")
        return statements


def available(directory: Path | None = None) -> list[Migration]:
    found = []
    for path in sorted((directory or migrations_dir()).glob("*.sql")):
        m = _NAME.match(path.name)
        if m:
            found.append(Migration(int(m[1]), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


def latest_version() -> int:
    return len(available())


PostStep = Callable[[Connection], None]


def apply(conn: Connection, migration: Migration, post_step: PostStep | None) -> None:
    """Run one migration atomically. `conn` must be in autocommit mode (isolation_level=None)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in migration.statements:
            conn.execute(statement)
        if post_step is not None:
            post_step(conn)
        conn.execute(f"PRAGMA user_version = {migration.version:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
