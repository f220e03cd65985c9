"""Elderly rounds: how often each person must be visited, when the next visit is due, and which
findings call for a follow-up. Pure functions over the county's rule (reference data).

The rule (`FREQUENCY_KEY`, default in resources/reference/) gives visit intervals in days by
risk level and by category, for the ordinary months and for winter (Nov–Mar by default, when coal
stoves, ice and cold make an old person nobody has seen a safety matter). A person's interval is
the shortest that applies: a high-risk person living alone is visited as often as either calls for.

**When the next visit is due.** The first day on which the time since the visit reaches what
*that day's* season requires. So a low-risk visit on 20 October (90 days in autumn, 30 in winter)
is due on 19 November, once winter has begun and 30 days have passed; a visit on 15 March is due
90 days later, because the winter rule has ended by the time 30 days are up.

**Which rule.** The version in force on the visit date (`core.reference.in_force`); the caller
reads it. A rule changed later leaves visits made before it with the due dates they had.

**Follow-ups.** A visit that found a safety hazard, or did not see the person, opens a follow-up:
the next visit is due within the rule's follow-up days, and it stays open until a later visit
sees the person and finds no hazard (see `store.elder_rounds` for why this is derived from the
visits instead of being a record of its own).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from station_app.core import reference

FREQUENCY_KEY = "elder_visit_frequency"
_DAYS = {"type": "integer", "minimum": 1, "maximum": 366}
# The shape of a visit frequency rule (`FrequencyRule.from_value`), for the elderly and for children.
FREQUENCY_SCHEMA = {
    "type": "object", "required": ["seasons"],
    "properties": {
        "seasons": {"type": "array", "title": "季节", "minItems": 1, "maxItems": 12, "items": {
            "type": "object", "required": ["months", "default_days"],
            "properties": {
                "name": {"type": "string", "title": "名称", "maxLength": 60},
                "months": {"type": "array", "title": "月份", "minItems": 1, "maxItems": 12,
                           "items": {"type": "integer", "minimum": 1, "maximum": 12}},
                "by_risk": {"type": "object", "title": "按风险等级（天）", "additionalProperties": _DAYS},
                "by_category": {"type": "object", "title": "按类别（天）", "additionalProperties": _DAYS},
                "default_days": {**_DAYS, "title": "默认间隔（天）"},
                "checks": {"type": "string", "title": "走访重点", "maxLength": 500}}}},
        "follow_up_days": {"type": "object", "title": "跟进期限（天）", "additionalProperties": _DAYS}}}
reference.register(FREQUENCY_KEY, "特殊困难老年人探访频次（天）", FREQUENCY_SCHEMA)

RELIEF_REFERRAL = "relief"
# The rounds are for the elderly: people of this age and older are offered for the roll.
ELDER_AGE = 60


def is_elder(years: int | None) -> bool:
    return years is not None and years >= ELDER_AGE
# The longest a search for the due day runs: no rule asks for less than one visit a year.
_MAX_DAYS = 366


@dataclass(frozen=True)
class Season:
    """Intervals in days for some months of the year."""

    months: frozenset[int]
    by_risk: Mapping[str, int]
    by_category: Mapping[str, int]
    default_days: int
    checks: str = ""  # what every visit in these months looks at (printed on the route sheet)

    def interval(self, categories: Iterable[str], risk: str | None) -> int:
        applicable = [self.by_category[c] for c in categories if c in self.by_category]
        if risk in self.by_risk:
            applicable.append(self.by_risk[risk])
        return min(applicable, default=self.default_days)


@dataclass(frozen=True)
class FrequencyRule:
    seasons: tuple[Season, ...]  # the first season naming a month rules it; the last is the fallback
    follow_up_days: Mapping[str, int]  # 'hazard', 'not_seen' -> days until the follow-up visit

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> FrequencyRule:
        """The rule from its stored JSON: {"seasons": [{"months", "by_risk", "by_category",
        "default_days", "checks"}, …], "follow_up_days": {"hazard": 3, "not_seen": 2}}."""
        seasons = tuple(
            Season(frozenset(int(m) for m in s.get("months", ())), dict(s.get("by_risk", {})),
                   dict(s.get("by_category", {})), int(s["default_days"]), str(s.get("checks", "")))
            for s in value["seasons"]
        )
        if not seasons:
            raise ValueError("a visit frequency rule needs at least one season")
        return cls(seasons, dict(value.get("follow_up_days", {})))

    def season(self, day: dt.date) -> Season:
        return next((s for s in self.seasons if day.month in s.months), self.seasons[-1])

    def interval(self, day: dt.date, categories: Iterable[str], risk: str | None) -> int:
        """Days allowed between visits for this person in the season of `day`."""
        return max(1, self.season(day).interval(tuple(categories), risk))


def follow_up_reasons(hazards: Iterable[str] | None, seen_in_person: bool | int | None) -> list[str]:
    """Why a visit opens a follow-up ('hazard', 'not_seen'); empty when it opens none.
    An unanswered "seen in person" counts as not seen: nobody can vouch for the person."""
    reasons = []
    if hazards:
        reasons.append("hazard")
    if not seen_in_person:
        reasons.append("not_seen")
    return reasons


def next_due(rule: FrequencyRule, visit_date: dt.date, categories: Iterable[str], risk: str | None, *,
             hazards: Iterable[str] | None = (), seen_in_person: bool | int | None = True) -> dt.date:
    """When the visit after one on `visit_date` is due (see the module's docstring)."""
    categories = tuple(categories)
    due = None
    for days in range(1, _MAX_DAYS + 1):
        day = visit_date + dt.timedelta(days=days)
        if days >= rule.interval(day, categories, risk):
            due = day
            break
    due = due or visit_date + dt.timedelta(days=_MAX_DAYS)
    for reason in follow_up_reasons(hazards, seen_in_person):
        if reason in rule.follow_up_days:
            due = min(due, visit_date + dt.timedelta(days=max(0, int(rule.follow_up_days[reason]))))
    return due


def is_overdue(due: dt.date | None, today: dt.date) -> bool:
    """Overdue once the due day has passed; a person never visited has no due date and is due now."""
    return due is None or due < today


def required_visits(rule: FrequencyRule, month_start: dt.date, categories: Iterable[str], risk: str | None) -> int:
    """How many visits the rule asks for in the month starting `month_start`: the month's days over
    the interval, rounded (a 30-day rule asks for one visit in February too; a 90-day rule for none
    in most months, which the due list covers in the month it falls due)."""
    return math.floor(_days_in_month(month_start) / rule.interval(month_start, categories, risk) + 0.5)


def _days_in_month(month_start: dt.date) -> int:
    following = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - month_start.replace(day=1)).days


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """"2026-11" -> (first day, first day of the next month)."""
    start = dt.date(int(month[:4]), int(month[5:7]), 1)
    return start, start + dt.timedelta(days=_days_in_month(start))
