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
from station_app.forms.layout import LANDSCAPE, Output, Signature, render
from station_app.forms.listing import ListColumn, age_text, contact_lines, listing_pages, listing_sheet

TITLE = "特殊困难老年人探访路线单"
LINES = 6

# Widths in mm of a landscape A4's 257 mm: seven columns do not fit upright without the points to
# check shrinking unreadably. 探访结果 is written by hand on the doorstep, so it gets room for a few
# words; the points to check get the most, one per line.
COLUMNS = (
    ListColumn("序号", "number", 9, centered=True),
    ListColumn("姓名", "name", 19, centered=True),
    ListColumn("住址及电话", "address", 38),
    ListColumn("紧急联系人（按先后）", "contacts", 37),
    ListColumn("上次探访/应访", "last", 27),
    ListColumn("本次查看要点", "checks", 75),
    ListColumn("探访结果", "result", 52),
)
SHEET = listing_sheet(TITLE, COLUMNS, LINES, 20 * mm,
                      header=(("村（社区）", "village"), ("探访日期", "day"), ("共计", "total")),
                      signatures=((Signature("探访人"), Signature("返回日期", date=True)),),
                      common=("每户都要查看", "common"), paper=LANDSCAPE)

_GENDERS = dict(GENDERS)


def common_checks(stops: Sequence[Mapping[str, Any]]) -> list[str]:
    """The points every stop shares (the season's reminders), printed once above the lines."""
    if not stops:
        return []
    rest = [set(stop.get("checks") or ()) for stop in stops[1:]]
    return [check for check in stops[0].get("checks") or () if all(check in r for r in rest)]


def _short_date(iso: str, day: dt.date) -> str:
    """"10月1日" within the sheet's year, the full date otherwise: it must fit a narrow column."""
    date = dt.date.fromisoformat(iso)
    return f"{date.month}月{date.day}日" if date.year == day.year else iso


def line(number: int, stop: Mapping[str, Any], day: dt.date, common: Sequence[str] = ()) -> dict[str, str]:
    """One person's line; `stop` is a row of store.elder_rounds.route_rows; `common` is left out
    of its points to check, being printed once for every line."""
    profile = stop.get("profile") or {}
    overdue = (day - dt.date.fromisoformat(stop["due"])).days
    last = _short_date(stop["last_visit"], day) if stop.get("last_visit") else "尚未探访"
    status = f"逾期{overdue}天" if overdue > 0 else "当天到期"
    return {
        "number": str(number),
        "name": f"{stop['name']}\n{_GENDERS.get(stop.get('gender') or '', '')} {age_text(stop.get('birth_date'), day)}",
        "address": "\n".join(x for x in (stop.get("address"), stop.get("phone")) if x),
        "contacts": "\n".join(contact_lines(profile.get("contacts"), phone_apart=True)),
        "last": f"上次{last}\n应访{_short_date(stop['due'], day)}\n{status}",
        "checks": "\n".join(c for c in stop.get("checks") or () if c not in common),
    }


def render_route_sheet(stops: Sequence[Mapping[str, Any]], out: Output, *, village_name: str, day: dt.date,
                       station_name: str, printed_at: dt.datetime, state: JobState | None = None) -> None:
    """The route sheet for `stops` (in visiting order) into one PDF; an empty round still prints
    one page saying nobody is due, so the worker knows the list was made."""
    common = common_checks(stops) if len(stops) > 1 else []
    items = [line(i, stop, day, common) for i, stop in enumerate(stops, 1)]
    header = {"village": village_name, "day": f"{day.year}年{day.month}月{day.day}日",
              "total": f"{len(items)}人" if items else "0人（当天无人到期）", "common": "；".join(common)}
    render(listing_pages(SHEET, LINES, items, header), out, station_name=station_name, printed_at=printed_at,
           state=state)
