"""Exporting a list to Excel, marked as personal data and logged.

Any list of the app can be exported as it is shown (its columns, its order, ID and phone numbers
masked). Because every such file carries personal data out of the encrypted database, the person
exporting states a purpose; the file says on its first row and in its document properties that it
holds personal information, for what purpose, exported by whom and when; and the export is written
to the access log. Full ID and phone numbers go into the file only when the role allows and the
person asked for them for that purpose.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from station_app.core.errors import PermissionDenied, ValidationError
from station_app.core.jobs import JobState
from station_app.core.roles import HEAD, Actor
from station_app.store import access_log
from station_app.store.database import StationDatabase

# Purposes offered in the export dialog; anything else is typed in.
PURPOSES = ("工作台账", "上报县民政局", "入户走访名单", "数据核对")
MARK = "含个人信息"
_BANNER_FILL = PatternFill("solid", fgColor="FFF3CD")
_HEADER_FILL = PatternFill("solid", fgColor="E3E8EE")


@dataclass(frozen=True)
class ListExport:
    """A list as shown: its name, headers and the text of every cell, row by row."""

    name: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


def may_export_full_values(actor: Actor) -> bool:
    # Full numbers leave the station only on the head's responsibility.
    return actor.role == HEAD


def suggested_name(list_name: str, today: dt.date | None = None) -> str:
    return f"{list_name}-{(today or dt.date.today()):%Y%m%d}（{MARK}）.xlsx"


def export_list(database: StationDatabase, state: JobState, actor: Actor, table: ListExport, out: Path,
                purpose: str, full_values: bool) -> Path:
    """Write `table` to `out` (.xlsx) with the personal-data marks, then log the export."""
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": "请填写导出用途"})
    if full_values and not may_export_full_values(actor):
        raise PermissionDenied("只有站长可以导出完整的身份证号和电话号码。")
    now = dt.datetime.now()
    notice = (f"本文件{MARK}，仅限“{purpose}”使用，不得转发、公开或挪作他用，用毕删除。"
              f"导出人：{actor.display_name}（{actor.username}），导出时间：{now:%Y-%m-%d %H:%M}，"
              f"{'含完整身份证号和电话' if full_values else '身份证号和电话已遮挡'}。")
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = table.name[:31]
    width = max(len(table.headers), 1)
    sheet.append([notice])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    banner = sheet.cell(1, 1)
    banner.font, banner.fill = Font(bold=True, color="9C5700"), _BANNER_FILL
    banner.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[1].height = 48
    sheet.append(list(table.headers))
    for cell in sheet[2]:
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    total = len(table.rows)
    for done, row in enumerate(table.rows, 1):
        sheet.append(list(row))
        if done % 2000 == 0:
            state.report(done, total, f"正在写入 Excel：{done:,} / {total:,} 行")
    for i, header in enumerate(table.headers, 1):
        longest = max([len(header), *(len(r[i - 1]) for r in table.rows[:200] if i - 1 < len(r))])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(8, longest * 2 + 2), 40)
    sheet.freeze_panes = "A3"
    props = book.properties
    props.title = f"{table.name}（{MARK}）"
    props.subject = MARK
    props.keywords = f"{MARK}; 用途: {purpose}"
    props.creator = actor.display_name
    props.description = notice
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    book.save(partial)
    os.replace(partial, out)
    access_log.exported(database, actor, table.name, total, purpose, full_values, out.name)
    return out
