"""Where the county server keeps its things: one data folder with its database, keys and admin token."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TOKEN_FILE = "admin.token"


def database(data_dir: Path, url: str | None = None) -> str:
    """Where the server's records live: `url` (postgresql://… or sqlite:///…), else county.db in `data_dir`."""
    return url or str(Path(data_dir) / "county.db")


def backups(data_dir: Path) -> Path:
    """Where copies of the database go before a schema upgrade."""
    return Path(data_dir) / "backups"


def admin_token(data_dir: Path) -> str:
    """The county administrator's bearer token, made on first start (mode 0600)."""
    path = Path(data_dir) / TOKEN_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
