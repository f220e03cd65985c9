"""特困人员分散供养照料服务协议书: the township (甲方), the carer (乙方) and the person cared for
(丙方) agree who cares, what for, for how much a month and from when to when; pre-filled from the
agreement and the person for the three parties to sign, witnessed by the village.

ID and phone numbers print in full only where the job asks (the parties sign this paper).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm

from station_app.core import idnumber
from station_app.core.entities import GENDERS
from station_app.core.fields import format_money
from station_app.core.jobs import JobState
from station_app.core.privacy import mask_phone
from station_app.forms.layout import FILL, Output, Page, Sheet, Signature, label, render, row, table, value
from station_app.forms.listing import date_text

TITLE = "特困人员分散供养照料服务协议书"
CLAUSES = """一、协议期限：{term}。期满前一个月内，三方商定是否续签。
二、照料服务费：{fee}，由甲方按月（季）发放给乙方；标准调整时按县（区）民政部门规定执行。
三、乙方按本协议约定的内容为丙方提供照料服务，不得虐待、遗弃丙方或侵占丙方财物；因故不能继续照料的，应提前一个月告知甲方。
四、甲方（乡镇社会工作服务站、村（居）民委员会）定期探访丙方，了解照料情况；乙方未履行协议的，甲方督促整改，情节严重的可终止协议。
五、丙方应配合照料；照料中发生争议，由村（居）民委员会协调解决。
六、本协议一式三份，甲、乙、丙三方各执一份，自三方签字（盖章）之日起生效。"""

SHEET = Sheet(
    TITLE,
    header=(("村（社区）", "village"),),
    tables=(
        table((30, 32, 22, 30, 22, 34),
              row(label("甲方"), value("party_a", span=3), label("联系电话"), value("party_a_phone")),
              row(label("乙方\n（照料人）", rows=2), value("carer_name"), label("与丙方关系"), value("carer_relation"),
                  label("联系电话"), value("carer_phone")),
              row(label("身份证号"), value("carer_id_number", span=2), label("住址"), value("carer_address")),
              row(label("丙方\n（被照料人）", rows=2), value("name"), label("性别"), value("gender"), label("出生日期"),
                  value("birth_date")),
              row(label("身份证号"), value("id_number", span=2), label("现住址"), value("address"))),
        table((30, 140), row(label("照料服务内容"), value("duties"), height=42 * mm)),
        table((170,), row(value("clauses"), height=58 * mm)),
        table((30, 140), row(label("其他约定"), value("notes"), height=FILL)),
    ),
    signatures=((Signature("甲方（盖章）"), Signature("乙方（签字、按手印）")),
                (Signature("丙方（签字、按手印）"), Signature("村（居）委会见证（盖章）")),
                (Signature("签订日期", date=True),)),
)


@dataclass(frozen=True)
class CareForm:
    """What the agreement prints: the agreement, the person cared for, their village, the township."""

    agreement: Mapping[str, Any]
    person: Mapping[str, Any]
    village_name: str
    party_a: str
    party_a_phone: str = ""
    full_numbers: bool = False


def _values(form: CareForm) -> dict[str, str]:
    deal, person = form.agreement, form.person

    def number(n: str | None) -> str:
        return (n or "") if form.full_numbers else idnumber.mask(n)

    def phone(n: str | None) -> str:
        return (n or "") if form.full_numbers else mask_phone(n)

    start, end = deal.get("signed_on"), deal.get("expires_on")
    term = f"自{date_text(start)}起至{date_text(end)}止" if end else f"自{date_text(start)}起，长期"
    fee = f"每月{format_money(deal['fee'])}元" if deal.get("fee") is not None else "每月________元"
    return {
        "village": form.village_name, "party_a": form.party_a, "party_a_phone": form.party_a_phone,
        "carer_name": deal.get("carer_name") or "", "carer_relation": deal.get("carer_relation") or "",
        "carer_phone": phone(deal.get("carer_phone")), "carer_id_number": number(deal.get("carer_id_number")),
        "carer_address": deal.get("carer_address") or "",
        "name": person.get("name") or "", "gender": dict(GENDERS).get(person.get("gender") or "", ""),
        "birth_date": date_text(person.get("birth_date")), "id_number": number(person.get("id_number")),
        "address": person.get("address") or "",
        "duties": deal.get("duties") or "", "clauses": CLAUSES.format(term=term, fee=fee),
        "notes": deal.get("notes") or "",
    }


def render_care_agreements(forms: Sequence[CareForm], out: Output, *, station_name: str, printed_at: dt.datetime,
                           state: JobState | None = None) -> None:
    render([Page(SHEET, _values(f)) for f in forms], out, station_name=station_name, printed_at=printed_at,
           state=state)
