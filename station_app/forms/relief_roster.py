"""临时救助发放花名册: who was paid how much in a period, with a column for the recipient's
signature. The total counts households as households (two payments to one household are one
household) beside the number of payments. Each line shows the approved amount, the part already
paid as an advance from the reserve fund and the part paid now, so the roster, the cases and the
ledger add up to the fen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core import idnumber
from station_app.core.entities import RELIEF_TYPES
from station_app.core.relief import households
from station_app.core.fields import format_money
from station_app.core.jobs import JobState
from station_app.forms.layout import Output, Signature, render
from station_app.forms.listing import ListColumn, listing_pages, listing_sheet

TITLE = "临时救助发放花名册"
ROWS_PER_PAGE = 22
COLUMNS = (
    ListColumn("序号", "no", 9, centered=True),
    ListColumn("姓名", "name", 16, centered=True),
    ListColumn("身份证号", "id_number", 34, centered=True),
    ListColumn("村（社区）", "village", 17, centered=True),
    ListColumn("类型", "type", 13, centered=True),
    ListColumn("批准金额", "approved", 21, centered=True),
    ListColumn("先行救助", "advance", 19, centered=True),
    ListColumn("本次发放", "paid", 21, centered=True),
    ListColumn("领款人签字", "sign", 18),
)
SHEET = listing_sheet(TITLE, COLUMNS, ROWS_PER_PAGE, header=(("发放期间", "period"), ("金额单位", "unit")),
                       signatures=((Signature("经办人", dated=True), Signature("审核人（站长）", dated=True)),
                                   (Signature("乡镇分管领导", dated=True), Signature("乡镇人民政府", seal=True))))
_TYPES = dict(RELIEF_TYPES)


def roster_lines(cases: Sequence[Mapping[str, Any]], full_ids: bool) -> list[dict[str, str]]:
    lines = []
    for n, c in enumerate(cases, 1):
        lines.append({"no": str(n), "name": c["name"], "village": c["village_name"] or "",
                      "id_number": c["id_number"] if full_ids else idnumber.mask(c["id_number"]),
                      "type": _TYPES.get(c["case_type"], ""), "approved": format_money(c["amount_approved"]),
                      "advance": format_money(c["advance_amount"] or 0), "paid": format_money(c["amount_paid"])})
    lines.append({"name": "合计", "id_number": f"共 {len(households(cases))} 户 {len(cases)} 笔",
                  "approved": format_money(sum(c["amount_approved"] for c in cases)),
                  "advance": format_money(sum(c["advance_amount"] or 0 for c in cases)),
                  "paid": format_money(sum(c["amount_paid"] for c in cases))})
    return lines


def render_roster(cases: Sequence[Mapping[str, Any]], start: dt.date, end: dt.date, out: Output, *,
                  station_name: str, printed_at: dt.datetime, full_ids: bool = False,
                  state: JobState | None = None) -> None:
    header = {"period": f"{start:%Y年%m月%d日} 至 {end:%Y年%m月%d日}", "unit": "元"}
    pages = listing_pages(SHEET, ROWS_PER_PAGE, roster_lines(cases, full_ids), header)
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)
