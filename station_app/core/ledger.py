"""The station's own ledger (站务台账): the people of the network, training, service activities,
volunteers and care agreements for dispersed 特困 people. Choices, the rules the store's write path
runs for these records, and the county's rule for them. Pure: no Qt, no SQL.

**The network.** Staff of the station and of the villages (儿童主任 per village, 儿童督导员, 社工,
协理员, 网格员) are on a roll from the day they were appointed to the day they left, like the
children and the elderly (纳入/退出 become 任职/离任). A village has one child director in
service at a time: appointing a second one while the first is still in post is refused, naming
the one in post, so the forms that name a village's child director always find one.

**Links.** Attendance at a training, the people served by an activity, the staff who ran it and
the volunteers who helped (with their hours) are records of their own that point at both sides,
so every one is checked, synced and audited like any record, and a person cannot be counted twice
for one session.

**The county's rule** (`RULES_KEY`): how many days before a care agreement ends it is flagged,
the default term of a new one, the interval of care visits, the targets the plans set (training
participation 100 % in the Fushun plan; care agreements signed for 100 % of dispersed 特困 people
and 80 % of elders living alone, empty-nest or left behind in the Fuxin plan) and which elder
categories that 80 % counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core import reference
from station_app.core.behaviour import DELETE, Storage, Write
from station_app.core.dates import add_years
from station_app.core.errors import ValidationError
from station_app.core.fields import ParseContext

STAFF_ROLES = (
    ("child_director", "儿童主任"),
    ("child_supervisor", "儿童督导员"),
    ("social_worker", "社工"),
    ("assistant", "协理员"),
    ("grid_worker", "网格员"),
)
ROLE_LABELS = dict(STAFF_ROLES)
CHILD_DIRECTOR = "child_director"
# Roles that work in one village (or community): their record names it.
VILLAGE_ROLES = frozenset({"child_director", "assistant", "grid_worker"})
STAFF_STATUS = (("active", "在岗"), ("exited", "已离任"))
VOLUNTEER_STATUS = (("active", "在册"), ("exited", "已退出"))
ACTIVITY_KINDS = (
    ("group", "小组活动"),
    ("community", "社区活动"),
    ("home", "入户服务"),
    ("referral", "转介服务"),
    ("other", "其他"),
)
# One volunteer's service at one activity: at most a day.
MAX_SERVICE_TENTHS = 240

# What a carer does, as the county's model agreement words it; the worker adapts it per person.
CARE_DUTIES = ("1. 生活照料：协助做饭、洗衣、打扫卫生和个人清洁，保证吃饱穿暖；\n"
               "2. 安全看护：每日至少看望一次，冬季检查取暖、用火用电和燃气安全；\n"
               "3. 就医协助：生病时及时陪同就医，协助购药、按时服药；\n"
               "4. 情况报告：发现异常或紧急情况，立即报告村（社区）和乡镇社工站。")

RULES_KEY = "ledger_rules"
_PERCENT = {"type": "integer", "minimum": 0, "maximum": 100}
reference.register(RULES_KEY, "社工站台账：照料服务协议提醒与期限、照料探访间隔、培训和签约目标", {
    "type": "object",
    "properties": {
        "care_warn_days": {"type": "integer", "title": "照料服务协议到期提醒（天）", "minimum": 0, "maximum": 365},
        "care_term_years": {"type": "integer", "title": "照料服务协议期限（年）", "minimum": 1, "maximum": 10},
        "care_visit_days": {"type": "integer", "title": "照料探访间隔（天）", "minimum": 1, "maximum": 366},
        "training_target": {**_PERCENT, "title": "培训参与率目标（%）"},
        "care_target_tekun": {**_PERCENT, "title": "分散供养特困人员签约率目标（%）"},
        "care_target_alone": {**_PERCENT, "title": "独居、空巢、留守老年人签约率目标（%）"},
        "care_alone_categories": {"type": "array", "title": "计入独居、空巢、留守签约率的老年人类别",
                                  "maxItems": 10, "items": {"type": "string", "maxLength": 40}},
    }})

Record = Mapping[str, Any]


def in_service(record: Record, day: dt.date) -> bool:
    """On the roll at the end of `day`: entered on or before it and not left by then."""
    start, end = record.get("entered_on"), record.get("exited_on")
    return bool(start) and start <= day.isoformat() and (end is None or end > day.isoformat())


def _overlap(a: Record, b: Record) -> bool:
    """Whether two terms (from entered_on, up to but not including exited_on) share a day."""
    never = "9999-12-31"
    return a["entered_on"] < (b.get("exited_on") or never) and b["entered_on"] < (a.get("exited_on") or never)


def one_director_per_village(writes: Sequence[Write], storage: Storage) -> None:
    """A village has one child director in post at a time (their terms may touch, not overlap)."""
    wanted = [w.after for w in writes if w.local and w.op != DELETE and w.after.get("role") == CHILD_DIRECTOR
              and w.after.get("village_id") and w.after.get("entered_on")]
    if not wanted:
        return
    others = storage.living("staff", "village_id", {r["village_id"] for r in wanted})
    for i, record in enumerate(wanted):
        for other in [*others, *wanted[:i]]:
            if (other["id"] != record["id"] and other["role"] == CHILD_DIRECTOR
                    and other["village_id"] == record["village_id"] and _overlap(other, record)):
                raise ValidationError({"village_id": f"该村（社区）已有儿童主任{other['name']}（{other['entered_on']}起任职）。"
                                                     "请先在其档案中登记离任日期，再登记新的儿童主任"})


def village_for_role(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    """Village-level roles name their village (the field rules run by core.validation)."""
    if values.get("role") in VILLAGE_ROLES and not values.get("village_id") and "village_id" not in errors:
        errors["village_id"] = f"{ROLE_LABELS[values['role']]}请选择所在村（社区）"


def referral_names_whom(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    if values.get("kind") == "referral" and not values.get("referred_to") and "referred_to" not in errors:
        errors["referred_to"] = "转介服务请写明转介到哪个部门或机构"


def service_hours(values: dict[str, Any], errors: dict[str, str], ctx: ParseContext) -> None:
    hours = values.get("hours")
    if hours is not None and "hours" not in errors and not 0 < hours <= MAX_SERVICE_TENTHS:
        errors["hours"] = "一次活动的服务时长应大于0，且不超过24小时"


# -- the signing rates (Fuxin plan) -----------------------------------------------------------


def alone_categories(rules: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(rules.get("care_alone_categories") or ("alone", "empty_nest", "left_behind"))


def is_tekun(elder: Record) -> bool:
    """A 特困 person on the visiting roster: at home, so dispersed (分散供养), not in an institution."""
    return "tekun" in (elder.get("benefits") or [])


def lives_alone(elder: Record, rules: Mapping[str, Any]) -> bool:
    return bool(alone_categories(rules) & set(elder.get("categories") or []))


def care_term_end(signed: dt.date, rules: Mapping[str, Any]) -> dt.date:
    """The last day of a new agreement's default term (a year by default: to the day before)."""
    return add_years(signed, int(rules.get("care_term_years", 1))) - dt.timedelta(days=1)
