"""Dates as the field counts them."""

from __future__ import annotations

import datetime as dt


def age(birth_date: str | dt.date | None, today: dt.date | None = None) -> int | None:
    """Whole years lived on `today` (a birthday counts from its day), from a date or "YYYY-MM-DD"."""
    if not birth_date:
        return None
    born = dt.date.fromisoformat(birth_date) if isinstance(birth_date, str) else birth_date
    today = today or dt.date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
