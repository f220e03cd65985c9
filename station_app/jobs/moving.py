"""Moving a station onto a new PC from its backup: finding the backup and its key ring, unlocking
the key with a user's password or the recovery code, checking, then restoring into the empty data
folder. Plain functions (inputs and a JobState) for the first-start window, tests and scripts.

Both steps check the backup in full before anything is written: the first so the person sees what
they are about to restore, the second because the files may have changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station_app import paths
from station_app.core.errors import DatabaseError
from station_app.core.jobs import JobState
from station_app.store import restoring
from station_app.store.keyring import KeyRing, keys_path


@dataclass(frozen=True)
class BackupSource:
    """A backup database and the key ring that opens it."""

    database: Path
    ring: Path


@dataclass(frozen=True)
class Unlock:
    """How the key is opened: a user's name and password, or (no username) the recovery code."""

    username: str
    secret: str


def locate(chosen: Path) -> BackupSource:
    """The backup a person pointed at: a `.db` file with its `.keys` beside it, or a folder holding
    both (the newest such pair there: a backups folder or a copied data folder)."""
    chosen = Path(chosen)
    if chosen.is_dir():
        pairs = [db for db in chosen.glob("*.db") if db.is_file() and keys_path(db).is_file()]
        if not pairs:
            raise DatabaseError(f"文件夹 {chosen} 中没有成对的备份数据库（.db）和密钥文件（.keys）。"
                                "请选择备份所在的文件夹，或直接选择备份的 .db 文件。")
        chosen = max(pairs, key=lambda db: db.stat().st_mtime)
    if not chosen.is_file():
        raise DatabaseError(f"找不到备份文件 {chosen}")
    if not keys_path(chosen).is_file():
        raise DatabaseError(f"备份 {chosen.name} 旁边没有它的密钥文件 {keys_path(chosen).name}：没有密钥文件无法打开加密的备份。"
                            "请把两个文件一起复制过来。")
    return BackupSource(chosen, keys_path(chosen))


def _unlocked(source: BackupSource, unlock: Unlock) -> tuple[KeyRing, bytes]:
    ring = KeyRing.load(source.ring)
    ring.require_file()
    if unlock.username:
        return ring, ring.unlock(unlock.username, unlock.secret)
    return ring, ring.unlock_with_recovery(unlock.secret)


def check_backup(state: JobState, source: BackupSource, unlock: Unlock) -> restoring.BackupInfo:
    """Unlock and check the backup; what it holds (station, people, last change, last sync)."""
    state.report(0, 2, "正在用密码解开备份的密钥…")
    _ring, key = _unlocked(source, unlock)
    state.report(1, 2, "正在检查备份（完整性、审计日志、社工站）…")
    return restoring.inspect(source.database, key)


def restore_backup(state: JobState, source: BackupSource, unlock: Unlock, data_dir: Path) -> restoring.BackupInfo:
    """Put the backup and its key ring into the empty data folder `data_dir`, after checking it
    again; afterwards the station's users log in there as before."""
    state.report(0, 2, "正在用密码解开备份的密钥…")
    ring, key = _unlocked(source, unlock)
    state.report(1, 2, "正在检查并复制备份…")
    return restoring.move_in(source.database, ring, key, paths.database_path(data_dir))
