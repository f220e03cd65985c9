"""Print jobs of temporary relief: a case's application form and advance voucher, the household's
means-check authorization letter, the public notice list, the reserve fund's ledger and the payment
roster. Plain functions taking (database, state, actor, …) that the
UI runs off its thread and tests call directly; each writes one PDF and returns its path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.forms.fund_ledger import render_fund_ledger
from station_app.forms.means_authorization import render_authorization
from station_app.forms.relief_advance import render_advance_vouchers
from station_app.forms.relief_application import case_number, render_relief_forms
from station_app.forms.relief_notice import render_notice
from station_app.forms.relief_roster import render_roster
from station_app.jobs.station import station_name
from station_app.store import assistance, relief
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore


def relief_form(database: StationDatabase, state: JobState, actor: Actor, case_id: str, out: Path) -> Path:
    """临时救助申请审批表 of one case, ID number in full for staff (the form is filed, not posted)."""
    store = RecordStore(database, actor)
    render_relief_forms([relief.case_details(store, case_id)], out, station_name=station_name(store),
                        printed_at=dt.datetime.now(), show_full_id=actor.can_see_full_id, state=state)
    return out


def advance_voucher(database: StationDatabase, state: JobState, actor: Actor, case_id: str, out: Path) -> Path:
    """先行救助发放凭证 of one case."""
    store = RecordStore(database, actor)
    render_advance_vouchers([relief.case_details(store, case_id)], out, station_name=station_name(store),
                            printed_at=dt.datetime.now(), show_full_id=actor.can_see_full_id, state=state)
    return out


def fund_ledger(database: StationDatabase, state: JobState, actor: Actor, start: dt.date, end: dt.date,
                out: Path) -> Path:
    """临时救助备用金台账 from `start` to `end`."""
    render_fund_ledger(relief.ledger(database, start, end), out, station_name=station_name(RecordStore(database, actor)),
                       printed_at=dt.datetime.now(), state=state)
    return out


def relief_roster(database: StationDatabase, state: JobState, actor: Actor, start: dt.date, end: dt.date,
                  out: Path) -> Path:
    """临时救助发放花名册 of cases paid from `start` to `end`; full ID numbers for staff (the bank
    and the auditors check them)."""
    render_roster(relief.roster(database, start, end), start, end, out,
                  station_name=station_name(RecordStore(database, actor)), printed_at=dt.datetime.now(),
                  full_ids=actor.can_see_full_id, state=state)
    return out


def means_authorization(database: StationDatabase, state: JobState, actor: Actor, case_id: str, out: Path) -> Path:
    """家庭经济状况核对授权书 for the household of a case, a line for each adult member to sign."""
    store = RecordStore(database, actor)
    details = relief.case_details(store, case_id)
    household = details.household or {"head_name": details.person["name"], "address": details.person["address"]}
    members = assistance.adult_members(database, details.case["household_id"], store.today) \
        if details.case["household_id"] else [details.person]
    purpose = f"临时救助（{details.case['reason']}）"
    render_authorization(household, members, out, village=details.village_name or "", case_no=case_number(details.case),
                         purpose=purpose, station_name=station_name(store), printed_at=dt.datetime.now(),
                         full_ids=actor.can_see_full_id)
    return out


def notice_list(database: StationDatabase, state: JobState, actor: Actor, start: dt.date, end: dt.date,
                out: Path) -> Path:
    """临时救助对象公示名单 of the cases put on notice from `start` to `end`: to be posted, so ID numbers
    and addresses are masked whoever prints it."""
    store = RecordStore(database, actor)
    phone = store.get("station", database.station_id or "")["phone"] or ""
    render_notice(relief.on_notice(database, start, end), start, end, phone, out, station_name=station_name(store),
                  printed_at=dt.datetime.now())
    return out
