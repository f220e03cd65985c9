"""Which automatic backups to keep: the newest of each of the last N days, and of the last M weeks.

A PC that dies takes today's work with it, so the newest copies matter most; a mistake noticed a
fortnight later needs an older one. Keeping one copy per day for a week and one per ISO week for a
month gives both, in a dozen files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TypeVar

DAILY = 7
WEEKLY = 4

K = TypeVar("K")


def keep(backups: Mapping[K, dt.datetime], *, daily: int = DAILY, weekly: int = WEEKLY) -> set[K]:
    """The backups to keep among {name: taken_at}: the newest of each of the `daily` most recent
    days that have one, and the newest of each of the `weekly` most recent ISO weeks beyond those."""
    newest_first = sorted(backups.items(), key=lambda item: item[1], reverse=True)
    kept: set[K] = set()
    days: set[dt.date] = set()
    for name, taken in newest_first:
        if taken.date() not in days and len(days) < daily:
            days.add(taken.date())
            kept.add(name)
    weeks: set[tuple[int, int]] = {d.isocalendar()[:2] for d in days}
    extra_weeks = 0
    for name, taken in newest_first:
        week = taken.isocalendar()[:2]
        if week not in weeks and extra_weeks < weekly:
            weeks.add(week)
            extra_weeks += 1
            kept.add(name)
    return kept


def due(taken: Iterable[dt.datetime], now: dt.datetime) -> bool:
    """An automatic backup is due when none was taken today yet."""
    return all(t.date() != now.date() for t in taken)
