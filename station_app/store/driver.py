"""The SQLite driver: SQLCipher, so the station database is encrypted at rest.

Every connection the program opens comes from here, and errors are caught as this module's
classes (`sqlcipher3` raises its own, not the standard library's `sqlite3` ones).
"""

from __future__ import annotations

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
