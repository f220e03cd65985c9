"""家庭经济状况核对授权书: the letter every adult member of the household signs so that the county's
checking centre may look up the household's income and assets (申请即授权核对). One page per
household: the household, the authorization in the words the checking centre expects, and a line
per adult member with their ID number, a place to sign (and press a fingerprint) and the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm

from station_app.core import idnumber
from station_app.core.entities import RELATIONS
from station_app.forms.layout import (FILL, Output, Page, Sheet, Signature, Value, label, render, row, table, value,
                                      wrap)

TITLE = "家庭经济状况核对授权书"
MEMBER_LINES = 10
_RELATIONS = dict(RELATIONS)
TEXT = ("本人及共同生活的家庭成员申请社会救助，自愿授权民政部门及其家庭经济状况核对机构，依法向公安、人力资源社会保障、"
        "住房城乡建设、自然资源、市场监管、税务、医疗保障、金融机构等部门和单位查询、核对本家庭成员的户籍、收入、"
        "财产（存款、有价证券、房产、车辆、工商登记等）及其他家庭经济状况信息。\n"
        "本授权在申请、审核确认及享受救助期间的定期复核中有效。本人保证所提供的信息真实、完整，如有隐瞒、虚报，"
        "愿意承担相应的法律责任；核对结果仅用于社会救助的审核确认。")

SHEET = Sheet(
    TITLE,
    header=(("村（社区）", "village"), ("案件编号", "case_no")),
    tables=(
        table((22, 40, 22, 86),
              row(label("户主"), value("head_name"), label("家庭住址"), value("address")),
              row(label("申请救助事项"), value("purpose", span=3))),
        table((170,), row(value("text"), height=FILL)),
        table((10, 26, 24, 50, 34, 26),
              row(label("序号"), label("姓名"), label("与户主关系"), label("公民身份号码"), label("本人签字（按手印）"),
                  label("签字日期")),
              *(row(value(f"no{i}", centered=True), value(f"name{i}", centered=True),
                    value(f"relation{i}", centered=True), value(f"id{i}", centered=True), value(f"sign{i}"),
                    value(f"date{i}"), height=12 * mm) for i in range(MEMBER_LINES))),
    ),
    signatures=((Signature("经办人", dated=True), Signature("乡镇（街道）受理单位", seal=True)),),
)


def authorization_values(household: Mapping[str, Any], members: Sequence[Mapping[str, Any]], village: str,
                         case_no: str, purpose: str, full_ids: bool) -> dict[str, Value]:
    values: dict[str, Value] = {"village": village, "case_no": case_no, "head_name": household["head_name"],
                                "address": household.get("address") or "", "purpose": purpose,
                                "text": wrap(TEXT, SHEET.plan.slots["text"].width)}  # read from the top down
    for i, m in enumerate(members[:MEMBER_LINES]):
        number = m.get("id_number") or ""
        values.update({f"no{i}": str(i + 1), f"name{i}": m["name"],
                       f"relation{i}": _RELATIONS.get(m.get("relation_to_head") or "", ""),
                       f"id{i}": number if full_ids else idnumber.mask(number)})
    return values


def render_authorization(household: Mapping[str, Any], members: Sequence[Mapping[str, Any]], out: Output, *,
                         village: str, case_no: str, purpose: str, station_name: str, printed_at: dt.datetime,
                         full_ids: bool = False) -> None:
    """One letter; a household of more adults than its lines continues on further pages."""
    pages = [Page(SHEET, authorization_values(household, members[start:start + MEMBER_LINES], village, case_no,
                                              purpose, full_ids))
             for start in range(0, max(len(members), 1), MEMBER_LINES)]
    render(pages, out, station_name=station_name, printed_at=printed_at)
