"""特殊困难老年人探访记录表: one visit on one A4 page, blank (taken along and filled in by hand)
or filled (printed from the record, signed and filed).

Options (method, seen in person, hazards, referral) are printed as a list with [ ] boxes, the
recorded ones marked [X], so the blank and the filled form read the same way. The embedded font
has no ballot-box glyphs, hence the brackets. Findings too long for their box continue on a 续页.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm

from station_app.core import idnumber
from station_app.core.entities import entity
from station_app.core.jobs import JobState
from station_app.forms.layout import FILL, Output, Page, Sheet, Signature, flow, label, render, row, table, value
from station_app.forms.listing import age_text, contact_lines, date_text

TITLE = "特殊困难老年人探访记录表"

_VISIT = entity("visit")
_PROFILE = entity("elder_profile")
_PERSON = entity("person")


def _label(name: str, span: int = 1) -> Any:
    return label(_VISIT.field(name).label, span=span)


_COLUMNS = (24, 34, 22, 34, 24, 32)
_WIDE = 14 * mm

SHEET = Sheet(
    TITLE,
    header=(("村（社区）", "village"),),
    tables=(
        table(
            _COLUMNS,
            row(label("姓名"), value("name"), label("性别"), value("gender"), label("年龄"), value("age")),
            row(label("身份证号"), value("id_number", span=3), label("联系电话"), value("phone")),
            row(label("住址"), value("address", span=5)),
            row(label(_PROFILE.field("categories").label), value("categories", span=3),
                label(_PROFILE.field("risk_level").label), value("risk")),
            row(label(_PROFILE.field("contacts").label), value("contacts", span=5), height=12 * mm),
            row(_label("visit_date"), value("visit_date"), _label("visitor"), value("visitor"),
                _label("method"), value("method")),
            row(_label("seen_in_person"), value("seen"), _label("mental_state"), value("mental_state", span=3)),
            row(_label("living_conditions"), value("living_conditions", span=5), height=_WIDE),
            row(_label("health_note"), value("health_note", span=5), height=_WIDE),
            row(_label("hazards"), value("hazards", span=5), height=11 * mm),
            row(_label("findings"), value("findings", span=5), height=FILL),
            row(_label("needs"), value("needs", span=5), height=_WIDE),
            row(_label("services"), value("services", span=5), height=_WIDE),
            row(_label("referral"), value("referral", span=5), height=_WIDE),
            row(_label("follow_up"), value("follow_up", span=2), _label("next_due"), value("next_due", span=2),
                height=_WIDE),
        ),
    ),
    signatures=((Signature("探访人签字"), Signature("被探访人（或家属）签字")),
                (Signature("审核人"), Signature("日期", date=True))),
)

CONTINUATION = Sheet(
    f"{TITLE}（续页）",
    header=(("姓名", "name"), ("探访日期", "visit_date")),
    tables=(table((24, 146), row(label(_VISIT.field("findings").label + "（续）"), value("findings"),
                                  height=FILL)),),
)


@dataclass(frozen=True)
class VisitForm:
    """One form to print: the person, their elder profile, the village and the visit (None: blank)."""

    person: Mapping[str, Any]
    profile: Mapping[str, Any]
    village_name: str = ""
    visit: Mapping[str, Any] | None = None


def options(choices: Sequence[tuple[str, str]], chosen: Sequence[str]) -> str:
    return "  ".join(f"[{'X' if code in chosen else ' '}]{text}" for code, text in choices)


def _values(form: VisitForm, show_full_id: bool) -> dict[str, str]:
    person, profile, visit = form.person, form.profile, form.visit or {}
    on = dt.date.fromisoformat(visit["visit_date"]) if visit.get("visit_date") else dt.date.today()
    number = person.get("id_number") or ""
    seen = visit.get("seen_in_person")
    referral = options(_VISIT.field("referral").choices, [visit.get("referral") or ""])
    if visit.get("referral_note"):
        referral += f"\n事由：{visit['referral_note']}"
    method_choices = [c for c in _VISIT.field("method").choices if c[0] != "school"]
    return {
        "village": form.village_name,
        "name": person.get("name") or "",
        "gender": _PERSON.field("gender").choice_label(person.get("gender")),
        "age": age_text(person.get("birth_date"), on),
        "id_number": number if show_full_id else idnumber.mask(number),
        "phone": person.get("phone") or "",
        "address": person.get("address") or "",
        "categories": "、".join(_PROFILE.field("categories").choice_label(c) for c in profile.get("categories") or []),
        "risk": _PROFILE.field("risk_level").choice_label(profile.get("risk_level")),
        "contacts": "；".join(contact_lines(profile.get("contacts"))),
        "visit_date": date_text(visit.get("visit_date")),
        "visitor": visit.get("visitor") or "",
        "method": options(method_choices, [visit.get("method") or ""]),
        "seen": options((("1", "是"), ("0", "否")), ["" if seen is None else str(int(seen))] if visit else []),
        "mental_state": options(_VISIT.field("mental_state").choices, [visit.get("mental_state") or ""]),
        "living_conditions": visit.get("living_conditions") or "",
        "health_note": visit.get("health_note") or "",
        "hazards": options(_VISIT.field("hazards").choices, visit.get("hazards") or []),
        "needs": visit.get("needs") or "",
        "services": visit.get("services") or "",
        "referral": referral,
        "follow_up": visit.get("follow_up") or "",
        "next_due": date_text(visit.get("next_due")),
    }


def _pages(form: VisitForm, show_full_id: bool) -> list[Page]:
    values = _values(form, show_full_id)
    parts = flow((form.visit or {}).get("findings") or "", "findings", SHEET, CONTINUATION)
    return [Page(CONTINUATION if i else SHEET, {**values, "findings": part}) for i, part in enumerate(parts)]


def render_visit_records(forms: Sequence[VisitForm], out: Output, *, station_name: str, printed_at: dt.datetime,
                         show_full_id: bool = False, state: JobState | None = None) -> None:
    """The forms into one PDF, a page each (plus any 续页); a form without a visit prints blank
    for the person, ready to take along."""
    pages = [page for form in forms for page in _pages(form, show_full_id)]
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)
