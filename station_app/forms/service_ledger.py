"""服务台账: the station's service activities of a period, one line each — when, what, where, whom
it served (the registered people by name, others by number), who ran it and which volunteers
helped for how long — on a landscape page, totalled in the header, signed off at the foot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm

from station_app.core.fields import format_hours
from station_app.core.jobs import JobState
from station_app.core.ledger import ACTIVITY_KINDS, ROLE_LABELS
from station_app.forms.layout import LANDSCAPE, Output, Signature, render
from station_app.forms.listing import ListColumn, listing_pages, listing_sheet

TITLE = "社会工作服务站服务台账"
LINES = 9
COLUMNS = (
    ListColumn("序号", "no", 7, centered=True),
    ListColumn("日期", "held_on", 23, centered=True),
    ListColumn("类型", "kind", 13, centered=True),
    ListColumn("活动名称（服务内容）", "title", 34),
    ListColumn("地点", "place", 22),
    ListColumn("服务对象", "participants", 38),
    ListColumn("人数", "count", 9, centered=True),
    ListColumn("工作人员", "staff", 27),
    ListColumn("志愿者（服务时长）", "volunteers", 32),
    ListColumn("活动情况", "notes", 52),
)
SHEET = listing_sheet(TITLE, COLUMNS, LINES, 14.5 * mm, paper=LANDSCAPE,
                      header=(("期间", "period"), ("合计", "summary")),
                      signatures=((Signature("填表人"), Signature("审核人"), Signature("站长"),
                                   Signature("日期", date=True)),))
_KINDS = dict(ACTIVITY_KINDS)


def _participants(activity: Mapping[str, Any]) -> str:
    names = "、".join(p["name"] for p in activity["participants"])
    others = activity.get("others_count") or 0
    if not others:
        return names
    return f"{names}及其他{others}人" if names else f"{activity.get('others') or '群众'}{others}人"


def _place(activity: Mapping[str, Any]) -> str:
    """The place, with its village unless the place already names it."""
    village, place = activity.get("village_name") or "", activity.get("place") or ""
    return place if village in place else f"{village} {place}".strip()


def _notes(activity: Mapping[str, Any]) -> str:
    parts = [(activity.get("notes") or "").rstrip("。；; ")]
    if activity.get("referred_to"):
        parts.append(f"转介至：{activity['referred_to']}")
    photos = [line for line in (activity.get("photos") or "").splitlines() if line.strip()]
    if photos:
        parts.append(f"照片{len(photos)}张")
    return "；".join(p for p in parts if p)


def line(number: int, activity: Mapping[str, Any]) -> dict[str, str]:
    return {
        "no": str(number),
        "held_on": activity["held_on"],
        "kind": _KINDS.get(activity["kind"], ""),
        "title": activity["title"],
        "place": _place(activity),
        "participants": _participants(activity),
        "count": str(activity["participants_total"]),
        "staff": "、".join(f"{s['name']}（{ROLE_LABELS.get(s['role'], '')}）" for s in activity["staff"]),
        "volunteers": "、".join(f"{v['name']}{format_hours(v['hours'])}小时" for v in activity["volunteers"]),
        "notes": _notes(activity),
    }


def render_service_ledger(activities: Sequence[Mapping[str, Any]], first: dt.date, last: dt.date, out: Output, *,
                          station_name: str, printed_at: dt.datetime, state: JobState | None = None) -> None:
    """The ledger of `activities` (rows of store.activities.ledger) held from `first` to `last`."""
    served = sum(a["participants_total"] for a in activities)
    hours = sum(v["hours"] for a in activities for v in a["volunteers"])
    header = {"period": f"{first:%Y年%m月%d日} 至 {last:%Y年%m月%d日}",
              "summary": f"服务活动 {len(activities)} 次，服务 {served} 人次，志愿服务 {format_hours(hours)} 小时"}
    pages = listing_pages(SHEET, LINES, [line(n, a) for n, a in enumerate(activities, 1)], header)
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)
