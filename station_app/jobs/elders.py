"""Print jobs of the elderly rounds: the route sheet, the visit record form (blank or filled) and
the monthly village roster. Like `jobs.relief`, plain functions taking (database, state, actor, …)
that the UI runs off its thread and tests call directly; each writes one PDF and returns its path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.forms.route_sheet import render_route_sheet
from station_app.forms.visit_record import VisitForm, render_visit_records
from station_app.forms.visit_roster import render_visit_roster
from station_app.jobs.station import station_name, village_name
from station_app.store import elder_rounds
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore


def route_sheet(database: StationDatabase, state: JobState, actor: Actor, village_id: str, day: dt.date,
                out: Path) -> Path:
    """探访路线单: everyone on the rounds due in the village on or before `day`."""
    state.report(0, 1, "正在准备探访路线单…")
    store = RecordStore(database, actor)
    stops = elder_rounds.route_rows(database, village_id, day)
    render_route_sheet(stops, out, village_name=village_name(store, village_id), day=day,
                       station_name=station_name(store), printed_at=dt.datetime.now(), state=state)
    return out


def visit_records(database: StationDatabase, state: JobState, actor: Actor, visit_ids: Sequence[str], out: Path,
                  full_ids: bool = False) -> Path:
    """探访记录表 filled from each visit, into one PDF."""
    store = RecordStore(database, actor)
    forms = []
    for visit_id in visit_ids:
        visit = store.get("visit", visit_id)
        forms.append(_form(store, visit["person_id"], visit))
    render_visit_records(forms, out, station_name=station_name(store), printed_at=dt.datetime.now(),
                         show_full_id=full_ids and actor.can_see_full_id, state=state)
    return out


def blank_visit_records(database: StationDatabase, state: JobState, actor: Actor, person_ids: Sequence[str],
                        out: Path) -> Path:
    """探访记录表 left blank for each person (their details printed), to fill in by hand."""
    store = RecordStore(database, actor)
    forms = [_form(store, person_id, None) for person_id in person_ids]
    render_visit_records(forms, out, station_name=station_name(store), printed_at=dt.datetime.now(), state=state)
    return out


def _form(store: RecordStore, person_id: str, visit: dict | None) -> VisitForm:
    person = store.get("person", person_id)
    profile = elder_rounds.profile_of(store.database, person_id) or {}
    return VisitForm(person, profile, village_name(store, person.get("village_id"), ""), visit)


def visit_roster(database: StationDatabase, state: JobState, actor: Actor, village_id: str | None, month: str,
                 out: Path) -> Path:
    """月度探访花名册 for the village (or the whole township) and month "YYYY-MM"."""
    state.report(0, 1, "正在准备探访花名册…")
    store = RecordStore(database, actor)
    roster = elder_rounds.month_roster(database, village_id, month)
    render_visit_roster(roster, out, village_name=village_name(store, village_id), month=month,
                        station_name=station_name(store), printed_at=dt.datetime.now(), state=state)
    return out
