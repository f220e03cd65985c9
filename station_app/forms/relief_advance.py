"""先行救助发放凭证: the voucher for an advance paid from the reserve fund, signed by the
recipient when the money is handed over. The amount is printed in figures and in Chinese
capitals, as a cash voucher must be, with the deadline by which the case's paperwork is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib.units import mm

from station_app.core import idnumber
from station_app.core.entities import entity
from station_app.core.fields import format_money
from station_app.core.jobs import JobState
from station_app.core.privacy import mask_phone
from station_app.core.relief import capital_amount
from station_app.core.relief_views import CaseDetails
from station_app.forms.layout import FILL, Output, Page, Sheet, Signature, label, render, row, table, value
from station_app.forms.relief_application import case_number

TITLE = "临时救助先行救助发放凭证"
_CASE = entity("relief_case")

SHEET = Sheet(
    TITLE,
    header=(("发放日期", "advance_on"), ("案件编号", "case_no")),
    tables=(
        table(
            (24, 36, 24, 56),
            row(label("受助人"), value("name"), label("身份证号"), value("id_number")),
            row(label("所属村（社区）"), value("village"), label("急难发生地"), value("incident_place")),
            row(label("现住址"), value("address"), label("户籍所在地"), value("hukou_address")),
            row(label("救助类型"), value("case_type"), label("联系电话"), value("phone")),
            row(label("急难情形"), value("reason", span=3), height=FILL),
            row(label("先行救助事由"), value("advance_reason", span=3), height=20 * mm),
            row(label("金额（小写）"), value("amount"), label("金额（大写）"), value("amount_words")),
            row(label("资金来源"), value("source"), label("补办手续期限"), value("paperwork_due")),
            row(label("经办人"), value("handler"), label("领款人签字（按手印）"), value("sign"), height=18 * mm),
            row(label("说明"), value("note", span=3), height=18 * mm),
        ),
    ),
    signatures=((Signature("领款人", dated=True), Signature("经办人", dated=True)),
                (Signature("审核人（站长）", dated=True), Signature("乡镇人民政府", seal=True)),),
)


def voucher_values(details: CaseDetails, show_full_id: bool) -> dict[str, str]:
    case, person = details.case, details.person
    advance = next((s for s in details.steps if s["action"] == "advance"), None)
    number = person["id_number"] or ""
    return {
        "advance_on": case["advance_on"] or "",
        "case_no": case_number(case),
        "name": person["name"],
        "id_number": number if show_full_id else idnumber.mask(number),
        "village": details.village_name or "",
        "address": person["address"] or "",
        "hukou_address": person.get("hukou_address") or "",
        "incident_place": case["incident_place"] or "",
        "case_type": _CASE.field("case_type").choice_label(case["case_type"]),
        "phone": (person["phone"] or "") if show_full_id else mask_phone(person["phone"]),
        "reason": case["reason"],
        "advance_reason": (advance or {}).get("reason") or "",
        "amount": f"¥{format_money(case['advance_amount'])}",
        "amount_words": capital_amount(case["advance_amount"]),
        "source": "乡镇临时救助备用金",
        "paperwork_due": case["paperwork_due"] or "",
        "handler": (advance or {}).get("actor_name") or "",
        "sign": "",
        "note": "先行救助后，经办人须在补办手续期限前补齐申请、调查核实和审批手续；"
                "审批金额高于先行救助金额的，差额另行发放。本凭证与申请审批表一并归档。",
    }


def render_advance_vouchers(cases: Sequence[CaseDetails], out: Output, *, station_name: str,
                            printed_at: dt.datetime, show_full_id: bool = False,
                            state: JobState | None = None) -> None:
    pages = [Page(SHEET, voucher_values(details, show_full_id)) for details in cases if details.case["advance_amount"]]
    if not pages:
        raise ValueError("none of these cases had an advance")
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)
