"""Opening the station database: encryption key, pragmas, version check, migrations, integrity, backups.

One `StationDatabase` wraps one SQLCipher connection (connections belong to the thread that made
them: a worker thread opens its own, by path, with the key this process already unlocked). Writes
go through `transaction()`, which takes the write lock up front (BEGIN IMMEDIATE) so two writers
queue instead of deadlocking. The file is encrypted at rest with a random key (see store.keyring);
a database left unencrypted by an older version is converted by `encrypt_in_place`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from station_app.core.errors import DatabaseError
from station_app.store import migrations, sqlite_errors
from station_app.store.driver import Connection, is_plaintext, keyed, sqlite
from station_app.store.keyring import keys_path
from station_app.store.private_files import create_private, make_private, remove_stale_partials
from station_app.store.search_index import rebuild_search_index

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 32 * 1024
ONCE_CACHE_KIB = 2 * 1024
JOB_CACHE_KIB = 8 * 1024
# Values bound in one `IN (…)`: SQLite's limit is far above this; chunks keep statements short.
_IN_CHUNK = 500
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


class PlaintextDatabaseError(DatabaseError):
    """An unencrypted database from before encryption: it must be converted, not used as it is."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"数据库 {path.name} 尚未加密。请由站长登录，程序会先备份再把它转换为加密数据库。")


class LockedDatabaseError(DatabaseError):
    pass


# Keys of the databases this process has opened, by path: a worker thread opens its own
# connection by path alone, after a person unlocked the database on the UI thread.
_unlocked: dict[Path, bytes] = {}


def forget_keys() -> None:
    _unlocked.clear()


def _key_for(path: Path, key: bytes | None) -> bytes:
    if key is not None:
        return key
    try:
        return _unlocked[path.resolve()]
    except KeyError:
        raise LockedDatabaseError("数据库已加密，需要用户登录后才能打开。") from None


def connect_readonly(path: Path, key: bytes | None) -> Connection:
    """A connection that cannot write (to look at a file that may not be ours to change);
    `key` None only for a plaintext file."""
    conn = sqlite.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    if key is not None:
        keyed(conn, key)
    return conn


def _read_version(path: Path, key: bytes) -> int:
    """user_version without writing anything: the file may belong to a newer program."""
    try:
        conn = connect_readonly(path, key)
    except sqlite.Error as exc:
        raise CorruptDatabaseError(f"无法打开数据库文件 {path}：{exc}") from exc
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite.DatabaseError as exc:
        raise CorruptDatabaseError(
            f"无法读取数据库文件 {path.name}：密钥不符，或文件已损坏（{exc}）。请确认密钥文件 {keys_path(path).name} "
            "与数据库是同一份，或从备份恢复。") from exc
    finally:
        conn.close()


def connect(path: Path, key: bytes | None) -> Connection:
    """A connection with the station's pragmas; `key` None only for converting a plaintext file."""
    # isolation_level=None: we issue BEGIN ourselves, so nothing commits behind our back.
    conn = sqlite.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    if key is not None:
        keyed(conn, key)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Every page read from an encrypted file is decrypted and its HMAC checked; a page cache of 32 MiB
    # (instead of SQLite's 2 MiB) keeps the hot pages of lists and indexes decrypted: the people
    # list's first screen at 100,000 people took half the time with it (bench/RESULTS.md).
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit that returned is on disk, even if the power goes a moment later.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class StationDatabase:
    def __init__(self, path: Path, conn: Connection, key: bytes | None) -> None:
        self.path = path
        self.conn = conn
        self.key = key  # None only for a plaintext database being converted
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._station_id: str | None = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, key: bytes | None = None, *, backup_dir: Path | None = None,
             check: bool = True, plaintext: bool = False) -> StationDatabase:
        """Open (creating if absent, encrypted with `key`) and upgrade the database at `path`.

        Without `key`, the key this process already unlocked for `path` is used. An unencrypted
        file is refused (PlaintextDatabaseError) unless `plaintext` is set, which only the
        conversion to encryption does. A database from a newer program is refused before anything
        is written to it. Before an existing database is upgraded, a backup copy goes to
        `backup_dir` (default: beside it).
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        exists = path.exists() and path.stat().st_size > 0
        create_private(path)
        make_private(path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
        if exists and is_plaintext(path) != plaintext:
            if plaintext:
                raise DatabaseError(f"数据库 {path.name} 已经加密。")
            raise PlaintextDatabaseError(path)
        key = None if plaintext else _key_for(path, key)
        supported = migrations.latest_version()
        found = _read_version_any(path, key) if exists else 0
        if found > supported:
            raise NewerDatabaseError(found, supported)
        try:
            conn = connect(path, key)
        except sqlite.DatabaseError as exc:
            raise sqlite_errors.known(exc) or CorruptDatabaseError(f"无法打开数据库 {path}：{exc}") from exc
        database = cls(path, conn, key)
        try:
            if check:
                problems = database.quick_check()
                if problems:
                    raise CorruptDatabaseError(
                        "数据库完整性检查未通过：" + "；".join(problems[:3]) + "。请从备份恢复，或联系县民政局技术人员。"
                    )
            if found < supported and not plaintext:  # a plaintext file is converted first, then upgraded
                if found > 0:
                    copy = database.backup_to((backup_dir or path.parent / "backups") / f"before-v{supported}-{stamp()}.db")
                    log.info("backed up version %d database to %s before upgrading", found, copy)
                database.migrate(found)
        except BaseException:
            conn.close()
            raise
        if key is not None:
            _unlocked[path.resolve()] = key
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

    @contextlib.contextmanager
    def reading_once(self) -> Iterator[None]:
        """For a read of the whole file that visits each page once (a check, a backup): a small page
        cache meanwhile, as a large one would only hold pages never read again (and at start-up,
        beside the window's own connections, it would be most of the app's peak memory)."""
        size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{ONCE_CACHE_KIB}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {size}")

    def for_one_job(self) -> StationDatabase:
        """This connection as a worker thread's, opened for one job and closed after it: its page
        cache serves only the pages the job reads twice, so a smaller one costs little time, while
        a full-size cache in each worker beside the window's own was most of the app's peak memory
        at 100,000 people (bench: the statistics and ledger pages)."""
        self.conn.execute(f"PRAGMA cache_size = -{JOB_CACHE_KIB}")
        return self

    def quick_check(self) -> list[str]:
        """Problems SQLite's quick check finds (fast enough for every start-up); [] when sound."""
        try:
            with self.reading_once():
                rows = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
        except sqlite.DatabaseError as exc:  # SQLCipher refuses a page whose checksum fails outright
            return [f"数据页无法读取（{exc}）"]
        return [] if rows == ["ok"] else rows

    def integrity_check(self) -> list[str]:
        """The thorough check (indexes against tables, foreign keys), for the check command."""
        with self.reading_once():
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        for table, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} 第 {rowid} 行引用的 {parent} 记录不存在")
        return problems

    # -- reading and writing ------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def query_in(self, sql: str, values: Sequence[Any], params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """`sql` whose `{}` is a list of placeholders for `values` (after `params`), run in chunks
        so a batch of any size stays a few short statements; rows in the chunks' order."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(values), _IN_CHUNK):
            chunk = list(values[start:start + _IN_CHUNK])
            found += self.db.query(sql.format(", ".join("?" * len(chunk))), [*params, *chunk])
        return found

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One atomic unit of work; nested use becomes a savepoint inside the outer one.

        SQLite's environment errors (busy or locked, disk full, read-only, I/O, damaged file) leave
        it as a `StorageError` with a calm Chinese message, after everything was rolled back."""
        conn = self.conn
        if conn.in_transaction:
            name = f"sp_{secrets.token_hex(6)}"
            with sqlite_errors.mapped():
                conn.execute(f"SAVEPOINT {name}")
            try:
                with sqlite_errors.mapped():
                    yield conn
                    conn.execute(f"RELEASE {name}")
            except BaseException:
                _quietly(conn, f"ROLLBACK TO {name}", f"RELEASE {name}")
                raise
            return
        with sqlite_errors.mapped():
            conn.execute("BEGIN IMMEDIATE")
        try:
            with sqlite_errors.mapped():
                yield conn
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                _quietly(conn, "ROLLBACK")
            raise

    # -- backups ------------------------------------------------------------------------------

    def backup_to(self, destination: Path, *, ring_of: Path | None = None) -> Path:
        """A consistent copy through SQLite's online backup, safe while the app is in use.

        The copy is encrypted with the database's key (or `key`), and the key ring goes beside it
        (`x.keys` for `x.db`; the ring of `ring_of`'s database if given): a backup is unreadable
        without a user's password or the recovery code, and restorable with them. Written under a temporary name, flushed to disk, then
        renamed: a copy that exists is whole.
        """
        destination = Path(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".partial")
        partial.unlink(missing_ok=True)
        remove_stale_partials(destination.parent)
        create_private(partial)
        target = sqlite.connect(str(partial))
        try:
            keyed(target, self.require_key())
            with self.reading_once():
                self.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        fsync_file(partial)
        ring = keys_path(ring_of or self.path)
        if ring.exists():
            from station_app.store.keyring import KeyRing

            KeyRing.load(ring).copy_to(keys_path(destination))
        os.replace(partial, destination)
        return destination

    def require_key(self) -> bytes:
        if self.key is None:
            raise DatabaseError("未加密的数据库不能直接备份，请先完成加密转换。")
        return self.key


def _quietly(conn: Connection, *statements: str) -> None:
    """Undo after a failure; if even that fails (the disk is gone), the first error is the one to show."""
    with contextlib.suppress(sqlite.Error):
        for statement in statements:
            conn.execute(statement)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _read_version_any(path: Path, key: bytes | None) -> int:
    if key is not None:
        return _read_version(path, key)
    conn = connect_readonly(path, None)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


