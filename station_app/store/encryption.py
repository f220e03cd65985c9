"""Converting a database left unencrypted by an older version, and its backups.

Station refuses to work on a plaintext database (StationDatabase.open raises). The head's first
log-in after the upgrade converts it: the head's password is checked against the old file, a new
random key is wrapped for the head and for a new recovery code, the file is copied encrypted and
verified, the plaintext is overwritten, and the plaintext backups in the backups folder are
converted the same way. Other users get access when the head sets them a temporary password.
"""

from __future__ import annotations

from pathlib import Path

from station_app.core.errors import AuthError, DatabaseError
from station_app.core.roles import HEAD, Actor
from station_app.store import audit_log, users
from station_app.store.database import StationDatabase, fsync_file, stamp, connect
from station_app.store.driver import export_encrypted, is_plaintext, replace_overwriting, row_counts, sqlite
from station_app.store.keyring import KeyRing, keys_path, new_key
from station_app.store.private_files import create_private


def convert(path: Path, backup_dir: Path, username: str, password: str) -> tuple[Actor, str]:
    """The head's conversion of the plaintext database at `path`: (the head, the new recovery code).

    The password is checked against the plaintext file's own user table first; only a head may
    convert, because the recovery code it produces belongs in the head's keeping.
    """
    plain = StationDatabase.open(path, backup_dir=backup_dir, plaintext=True, check=True)
    try:
        actor = users.authenticate(plain, username, password)
        label = plain.scalar("SELECT name FROM station WHERE deleted = 0 ORDER BY created_at LIMIT 1") or ""
    finally:
        plain.close()
    if actor.role != HEAD:
        raise AuthError("数据库需要先完成加密升级，请由站长登录一次。")
    key = new_key()
    ring = KeyRing(keys_path(path), [], label=label)  # a fresh key: copies under any older one are void
    ring.set_user(actor.username, password, key)
    code = ring.set_recovery(key)
    ring.save()
    encrypt_in_place(path, key, backup_dir)
    for old in sorted(Path(backup_dir).glob("*.db")):
        if is_plaintext(old):
            encrypt_in_place(old, key, backup_dir, keep_backup=False)
            ring.copy_to(keys_path(old))
    database = StationDatabase.open(path, key, backup_dir=backup_dir, check=False)
    try:
        with database.transaction() as conn:
            audit_log.append(conn, actor, [audit_log.Event("database_encrypted", "users", actor.user_id)])
    finally:
        database.close()
    return actor, code


def encrypt_in_place(path: Path, key: bytes, backup_dir: Path, *, keep_backup: bool = True) -> Path | None:
    """Convert the unencrypted database at `path` into one encrypted with `key`.

    The encrypted copy is made beside it and verified against the original (SQLite's integrity
    check, the same schema version, every table's row count, an unbroken audit chain); a backup of
    that verified copy goes to `backup_dir`; only then does it take the original's place. The
    plaintext file is overwritten with zeros before its space is released. (On an SSD or a
    journaling file system old blocks may survive the overwrite; the file's name no longer leads
    to them.) Returns the backup's path (None without `keep_backup`, for converting old backups
    themselves). Nothing changes if any step fails.
    """
    path = Path(path)
    work = path.with_name(path.name + ".encrypting")
    work.unlink(missing_ok=True)
    create_private(work)
    plain = sqlite.connect(str(path), isolation_level=None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = int(plain.execute("PRAGMA user_version").fetchone()[0])
        expected = row_counts(plain)
        export_encrypted(plain, work, key)
    finally:
        plain.close()
    try:
        fsync_file(work)
        copy = StationDatabase(work, connect(work, key), key)
        try:
            problems = copy.integrity_check()
            if copy.user_version != version or row_counts(copy.conn) != expected:
                problems.append("加密副本与原数据库的记录数不一致")
            if audit_log.first_broken(copy.conn) is not None:
                problems.append("加密副本的审计日志哈希链不完整")
            if problems:
                raise DatabaseError("加密转换未通过校验，原数据库保持不变：" + "；".join(problems[:3]))
            copy.conn.execute("PRAGMA journal_mode = DELETE")
            backup = copy.backup_to(backup_dir / f"encrypted-{stamp()}.db", ring_of=path) if keep_backup else None
        finally:
            copy.close()
    except BaseException:
        work.unlink(missing_ok=True)
        raise
    replace_overwriting(work, path)
    return backup
