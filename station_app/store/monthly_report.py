"""The station's monthly report (月报): the figures the county asks for, each traceable to its records.

Every figure is counted by store.figures (the one definition of each, shared with the 统计 page and
frozen into a submitted report) as of the month's last day, and carries the ids of the records behind
it (and which kind they are), so the app can list exactly what was counted when someone asks "which
25 children?". Money is in fen. The same figures go to the PDF (forms.monthly_report), to Excel
(`write_xlsx`, with one sheet per figure listing its records) and into a submitted report
(store.report_versions). Business dates changed after the month moved records in or out: the
report names each such correction (`correction_notes`) and marks the figures of its section.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from station_app.core import assistance
from station_app.core.child_rules import needs_agreement
from station_app.core.elder_rules import month_bounds
from station_app.core.entities import CHILD_CATEGORIES, RELIEF_TYPES, entity
from station_app.core.ledger import STAFF_ROLES
from station_app.core.fields import format_hours, format_money
from station_app.core.idnumber import mask
from station_app.core.relief import households
from station_app.core.reports import CHILDREN, ELDERS, FUND, KIND, RELIEF, Figure
from station_app.core.reports import previous_month as previous_month  # the 月报 window's default month
from station_app.store import assistance as assistance_store
from station_app.store import elder_rounds, intake_figures, ledger_figures
from station_app.store import figures as fig
from station_app.store.database import StationDatabase
from station_app.store.private_files import save_workbook

# Counted by the station only (the county's catalogue, core.reports.KINDS, does not recount them yet):
# they reach the county in the submitted report, under their keys.
INTAKE = "主动发现"
STATUSES = "救助保障对象"

def _ids(rows: Iterable[dict[str, Any]], key: str = "id") -> tuple[str, ...]:
    return tuple(r[key] for r in rows)


def period(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of "YYYY-MM"."""
    start, after = month_bounds(month)
    return start, after - dt.timedelta(days=1)


def figures(database: StationDatabase, month: str) -> list[Figure]:
    """Every figure of the report for "YYYY-MM", in the order printed; the figures of a section
    whose business dates were corrected after the month are marked."""
    first, last = period(month)
    elder_visits = fig.visits(database, "elder", first, last)
    # for the rounds and the care rates
    roster = elder_rounds.month_roster(database, None, month, people=False, visits=elder_visits)
    statuses = fig.statuses(database, last)  # for the care rates and the status lines
    found = _children(database, first, last) + _elders(roster, elder_visits) + _relief(database, first, last) \
        + _intake(database, first, last) + _fund(database, first, last) \
        + ledger_figures.figures(database, first, last, roster=roster, statuses=statuses) \
        + status_figures(database, last, statuses)
    corrected = {_section(database, c) for c in fig.corrections(database, first, last)}
    return [replace(f, corrected=True) if f.section in corrected else f for f in found]


def _children(database: StationDatabase, first: dt.date, last: dt.date) -> list[Figure]:
    roll = fig.children_on_roll(database, last)
    out = [KIND[f"children.{code}"](len(rows), _ids(rows))
           for code, _label in CHILD_CATEGORIES for rows in [[r for r in roll if r["category"] == code]]]
    need = [r for r in roll if needs_agreement(r)]  # the same rule as the children's list
    signed = fig.agreements_in_force(database, last, _ids(need))
    out.append(KIND["children.agreements"](len(signed), tuple(i for i in _ids(need) if i in signed), of=len(need)))
    visits = fig.visits(database, "child", first, last)
    out.append(KIND["children.visits"](len(visits), _ids(visits)))
    seen = {v["person_id"] for v in visits}
    visited = [r for r in roll if r["person_id"] in seen]
    out.append(KIND["children.visited"](len(visited), _ids(visited), of=len(roll)))
    return out


def _intake(database: StationDatabase, first: dt.date, last: dt.date) -> list[Figure]:
    """Reports of people in difficulty taken in the month, and those triaged in time."""
    received = intake_figures.reports_received(database, first, last)
    on_time = intake_figures.triaged_in_time(received, last)
    return [Figure(INTAKE, "受理主动发现报告", len(received), "件", "intake_report", _ids(received), key="intake.received"),
            Figure(INTAKE, "按时限分办的报告", len(on_time), "件", "intake_report", _ids(on_time), of=len(received),
                   key="intake.on_time")]


def _elders(roster: list[dict[str, Any]], visits: fig.Rows) -> list[Figure]:
    """The elderly rounds: the roster at the month's end (elder_rounds.month_roster), under the
    rule in force at its start, and the month's elder visits (store.figures.visits)."""
    required = [r for r in roster if r["required"]]
    missed = [r for r in required if len(r["visit_dates"]) < r["required"]]
    return [
        KIND["elders.roster"](len(roster), _ids(roster, "person_id")),
        KIND["elders.visits"](len(visits), _ids(visits)),
        KIND["elders.done"](sum(min(len(r["visit_dates"]), r["required"]) for r in required),
                            _ids([r for r in required if r["visit_dates"]], "person_id"),
                            of=sum(r["required"] for r in required)),
        KIND["elders.missed"](len(missed), _ids(missed, "person_id")),
    ]


def _relief(database: StationDatabase, first: dt.date, last: dt.date) -> list[Figure]:
    """Cases applied for and approved in the month, and the money paid in it by type: advances
    from the reserve fund on their day and payments after approval on theirs."""
    applied = fig.relief_cases(database, "applied_on", first, last)
    approved = fig.relief_cases(database, "approved_on", first, last)
    advanced = fig.relief_cases(database, "advance_on", first, last)
    money = fig.relief_money(database, first, last)
    out = [KIND[f"relief.applied.{code}"](len(rows), _ids(rows))
           for code, _label in RELIEF_TYPES for rows in [[r for r in applied if r["case_type"] == code]]]
    out.append(KIND["relief.approved"](len(approved), _ids(approved)))
    for code, _label in RELIEF_TYPES:
        rows = [r for r in money if r["case_type"] == code]
        out.append(KIND[f"relief.money.{code}"](sum(r["amount"] for r in rows), tuple(dict.fromkeys(_ids(rows)))))
    out.append(KIND["relief.advances"](sum(r["amount"] for r in advanced), _ids(advanced)))
    paid_to = households(money)
    out.append(KIND["relief.households"](len(paid_to), tuple(paid_to)))
    return out


def _fund(database: StationDatabase, first: dt.date, last: dt.date) -> list[Figure]:
    found = fig.fund_movement(database, first, last)
    return [
        KIND["fund.opening"](found.opening, _ids(found.before)),
        KIND["fund.in"](sum(r["amount"] for r in found.inflow), _ids(found.inflow)),
        KIND["fund.out"](sum(r["amount"] for r in found.outflow), _ids(found.outflow)),
        KIND["fund.closing"](found.closing, _ids(found.before + found.inflow + found.outflow)),
    ]


def status_figures(database: StationDatabase, last: dt.date, statuses: fig.Rows, as_of: str = "月末") -> list[Figure]:
    """Of `statuses` (store.figures.statuses for `last`), those held at the end of `last`
    (store.figures.statuses_held): a line for each kind in
    the county's list and each holder it may have, people counted as people (人) and households as
    households (户), and a line for a kind the list no longer has that someone still holds. Each
    label begins with `as_of` (the 月报's "月末"; the 统计 page counts today)."""
    held = fig.statuses_held(statuses, last)
    rule = assistance_store.kinds_rule(database, last)
    lines = [(k.code, subject) for k in assistance.kinds(rule) for subject, _ in assistance.SUBJECTS
             if subject in k.applies_to]
    lines += sorted(key for key in held if key not in lines)
    whom = dict(assistance.SUBJECTS)
    return [Figure(STATUSES, f"{as_of}{assistance.kind_label(rule, code)}（{whom[subject]}）", len(rows),
                   "人" if subject == "person" else "户", "assistance_status", _ids(rows),
                   key=f"assistance.{code}.{subject}")
            for code, subject in lines for rows in [held.get((code, subject), [])]]


_SECTIONS = {"elder_profile": ELDERS, "relief_case": RELIEF, "reserve_fund_entry": FUND, "intake_report": INTAKE,
             "assistance_status": STATUSES,
             **dict.fromkeys(("staff", "training", "service_activity", "volunteer", "care_agreement"),
                             ledger_figures.SECTION)}


def _section(database: StationDatabase, correction: fig.Correction) -> str:
    if correction.entity == "visit":
        program = database.scalar("SELECT program FROM visit WHERE id = ?", [correction.record_id])
        return {"child": CHILDREN, "care": ledger_figures.SECTION}.get(program, ELDERS)
    return _SECTIONS.get(correction.entity, CHILDREN)


def correction_notes(database: StationDatabase, month: str) -> list[str]:
    """One sentence per business date corrected after the month that moves a record for it:
    whose, which date, from what to what, by whom and when."""
    first, last = period(month)
    notes = []
    for c in fig.corrections(database, first, last):
        source = _TRACE.get(c.entity, _TRACE["person"])[0]
        name = database.scalar(f"SELECT p.name FROM {source} WHERE r.id = ?", [c.record_id]) or ""
        label = entity(c.entity).field(c.field).label
        notes.append(f"{name}（{entity(c.entity).label}）{label}由 {c.old or '空'} 更正为 {c.new or '空'}"
                     f"（{c.by}，{_local_day(c.at)}）")
    return notes


def _local_day(stamp: str) -> str:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().date().isoformat()


def _labels(column: str, choices: tuple[tuple[str, str], ...]) -> str:
    """SQL showing a choice column's Chinese label instead of its code."""
    return f"CASE {column} " + " ".join(f"WHEN '{code}' THEN '{label}'" for code, label in choices) + " END"


# What each kind of record shows when a figure is traced: (header, SQL expression) over alias r
# (the record) and p (its person, where it has one).
_TRACE: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "person": ("person r JOIN person p ON p.id = r.id",
               (("姓名", "p.name"), ("身份证号", "p.id_number"), ("出生日期", "p.birth_date"))),
    "child_profile": ("child_profile r JOIN person p ON p.id = r.person_id",
                      (("姓名", "p.name"), ("身份证号", "p.id_number"), ("类别", "r.category"), ("纳入日期", "r.entered_on"),
                       ("退出日期", "r.exited_on"))),
    "visit": ("visit r JOIN person p ON p.id = r.person_id",
              (("姓名", "p.name"), ("走访日期", "r.visit_date"), ("走访人", "r.visitor"))),
    "elder_profile": ("elder_profile r JOIN person p ON p.id = r.person_id",
                      (("姓名", "p.name"), ("身份证号", "p.id_number"), ("纳入日期", "r.entered_on"))),
    "agreement": ("agreement r JOIN child_profile c ON c.id = r.child_profile_id JOIN person p ON p.id = c.person_id",
                  (("姓名", "p.name"), ("签订日期", "r.signed_date"), ("到期日期", "r.expiry_date"))),
    "relief_case": ("relief_case r JOIN person p ON p.id = r.person_id",
                    (("姓名", "p.name"), ("申请日期", "r.applied_on"), ("先行救助日期", "r.advance_on"),
                     ("先行救助金额（元）", "r.advance_amount"), ("发放日期", "r.paid_on"),
                     ("发放金额（元）", "r.amount_paid"))),
    # A household, or an applicant registered without one (a household of their own).
    "household": ("(SELECT id, head_name AS name, address FROM household UNION ALL"
                  " SELECT id, name, address FROM person) r",
                  (("户主（申请人）", "r.name"), ("住址", "r.address"))),
    "intake_report": ("intake_report r LEFT JOIN person p ON p.id = r.person_id",
                      (("困难对象", "r.subject_name"), ("受理时间", "r.received_at"), ("渠道", "r.channel"),
                       ("分办去向", "r.triage"), ("分办时间", "r.triaged_at"))),
    "reserve_fund_entry": ("reserve_fund_entry r LEFT JOIN person p ON 0",
                           (("日期", "r.entry_date"), ("类型", "r.kind"), ("金额（元）", "r.amount"), ("事由", "r.reason"))),
    # the station's own ledger: p is what a correction note names (a person, a session, an activity)
    "staff": ("staff r JOIN staff p ON p.id = r.id LEFT JOIN village vl ON vl.id = r.village_id",
              (("姓名", "p.name"), ("岗位", _labels("r.role", STAFF_ROLES)), ("村（社区）", "vl.name"),
               ("任职日期", "r.entered_on"))),
    "volunteer": ("volunteer r JOIN volunteer p ON p.id = r.id", (("姓名", "p.name"), ("登记日期", "r.entered_on"))),
    "training": ("training r JOIN (SELECT id, topic AS name FROM training) p ON p.id = r.id",
                 (("日期", "r.held_on"), ("培训主题", "p.name"))),
    "service_activity": ("service_activity r JOIN (SELECT id, title AS name FROM service_activity) p ON p.id = r.id"
                         " LEFT JOIN village vl ON vl.id = r.village_id",
                         (("日期", "r.held_on"), ("活动", "p.name"), ("地点", "r.place"), ("村（社区）", "vl.name"))),
    "volunteer_service": ("volunteer_service r JOIN volunteer p ON p.id = r.volunteer_id"
                          " JOIN service_activity a ON a.id = r.activity_id",
                          (("志愿者", "p.name"), ("日期", "a.held_on"), ("活动", "a.title"), ("服务时长（小时）", "r.hours"))),
    "care_agreement": ("care_agreement r JOIN person p ON p.id = r.person_id",
                       (("姓名", "p.name"), ("签订日期", "r.signed_on"), ("到期日期", "r.expires_on"))),
    # p: the person holding the status, or the household ("孙桂芝家"), which a correction note names
    "assistance_status": ("assistance_status r JOIN (SELECT id, name, id_number FROM person UNION ALL"
                          " SELECT id, head_name || '家', NULL FROM household) p"
                          " ON p.id = COALESCE(r.person_id, r.household_id)",
                          (("姓名（家庭）", "p.name"), ("身份证号", "p.id_number"), ("等级或档次", "r.level"),
                           ("起始日期", "r.starts_on"), ("终止日期", "r.ends_on"), ("证书编号", "r.certificate_no"))),
}


def records(database: StationDatabase, figure: Figure) -> tuple[list[str], list[list[Any]]]:
    """(headers, rows) of the records behind `figure`: what it counted, one line each."""
    source, columns = _TRACE[figure.entity]
    if not figure.ids:
        return [h for h, _ in columns], []
    found = database.query(
        f"SELECT r.id AS id, {', '.join(f'{expr} AS c{i}' for i, (_h, expr) in enumerate(columns))} FROM {source}"
        " WHERE r.id IN (SELECT value FROM json_each(?))", [_json(figure.ids)])
    by_id = {r["id"]: r for r in found}
    rows = []
    for record_id in figure.ids:
        r = by_id.get(record_id)
        if r is None:
            continue
        rows.append([_shown(header, r[f"c{i}"]) for i, (header, _e) in enumerate(columns)])
    return [h for h, _ in columns], rows


def _json(ids: tuple[str, ...]) -> str:
    return json.dumps(list(ids))


def _shown(header: str, value: Any) -> Any:
    if value is None:
        return ""
    if header == "身份证号":
        return mask(value)
    if header.endswith("（元）"):
        return format_money(value)
    if header.endswith("（小时）"):
        return format_hours(value)
    return value


def write_xlsx(database: StationDatabase, station_name: str, month: str, found: list[Figure], out: Path) -> Path:
    """The report as Excel: the figures on the first sheet, then each figure's records on a sheet of its own."""
    book = Workbook()
    sheet = book.active
    sheet.title = "月报"
    sheet.append([f"{station_name} 月报（{month[:4]}年{int(month[5:])}月）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["序号", "项目", "指标", "数值", "明细工作表"])
    for cell in sheet[2]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E3E8EE")
    for n, figure in enumerate(found, 1):
        detail = f"明细{n}"
        sheet.append([n, figure.section, figure.label, figure.text, detail])
        headers, rows = records(database, figure)
        ws = book.create_sheet(detail)
        ws.append([f"{figure.section} · {figure.label}：{figure.text}（身份证号已遮挡）"])
        ws.append(headers)
        for row in rows:
            ws.append(row)
    notes = correction_notes(database, month)
    if notes:
        sheet.append([])
        sheet.append(["", "更正说明", f"月末后更正的日期（{len(notes)} 处），已按更正后的日期统计"])
        for note in notes:
            sheet.append(["", "", note])
    for column, width in zip("ABCDE", (6, 18, 34, 24, 12)):
        sheet.column_dimensions[column].width = width
    return save_workbook(book, Path(out))
