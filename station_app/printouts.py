"""Print jobs: gather the records a form needs through the store, render the form to a PDF.

Plain functions taking (database, state, ...) so the UI runs them off its thread with progress
and cancel (ui.operations.run_job) and tests call them directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.forms.fund_ledger import render_fund_ledger
from station_app.forms.person_card import PersonCard, render_person_cards
from station_app.forms.relief_advance import render_advance_vouchers
from station_app.forms.relief_application import render_relief_forms
from station_app.forms.relief_roster import render_roster
from station_app.store import people, relief
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore


def person_cards(database: StationDatabase, state: JobState, actor: Actor, person_ids: Sequence[str],
                 out: Path, full_ids: bool = False) -> Path:
    """人员基本信息登记表 for each person into one PDF at `out`; ID numbers masked unless the actor
    may see them and asked to."""
    state.report(0, len(person_ids), "正在准备登记表…")
    cards = [PersonCard(**details) for details in people.card_details(database, person_ids)]
    render_person_cards(cards, out, station_name=_station_name(database, actor), printed_at=dt.datetime.now(),
                        show_full_id=full_ids and actor.can_see_full_id, state=state)
    return out


def _station_name(database: StationDatabase, actor: Actor) -> str:
    return RecordStore(database, actor).get("station", database.station_id or "")["name"]


def relief_form(database: StationDatabase, state: JobState, actor: Actor, case_id: str, out: Path) -> Path:
    """临时救助申请审批表 of one case, ID number in full for staff (the form is filed, not posted)."""
    details = relief.case_details(RecordStore(database, actor), case_id)
    render_relief_forms([details], out, station_name=_station_name(database, actor), printed_at=dt.datetime.now(),
                        show_full_id=actor.can_see_full_id, state=state)
    return out


def advance_voucher(database: StationDatabase, state: JobState, actor: Actor, case_id: str, out: Path) -> Path:
    """先行救助发放凭证 of one case."""
    details = relief.case_details(RecordStore(database, actor), case_id)
    render_advance_vouchers([details], out, station_name=_station_name(database, actor),
                            printed_at=dt.datetime.now(), show_full_id=actor.can_see_full_id, state=state)
    return out


def fund_ledger(database: StationDatabase, state: JobState, actor: Actor, start: dt.date, end: dt.date,
                out: Path) -> Path:
    """临时救助备用金台账 from `start` to `end`."""
    render_fund_ledger(relief.ledger(database, start, end), out, station_name=_station_name(database, actor),
                       printed_at=dt.datetime.now(), state=state)
    return out


def relief_roster(database: StationDatabase, state: JobState, actor: Actor, start: dt.date, end: dt.date,
                  out: Path) -> Path:
    """临时救助发放花名册 of cases paid from `start` to `end`; full ID numbers for staff (the bank
    and the auditors check them)."""
    render_roster(relief.roster(database, start, end), start, end, out, station_name=_station_name(database, actor),
                  printed_at=dt.datetime.now(), full_ids=actor.can_see_full_id, state=state)
    return out


def monthly_report(database: StationDatabase, state: JobState, actor: Actor, month: str, out: Path) -> Path:
    """社工站工作月报 for "YYYY-MM"."""
    from station_app.forms.monthly_report import render_monthly_report
    from station_app.store import monthly_report as report

    render_monthly_report(report.figures(database, month), month, out, station_name=_station_name(database, actor),
                          printed_at=dt.datetime.now())
    return out


def monthly_report_xlsx(database: StationDatabase, state: JobState, actor: Actor, month: str, out: Path) -> Path:
    """The same report as Excel, each figure's records on a sheet of its own. The records name
    people, so the file counts as an export of personal data and is logged as one."""
    from station_app.store import access_log
    from station_app.store import monthly_report as report

    found = report.figures(database, month)
    report.write_xlsx(database, _station_name(database, actor), month, found, out)
    access_log.exported(database, actor, f"月报 {month}", sum(len(f.ids) for f in found), "月报上报", False, out.name)
    return out
