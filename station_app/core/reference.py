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


# -- the shape of each key's value ----------------------------------------------------------------
# A small schema language, enough for the shipped keys: "int+" a whole number ≥ 0, "num+" a number
# ≥ 0 (or one written as text, like "1.3"), "month" 1–12, "str", "bool", "date" (YYYY-MM-DD);
# a dict lists its keys (a trailing "?" makes one optional) or gives "*" for any key; a list gives
# the schema of its items (and, as a second element, how many there must be at least); a tuple is
# "one of these".
_FREQUENCY = {"seasons": [{"name?": "str", "months": ["month", 1], "by_risk?": {"*": "int+"},
                           "by_category?": {"*": "int+"}, "default_days": "int+", "checks?": "str"}, 1],
              "follow_up_days?": {"*": "int+"}}
_HOURS = ("num+", {"*": "num+"})
SCHEMAS: dict[str, Any] = {
    "elder_visit_frequency": _FREQUENCY,
    "child_visit_frequency": _FREQUENCY,
    "child_protection_limits": {"response_hours": _HOURS, "assessment_hours": _HOURS, "plan_hours": _HOURS},
    "child_roll_rules": {"warn_days": "int+", "exit_age": "int+", "term_years": "int+"},
    "relief_standard": {"monthly_fen": "int+", "basis?": "str"},
    "relief_tiers": {"tiers": [{"tier": "int+", "label": "str", "multiple": "num+", "months": "int+"}, 1],
                     "counted_members_max": "int+", "cap_fen": {"emergency": "int+", "expenditure": "int+"}},
    "relief_authority": {"approval_limit_fen": {"*": "int+"}},
    "relief_advance": {"cap_fen": "int+", "working_days": "int+", "holidays?": ["date"]},
    "relief_repeat": {"warn_within_days": "int+", "block": "bool"},
}
_WORDS = {"int+": "不小于0的整数", "num+": "不小于0的数", "month": "1到12之间的月份", "str": "文字", "bool": "true 或 false",
          "date": "日期（如 2027-01-01）"}


def check(key: str, value: Any) -> None:
    """Refuse a version of `key` whose value does not have the key's shape: ValidationError with a
    Chinese message for the `value` field naming where it goes wrong."""
    from station_app.core.errors import ValidationError

    label(key)
    problem = _problem(SCHEMAS[key], value, "") if key in SCHEMAS else None
    if problem:
        raise ValidationError({"value": problem})


def _problem(schema: Any, value: Any, where: str) -> str | None:
    at = f"“{where}”" if where else "内容"
    if isinstance(schema, tuple):
        found = [_problem(option, value, where) for option in schema]
        return None if None in found else found[0]
    if isinstance(schema, list):
        least = schema[1] if len(schema) > 1 else 0
        if not isinstance(value, list) or len(value) < least:
            return f"{at}应为列表" + (f"，至少 {least} 项" if least else "")
        return next((p for i, item in enumerate(value) if (p := _problem(schema[0], item, f"{where}[{i + 1}]"))), None)
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return f"{at}应为一组“名称: 值”"
        if "*" in schema:
            return next((p for k, v in value.items() if (p := _problem(schema["*"], v, f"{where}.{k}".lstrip(".")))), None)
        for name, inner in schema.items():
            bare = name.rstrip("?")
            if bare not in value:
                if not name.endswith("?"):
                    return f"{at}缺少“{bare}”"
                continue
            if p := _problem(inner, value[bare], f"{where}.{bare}".lstrip(".")):
                return p
        return None
    return None if _fits(schema, value) else f"{at}应为{_WORDS[schema]}"


def _fits(kind: str, value: Any) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "date":
        try:
            return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value
        except ValueError:
            return False
    if isinstance(value, bool):
        return False
    if kind in ("int+", "month"):
        return isinstance(value, int) and value >= 0 and (kind == "int+" or 1 <= value <= 12)
    try:
        number = float(value) if isinstance(value, int | float | str) else -1.0
    except ValueError:
        return False
    return number >= 0 and number == number and number != float("inf")  # not NaN, not infinite
