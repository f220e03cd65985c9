"""Where things live: the station's data folder and the files shipped with the program."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "STATION_DATA_DIR"
DB_FILENAME = "station.db"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, else $STATION_DATA_DIR, else the OS's per-user application data folder."""
    chosen = explicit or os.environ.get(DATA_DIR_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir("Station", appauthor=False))
    return path.expanduser().resolve()


def database_path(directory: Path) -> Path:
    return directory / DB_FILENAME


def backups_dir(directory: Path) -> Path:
    return directory / "backups"


def logs_dir(directory: Path) -> Path:
    return directory / "logs"


def install_root() -> Path:
    """The folder holding `db/` and `resources/`, in a source checkout and in a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def resource(*parts: str) -> Path:
    return install_root().joinpath("resources", *parts)


def print_path(directory: Path, stem: str) -> Path:
    """Where a printed form goes: the data folder's prints/, named by what (and whom) and when."""
    folder = directory / "prints"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.pdf"


def migrations_dir() -> Path:
    return install_root() / "db"
