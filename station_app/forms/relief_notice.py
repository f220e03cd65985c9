"""临时救助公示名单: the public notice of the cases the township means to grant, put up on the
village's notice board for the county's number of days before approval. It is posted where anyone
can read it, so ID numbers and addresses are masked (the village stays, so neighbours know whom it
names); it carries the period, the telephone for objections, and the township's seal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm

from station_app.core import idnumber
from station_app.core.entities import RELIEF_TYPES
from station_app.core.fields import format_money
from station_app.core.privacy import mask_address
from station_app.forms.layout import LANDSCAPE, Output, Signature, render
from station_app.forms.listing import ListColumn, listing_pages, listing_sheet

TITLE = "临时救助对象公示名单"
LINES = 11
COLUMNS = (
    ListColumn("序号", "no", 9, centered=True),
    ListColumn("姓名", "name", 18, centered=True),
    ListColumn("村（社区）", "village", 20, centered=True),
    ListColumn("住址", "address", 26),
    ListColumn("身份证号", "id_number", 34, centered=True),
    ListColumn("救助类型", "type", 15, centered=True),
    ListColumn("家庭人口", "size", 12, centered=True),
    ListColumn("拟救助金额（元）", "amount", 22, centered=True),
    ListColumn("主要困难", "reason", 70),
)
SHEET = listing_sheet(TITLE, COLUMNS, LINES, 11 * mm, header=(("公示期", "period"), ("监督电话", "phone")),
                      common=("说明", "note"), paper=LANDSCAPE,
                      signatures=((Signature("乡镇人民政府", seal=True), Signature("公示日期", date=True)),))
NOTE = ("以下对象经调查核实、村（居）民主评议，拟给予临时救助，现予公示。如有异议，请在公示期内向乡镇人民政府"
        "或县民政局反映（监督电话见上）。公示内容不得擅自撕毁、涂改。")
_TYPES = dict(RELIEF_TYPES)


def notice_lines(cases: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [{"no": str(n), "name": c["name"], "village": c["village_name"] or "",
             "address": mask_address(c["address"], c["village_name"]), "id_number": idnumber.mask(c["id_number"]),
             "type": _TYPES.get(c["case_type"], ""), "size": str(c["household_size"] or ""),
             "amount": format_money(c["amount_proposed"] or c["amount_suggested"]), "reason": c["reason"]}
            for n, c in enumerate(cases, 1)]


def render_notice(cases: Sequence[Mapping[str, Any]], start: dt.date, end: dt.date, phone: str, out: Output, *,
                  station_name: str, printed_at: dt.datetime) -> None:
    header = {"period": f"{start:%Y年%m月%d日} 至 {end:%Y年%m月%d日}", "phone": phone, "note": NOTE}
    render(listing_pages(SHEET, LINES, notice_lines(cases), header), out, station_name=station_name,
           printed_at=printed_at)
