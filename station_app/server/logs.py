"""The server's structured log: one JSON object per line, to `logs/server.jsonl` and to stderr."""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import sys
from pathlib import Path


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        try:
            fields = json.loads(message) if message.startswith("{") else {"message": message}
        except ValueError:
            fields = {"message": message}
        entry = {"at": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, **fields}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup(folder: Path) -> Path:
    """Send the server's logs (and uvicorn's errors) as JSON lines to a rotating file and stderr."""
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    path = folder / "logs" / "server.jsonl"
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(path, maxBytes=10_000_000, backupCount=10, encoding="utf-8"),
        logging.StreamHandler(sys.stderr)]
    for name in ("station.server", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        for handler in handlers:
            handler.setFormatter(JsonLines())
            logger.addHandler(handler)
    return path
