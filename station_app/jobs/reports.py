"""The monthly report (社工站工作月报) for the county: its figures, the records behind one figure,
the printed report and the Excel file with each figure's records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station_app.core.jobs import JobState
from station_app.core.reports import Figure
from station_app.core.roles import Actor
from station_app.forms.monthly_report import render_monthly_report
from station_app.jobs.station import station_name
from station_app.store import access_log, monthly_report, report_versions
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore


@dataclass(frozen=True)
class MonthFigures:
    figures: list[Figure]  # every figure of the report, in the order printed
    submitted: report_versions.Submitted | None  # the latest version sent to the county
    state: str  # 未上报, 已上报, 已更正
    notes: list[str]  # business dates corrected after the month


def month_figures(database: StationDatabase, state: JobState, month: str) -> MonthFigures:
    """The report for "YYYY-MM" as it stands, beside what was submitted for it."""
    return MonthFigures(monthly_report.figures(database, month), report_versions.latest(database, month),
                        report_versions.state(database, month), monthly_report.correction_notes(database, month))


def records(database: StationDatabase, state: JobState, figure: Figure) -> tuple[list[str], list[list[Any]]]:
    """(headers, rows) of the records `figure` counted, ID numbers masked."""
    return monthly_report.records(database, figure)


def print_report(database: StationDatabase, state: JobState, actor: Actor, month: str, out: Path) -> Path:
    """社工站工作月报 for "YYYY-MM" as a PDF."""
    render_monthly_report(monthly_report.figures(database, month), month, out,
                          station_name=station_name(RecordStore(database, actor)), printed_at=dt.datetime.now())
    return out


def export_xlsx(database: StationDatabase, state: JobState, actor: Actor, month: str, out: Path) -> Path:
    """The same report as Excel, each figure's records on a sheet of its own. The records name
    people, so the file counts as an export of personal data and is logged as one."""
    found = monthly_report.figures(database, month)
    monthly_report.write_xlsx(database, station_name(RecordStore(database, actor)), month, found, out)
    access_log.exported(database, actor, f"月报 {month}", sum(len(f.ids) for f in found), "月报上报", False, out.name)
    return out
