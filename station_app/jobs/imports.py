"""Importing people from a township's Excel ledger (从 Excel 导入人员): read the workbook, check
every row against the archive with the columns as mapped, import the valid new rows in one
transaction, and write the rows with problems to a report to fix and import again."""

from __future__ import annotations

from pathlib import Path

from station_app.core import ledger_import as rules
from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.store import ledger_import
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore


def read_ledger(state: JobState, path: Path) -> list[ledger_import.Sheet]:
    return ledger_import.read_workbook(path, state)


def check_rows(database: StationDatabase, state: JobState, sheet: ledger_import.Sheet,
               mapping: dict[int, str]) -> list[rules.RowCheck]:
    """Each row's verdict: a new person to import, someone already in the archive, or its problems."""
    return ledger_import.check(database, sheet, mapping)


def import_rows(database: StationDatabase, state: JobState, actor: Actor, checks: list[rules.RowCheck]) -> int:
    """Import the rows that make a new person, all or none; how many were created."""
    return ledger_import.import_rows(RecordStore(database, actor), checks)


def problem_report(state: JobState, checks: list[rules.RowCheck], mapping: dict[int, str], out: Path) -> Path:
    """The rows with problems as an Excel file beside their reasons."""
    return ledger_import.error_report(checks, mapping, out)
