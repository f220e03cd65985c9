"""What must happen before the township decides a relief case, as the county's rules ask.

- A household means check (家庭经济状况核对): for the case types the county names, a result (income,
  assets, verdict, document number) no older than its period of validity, for the case or its household.
- Village democratic review (民主评议) and public notice (公示): for the case types the county
  names, recorded as steps of the case; the notice must have run its days before approval.

The checks are pure: the relief workflow (core.relief_workflow) gathers the case's means checks
and steps through the store and refuses an approval or a referral to the county while one of
these says no.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core import reference

MEANS = "means_check_rule"
PUBLICITY = "relief_publicity"
# Steps of a case that record the village's review and the public notice (core.relief's actions).
REVIEW_STEP = "village_review"
NOTICE_STEP = "notice"


def _by_type(title: str) -> dict[str, Any]:
    """{case type: yes/no}, one for each relief type."""
    yes_no = {"type": "boolean"}
    return {"type": "object", "title": title, "required": ["emergency", "expenditure"], "additionalProperties": False,
            "properties": {"emergency": {**yes_no, "title": "急难型"}, "expenditure": {**yes_no, "title": "支出型"}}}


reference.register(MEANS, "家庭经济状况核对要求", {
    "type": "object", "required": ["required_for", "valid_days"],
    "properties": {"required_for": _by_type("审批前须有核对结果"),
                   "valid_days": {"type": "integer", "title": "核对结果有效期（天）", "minimum": 1, "maximum": 730},
                   "basis": {"type": "string", "title": "依据", "maxLength": 500}}})
reference.register(PUBLICITY, "民主评议与公示要求", {
    "type": "object", "required": ["review_for", "notice_for", "notice_days"],
    "properties": {"review_for": _by_type("须经村（居）民主评议"), "notice_for": _by_type("须经公示"),
                   "notice_days": {"type": "integer", "title": "公示期（天）", "minimum": 1, "maximum": 30},
                   "basis": {"type": "string", "title": "依据", "maxLength": 500}}})


def means_required(case: Mapping[str, Any], rule: Mapping[str, Any]) -> bool:
    return bool(rule["required_for"].get(case["case_type"]))


def valid_results(checks: Sequence[Mapping[str, Any]], rule: Mapping[str, Any], day: dt.date) -> list[Mapping[str, Any]]:
    """Means checks with a result dated within the rule's period of validity before `day`, newest first."""
    since = (day - dt.timedelta(days=int(rule["valid_days"]))).isoformat()
    found = [c for c in checks if c.get("verdict") and c.get("result_on") and since <= c["result_on"] <= day.isoformat()]
    return sorted(found, key=lambda c: c["result_on"], reverse=True)


def means_problem(case: Mapping[str, Any], rule: Mapping[str, Any], checks: Sequence[Mapping[str, Any]],
                  day: dt.date) -> str:
    """Why the case may not be decided on `day` for want of a means-check result ('' if it may)."""
    if not means_required(case, rule) or valid_results(checks, rule, day):
        return ""
    return (f"本案须先取得家庭经济状况核对结果（{rule['valid_days']}天内有效）才能审批：请在案件的“家庭经济状况核对”中"
            "登记核对机构出具的结果。")


def notice_ends(start: str, rule: Mapping[str, Any]) -> dt.date:
    """The first day after a notice put up on `start` has run its days."""
    return dt.date.fromisoformat(start) + dt.timedelta(days=int(rule["notice_days"]))


def publicity_problem(case: Mapping[str, Any], rule: Mapping[str, Any], steps: Sequence[Mapping[str, Any]],
                      day: dt.date) -> str:
    """Why the case may not be decided on `day` for want of its review or its notice ('' if it may)."""
    done = {s["action"]: s for s in steps}
    if rule["review_for"].get(case["case_type"]) and REVIEW_STEP not in done:
        return "本案须先经村（居）民主评议：请在案件中办理“民主评议”，记录评议结果。"
    if not rule["notice_for"].get(case["case_type"]):
        return ""
    if NOTICE_STEP not in done:
        return f"本案须经公示（{rule['notice_days']}天）：请在案件中办理“公示”，期满无异议后再审批。"
    ends = notice_ends(done[NOTICE_STEP]["decided_on"], rule)
    if day < ends:
        return f"公示期至 {(ends - dt.timedelta(days=1)).isoformat()} 止，期满无异议后方可审批。"
    return ""
