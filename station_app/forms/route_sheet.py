"""探访路线单: the list a worker carries on a round — everyone due in one village on one day,
most overdue first, with address, phone, whom to call in an emergency (in calling order), the
last visit and what to look at. A column is left for the result, ticked on the spot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm

from station_app.core.entities import GENDERS
from station_app.core.jobs import JobState
from station_app.forms.layout import Output, Signature, render
from station_app.forms.listing import ListColumn, age_text, contact_lines, listing_pages, listing_sheet

TITLE = "特殊困难老年人探访路线单"
LINES = 10

COLUMNS = (
    ListColumn("序号", "number", 8, centered=True),
    ListColumn("姓名", "name", 22, centered=True),
    ListColumn("住址及电话", "address", 34),
    ListColumn("紧急联系人（按先后）", "contacts", 32),
    ListColumn("上次探访/应访", "last", 24),
    ListColumn("本次查看要点", "checks", 36),
    ListColumn("探访结果", "result", 14),
)
SHEET = listing_sheet(TITLE, COLUMNS, LINES, 21 * mm,
                      header=(("村（社区）", "village"), ("探访日期", "day"), ("共计", "total")),
                      signatures=((Signature("探访人"), Signature("返回日期", date=True)),))

_GENDERS = dict(GENDERS)


def line(number: int, stop: Mapping[str, Any], day: dt.date) -> dict[str, str]:
    """One person's line; `stop` is a row of store.elder_rounds.route_rows."""
    profile = stop.get("profile") or {}
    overdue = (day - dt.date.fromisoformat(stop["due"])).days
    last = stop.get("last_visit") or "尚未探访"
    status = f"逾期{overdue}天" if overdue > 0 else "当天到期"
    return {
        "number": str(number),
        "name": f"{stop['name']}\n{_GENDERS.get(stop.get('gender') or '', '')} {age_text(stop.get('birth_date'), day)}",
        "address": "\n".join(x for x in (stop.get("address"), stop.get("phone")) if x),
        "contacts": "\n".join(contact_lines(profile.get("contacts"), phone_apart=True)),
        "last": f"上次 {last}\n应访 {stop['due']}\n{status}",
        "checks": "；".join(stop.get("checks") or ()),
    }


def render_route_sheet(stops: Sequence[Mapping[str, Any]], out: Output, *, village_name: str, day: dt.date,
                       station_name: str, printed_at: dt.datetime, state: JobState | None = None) -> None:
    """The route sheet for `stops` (in visiting order) into one PDF; an empty round still prints
    one page saying nobody is due, so the worker knows the list was made."""
    items = [line(i, stop, day) for i, stop in enumerate(stops, 1)]
    header = {"village": village_name, "day": f"{day.year}年{day.month}月{day.day}日",
              "total": f"{len(items)}人" if items else "0人（当天无人到期）"}
    render(listing_pages(SHEET, LINES, items, header), out, station_name=station_name, printed_at=printed_at,
           state=state)
