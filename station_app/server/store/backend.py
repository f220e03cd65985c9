"""The two databases the county server runs on: SQLite (one file, the default) or PostgreSQL.

The server's SQL is written once, with `?` parameters; a backend adapts the few places the two
differ (parameter style, JSON field access, auto-numbered keys, how a write transaction begins)
and hands rows back as dicts. One connection per server process, used under a lock.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from station_app.core.errors import KnownError


class Backend:
    serial = "INTEGER PRIMARY KEY AUTOINCREMENT"
    begin = "BEGIN IMMEDIATE"

    def execute(self, sql: str, params: Any = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def json_field(self, column: str, key: str) -> str:
        raise NotImplementedError

    def script(self, statements: list[str]) -> None:
        for statement in statements:
            self.execute(statement)

    def close(self) -> None:
        raise NotImplementedError


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, row)}


class SqliteBackend(Backend):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
        self.conn.row_factory = _dict_row
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")  # an acknowledged batch is on disk

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.conn.executemany(sql, rows)

    def json_field(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"

    def close(self) -> None:
        self.conn.close()


class PostgresBackend(Backend):
    serial = "BIGSERIAL PRIMARY KEY"
    begin = "BEGIN"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as exc:  # pragma: no cover - psycopg is pinned in requirements.txt
            raise KnownError("未安装 psycopg，不能连接 PostgreSQL") from exc
        try:
            self.conn = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        except psycopg.OperationalError as exc:
            raise KnownError(f"无法连接 PostgreSQL 数据库：{exc}") from exc

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """An INSERT of many rows as one multi-row statement (several times faster than pipelining
        row by row); the rows must not touch the same key twice."""
        for start in range(0, len(rows), 1000):  # within PostgreSQL's 65,535 parameters
            chunk = rows[start : start + 1000]
            head, _, tail = sql.partition(" VALUES ")
            end = tail.index(")") + 1
            values = ", ".join([tail[:end]] * len(chunk))
            self.execute(f"{head} VALUES {values}{tail[end:]}", [v for row in chunk for v in row])

    def json_field(self, column: str, key: str) -> str:
        return f"({column}::jsonb ->> '{key}')"

    def close(self) -> None:
        self.conn.close()


def connect(url_or_path: str | Path) -> Backend:
    """`postgresql://…` opens PostgreSQL; a path (or `sqlite:///path`) opens SQLite."""
    text = str(url_or_path)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(text)
    return SqliteBackend(Path(text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text))
