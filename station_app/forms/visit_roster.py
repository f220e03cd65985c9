"""特殊困难老年人月度探访花名册: for one village and month, everyone on the rounds, the visits
the county's rule asks for and the dates of those made. Filed monthly and checked against the
target of every such person visited every month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm

from station_app.core.entities import GENDERS, entity
from station_app.core.jobs import JobState
from station_app.forms.layout import Output, Signature, render
from station_app.forms.listing import ListColumn, age_text, listing_pages, listing_sheet

TITLE = "特殊困难老年人月度探访花名册"
LINES = 20

COLUMNS = (
    ListColumn("序号", "number", 8, centered=True),
    ListColumn("姓名", "name", 18, centered=True),
    ListColumn("性别", "gender", 8, centered=True),
    ListColumn("年龄", "age", 9, centered=True),
    ListColumn("类别", "categories", 30),
    ListColumn("风险", "risk", 9, centered=True),
    ListColumn("应访次数", "required", 11, centered=True),
    ListColumn("已访日期", "dates", 45),
    ListColumn("已访次数", "done", 11, centered=True),
    ListColumn("备注", "note", 21),
)
SHEET = listing_sheet(TITLE, COLUMNS, LINES, 9 * mm,
                      header=(("村（社区）", "village"), ("月份", "month"), ("合计", "summary")),
                      signatures=((Signature("填表人"), Signature("审核人"), Signature("填表日期", date=True)),))

_PROFILE = entity("elder_profile")
_GENDERS = dict(GENDERS)


def _line(number: int, entry: Mapping[str, Any], month_start: dt.date) -> dict[str, str]:
    dates = entry.get("visit_dates") or []
    short = "、".join(f"{int(d[5:7])}.{int(d[8:10])}" for d in dates)
    missing = entry["required"] - len(dates)
    return {
        "number": str(number),
        "name": entry["name"],
        "gender": _GENDERS.get(entry.get("gender") or "", ""),
        "age": age_text(entry.get("birth_date"), month_start).removesuffix("岁"),
        "categories": "、".join(_PROFILE.field("categories").choice_label(c) for c in entry.get("categories") or []),
        "risk": _PROFILE.field("risk_level").choice_label(entry.get("risk_level")),
        "required": str(entry["required"]),
        "dates": short,
        "done": str(len(dates)),
        "note": f"差{missing}次" if missing > 0 else "",
    }


def render_visit_roster(roster: Sequence[Mapping[str, Any]], out: Output, *, village_name: str, month: str,
                        station_name: str, printed_at: dt.datetime, state: JobState | None = None) -> None:
    """The roster (rows of store.elder_rounds.month_roster) for "YYYY-MM" into one PDF."""
    month_start = dt.date(int(month[:4]), int(month[5:7]), 1)
    items = [_line(i, entry, month_start) for i, entry in enumerate(roster, 1)]
    required = sum(e["required"] for e in roster)
    done = sum(min(len(e.get("visit_dates") or []), e["required"]) for e in roster)
    header = {"village": village_name, "month": f"{month_start.year}年{month_start.month}月",
              "summary": f"{len(items)}人，应访{required}次，完成{done}次"}
    render(listing_pages(SHEET, LINES, items, header), out, station_name=station_name, printed_at=printed_at,
           state=state)
