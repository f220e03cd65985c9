"""临时救助申请审批表: the application and approval form, one A4 page per case, as the county files it.

The top half is the application as the field notes describe it (after the 大石桥 form): the case
number, the applicant with their 户籍所在地 beside where they live, the household, the hardship, the
other assistance the household receives (其他社会救助政策兑现情况), the means check's result, the last
relief received and the totals so far, and the amounts — suggested by the county's rule with its
working, proposed with the worker's reason, advanced. The bottom half has the opinion blocks, each
filled from the case's recorded steps with who decided and when: township verification, the
village's democratic review and public notice, the township government's review and the county's
approval; each block has its signature, date and — for the bodies that decide — seal at its foot.
The form is then signed, stamped and filed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm

from station_app.core import idnumber
from station_app.core.entities import entity
from station_app.core.fields import format_money
from station_app.core.jobs import JobState
from station_app.core.privacy import mask_phone
from station_app.core.relief_review import NOTICE_STEP, REVIEW_STEP
from station_app.core.relief_standards import area_label
from station_app.core.relief_views import CaseDetails
from station_app.forms.layout import (FILL, Output, Page, Sheet, Signature, label, opinion, render, row, table,
                                      value)

TITLE = "临时救助申请审批表"
_CASE = entity("relief_case")
_PERSON = entity("person")
_STEP = entity("relief_step")

# Which recorded steps fill which opinion block.
VERIFICATION = ("verify", "conference", "submit")
VILLAGE = (REVIEW_STEP, NOTICE_STEP)
TOWNSHIP = ("send_back", "approve", "refer", "reject")
COUNTY = ("county_approve", "county_reject")
OPINION_HEIGHT = 22 * mm

SHEET = Sheet(
    TITLE,
    header=(("申请日期", "applied_on"), ("案件编号", "case_no")),
    tables=(
        table(
            (20, 27, 20, 21, 26, 46),
            row(label("申请人"), value("name"), label("性别"), value("gender"), label("身份证号"), value("id_number")),
            row(label("户主"), value("head_name"), label("家庭人口"), value("household_size"), label("联系电话"),
                value("phone")),
            row(label("所属村（社区）"), value("village"), label("现住址"), value("address", span=3)),
            row(label("户籍所在地"), value("hukou_address", span=3), label("适用低保标准"), value("standard")),
            row(label("救助类型"), value("case_type"), label("困难档次"), value("tier"), label("急难发生地"),
                value("incident_place")),
            row(label("申请事由（困难情形）"), value("reason", span=5), height=16 * mm),
            row(label("其他社会救助政策兑现情况"), value("other_assistance", span=5), height=12 * mm),
            row(label("家庭经济状况核对"), value("means", span=3), label("家庭年收入"), value("income")),
            row(label("上次救助"), value("last_relief", span=3), label("累计救助"), value("total_relief")),
            row(label("建议金额"), value("suggested"), label("拟救助金额"), value("proposed"), label("先行救助"),
                value("advance")),
            row(label("计算依据及调整理由"), value("working", span=5), height=26 * mm),
            row(label("乡镇调查核实意见"), opinion("verification", "调查人签字", span=5), height=OPINION_HEIGHT),
            row(label("村（居）民主评议及公示情况"), opinion("village_review", "负责人签字", span=5, seal=True),
                height=FILL),
            row(label("乡镇人民政府审核意见"), opinion("township", "分管领导签字", span=5, seal=True),
                height=OPINION_HEIGHT),
            row(label("县级民政部门审批意见"), opinion("county", "负责人签字", span=5, seal=True), height=OPINION_HEIGHT),
            row(label("发放情况"), value("payment", span=5)),
        ),
    ),
    signatures=((Signature("申请人签字"), Signature("经办人"), Signature("填表日期", date=True)),),
)


def _yuan(fen: int | None) -> str:
    return f"{format_money(fen)} 元" if fen is not None else ""


def case_number(case: Mapping[str, Any]) -> str:
    """The county's case number (a case from before numbers existed: the tail of its id)."""
    return case.get("case_no") or case["id"][-8:].upper()


def working_text(details: CaseDetails) -> str:
    """How the suggested amount was reckoned, then the worker's reason for proposing another."""
    lines = list(details.working.lines) if details.working else []
    if details.case["amount_reason"]:
        lines.append(f"调整理由：{details.case['amount_reason']}")
    return "\n".join(lines)


def opinions(steps: Iterable[Mapping[str, Any]], actions: Sequence[str]) -> str:
    """The steps of one block, one line each: what was decided, the amount, the reason, by whom and when."""
    lines = []
    for s in steps:
        if s["action"] not in actions:
            continue
        amount = f"，金额 {_yuan(s['amount'])}" if s["amount"] is not None else ""
        reason = f"：{s['reason']}" if s["reason"] else ""
        lines.append(f"{_STEP.field('action').choice_label(s['action'])}{amount}{reason}"
                     f"（{s['actor_name']}，{s['decided_on']}）")
    return "\n".join(lines)


def form_values(details: CaseDetails, show_full_id: bool) -> dict[str, str]:
    case, person, household = details.case, details.person, details.household or {}
    last = details.earlier[0] if details.earlier else None
    number = person["id_number"] or ""
    phone = person["phone"] or household.get("phone") or ""
    advance = f"{_yuan(case['advance_amount'])}（{case['advance_on']}）" if case["advance_amount"] else "无"
    payment = f"{case['paid_on']} 发放 {_yuan(case['amount_paid'])}" if case["paid_on"] else ""
    return {
        "applied_on": case["applied_on"],
        "case_no": case_number(case),
        "name": person["name"],
        "gender": _PERSON.field("gender").choice_label(person["gender"]),
        "id_number": number if show_full_id else idnumber.mask(number),
        "head_name": household.get("head_name") or "",
        "household_size": str(case["household_size"] or ""),
        "phone": phone if show_full_id else mask_phone(phone),
        "address": person["address"] or household.get("address") or "",
        "hukou_address": person.get("hukou_address") or "",
        "standard": area_label(case.get("standard_area")),
        "village": details.village_name or "",
        "case_type": _CASE.field("case_type").choice_label(case["case_type"]),
        "tier": f"{case['tier']}档" if case["tier"] else "",
        "incident_place": case["incident_place"] or "",
        "reason": case["reason"],
        "other_assistance": details.statuses_text,
        "means": details.means_text,
        "income": _yuan(case.get("household_income")),
        "last_relief": f"{last['applied_on']}，{_yuan(last['amount']) or '金额待定'}" if last else "无",
        "total_relief": f"{len(details.earlier)} 次，{_yuan(details.earlier_total)}" if details.earlier else "0 次",
        "suggested": _yuan(case["amount_suggested"]),
        "proposed": _yuan(case["amount_proposed"]),
        "advance": advance,
        "working": working_text(details),
        "verification": opinions(details.steps, VERIFICATION),
        "village_review": opinions(details.steps, VILLAGE),
        "township": opinions(details.steps, TOWNSHIP),
        "county": opinions(details.steps, COUNTY),
        "payment": payment,
    }


def render_relief_forms(cases: Sequence[CaseDetails], out: Output, *, station_name: str, printed_at: dt.datetime,
                        show_full_id: bool = False, state: JobState | None = None) -> None:
    pages = [Page(SHEET, form_values(details, show_full_id)) for details in cases]
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)
