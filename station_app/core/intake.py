"""Intake (主动发现 / 一门受理): a report of a person in difficulty, from anyone, triaged in time.

网格员, 村协理员, a hotline, 12345 or a person at the window report someone in difficulty; the
township takes every report at one window and, within the county's time limit (by urgency), sends
it where it belongs: a temporary-relief case, a child-protection report, an elderly visit, or a
transfer (转办) to another department whose receipt (回执) is recorded when it comes back. The
report and what it became point at each other, so either leads to the other.

Declared on the `intake_report` entity, the checks here hold every caller: a report is registered
untriaged with the deadline the rule gives, is triaged once (the choice and what it made are then
kept as they are), and a triage carries what its kind needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core import child_rules, reference
from station_app.core.behaviour import CREATE, DELETE, UPDATE, Behaviour, Storage, Write
from station_app.core.errors import TransitionRefused, ValidationError

LIMITS = "intake_time_limit"
CHANNELS = (("grid", "网格员"), ("village_aide", "村协理员"), ("hotline", "救助热线"), ("hotline_12345", "12345热线"),
            ("walk_in", "来访申请"), ("other", "其他"))
URGENCY = (("normal", "一般"), ("urgent", "紧急"))
TRIAGE = (("relief", "转临时救助"), ("child_report", "转儿童保护（强制报告）"), ("elder_visit", "安排老年人探访"),
          ("transfer", "转办其他部门"), ("no_action", "核实后无需救助"))
# What a triage of each kind made, and where the report keeps it.
LINKS = {"relief": ("relief_case_id", "relief_case"), "child_report": ("child_report_id", "child_report"),
         "elder_visit": ("visit_id", "visit")}
TRIAGE_FIELDS = ("triage", "triaged_at", "triaged_by", "triage_note", "relief_case_id", "child_report_id", "visit_id",
                 "transfer_to", "transferred_on")
RECEIPT_FIELDS = ("receipt_on", "receipt_note")
_HOURS = {"type": "integer", "minimum": 1, "maximum": 720}
reference.register(LIMITS, "主动发现受理分办时限", {
    "type": "object", "required": ["triage_hours"],
    "properties": {"triage_hours": {"type": "object", "title": "分办时限（小时）", "required": ["urgent", "normal"],
                                    "additionalProperties": False,
                                    "properties": {"urgent": {**_HOURS, "title": "紧急"},
                                                   "normal": {**_HOURS, "title": "一般"}}},
                   "basis": {"type": "string", "title": "依据", "maxLength": 500}}})


def triage_due(received_at: str, urgency: str, rule: Mapping[str, Any]) -> str:
    """By when a report received at `received_at` must be triaged ("YYYY-MM-DD HH:MM", local)."""
    hours = int(rule["triage_hours"].get(urgency, rule["triage_hours"]["normal"]))
    return child_rules.format_time(child_rules.parse_time(received_at) + dt.timedelta(hours=hours))


def untriaged_late(report: Mapping[str, Any], now: dt.datetime) -> bool:
    return not report.get("triage") and child_rules.is_late(report.get("triage_due"), now)


def triage_problems(report: Mapping[str, Any]) -> dict[str, str]:
    """What a triage of the report's kind must carry, by field ({} when it carries it)."""
    kind = report.get("triage")
    if not kind:
        return {}
    found = {}
    if not report.get("triaged_at") or not report.get("triaged_by"):
        found["triage"] = "分办时请记录分办时间和经办人"
    if kind in LINKS and not report.get(LINKS[kind][0]):
        found["triage"] = f"“{dict(TRIAGE)[kind]}”须关联所办理的记录"
    if kind == "transfer":
        for name, label in (("transfer_to", "转办部门"), ("transferred_on", "转办日期")):
            if not report.get(name):
                found[name] = f"转办时请填写{label}"
    if kind == "no_action" and not report.get("triage_note"):
        found["triage_note"] = "请写明核实情况和无需救助的理由"
    return found


def _check_reports(writes: Sequence[Write], storage: Storage) -> None:
    for w in writes:
        if not w.local or w.op == DELETE:
            continue
        report = w.after
        if w.op == CREATE:
            _new_report(report, storage)
        elif w.op == UPDATE:
            _report_update(w, storage)
        problems = triage_problems(report)
        if report.get("receipt_on") and report.get("triage") != "transfer":
            problems["receipt_on"] = "只有转办其他部门的报告才登记回执"
        if report.get("receipt_on") and report.get("transferred_on") and report["receipt_on"] < report["transferred_on"]:
            problems["receipt_on"] = "回执日期不能早于转办日期"
        if problems:
            raise ValidationError(problems)


def _new_report(report: Mapping[str, Any], storage: Storage) -> None:
    if any(report.get(n) for n in (*TRIAGE_FIELDS, *RECEIPT_FIELDS)):
        raise TransitionRefused("受理登记时尚未分办：请登记后再在报告中选择分办去向。")
    rule = storage.reference([LIMITS], child_rules.parse_time(report["received_at"]).date())[LIMITS]
    expected = triage_due(report["received_at"], report["urgency"], rule)
    if report.get("triage_due") != expected:
        raise ValidationError({"triage_due": f"分办时限由县里的规定计算（应为 {expected}），不能直接填写"})


def _report_update(w: Write, storage: Storage) -> None:
    before, after = w.before or {}, w.after
    if w.changed(("received_at", "urgency", "triage_due")) and before.get("triage"):
        raise TransitionRefused("报告已分办，受理时间和紧急程度不能再改。")
    if w.changed(("received_at", "urgency", "triage_due")):
        _new_report({**after, **{n: None for n in (*TRIAGE_FIELDS, *RECEIPT_FIELDS)}}, storage)
    if before.get("triage") and w.changed(TRIAGE_FIELDS):
        raise TransitionRefused("报告已分办，去向不能再改；如有变化请在备注中说明。")
    kind = after.get("triage")
    if kind in LINKS and w.changed(TRIAGE_FIELDS):
        field_name, entity_name = LINKS[kind]
        made = storage.get(entity_name, after[field_name])
        if made is None:
            raise ValidationError({"triage": "所关联的记录不存在或已被删除"})
        if kind == "relief" and made.get("intake_report_id") != after["id"]:
            raise ValidationError({"triage": "转临时救助的案件须注明来自这条报告"})


REPORT = Behaviour(checks=(_check_reports,))
