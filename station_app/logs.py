"""Diagnostics go to a rotating log file in the data folder (never print())."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path


def setup(directory: Path, level: int = logging.INFO) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "station.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    return path
