"""Record identities and timestamps shared by every record and change."""

from __future__ import annotations

from datetime import datetime, timezone

import uuid6


def new_id() -> str:
    """A time-ordered UUID (v7): sorts by creation time, so indexes stay append-mostly."""
    return str(uuid6.uuid7())


def now_iso() -> str:
    """UTC time with milliseconds, the one timestamp format stored anywhere."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
