"""Record identities and timestamps shared by every record and change."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import uuid6

_RAND_BITS = 74  # a v7 UUID's random part: 12 bits beside the version, 62 beside the variant


def new_id() -> str:
    """A time-ordered UUID (v7): sorts by creation time, so indexes stay append-mostly."""
    return str(uuid6.uuid7())


def new_ids(n: int) -> list[str]:
    """`n` time-ordered UUIDs (v7) in increasing order, for a bulk write: the layout of `new_id`,
    their random part counting up from one random start (73 random bits leave room to count),
    so ten thousand ids cost one call for randomness instead of ten thousand."""
    ms = time.time_ns() // 1_000_000
    start = int.from_bytes(os.urandom(10), "big") >> (80 - _RAND_BITS + 1)
    ids = []
    for rand in range(start, start + n):
        value = ms << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | (rand & (1 << 62) - 1)
        h = f"{value:032x}"
        ids.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return ids


def now_iso() -> str:
    """UTC time with milliseconds, the one timestamp format stored anywhere."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
