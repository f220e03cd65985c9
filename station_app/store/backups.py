"""Automatic backups with rotation, and backups made by hand (restoring one: store.restoring).

The app takes a backup at start-up and then once a day while it runs (into the data folder's
`backups/`, as `auto-YYYYMMDD-HHMMSS.db` with its key ring beside it), through SQLite's online
backup so a copy taken while people work is consistent; older automatic copies are thinned out by
core.retention. Copies made by hand, before an upgrade or before a restore are never deleted here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from station_app.core import retention
from station_app.core.errors import PermissionDenied
from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.paths import backups_dir
from station_app.store.database import StationDatabase
from station_app.store.keyring import keys_path

AUTO_PREFIX = "auto-"
_STAMP = "%Y%m%d-%H%M%S"


def backup_by_hand(database: StationDatabase, actor: Actor, destination: Path | None = None) -> Path:
    """A copy a person asked for. A folder (existing, or a path without a file extension, e.g. a
    USB stick's directory) gets a file named with the date and time. A backup carries every
    record out of the station, so a read-only account may not make one."""
    if not actor.can_back_up:
        raise PermissionDenied("只读账号不能备份数据库：备份含全部个人信息，请由站长或社工备份。")
    if destination is None or destination.is_dir() or not destination.suffix:
        folder = destination or backups_dir(database.path.parent)
        destination = folder / f"station-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    return database.backup_to(destination)


def automatic_backups(folder: Path) -> dict[Path, dt.datetime]:
    """The automatic backups in `folder`, with when each was taken (from its name)."""
    found = {}
    for path in folder.glob(f"{AUTO_PREFIX}*.db"):
        try:
            found[path] = dt.datetime.strptime(path.stem.removeprefix(AUTO_PREFIX), _STAMP)
        except ValueError:
            continue  # not one of ours
    return found


def automatic_backup(database: StationDatabase, state: JobState | None = None,
                     now: dt.datetime | None = None) -> Path | None:
    """Take today's automatic backup unless one exists, then thin out the old ones; the new copy or None."""
    now = now or dt.datetime.now()
    folder = backups_dir(database.path.parent)
    existing = automatic_backups(folder) if folder.exists() else {}
    if not retention.due(existing.values(), now):
        return None
    made = database.backup_to(folder / f"{AUTO_PREFIX}{now:{_STAMP}}.db")
    existing[made] = now
    for old in set(existing) - retention.keep(existing):
        old.unlink(missing_ok=True)
        keys_path(old).unlink(missing_ok=True)
    return made
