"""The two databases the county server runs on: SQLite (one file, the default) or PostgreSQL.

The server's SQL is written once, with `?` parameters; a backend adapts the few places the two
differ (parameter style, JSON field access, auto-numbered keys, how a write transaction begins)
and hands rows back as dicts. One connection per server process, used under a lock.

The SQLite file is encrypted at rest with SQLCipher, as the station's is (store.driver), with a
key kept apart from it (server.config.database_key); it and its WAL are readable by the server's
user only. A plaintext county.db left by an older version is converted when first opened: copied
encrypted, the copy verified (integrity, every table's row count), then put in its place and the
plaintext overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from station_app.core.errors import KnownError
from station_app.server.config import database_key
from station_app.store.driver import (
    DatabaseError,
    export_encrypted,
    is_plaintext,
    keyed,
    replace_overwriting,
    row_counts,
    sqlite,
)


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


def _dict_row(cursor: Any, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, row)}


class SqliteBackend(Backend):
    def __init__(self, path: Path, key: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created, or left by an older version world-readable: the owner's only. SQLite gives the
        # WAL and shared-memory files the database file's mode.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
        if path.stat().st_size and is_plaintext(path):
            _encrypt_plaintext(path, key)
        self.conn = _open(path, key)
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


def _open(path: Path, key: bytes) -> Any:
    conn = sqlite.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    keyed(conn, key)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except DatabaseError:
        conn.close()
        raise KnownError(f"无法打开 {path}：数据库密钥不对，或文件已损坏") from None
    return conn


def _encrypt_plaintext(path: Path, key: bytes) -> None:
    """Convert a county.db an older version kept in plain text; nothing changes if a check fails."""
    work = path.with_name(path.name + ".encrypting")
    work.unlink(missing_ok=True)
    plain = sqlite.connect(str(path), isolation_level=None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        expected = row_counts(plain)
        export_encrypted(plain, work, key)
    finally:
        plain.close()
    os.chmod(work, 0o600)
    copy = _open(work, key)
    try:
        whole = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and row_counts(copy) == expected
    finally:
        copy.close()
    if not whole:
        work.unlink(missing_ok=True)
        raise KnownError(f"{path} 加密转换未通过校验，原数据库保持不变")
    replace_overwriting(work, path)


def connect(url_or_path: str | Path, key_file: Path | None = None) -> Backend:
    """`postgresql://…` opens PostgreSQL; a path (or `sqlite:///path`) opens SQLite, encrypted with
    the key server.config finds for it (in `key_file`, if given)."""
    text = str(url_or_path)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(text)
    path = Path(text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text)
    return SqliteBackend(path, database_key(path, key_file))
