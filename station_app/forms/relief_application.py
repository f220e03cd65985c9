"""临时救助申请审批表: the application and approval form, one A4 page per case.

The top half is the application as the field notes describe it: the applicant and household, the
hardship, the last relief received and the totals so far, the amounts (suggested by the county's
tiers, proposed with the worker's reason, advanced). The bottom half has the opinion blocks, each
filled from the case's recorded steps with who decided and when: township verification, village
public review (left blank: it happens on paper at the village), township review and county
approval. The form is then signed, stamped and filed.
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
from station_app.core.relief_views import CaseDetails
from station_app.forms.layout import FILL, Output, Page, Sheet, Signature, label, render, row, table, value

TITLE = "临时救助申请审批表"
_CASE = entity("relief_case")
_PERSON = entity("person")
_STEP = entity("relief_step")

# Which recorded steps fill which opinion block.
VERIFICATION = ("verify", "conference", "submit")
TOWNSHIP = ("send_back", "approve", "refer", "reject")
COUNTY = ("county_approve", "county_reject")
OPINION_HEIGHT = 24 * mm

SHEET = Sheet(
    TITLE,
    header=(("申请日期", "applied_on"), ("案件编号", "case_no")),
    tables=(
        table(
            (20, 27, 20, 21, 26, 46),
            row(label("申请人"), value("name"), label("性别"), value("gender"), label("身份证号"), value("id_number")),
            row(label("户主"), value("head_name"), label("家庭人口"), value("household_size"), label("联系电话"),
                value("phone")),
            row(label("家庭住址"), value("address", span=3), label("所属村（社区）"), value("village")),
            row(label("救助类型"), value("case_type"), label("困难档次"), value("tier"), label("急难发生地"),
                value("incident_place")),
            row(label("申请事由（困难情形）"), value("reason", span=5), height=30 * mm),
            row(label("上次救助"), value("last_relief", span=3), label("累计救助"), value("total_relief")),
            row(label("建议金额"), value("suggested"), label("拟救助金额"), value("proposed"), label("先行救助"),
                value("advance")),
            row(label("调整金额理由"), value("amount_reason", span=5), height=12 * mm),
            row(label("乡镇调查核实意见"), value("verification", span=5), height=OPINION_HEIGHT),
            row(label("村（居）民主评议及公示情况"), value("village_review", span=5), height=FILL),
            row(label("乡镇审核意见"), value("township", span=5), height=OPINION_HEIGHT),
            row(label("县级审批意见"), value("county", span=5), height=OPINION_HEIGHT),
            row(label("发放情况"), value("payment", span=5)),
        ),
    ),
    signatures=((Signature("申请人签字"), Signature("经办人"), Signature("填表日期", date=True)),),
)


def _yuan(fen: int | None) -> str:
    return f"{format_money(fen)} 元" if fen is not None else ""


def opinion(steps: Iterable[Mapping[str, Any]], actions: Sequence[str]) -> str:
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
        "case_no": case["id"][-8:].upper(),
        "name": person["name"],
        "gender": _PERSON.field("gender").choice_label(person["gender"]),
        "id_number": number if show_full_id else idnumber.mask(number),
        "head_name": household.get("head_name") or "",
        "household_size": str(case["household_size"] or ""),
        "phone": phone if show_full_id else mask_phone(phone),
        "address": person["address"] or household.get("address") or "",
        "village": details.village_name or "",
        "case_type": _CASE.field("case_type").choice_label(case["case_type"]),
        "tier": f"{case['tier']}档" if case["tier"] else "",
        "incident_place": case["incident_place"] or "",
        "reason": case["reason"],
        "last_relief": f"{last['applied_on']}，{_yuan(last['amount']) or '金额待定'}" if last else "无",
        "total_relief": f"{len(details.earlier)} 次，{_yuan(details.earlier_total)}" if details.earlier else "0 次",
        "suggested": _yuan(case["amount_suggested"]),
        "proposed": _yuan(case["amount_proposed"]),
        "advance": advance,
        "amount_reason": case["amount_reason"] or "",
        "verification": opinion(details.steps, VERIFICATION),
        "village_review": "",
        "township": opinion(details.steps, TOWNSHIP),
        "county": opinion(details.steps, COUNTY),
        "payment": payment,
    }


def render_relief_forms(cases: Sequence[CaseDetails], out: Output, *, station_name: str, printed_at: dt.datetime,
                        show_full_id: bool = False, state: JobState | None = None) -> None:
    pages = [Page(SHEET, form_values(details, show_full_id)) for details in cases]
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)
