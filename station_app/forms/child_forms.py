"""The children's printed forms: the entrustment agreement pre-filled for signature
(委托照护协议书), the child visit form blank or filled (留守儿童走访记录表), the child information
register for one child (留守儿童信息登记表) and the village roster (留守儿童花名册).

Options are printed as [ ]/[X] lists as on the elderly visit form, so a blank and a filled form
read alike. ID and phone numbers print masked unless the job asks for full values (a worker or the
head printing an agreement to sign). Long prose continues on a 续页.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm

from station_app.core import child_rules, idnumber
from station_app.core.entities import entity
from station_app.core.jobs import JobState
from station_app.core.privacy import mask_phone
from station_app.forms.layout import FILL, Output, Page, Sheet, Signature, flow, label, render, row, table, value
from station_app.forms.listing import ListColumn, age_text, date_text, listing_pages, listing_sheet
from station_app.forms.visit_record import options

_PROFILE = entity("child_profile")
_VISIT = entity("visit")
_PERSON = entity("person")
_AGREEMENT = entity("agreement")
_WIDE = 14 * mm
_COLUMNS = (24, 34, 22, 34, 24, 32)


def _choice(f: str, code: str | None, spec: Any = _PROFILE) -> str:
    return spec.field(f).choice_label(code) if code else ""


@dataclass(frozen=True)
class ChildForm:
    """What a child's forms print: the person, their archive, the village, and (for a visit form)
    the visit (None: blank) or (for the register) the latest agreement."""

    person: Mapping[str, Any]
    profile: Mapping[str, Any]
    village_name: str = ""
    visit: Mapping[str, Any] | None = None
    agreement: Mapping[str, Any] | None = None
    full_numbers: bool = False
    # The village child director who visited or reviewed (a visit form) or witnesses (the agreement):
    # name and phone, from the roster.
    director: Mapping[str, Any] | None = None

    def id_number(self, number: str | None) -> str:
        return (number or "") if self.full_numbers else idnumber.mask(number)

    def phone(self, number: str | None) -> str:
        return (number or "") if self.full_numbers else mask_phone(number)

    def director_values(self) -> dict[str, str]:
        director = self.director or {}
        return {"director": director.get("name") or "", "director_phone": self.phone(director.get("phone"))}

    def child_values(self, on: dt.date) -> dict[str, str]:
        person, profile = self.person, self.profile
        return {
            "village": self.village_name,
            "name": person.get("name") or "",
            "gender": _choice("gender", person.get("gender"), _PERSON),
            "age": age_text(person.get("birth_date"), on),
            "birth_date": date_text(person.get("birth_date")),
            "id_number": self.id_number(person.get("id_number")),
            "address": person.get("address") or "",
            "category": _choice("category", profile.get("category"))
            + (f"（{_choice('sub_type', profile.get('sub_type'))}）" if profile.get("sub_type") else ""),
            "risk": _choice("risk_level", profile.get("risk_level")),
            "school": " ".join(x for x in (profile.get("school"), profile.get("grade")) if x),
            "guardian": " ".join(x for x in (profile.get("guardian_name"),
                                             f"（{profile['guardian_relation']}）" if profile.get("guardian_relation")
                                             else "", self.phone(profile.get("guardian_phone"))) if x),
        }


# -- 留守儿童走访记录表 --------------------------------------------------------------------------

VISIT_TITLE = "留守儿童（困境儿童）走访记录表"


def _vlabel(name: str) -> Any:
    return label(_VISIT.field(name).label)


VISIT_SHEET = Sheet(
    VISIT_TITLE,
    header=(("村（社区）", "village"),),
    tables=(table(
        _COLUMNS,
        row(label("姓名"), value("name"), label("性别"), value("gender"), label("年龄"), value("age")),
        row(label("身份证号"), value("id_number", span=3), label("风险等级"), value("risk")),
        row(label("儿童类别"), value("category", span=3), label("就读学校"), value("school")),
        row(label("监护人"), value("guardian", span=5)),
        row(_vlabel("visit_date"), value("visit_date"), _vlabel("visitor"), value("visitor"),
            _vlabel("method"), value("method")),
        row(_vlabel("seen_in_person"), value("seen"), _vlabel("checks"), value("checks", span=3), height=11 * mm),
        row(_vlabel("findings"), value("findings", span=5), height=FILL),
        row(_vlabel("problems"), value("problems", span=5), height=18 * mm),
        row(_vlabel("actions"), value("actions", span=5), height=_WIDE),
        row(_vlabel("needs"), value("needs", span=5), height=_WIDE),
        row(_vlabel("referral"), value("referral", span=5), height=_WIDE),
        row(_vlabel("follow_up"), value("follow_up", span=2), _vlabel("next_due"), value("next_due", span=2),
            height=_WIDE),
        row(label("村儿童主任"), value("director", span=3), label("联系电话"), value("director_phone")),
    ),),
    signatures=((Signature("走访人签字"), Signature("监护人（照护人）签字")),
                (Signature("儿童主任/审核人"), Signature("日期", date=True))),
)
VISIT_CONTINUATION = Sheet(
    f"{VISIT_TITLE}（续页）",
    header=(("姓名", "name"), ("走访日期", "visit_date")),
    tables=(table((24, 146), row(label(_VISIT.field("findings").label + "（续）"), value("findings"),
                                  height=FILL)),),
)


def _visit_values(form: ChildForm) -> dict[str, str]:
    visit = form.visit or {}
    on = dt.date.fromisoformat(visit["visit_date"]) if visit.get("visit_date") else dt.date.today()
    seen = visit.get("seen_in_person")
    referral = options([c for c in _VISIT.field("referral").choices if c[0] != "care"], [visit.get("referral") or ""])
    if visit.get("referral_note"):
        referral += f"\n事由：{visit['referral_note']}"
    return {
        **form.child_values(on),
        **form.director_values(),
        "visit_date": date_text(visit.get("visit_date")),
        "visitor": visit.get("visitor") or "",
        "method": options(_VISIT.field("method").choices[:3], [visit.get("method") or ""]),
        "seen": options((("1", "是"), ("0", "否")), ["" if seen is None else str(int(seen))] if visit else []),
        "checks": options(_VISIT.field("checks").choices, visit.get("checks") or []),
        "problems": visit.get("problems") or "",
        "actions": visit.get("actions") or "",
        "needs": visit.get("needs") or "",
        "referral": referral,
        "follow_up": visit.get("follow_up") or "",
        "next_due": date_text(visit.get("next_due")),
    }


def render_child_visits(forms: Sequence[ChildForm], out: Output, *, station_name: str, printed_at: dt.datetime,
                        state: JobState | None = None) -> None:
    """A visit form per child (filled from its visit, or blank), plus any 续页, into one PDF."""
    pages = []
    for form in forms:
        values = _visit_values(form)
        parts = flow((form.visit or {}).get("findings") or "", "findings", VISIT_SHEET, VISIT_CONTINUATION)
        pages += [Page(VISIT_CONTINUATION if i else VISIT_SHEET, {**values, "findings": part})
                  for i, part in enumerate(parts)]
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)


# -- 留守儿童信息登记表 --------------------------------------------------------------------------

REGISTER_TITLE = "农村留守儿童（困境儿童）信息登记表"


def _plabel(name: str, span: int = 1) -> Any:
    return label(_PROFILE.field(name).label, span=span)


REGISTER_SHEET = Sheet(
    REGISTER_TITLE,
    header=(("村（社区）", "village"), ("填表日期", "today")),
    tables=(
        table(_COLUMNS,
              row(label("姓名"), value("name"), label("性别"), value("gender"), label("出生日期"), value("birth_date")),
              row(label("身份证号"), value("id_number", span=3), label("民族"), value("ethnicity")),
              row(label("现住址"), value("address", span=5)),
              row(label("健康状况"), value("health"), label("残疾类别及等级"), value("disability", span=3)),
              row(label("就读学校/年级"), value("school", span=3), label("是否寄宿"), value("boarding")),
              row(label("儿童类别"), value("category", span=3), label("风险等级"), value("risk"))),
        table(_COLUMNS,
              row(label("父母情况"), value("parents_situation", span=5)),
              row(label("父亲务工地"), value("father_whereabouts", span=3), label("父亲电话"), value("father_phone")),
              row(label("母亲务工地"), value("mother_whereabouts", span=3), label("母亲电话"), value("mother_phone")),
              row(label("监护人"), value("guardian_name"), label("与儿童关系"), value("guardian_relation"),
                  label("监护人电话"), value("guardian_phone")),
              row(label("监护能力"), value("guardian_ability", span=5)),
              row(label("受委托照护人"), value("caregiver_name"), label("与儿童关系"), value("caregiver_relation"),
                  label("照护人电话"), value("caregiver_phone")),
              row(label("委托照护协议"), value("agreement", span=5))),
        table(_COLUMNS,
              row(_plabel("risk_reason"), value("risk_reason", span=5), height=_WIDE),
              row(_plabel("services"), value("services", span=5), height=FILL),
              row(_plabel("notes"), value("notes", span=5), height=_WIDE)),
    ),
    signatures=((Signature("填表人"), Signature("审核人"), Signature("单位负责人")),
                (Signature("监护人签字"), Signature("日期", date=True))),
)


def _register_values(form: ChildForm, today: dt.date) -> dict[str, str]:
    person, profile, agreement = form.person, form.profile, form.agreement
    if agreement and agreement.get("signed_date"):
        deal = (f"已签订：{date_text(agreement['signed_date'])}至{date_text(agreement.get('expiry_date'))}"
                if agreement.get("expiry_date") else f"已签订：{date_text(agreement['signed_date'])}起，长期")
    else:
        deal = "未签订" if child_rules.needs_agreement(profile) else "无需签订"
    boarding = profile.get("boarding")
    return {
        **form.child_values(today),
        "today": date_text(today.isoformat()),
        "ethnicity": person.get("ethnicity") or "",
        "health": _choice("health", person.get("health"), _PERSON),
        "disability": person.get("disability") or "",
        "boarding": options((("1", "是"), ("0", "否")), [] if boarding is None else [str(int(boarding))]),
        "parents_situation": _choice("parents_situation", profile.get("parents_situation")),
        "father_whereabouts": profile.get("father_whereabouts") or "",
        "father_phone": form.phone(profile.get("father_phone")),
        "mother_whereabouts": profile.get("mother_whereabouts") or "",
        "mother_phone": form.phone(profile.get("mother_phone")),
        "guardian_name": profile.get("guardian_name") or "",
        "guardian_relation": profile.get("guardian_relation") or "",
        "guardian_phone": form.phone(profile.get("guardian_phone")),
        "guardian_ability": options(_PROFILE.field("guardian_ability").choices, [profile.get("guardian_ability") or ""]),
        "caregiver_name": profile.get("caregiver_name") or "",
        "caregiver_relation": profile.get("caregiver_relation") or "",
        "caregiver_phone": form.phone(profile.get("caregiver_phone")),
        "agreement": deal,
        "risk_reason": profile.get("risk_reason") or "",
        "services": profile.get("services") or "",
        "notes": profile.get("notes") or "",
    }


def render_child_register(forms: Sequence[ChildForm], out: Output, *, station_name: str, printed_at: dt.datetime,
                          state: JobState | None = None) -> None:
    today = printed_at.date()
    render([Page(REGISTER_SHEET, _register_values(f, today)) for f in forms], out, station_name=station_name,
           printed_at=printed_at, state=state)


# -- 委托照护协议书 ------------------------------------------------------------------------------

AGREEMENT_TITLE = "农村留守儿童委托照护协议书"
CLAUSES = """一、委托事项：委托方因外出务工等原因，在一定期限内不能完全履行监护职责，委托受托方照护被照护儿童的日常生活、学习和安全。委托方的监护责任不因委托而免除。
二、委托期限：{term}。期满前一个月内，双方应商定是否续签。
三、受托方职责：保障儿童吃饱穿暖、按时就学，看护儿童的人身安全（防溺水、防交通事故、防火、防侵害等），关注儿童的身体健康和心理状况；发现儿童遭受或疑似遭受不法侵害、意外伤害或失踪等情况，应立即向公安机关报告，并告知委托方和村（居）儿童主任。
四、委托方职责：每周至少与儿童电话或视频联系一次，每年至少回家探望一次；按时承担儿童的生活、教育、医疗费用；联系电话变更时及时告知受托方和村（居）委会。
五、村（居）儿童主任负责定期走访，督促双方履行本协议，并提供政策咨询和关爱服务。
六、本协议一式三份，委托方、受托方、村（居）委会各执一份，自双方签字之日起生效。"""

AGREEMENT_SHEET = Sheet(
    AGREEMENT_TITLE,
    header=(("村（社区）", "village"),),
    tables=(
        table((30, 32, 22, 30, 22, 34),
              row(label("被照护儿童", rows=2), value("name"), label("性别"), value("gender"), label("出生日期"),
                  value("birth_date")),
              row(label("身份证号"), value("id_number", span=2), label("就读学校"), value("school")),
              row(label("委托方（监护人）"), value("guardian_name"), label("与儿童关系"), value("guardian_relation"),
                  label("联系电话"), value("guardian_phone")),
              row(label("受托方（照护人）", rows=2), value("caregiver_name"), label("与儿童关系"),
                  value("caregiver_relation"), label("联系电话"), value("caregiver_phone")),
              row(label("身份证号"), value("caregiver_id_number", span=2), label("住址"), value("caregiver_address")),
              row(label("见证人\n（儿童主任）"), value("director", span=3), label("联系电话"), value("director_phone"),
                  height=11 * mm)),
        table((170,), row(value("clauses"), height=68 * mm)),
        table((30, 140), row(label("其他约定"), value("notes"), height=FILL)),
    ),
    signatures=((Signature("委托方（签字、按手印）", dated=True),), (Signature("受托方（签字、按手印）", dated=True),),
                (Signature("见证人（村儿童主任）", dated=True),), (Signature("村（居）民委员会", seal=True, dated=True),)),
)


def _agreement_values(form: ChildForm) -> dict[str, str]:
    deal = form.agreement or {}
    start = deal.get("signed_date")
    end = deal.get("expiry_date")
    term = f"自{date_text(start)}起至{date_text(end)}止" if end else f"自{date_text(start)}起，长期"
    return {
        **form.child_values(dt.date.today()),
        **form.director_values(),
        "guardian_name": deal.get("guardian_name") or "",
        "guardian_relation": deal.get("guardian_relation") or "",
        "guardian_phone": form.phone(deal.get("guardian_phone")),
        "caregiver_name": deal.get("caregiver_name") or "",
        "caregiver_relation": deal.get("caregiver_relation") or "",
        "caregiver_phone": form.phone(deal.get("caregiver_phone")),
        "caregiver_id_number": form.id_number(deal.get("caregiver_id_number")),
        "caregiver_address": deal.get("caregiver_address") or "",
        "birth_date": date_text(form.person.get("birth_date")),
        "clauses": CLAUSES.format(term=term),
        "notes": deal.get("notes") or "",
    }


def render_agreements(forms: Sequence[ChildForm], out: Output, *, station_name: str, printed_at: dt.datetime,
                      state: JobState | None = None) -> None:
    render([Page(AGREEMENT_SHEET, _agreement_values(f)) for f in forms], out, station_name=station_name,
           printed_at=printed_at, state=state)


# -- 留守儿童花名册 ------------------------------------------------------------------------------

ROSTER_TITLE = "农村留守儿童（困境儿童）花名册"
ROSTER_LINES = 20
ROSTER_COLUMNS = (
    ListColumn("序号", "number", 6, centered=True),
    ListColumn("姓名", "name", 14, centered=True),
    ListColumn("性别", "gender", 6, centered=True),
    ListColumn("年龄", "age", 6, centered=True),
    ListColumn("类别", "category", 20),
    ListColumn("监护人", "guardian", 18),
    ListColumn("父母情况", "parents", 19),
    ListColumn("协议", "agreement", 11, centered=True),
    ListColumn("风险", "risk", 7, centered=True),
    ListColumn("最近走访", "last_visit", 21, centered=True),
    ListColumn("备注", "note", 17),
)
# Short words for the narrow column; the header's total gives the rate.
_ROSTER_AGREEMENT = {child_rules.AGREEMENT_MISSING: "未签", child_rules.AGREEMENT_EXPIRED: "已过期",
                     child_rules.AGREEMENT_EXPIRING: "将到期", child_rules.AGREEMENT_VALID: "已签",
                     child_rules.AGREEMENT_NOT_NEEDED: "无需"}
ROSTER_SHEET = listing_sheet(ROSTER_TITLE, ROSTER_COLUMNS, ROSTER_LINES, 10 * mm,
                             header=(("村（社区）", "village"), ("日期", "day"), ("合计", "summary")),
                             signatures=((Signature("填表人"), Signature("审核人"), Signature("填表日期", date=True)),))


def _roster_line(number: int, entry: Mapping[str, Any], today: dt.date) -> dict[str, str]:
    status = entry.get("agreement_status")
    return {
        "number": str(number),
        "name": entry["name"],
        "gender": _choice("gender", entry.get("gender"), _PERSON),
        "age": age_text(entry.get("birth_date"), today).removesuffix("岁"),
        "category": _choice("category", entry.get("category"))
        + (f"\n{_choice('sub_type', entry.get('sub_type'))}" if entry.get("sub_type") else ""),
        "guardian": (entry.get("guardian_name") or "")
        + (f"（{entry['guardian_relation']}）" if entry.get("guardian_relation") else ""),
        "parents": _choice("parents_situation", entry.get("parents_situation")),
        "agreement": _ROSTER_AGREEMENT.get(status or "", ""),
        "risk": _choice("risk_level", entry.get("risk_level")),
        "last_visit": entry.get("last_visit") or "未走访",
        "note": "有未结保护个案" if entry.get("open_case") else "",
    }


def render_child_roster(roster: Sequence[Mapping[str, Any]], out: Output, *, village_name: str, today: dt.date,
                        station_name: str, printed_at: dt.datetime, state: JobState | None = None) -> None:
    """The roster (rows of store.children.village_roster) into one PDF."""
    items = [_roster_line(i, entry, today) for i, entry in enumerate(roster, 1)]
    signed = sum(1 for e in roster if e.get("agreement_status") == child_rules.AGREEMENT_VALID)
    needed = sum(1 for e in roster if e.get("agreement_status") not in (None, child_rules.AGREEMENT_NOT_NEEDED))
    header = {"village": village_name, "day": date_text(today.isoformat()),
              "summary": f"{len(items)}人，需签协议{needed}人，有效协议{signed}人"}
    render(listing_pages(ROSTER_SHEET, ROSTER_LINES, items, header), out, station_name=station_name,
           printed_at=printed_at, state=state)
