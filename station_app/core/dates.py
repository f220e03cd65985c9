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


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier, if negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def birthday_cutoff(today: dt.date, years: int) -> str:
    """The latest birth date of someone who is at least `years` old today (29 Feb → 28 Feb)."""
    return add_years(today, -years).isoformat()


def cutoff(day: dt.date) -> str:
    """The end of `day` on this computer's clock, as records stamp their times (UTC, milliseconds):
    a record changed or deleted at or after it was changed after the day (the figures' "as of")."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).astimezone()
    return end.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
