"""Left-behind children and children in difficulty: how often a child is visited, whether the
written entrustment agreement is in order, when a child leaves the roll, and the time limits of
the protection chain. Pure functions over the county's rules (reference data).

**Visits.** The frequency rule has the elderly rounds' shape (`elder_rules.FrequencyRule`: days by
risk level and by category, per season), read from `FREQUENCY_KEY`; a child's categories are the
category and the difficulty sub-type, and the shortest interval that applies wins (a high-risk
child or a child nobody looks after in fact is visited at least monthly by default). A visit that
found problems brings the next one forward to the rule's `follow_up_days["problems"]`. The rule in
force on the visit date decides; a rule changed later leaves earlier visits as they were.

**Agreements.** A child whose parents cannot fulfil guardianship needs a signed written agreement
with the person entrusted with care: every left-behind child and every child in fact without
anyone bringing them up. Missing, expired and expiring (within the rule's warning days) are flagged.

**Protection chain (四位一体).** A mandatory report opens a case; its steps follow in order —
emergency response, assessment, assistance plan, guardianship intervention (only where needed),
closure. The response, the assessment and the plan each have a time limit in hours, counted from
the moment the case reached the stage before; a case whose next step is past its limit is late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from station_app.core import elder_rules, reference
from station_app.core.dates import birthday_cutoff
from station_app.core.elder_rules import FrequencyRule

FREQUENCY_KEY = "child_visit_frequency"
LIMITS_KEY = "child_protection_limits"
ROLL_KEY = "child_roll_rules"
_HOURS = {"type": "number", "minimum": 0, "maximum": 8760}
reference.register(FREQUENCY_KEY, "留守儿童/困境儿童走访频次（天）", elder_rules.FREQUENCY_SCHEMA)
reference.register(LIMITS_KEY, "强制报告各环节办理时限（小时）", {
    "type": "object", "required": ["response_hours", "assessment_hours", "plan_hours"],
    "properties": {"response_hours": {**_HOURS, "type": ["number", "object"], "additionalProperties": _HOURS,
                                      "title": "应急处置时限（小时，可按紧急程度）"},
                   "assessment_hours": {**_HOURS, "title": "评估时限（小时）"},
                   "plan_hours": {**_HOURS, "title": "帮扶方案时限（小时）"}}})
reference.register(ROLL_KEY, "委托照护协议到期提醒天数、退出名册年龄", {
    "type": "object",
    "properties": {"warn_days": {"type": "integer", "title": "到期提醒（天）", "minimum": 0, "maximum": 365},
                   "exit_age": {"type": "integer", "title": "退出名册年龄", "minimum": 1, "maximum": 18},
                   "term_years": {"type": "integer", "title": "协议期限（年）", "minimum": 1, "maximum": 10}}})

REPORT_STAGES = (
    ("reported", "强制报告"),
    ("response", "应急处置"),
    ("assessment", "调查评估"),
    ("plan", "帮扶方案"),
    ("intervention", "监护干预"),
    ("closed", "结案"),
)
STAGE_LABELS = dict(REPORT_STAGES)
# The order of the chain; intervention may be skipped (most cases close after the plan).
STEP_ORDER = tuple(code for code, _ in REPORT_STAGES)
OPTIONAL_STEPS = frozenset({"intervention"})
# Which step's limit applies once the case is at a stage: stage reached -> (next step, limit key).
_LIMITS = {"reported": ("response", "response_hours"), "response": ("assessment", "assessment_hours"),
           "assessment": ("plan", "plan_hours")}
TIME_FORMAT = "%Y-%m-%d %H:%M"  # local time: the station and the county share one time zone

AGREEMENT_MISSING, AGREEMENT_EXPIRED, AGREEMENT_EXPIRING, AGREEMENT_VALID, AGREEMENT_NOT_NEEDED = (
    "missing", "expired", "expiring", "valid", "not_needed")
AGREEMENT_LABELS = {AGREEMENT_MISSING: "未签协议", AGREEMENT_EXPIRED: "协议已过期", AGREEMENT_EXPIRING: "协议即将到期",
                    AGREEMENT_VALID: "已签协议", AGREEMENT_NOT_NEEDED: "无需协议"}
DEFAULT_EXIT_AGE = 16
EXIT_REASONS = ("年满16周岁", "父母返乡", "父母恢复监护能力", "迁出本乡镇", "其他")


def categories_of(profile: Mapping[str, Any]) -> tuple[str, ...]:
    """The codes the frequency rule knows a child by: category and difficulty sub-type."""
    return tuple(c for c in (profile.get("category"), profile.get("sub_type")) if c)


def next_due(rule: FrequencyRule, visit_date: dt.date, profile: Mapping[str, Any], *,
             problems_found: bool = False) -> dt.date:
    """When the visit after one on `visit_date` is due for this child."""
    due = elder_rules.next_due(rule, visit_date, categories_of(profile), profile.get("risk_level"))
    days = rule.follow_up_days.get("problems")
    if problems_found and days is not None:
        due = min(due, visit_date + dt.timedelta(days=max(0, int(days))))
    return due


def needs_agreement(profile: Mapping[str, Any]) -> bool:
    """Parents cannot fulfil guardianship: left behind, or in fact nobody brings the child up."""
    return profile.get("category") == "left_behind" or profile.get("sub_type") == "unsupported"


def agreement_status(profile: Mapping[str, Any], latest_expiry: str | None, has_agreement: bool,
                     today: dt.date, warn_days: int) -> str:
    """One of the AGREEMENT_* codes for a child, from their latest signed agreement's expiry date
    (None: no term written, valid until replaced)."""
    if not needs_agreement(profile):
        return AGREEMENT_NOT_NEEDED
    if not has_agreement:
        return AGREEMENT_MISSING
    if latest_expiry is None:
        return AGREEMENT_VALID
    if latest_expiry < today.isoformat():
        return AGREEMENT_EXPIRED
    if latest_expiry <= (today + dt.timedelta(days=warn_days)).isoformat():
        return AGREEMENT_EXPIRING
    return AGREEMENT_VALID


def exit_age(roll_rules: Mapping[str, Any]) -> int:
    """The age at which a child leaves the roll under the county's rules (16 by default)."""
    return int(roll_rules.get("exit_age", DEFAULT_EXIT_AGE))


def aged_out_born_by(today: dt.date, exit_age: int) -> str:
    """The latest birth date ("YYYY-MM-DD") of a child who has reached `exit_age` by `today`:
    anyone born on it or earlier leaves the roll (the store finds them with this by index)."""
    return birthday_cutoff(today, exit_age)


def ages_out(birth_date: str | None, today: dt.date, exit_age: int) -> bool:
    """A child of `exit_age` leaves the roll."""
    return bool(birth_date) and str(birth_date) <= aged_out_born_by(today, exit_age)


def parse_time(text: str) -> dt.datetime:
    """"2026-11-23 14:30" (also with T or seconds) -> datetime; ValueError with a Chinese message."""
    cleaned = str(text).strip().replace("T", " ")[:16]
    try:
        return dt.datetime.strptime(cleaned, TIME_FORMAT)
    except ValueError:
        raise ValueError("时间格式应为 2026-11-23 14:30") from None


def format_time(moment: dt.datetime) -> str:
    return moment.strftime(TIME_FORMAT)


def next_steps(stage: str) -> tuple[str, ...]:
    """The steps that may follow `stage`: the next one, and past an optional one to the one after."""
    if stage == "closed":
        return ()
    i = STEP_ORDER.index(stage)
    following = [STEP_ORDER[i + 1]]
    if following[0] in OPTIONAL_STEPS:
        following.append(STEP_ORDER[i + 2])
    # A report found groundless is closed once assessed; later stages close when the work is done.
    if stage in ("assessment", "plan", "intervention") and "closed" not in following:
        following.append("closed")
    return tuple(following)


def step_due(limits: Mapping[str, Any], stage: str, reached_at: dt.datetime, urgency: str) -> dt.datetime | None:
    """By when the step after `stage` is due, under the limits in force when the stage was reached."""
    if stage not in _LIMITS:
        return None
    _step, key = _LIMITS[stage]
    hours = limits.get(key)
    if isinstance(hours, Mapping):
        hours = hours.get(urgency, hours.get("normal"))
    return None if hours is None else reached_at + dt.timedelta(hours=float(hours))


def due_step(stage: str) -> str | None:
    """The step a time limit at `stage` waits for (None when nothing is timed)."""
    return _LIMITS[stage][0] if stage in _LIMITS else None


def is_late(due: str | None, now: dt.datetime) -> bool:
    return due is not None and due < format_time(now)
