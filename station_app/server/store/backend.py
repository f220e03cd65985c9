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

import contextlib
import functools
import os
import shutil
import subprocess
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
    collate_c = ""  # byte order for prefix searches: SQLite compares text that way already
    begin = "BEGIN IMMEDIATE"

    def execute(self, sql: str, params: Any = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def json_field(self, column: str, key: str) -> str:
        raise NotImplementedError

    def pipeline(self) -> contextlib.AbstractContextManager[Any]:
        """Statements inside are sent without waiting for each one's answer, where the database is
        across a connection (PostgreSQL); errors are raised by the end of the block at the latest."""
        return contextlib.nullcontext()

    def script(self, statements: list[str]) -> None:
        for statement in statements:
            self.execute(statement)

    def has_table(self, name: str) -> bool:
        raise NotImplementedError

    def lock_schema(self) -> None:
        """Inside a write transaction: make other processes wait until its schema upgrade commits."""

    def backup(self, folder: Path, stem: str) -> Path:
        """A full copy of the database in `folder` before an upgrade; KnownError when none can be made."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def _private_file(path: Path) -> Path:
    """An empty file only its owner may read: a backup holds every township's personal data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    return path


def _dict_row(cursor: Any, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, row)}


class SqliteBackend(Backend):
    def __init__(self, path: Path, key: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.key = path, key
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

    def has_table(self, name: str) -> bool:
        return self.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None

    def backup(self, folder: Path, stem: str) -> Path:
        """Through SQLite's backup API on a second connection: in WAL mode it reads the last committed
        state while this one holds the write lock for the upgrade. The copy is encrypted with the
        same key, so it is no easier to read than the database."""
        target = _private_file(folder / f"{stem}.db")
        source = _open(self.path, self.key)
        copy = sqlite.connect(str(target))
        try:
            keyed(copy, self.key)
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target

    def close(self) -> None:
        self.conn.close()


class PostgresBackend(Backend):
    serial = "BIGSERIAL PRIMARY KEY"
    collate_c = 'COLLATE "C"'
    begin = "BEGIN"
    _SCHEMA_LOCK = 7_301_512  # any fixed number: the advisory lock every server process takes to upgrade
    # The console's county-wide counts: no JIT (compiling a query took longer than running it, at a
    # city's size) and room to group a month's visits in memory rather than on disk.
    OPTIONS = "-c jit=off -c work_mem=64MB"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as exc:  # pragma: no cover - psycopg is pinned in requirements.txt
            raise KnownError("未安装 psycopg，不能连接 PostgreSQL") from exc
        self.url = url
        try:
            self.conn = psycopg.connect(url, autocommit=True, row_factory=dict_row, options=self.OPTIONS)
        except psycopg.OperationalError as exc:
            raise KnownError(f"无法连接 PostgreSQL 数据库：{exc}") from exc

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """An INSERT of many rows as one multi-row statement (several times faster than pipelining
        row by row); the rows must not touch the same key twice. Written with PostgreSQL's own
        numbered parameters and sent as it is (psycopg's RawCursor): parsing placeholders in
        statements this long would cost more than the database's work."""
        import psycopg

        for start in range(0, len(rows), 1000):  # within PostgreSQL's 65,535 parameters
            chunk = rows[start : start + 1000]
            with psycopg.RawCursor(self.conn) as cursor:
                cursor.execute(_many_rows(sql, len(chunk)), [v for row in chunk for v in row])

    def json_field(self, column: str, key: str) -> str:
        return f"({column}::jsonb ->> '{key}')"

    def pipeline(self) -> contextlib.AbstractContextManager[Any]:
        return self.conn.pipeline()

    def has_table(self, name: str) -> bool:
        return self.execute("SELECT to_regclass(?) AS found", (name,)).fetchone()["found"] is not None

    def lock_schema(self) -> None:
        self.execute(f"SELECT pg_advisory_xact_lock({self._SCHEMA_LOCK})")

    def backup(self, folder: Path, stem: str) -> Path:
        """pg_dump's custom format (restore with pg_restore); without pg_dump there is no safe upgrade."""
        tool = shutil.which("pg_dump")
        if tool is None:
            raise KnownError("服务器数据库需要升级，升级前必须先备份，但本机找不到 pg_dump。请安装 PostgreSQL 客户端工具"
                             "（Debian/Ubuntu：apt-get install postgresql-client），再重新启动服务器；"
                             "数据库未做任何改动。")
        target = _private_file(folder / f"{stem}.dump")
        done = subprocess.run([tool, "--format=custom", "--no-password", f"--file={target}", self.url],
                              capture_output=True, text=True)
        if done.returncode != 0:
            target.unlink(missing_ok=True)
            raise KnownError(f"升级前备份数据库失败（pg_dump：{done.stderr.strip()[:300]}），数据库未做任何改动。")
        return target

    def close(self) -> None:
        self.conn.close()


@functools.lru_cache(maxsize=64)
def _many_rows(sql: str, count: int) -> str:
    """`sql`, an INSERT of one row with `?` parameters, as an INSERT of `count` rows with numbered
    ones. Kept: a batch's statements come back with the same few row counts (1,000 in a full chunk)."""
    head, _, tail = sql.partition(" VALUES ")
    end = tail.index(")") + 1
    pieces = tail[:end].split("?")
    numbers = iter(range(1, count * (len(pieces) - 1) + 1))
    values = ", ".join("".join(piece + (f"${next(numbers)}" if i < len(pieces) - 1 else "")
                               for i, piece in enumerate(pieces)) for _ in range(count))
    return f"{head} VALUES {values}{tail[end:]}"


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
