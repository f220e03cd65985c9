"""County reference data: the rules that differ from county to county.

Visit frequencies, relief tiers, approval limits and time limits are never constants in code.
Each rule has a key, a Chinese label and a default shipped in `resources/reference/<key>.json`.
The county may push new versions (a `reference_value` record per version, effective from a date):
a rule changed later applies from its date on, while work done earlier is still judged by the rule
that was in force then.

A program registers each key with `register`, declaring the shape of its value (a schema, see
core.schema) beside the code that reads it, and ships the matching default file. `check` is the one
test of a version: the server refuses a malformed one when the county publishes it, a station
ignores one that arrives malformed (the version before stays in force), and the station's store
refuses to write one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from station_app.core import schema
from station_app.core.errors import ValidationError
from station_app.paths import resource

# key -> the label a station head reads when looking at the rules in force.
KEYS: dict[str, str] = {}
# key -> the shape its value must have.
SCHEMAS: dict[str, schema.Schema] = {}


def register(key: str, label_text: str, shape: schema.Schema) -> None:
    """Declare a county rule: its key, its label and the schema every version must fit."""
    KEYS[key] = label_text
    SCHEMAS[key] = shape


def check(key: str, value: Any) -> None:
    """Nothing if `value` is a well-formed version of `key`; else ValidationError naming the field
    (paths such as "tiers.0.months", or "key" for a key nobody registered)."""
    if key not in SCHEMAS:
        raise ValidationError({"key": f"没有这项参考数据：{key}（可用：{'、'.join(sorted(SCHEMAS))}）"})
    schema.check(SCHEMAS[key], value)


def label(key: str) -> str:
    try:
        return KEYS[key]
    except KeyError:
        raise KeyError(f"unknown reference key {key!r}") from None


@lru_cache(maxsize=None)
def _default_text(key: str) -> str:
    return resource("reference", f"{key}.json").read_text(encoding="utf-8")


def default(key: str) -> Any:
    """The shipped default for `key` (a fresh copy: callers may change it); the station and the
    county read the same file."""
    label(key)  # unknown keys fail loudly, not with a missing-file error
    return json.loads(_default_text(key))


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
