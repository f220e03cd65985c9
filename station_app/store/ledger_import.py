"""Reading an Excel ledger, checking it against the archive, and importing its valid rows.

The rules of the check are core's (core.ledger_import for people, core.status_roster for the
county's roster of assistance statuses); here are the workbook, the station's villages, people and
statuses, and the one write: every valid new row is created in a single transaction through the
store's write path (so the records sync, and a failure imports nothing). Rows with problems go into
an error report the person can fix and import again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from station_app.core import assistance, status_roster
from station_app.core import ledger_import as rules
from station_app.core.errors import KnownError
from station_app.core.jobs import JobState
from station_app.store import reference_data
from station_app.store.database import StationDatabase
from station_app.store.private_files import save_workbook
from station_app.store.records import RecordStore

HEADER_SEARCH_ROWS = 10  # ledgers often start with a title row or two above the column headers


@dataclass(frozen=True)
class Sheet:
    name: str
    header_row: int  # 1-based, as Excel numbers rows
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number, cells) below the headers


def read_workbook(path: Path, state: JobState | None = None, kind: rules.LedgerKind = rules.PEOPLE) -> list[Sheet]:
    """Every sheet with its header row found (the first of the top rows naming two of the kind's columns)."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise KnownError(f"无法读取 {Path(path).name}：请确认它是 Excel 的 .xlsx 文件（.xls 请先另存为 .xlsx）。") from exc
    sheets = []
    try:
        for ws in book.worksheets:
            values = [list(r) for r in ws.iter_rows(values_only=True)]
            header_at = next((i for i, row in enumerate(values[:HEADER_SEARCH_ROWS])
                              if len(rules.suggest(row, kind.headers)) >= 2), None)
            if header_at is None:
                continue
            headers = [rules.normalise_header(h) for h in values[header_at]]
            rows = [(header_at + 2 + i, row) for i, row in enumerate(values[header_at + 1:])]
            sheets.append(Sheet(ws.title, header_at + 1, headers, rows))
            if state:
                state.report(len(sheets), len(book.worksheets), f"正在读取工作表“{ws.title}”")
    finally:
        book.close()
    if not sheets:
        raise KnownError(f"{Path(path).name} 中找不到表头：需要有“姓名”“身份证号”等列名的一行。")
    return sheets


def holders(database: StationDatabase) -> status_roster.Holders:
    """Registered people by ID number, and the statuses already recorded (core.status_roster)."""
    people = {p["id_number"]: (p["id"], p["household_id"]) for p in database.query(
        "SELECT id, id_number, household_id FROM person WHERE deleted = 0 AND id_number IS NOT NULL")}
    recorded = database.query("SELECT COALESCE(person_id, household_id) AS holder, kind, starts_on, certificate_no"
                              " FROM assistance_status WHERE deleted = 0")
    return status_roster.Holders(people, frozenset((r["holder"], r["kind"], r["starts_on"]) for r in recorded),
                                 frozenset(r["certificate_no"] for r in recorded if r["certificate_no"]))


def check_statuses(database: StationDatabase, sheet: Sheet, mapping: dict[int, str], today: dt.date | None = None,
                   ) -> list[rules.RowCheck]:
    day = today or dt.date.today()
    return status_roster.check_rows(sheet.rows, mapping, holders(database),
                                    reference_data.value(database, assistance.KINDS, day), day)


def archive(database: StationDatabase) -> rules.Archive:
    villages = {r["name"]: r["id"] for r in database.query("SELECT id, name FROM village WHERE deleted = 0")}
    people = database.query("SELECT name, birth_date, village_id, id_number FROM person WHERE deleted = 0")
    return rules.Archive(villages, frozenset(p["id_number"] for p in people if p["id_number"]),
                         frozenset((p["name"], p["birth_date"], p["village_id"]) for p in people))


def check(database: StationDatabase, sheet: Sheet, mapping: dict[int, str], today: dt.date | None = None,
          ) -> list[rules.RowCheck]:
    return rules.check_rows(sheet.rows, mapping, archive(database), today or dt.date.today())


def import_rows(store: RecordStore, checks: list[rules.RowCheck], kind: rules.LedgerKind = rules.PEOPLE) -> int:
    """Create every new valid row's record in one transaction; how many were created."""
    records = [c.record for c in checks if c.record is not None]
    if records:
        store.create_many(kind.entity, records)
    return len(records)


def error_report(checks: list[rules.RowCheck], mapping: dict[int, str], out: Path,
                 kind: rules.LedgerKind = rules.PEOPLE) -> Path:
    """The rows with problems, with their sheet row number and the reasons, to fix and import again."""
    book = Workbook()
    sheet = book.active
    sheet.title = "导入问题"
    fields = list(mapping.values())
    sheet.append(["原表行号", "问题", *(kind.labels.get(f, f) for f in fields)])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E3E8EE")
    for c in checks:
        if c.problems:
            sheet.append([c.number, "；".join(c.problems), *(_text(c.raw.get(f)) for f in fields)])
    sheet.column_dimensions["B"].width = 60
    return save_workbook(book, Path(out))


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
