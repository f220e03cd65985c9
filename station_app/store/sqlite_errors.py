"""SQLite's environment errors as calm Chinese messages (qutebrowser's misc/sql.py does the same).

A locked database, a full disk, a read-only folder or a failing USB stick are not bugs: the person
can act on them, and nothing was half-written (the transaction rolled back). `mapped()` turns
those into a `StorageError` with a message that says what happened and what to do; any other
SQLite error (a mistake in our SQL) stays a bug and reaches the crash dialog.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from station_app.core.errors import DatabaseError
from station_app.store.driver import sqlite

# Primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB = 5, 6, 8, 10, 11, 13, 14, 26

_BUSY = ("数据库正被另一个窗口或程序占用，这次操作没有完成，数据未受影响。请稍等片刻再试；"
         "如果一直这样，请关闭其他打开本站数据的程序后重试。")
_MESSAGES = {
    BUSY: _BUSY,
    LOCKED: _BUSY,
    READONLY: "数据库文件是只读的，无法保存，数据未受影响。请检查数据文件夹的权限，"
              "或数据是否放在了只读的U盘、光盘上，然后重试。",
    FULL: "磁盘空间已满，这次保存没有完成，已有数据未受影响。请清理磁盘空间（例如删除不用的文件）后重试。",
    IOERR: "读写数据库文件时出错（磁盘或U盘可能有问题），这次操作没有完成。请检查磁盘后重试；"
           "如果反复出现，请尽快备份数据并联系技术人员。",
    CANTOPEN: "无法打开数据库文件（可能被移走，或所在的磁盘、U盘已断开）。请检查数据文件夹后重试。",
    CORRUPT: "数据库文件已损坏，无法继续使用。请不要再修改数据，从最近的备份恢复，或联系县民政局技术人员。",
    NOTADB: "数据库文件已损坏，无法继续使用。请不要再修改数据，从最近的备份恢复，或联系县民政局技术人员。",
}


class StorageError(DatabaseError):
    """The disk or the database file kept an operation from happening; `code` is SQLite's."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def known(exc: sqlite.Error) -> StorageError | None:
    """The calm error for `exc`, or None when it is a bug (not the environment's doing)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    message = _MESSAGES.get(code & 0xFF)
    return StorageError(message, code & 0xFF) if message else None


@contextlib.contextmanager
def mapped() -> Iterator[None]:
    """Raise SQLite's environment errors inside the block as `StorageError`s."""
    try:
        yield
    except sqlite.Error as exc:
        error = known(exc)
        if error is None:
            raise
        raise error from exc
