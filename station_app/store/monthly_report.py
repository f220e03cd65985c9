"""The station's monthly report (月报): the figures the county asks for, each traceable to its records.

Every figure carries the ids of the records behind it (and which kind they are), so the app can
list exactly what was counted when someone asks "which 25 children?". Counts are as of the month's
last day; money is in fen. The same figures go to the PDF (forms.monthly_report) and to Excel
(`write_xlsx`, with one sheet per figure listing its records).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from station_app.core.child_rules import needs_agreement
from station_app.core.elder_rules import month_bounds
from station_app.core.entities import CHILD_CATEGORIES, RELIEF_TYPES
from station_app.core.relief import FUND_OUTFLOWS
from station_app.core.fields import format_money
from station_app.core.idnumber import mask
from station_app.core.reports import Figure
from station_app.store import elder_rounds, intake_figures
from station_app.store.database import StationDatabase
from station_app.store.private_files import save_workbook

CHILDREN, ELDERS, RELIEF, FUND = "留守儿童和困境儿童", "特殊困难老年人探访", "临时救助", "临时救助备用金"
INTAKE = "主动发现"
PAID_STATUSES = ("paid", "closed")


def _ids(rows: list[dict[str, Any]], key: str = "id") -> tuple[str, ...]:
    return tuple(r[key] for r in rows)


def figures(database: StationDatabase, month: str) -> list[Figure]:
    """Every figure of the report for "YYYY-MM", in the order printed."""
    start, after = month_bounds(month)
    first, last = start.isoformat(), (after - dt.timedelta(days=1)).isoformat()
    out: list[Figure] = []

    # Children on the roll at the month's end (registered by then, not exited).
    roll = database.query(
        "SELECT id, person_id, category, sub_type FROM child_profile WHERE deleted = 0 AND status = 'active'"
        " AND substr(created_at, 1, 10) <= ?", [last])
    for code, label in CHILD_CATEGORIES:
        rows = [r for r in roll if r["category"] == code]
        out.append(Figure(CHILDREN, f"在册{label}", len(rows), "人", "child_profile", _ids(rows)))
    need = [r for r in roll if needs_agreement(r)]  # the same rule as the children's list and figures
    signed = database.query(
        f"""SELECT DISTINCT c.id FROM child_profile c JOIN agreement a ON a.child_profile_id = c.id AND a.deleted = 0
            WHERE c.id IN ({', '.join('?' * len(need)) or "''"}) AND a.signed_date <= ?
              AND (a.expiry_date IS NULL OR a.expiry_date >= ?)""", [*_ids(need), last, last])
    out.append(Figure(CHILDREN, "委托照护协议签订率（需签订协议的儿童）", len(signed), "人", "child_profile", _ids(signed),
                      of=len(need)))
    visits = database.query("SELECT id FROM visit WHERE deleted = 0 AND program = 'child' AND visit_date BETWEEN ? AND ?",
                            [first, last])
    out.append(Figure(CHILDREN, "本月走访儿童", len(visits), "次", "visit", _ids(visits)))

    # The elderly rounds: the month's roster under the rule in force at its start.
    roster = elder_rounds.month_roster(database, None, month)
    required = [r for r in roster if r["required"]]
    out.append(Figure(ELDERS, "探访名单在册老人", len(roster), "人", "person", _ids(roster, "person_id")))
    done = sum(min(len(r["visit_dates"]), r["required"]) for r in required)
    out.append(Figure(ELDERS, "本月探访完成（次，按应访次数计）", done, "次", "person",
                      _ids([r for r in required if r["visit_dates"]], "person_id"),
                      of=sum(r["required"] for r in required)))
    missed = [r for r in required if len(r["visit_dates"]) < r["required"]]
    out.append(Figure(ELDERS, "本月未按要求探访的老人", len(missed), "人", "person", _ids(missed, "person_id")))

    # Relief: applications received, and money paid, in the month, by type.
    applied = database.query("SELECT id, case_type FROM relief_case WHERE deleted = 0 AND applied_on BETWEEN ? AND ?",
                             [first, last])
    paid = database.query(
        f"""SELECT id, case_type, amount_paid FROM relief_case WHERE deleted = 0 AND paid_on BETWEEN ? AND ?
            AND status IN ({', '.join('?' * len(PAID_STATUSES))})""", [first, last, *PAID_STATUSES])
    for code, label in RELIEF_TYPES:
        rows = [r for r in applied if r["case_type"] == code]
        out.append(Figure(RELIEF, f"受理{label}救助", len(rows), "件", "relief_case", _ids(rows)))
    for code, label in RELIEF_TYPES:
        rows = [r for r in paid if r["case_type"] == code]
        out.append(Figure(RELIEF, f"发放{label}救助金额", sum(r["amount_paid"] or 0 for r in rows), "元",
                          "relief_case", _ids(rows)))

    # Intake: reports of people in difficulty taken in the month, and those triaged in time.
    received = intake_figures.reports_received(database, start, after - dt.timedelta(days=1))
    on_time = intake_figures.triaged_in_time(received, after - dt.timedelta(days=1))
    out += [Figure(INTAKE, "受理主动发现报告", len(received), "件", "intake_report", _ids(received)),
            Figure(INTAKE, "按时限分办的报告", len(on_time), "件", "intake_report", _ids(on_time), of=len(received))]

    # The reserve fund over the month.
    entries = database.query("SELECT id, kind, amount, entry_date FROM reserve_fund_entry WHERE deleted = 0"
                             " AND entry_date <= ? ORDER BY entry_date", [last])

    def signed_sum(rows: list[dict[str, Any]]) -> int:
        return sum(-r["amount"] if r["kind"] in FUND_OUTFLOWS else r["amount"] for r in rows)

    before = [r for r in entries if r["entry_date"] < first]
    during = [r for r in entries if r["entry_date"] >= first]
    inflow = [r for r in during if r["kind"] not in FUND_OUTFLOWS]
    outflow = [r for r in during if r["kind"] in FUND_OUTFLOWS]
    out += [
        Figure(FUND, "期初余额", signed_sum(before), "元", "reserve_fund_entry", _ids(before)),
        Figure(FUND, "本月拨入、归还和调增", sum(r["amount"] for r in inflow), "元", "reserve_fund_entry", _ids(inflow)),
        Figure(FUND, "本月先行救助支出和调减", sum(r["amount"] for r in outflow), "元", "reserve_fund_entry",
               _ids(outflow)),
        Figure(FUND, "期末余额", signed_sum(entries), "元", "reserve_fund_entry", _ids(entries)),
    ]
    return out


# What each kind of record shows when a figure is traced: (header, SQL expression) over alias r
# (the record) and p (its person, where it has one).
_TRACE: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "person": ("person r JOIN person p ON p.id = r.id",
               (("姓名", "p.name"), ("身份证号", "p.id_number"), ("出生日期", "p.birth_date"))),
    "child_profile": ("child_profile r JOIN person p ON p.id = r.person_id",
                      (("姓名", "p.name"), ("身份证号", "p.id_number"), ("类别", "r.category"), ("状态", "r.status"))),
    "visit": ("visit r JOIN person p ON p.id = r.person_id",
              (("姓名", "p.name"), ("走访日期", "r.visit_date"), ("走访人", "r.visitor"))),
    "relief_case": ("relief_case r JOIN person p ON p.id = r.person_id",
                    (("姓名", "p.name"), ("申请日期", "r.applied_on"), ("发放日期", "r.paid_on"),
                     ("发放金额（元）", "r.amount_paid"))),
    "intake_report": ("intake_report r LEFT JOIN person p ON p.id = r.person_id",
                      (("困难对象", "r.subject_name"), ("受理时间", "r.received_at"), ("渠道", "r.channel"),
                       ("分办去向", "r.triage"), ("分办时间", "r.triaged_at"))),
    "reserve_fund_entry": ("reserve_fund_entry r LEFT JOIN person p ON 0",
                           (("日期", "r.entry_date"), ("类型", "r.kind"), ("金额（元）", "r.amount"), ("事由", "r.reason"))),
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
    for column, width in zip("ABCDE", (6, 18, 34, 24, 12)):
        sheet.column_dimensions[column].width = width
    return save_workbook(book, Path(out))


def previous_month(today: dt.date) -> str:
    """Reports are made for the month just ended."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"
