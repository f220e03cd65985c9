"""Where the county server keeps its things: one data folder with its database, keys and backups."""

from __future__ import annotations

from pathlib import Path


def database(data_dir: Path, url: str | None = None) -> str:
    """Where the server's records live: `url` (postgresql://… or sqlite:///…), else county.db in `data_dir`."""
    return url or str(Path(data_dir) / "county.db")


def backups(data_dir: Path) -> Path:
    """Where copies of the database go before a schema upgrade."""
    return Path(data_dir) / "backups"
