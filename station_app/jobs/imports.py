"""Importing from a township's Excel sheets: the people ledger (从 Excel 导入人员) and the county's
roster of assistance statuses (导入救助对象名册). Read the workbook, check every row against the
archive with the columns as mapped, import the valid new rows in one transaction, and write the rows
with problems to a report to fix and import again."""

from __future__ import annotations

from pathlib import Path

from station_app.core import ledger_import as rules
from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.core.status_roster import ROSTER
from station_app.store import ledger_import
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore

_CHECKS = {rules.PEOPLE.key: ledger_import.check, ROSTER.key: ledger_import.check_statuses}


def read_ledger(state: JobState, path: Path, kind: rules.LedgerKind = rules.PEOPLE) -> list[ledger_import.Sheet]:
    return ledger_import.read_workbook(path, state, kind)


def check_rows(database: StationDatabase, state: JobState, sheet: ledger_import.Sheet, mapping: dict[int, str],
               kind: rules.LedgerKind = rules.PEOPLE) -> list[rules.RowCheck]:
    """Each row's verdict: a new record to import, one already in the archive, or its problems."""
    return _CHECKS[kind.key](database, sheet, mapping)


def import_rows(database: StationDatabase, state: JobState, actor: Actor, checks: list[rules.RowCheck],
                kind: rules.LedgerKind = rules.PEOPLE) -> int:
    """Import the rows that make a new record, all or none; how many were created."""
    return ledger_import.import_rows(RecordStore(database, actor), checks, kind)


def problem_report(state: JobState, checks: list[rules.RowCheck], mapping: dict[int, str], out: Path,
                   kind: rules.LedgerKind = rules.PEOPLE) -> Path:
    """The rows with problems as an Excel file beside their reasons."""
    return ledger_import.error_report(checks, mapping, out, kind)
