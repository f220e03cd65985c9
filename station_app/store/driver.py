"""The SQLite driver: SQLCipher, so the station database is encrypted at rest.

Every connection the program opens comes from here, and errors are caught as this module's
classes (`sqlcipher3` raises its own, not the standard library's `sqlite3` ones).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlite

Connection = sqlite.Connection
Error = sqlite.Error
DatabaseError = sqlite.DatabaseError
OperationalError = sqlite.OperationalError

KEY_BYTES = 32  # AES-256; handed to SQLCipher raw, so opening needs no key derivation
PLAINTEXT_HEADER = b"SQLite format 3\x00"


def keyed(conn: Connection, key: bytes, schema: str = "main") -> None:
    """Give `conn` the raw key for `schema` (must come before anything reads the file)."""
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    conn.execute(f"PRAGMA {schema}.key = \"x'{key.hex()}'\"")


def is_plaintext(path: str | bytes | object) -> bool:
    """True for an unencrypted SQLite file (its header is readable); False for SQLCipher's noise."""
    with open(path, "rb") as fh:  # type: ignore[arg-type]
        return fh.read(len(PLAINTEXT_HEADER)) == PLAINTEXT_HEADER


def export_encrypted(conn: Connection, destination: Path, key: bytes) -> None:
    """Copy the plaintext database open on `conn` (its schema version too) into a new file
    encrypted with `key`: the first step of converting a file an older version left unencrypted."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", [str(destination)])
    conn.execute("SELECT sqlcipher_export('encrypted')")
    conn.execute(f"PRAGMA encrypted.user_version = {version:d}")
    conn.execute("DETACH DATABASE encrypted")


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table: an encrypted copy must hold as many as the original."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def replace_overwriting(new: Path, path: Path) -> None:
    """Put the verified file `new` in `path`'s place, then overwrite the old plaintext with zeros
    before its space is released, and drop its WAL and shared-memory files. (On an SSD or a
    journaling file system old blocks may survive the overwrite; the name no longer leads to them.)"""
    with open(path, "r+b") as original:
        os.replace(new, path)  # the name now leads to the new file; `original` still holds the old
        size = os.fstat(original.fileno()).st_size
        original.seek(0)
        for _ in range(0, size, 1 << 20):
            original.write(bytes(min(1 << 20, size - original.tell())))
        original.flush()
        os.fsync(original.fileno())
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
