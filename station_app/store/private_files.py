"""The station's files are its user's alone: mode 0600 (folders 0700), whatever the system's default.

The database, its -wal and -shm, the key ring, backups with their key rings, exports and prints
hold personal data (encrypted or not, a file others may read invites copying). The program sets a
private umask as it starts, so everything it writes is private from birth; the store also sets the
mode of the files it owns itself, so they stay private when the store is used on its own (tests,
scripts) or the file came from an older version.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o600
UMASK = 0o077
# A *.partial file this old is what a killed backup or export left; a younger one may be being written.
STALE_PARTIAL = dt.timedelta(hours=1)
PARTIALS = ("*.db.partial", "*.keys.partial", "*.xlsx.partial")  # ours only: a folder may be a USB stick's


def keep_private_by_default() -> None:
    """Every file and folder this process creates from now on is its user's alone."""
    os.umask(UMASK)


def make_private(*paths: Path) -> None:
    """Set the private mode on those of `paths` that exist."""
    for path in paths:
        if path.exists():
            os.chmod(path, FILE_MODE)


def create_private(path: Path) -> None:
    """Create `path` empty with the private mode if it does not exist (SQLite gives a database's
    -wal and -shm the mode of the database file, so they are private too)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))


def open_private(path: Path) -> IO[str]:
    """`path` opened for writing text (truncated), private from its creation."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.chmod(path, FILE_MODE)  # an older file kept its old mode through O_CREAT
    return os.fdopen(fd, "w", encoding="utf-8")


def remove_stale_partials(folder: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete the `*.partial` files a killed backup or export left in `folder`; the ones removed."""
    if not folder.is_dir():
        return []
    cutoff = ((now or dt.datetime.now()) - STALE_PARTIAL).timestamp()
    removed = []
    for path in (p for pattern in PARTIALS for p in folder.glob(pattern)):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def save_workbook(book: Any, out: Path) -> Path:
    """Write an openpyxl workbook to `out` under a temporary name, private, then rename it into
    place: a file that exists under its name is whole."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    book.save(partial)
    make_private(partial)
    os.replace(partial, out)
    return out
