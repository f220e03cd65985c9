"""Assistance statuses (低保, 特困, 低收入, 孤儿 …) on people and households, and household means checks
(家庭经济状况核对), without Qt or SQL.

A status holds for a period (from … to …) with its certificate number and issuing office; its kind
comes from the county's list (reference data), which says whether a kind is held by a person, a
household, or either (低保 may be a household's or, for a severely disabled member, one person's:
"单人保"). Statuses answer the 审批表's "其他社会救助政策兑现情况" and show where they run out.

A means check starts from the authorization letter every adult member signs, goes to the county's
checking centre (requested when, to whom) and comes back with a result: income, assets, a verdict,
the date and the document number. The relief workflow asks for a result before approval where the
county's rule says so (core.relief_review).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core import reference
from station_app.core.behaviour import CREATE, DELETE, UPDATE, Behaviour, Storage, Write
from station_app.core.errors import ValidationError

KINDS = "assistance_status_kinds"
SUBJECTS = (("person", "个人"), ("household", "家庭"))
VERDICTS = (("meets", "符合救助条件"), ("exceeds", "超出救助条件"), ("unclear", "需进一步核实"))
reference.register(KINDS, "救助保障对象类别", {
    "type": "object", "required": ["kinds", "warn_days"],
    "properties": {
        "kinds": {"type": "array", "title": "类别", "minItems": 1, "maxItems": 40, "items": {
            "type": "object", "required": ["code", "label", "applies_to"], "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "title": "代码", "pattern": r"^[a-z][a-z0-9_]{0,29}$",
                         "description": "小写英文字母、数字和下划线，如 dibao"},
                "label": {"type": "string", "title": "名称", "minLength": 1, "maxLength": 20},
                "applies_to": {"type": "array", "title": "适用于", "minItems": 1, "maxItems": 2,
                               "items": {"type": "string", "enum": [code for code, _ in SUBJECTS]}}}}},
        "warn_days": {"type": "integer", "title": "到期前提醒天数", "minimum": 0, "maximum": 365}}})


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    applies_to: frozenset[str]


def kinds(rule: Mapping[str, Any]) -> list[Kind]:
    return [Kind(k["code"], k["label"], frozenset(k["applies_to"])) for k in rule["kinds"]]


def kind_label(rule: Mapping[str, Any], code: str) -> str:
    """The kind's name in the county's list (the code itself for a kind the list no longer has)."""
    return next((k.label for k in kinds(rule) if k.code == code), code)


def subject(status: Mapping[str, Any]) -> str:
    return "person" if status.get("person_id") else "household"


def current(statuses: Sequence[Mapping[str, Any]], on: dt.date) -> list[Mapping[str, Any]]:
    """The statuses that hold on `on` (begun, not yet ended), in the order given."""
    day = on.isoformat()
    return [s for s in statuses if s["starts_on"] <= day and (not s.get("ends_on") or s["ends_on"] >= day)]


def summary(statuses: Sequence[Mapping[str, Any]], rule: Mapping[str, Any], on: dt.date) -> str:
    """"低保（2026-01-01至2026-12-31，证号 LB2026001）；特困（…）" for what holds on `on`, "无" if nothing."""
    parts = []
    for s in current(statuses, on):
        period = f"{s['starts_on']}至{s['ends_on'] or '长期'}"
        number = f"，证号 {s['certificate_no']}" if s.get("certificate_no") else ""
        level = s.get("level") or ""
        parts.append(f"{kind_label(rule, s['kind'])}{level}（{period}{number}）")
    return "；".join(parts) or "无"


def expiring(status: Mapping[str, Any], rule: Mapping[str, Any], on: dt.date) -> bool:
    """A status that holds now and ends within the county's warning days."""
    end = status.get("ends_on")
    if not end or status["starts_on"] > on.isoformat():
        return False
    return on.isoformat() <= end <= (on + dt.timedelta(days=int(rule["warn_days"]))).isoformat()


# -- assistance_status -----------------------------------------------------------------------------


def _check_statuses(writes: Sequence[Write], storage: Storage) -> None:
    for w in writes:
        if not w.local or w.op == DELETE:
            continue
        status = w.after
        if bool(status.get("person_id")) == bool(status.get("household_id")):
            raise ValidationError({"person_id": "救助保障身份须登记在一个人或一个家庭名下（二者选一）"})
        if w.op == UPDATE and not w.changed(("kind", "person_id", "household_id", "starts_on")):
            continue
        rule = storage.reference([KINDS], dt.date.fromisoformat(status["starts_on"]))[KINDS]
        kind = next((k for k in kinds(rule) if k.code == status["kind"]), None)
        if kind is None:
            raise ValidationError({"kind": "请从县民政局下发的类别中选择：" + "、".join(k.label for k in kinds(rule))})
        if subject(status) not in kind.applies_to:
            whom = "个人" if subject(status) == "household" else "家庭"
            raise ValidationError({"kind": f"“{kind.label}”按规定登记在{whom}名下"})


# -- means_check -------------------------------------------------------------------------------


def result_problems(check: Mapping[str, Any]) -> dict[str, str]:
    """A result is whole (verdict, date, document number) or absent; it comes after its request."""
    found: dict[str, str] = {}
    has_result = any(check.get(n) is not None for n in ("verdict", "result_on", "document_no", "income", "assets"))
    if has_result:
        for name, label in (("verdict", "核对结论"), ("result_on", "结果日期"), ("document_no", "核对报告编号")):
            if not check.get(name):
                found[name] = f"登记核对结果时请填写{label}"
    if check.get("result_on") and check.get("requested_on") and check["result_on"] < check["requested_on"]:
        found["result_on"] = "结果日期不能早于提请核对的日期"
    if check.get("requested_on") and not check.get("requested_to"):
        found["requested_to"] = "请填写提请核对的机构（如县社会救助家庭经济状况核对中心）"
    return found


def _check_means(writes: Sequence[Write], storage: Storage) -> None:
    for w in writes:
        if not w.local or w.op == DELETE:
            continue
        found = result_problems(w.after)
        case_id = w.after.get("relief_case_id")
        if case_id and (w.op == CREATE or w.changed(("relief_case_id", "household_id"))):
            case = storage.get("relief_case", case_id)
            if case is not None and case["household_id"] != w.after["household_id"]:
                found["relief_case_id"] = "所选救助案件不是这个家庭的"
        if found:
            raise ValidationError(found)


STATUS = Behaviour(checks=(_check_statuses,))
MEANS_CHECK = Behaviour(checks=(_check_means,))
