"""County reference data: the rules that differ from county to county.

Visit frequencies, relief tiers, approval limits and time limits are never constants in code.
Each rule has a key, a Chinese label and a default shipped in `resources/reference/<key>.json`.
The county may push new versions (a `reference_value` record per version, effective from a date):
a rule changed later applies from its date on, while work done earlier is still judged by the rule
that was in force then.

A program registers its keys in `KEYS` and ships the matching default file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

# key -> the label a station head reads when looking at the rules in force.
KEYS: dict[str, str] = {}


def label(key: str) -> str:
    try:
        return KEYS[key]
    except KeyError:
        raise KeyError(f"unknown reference key {key!r}") from None


def in_force(versions: Iterable[tuple[str, Any]], on: dt.date) -> Any | None:
    """The value in force on `on` among (effective_from ISO date, value) versions, else None.

    Versions come in the order they were made; of two with the same date the later one wins,
    so a correction pushed the same day replaces the mistake.
    """
    chosen, chosen_from = None, ""
    day = on.isoformat()
    for effective_from, value in versions:
        if chosen_from <= effective_from <= day:
            chosen, chosen_from = value, effective_from
    return chosen
