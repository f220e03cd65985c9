"""志愿服务证明: what the station certifies of one volunteer's service in a year — who, how many
times, how many hours in all — with the activities listed one per line, to be stamped by the
station. A long year runs on to 续页 with the list alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm

from station_app.core import idnumber
from station_app.core.entities import GENDERS
from station_app.core.fields import format_hours
from station_app.core.jobs import JobState
from station_app.forms.layout import Output, Page, Sheet, Signature, render, row, table, value
from station_app.forms.listing import ListColumn, listing_pages, listing_sheet

TITLE = "志愿服务证明"
LINES = 14
COLUMNS = (
    ListColumn("序号", "no", 10, centered=True),
    ListColumn("服务日期", "held_on", 26, centered=True),
    ListColumn("服务项目", "title", 100),
    ListColumn("服务时长（小时）", "hours", 34, centered=True),
)
SHEET = Sheet(
    TITLE,
    header=(("证明编号", "number"),),
    tables=(table((170,), row(value("statement"), height=42 * mm)), listing_sheet(TITLE, COLUMNS, LINES).tables[0]),
    signatures=((Signature("经办人"), Signature("出具单位（盖章）")), (Signature("出具日期", date=True),)),
)
MORE_LINES = 24
CONTINUATION = listing_sheet(f"{TITLE}（续页）", COLUMNS, MORE_LINES, header=(("志愿者", "name"), ("证明编号", "number")))
# Closes the list where lines are left, so nothing can be added to a stamped certificate by hand.
END = {"title": "（以下空白）"}


@dataclass(frozen=True)
class Certificate:
    """One volunteer's service in `year`: the volunteer record and their services (rows of
    store.activities.services)."""

    volunteer: Mapping[str, Any]
    services: Sequence[Mapping[str, Any]]
    year: int
    station_name: str
    full_id: bool = False


def statement(cert: Certificate) -> str:
    v = cert.volunteer
    hours = format_hours(sum(s["hours"] for s in cert.services))
    number = v.get("id_number")
    who = "，".join(x for x in (dict(GENDERS).get(v.get("gender") or ""),
                               f"身份证号：{number if cert.full_id else idnumber.mask(number)}" if number else "") if x)
    group = f"（所属志愿服务组织：{v['organisation']}）" if v.get("organisation") else ""
    return (f"　　兹证明{v['name']}{f'（{who}）' if who else ''}为{cert.station_name}登记志愿者{group}，"
            f"{cert.year}年1月1日至{cert.year}年12月31日期间，在本站组织的活动中参加志愿服务{len(cert.services)}次，"
            f"累计服务时长{hours}小时。服务情况见下表。\n　　特此证明。")


def render_certificates(certs: Sequence[Certificate], out: Output, *, printed_at: dt.datetime,
                        state: JobState | None = None) -> None:
    pages: list[Page] = []
    for cert in certs:
        lines = [{"no": str(n), "held_on": s["held_on"], "title": s["title"], "hours": format_hours(s["hours"])}
                 for n, s in enumerate(cert.services, 1)]
        if len(lines) < LINES or len(lines) > LINES and (len(lines) - LINES) % MORE_LINES:
            lines.append(END)
        number = f"{cert.year}-{str(cert.volunteer['id'])[-6:].upper()}"
        first = listing_pages(SHEET, LINES, lines[:LINES], {"statement": statement(cert), "number": number})
        rest = listing_pages(CONTINUATION, MORE_LINES, lines[LINES:], {"name": cert.volunteer["name"], "number": number}
                             ) if len(lines) > LINES else []
        pages += first + rest
    render(pages, out, station_name=certs[0].station_name if certs else "", printed_at=printed_at, state=state)
