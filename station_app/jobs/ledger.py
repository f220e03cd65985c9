"""Print jobs of the station's own ledger: the 服务台账 of a period, a volunteer's 志愿服务证明 for a
year, a 照料服务协议书 to sign. Like the other jobs, plain functions taking (database, state, actor,
…) that the UI runs off its thread and tests call directly; each writes one PDF and returns its path.

ID and phone numbers print in full only on papers the people named sign or receive (the agreement,
the certificate), and only for a role that may see them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.forms.care_agreement import CareForm, render_care_agreements
from station_app.forms.service_ledger import render_service_ledger
from station_app.forms.volunteer_certificate import Certificate, render_certificates
from station_app.jobs.station import station_name, village_name
from station_app.store import activities
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore


def service_ledger(database: StationDatabase, state: JobState, actor: Actor, first: dt.date, last: dt.date,
                   out: Path) -> Path:
    """服务台账: every activity held from `first` to `last`."""
    store = RecordStore(database, actor)
    render_service_ledger(activities.ledger(database, first, last), first, last, out,
                          station_name=station_name(store), printed_at=dt.datetime.now(), state=state)
    return out


def volunteer_certificate(database: StationDatabase, state: JobState, actor: Actor, volunteer_id: str, year: int,
                          out: Path) -> Path:
    """志愿服务证明 of one volunteer's service in `year`."""
    store = RecordStore(database, actor)
    cert = Certificate(store.get("volunteer", volunteer_id), activities.services(database, volunteer_id, year), year,
                       station_name(store), full_id=actor.can_see_full_id)
    render_certificates([cert], out, printed_at=dt.datetime.now(), state=state)
    return out


def care_agreement(database: StationDatabase, state: JobState, actor: Actor, agreement_id: str, out: Path) -> Path:
    """照料服务协议书 pre-filled from the agreement and the person, for the three parties to sign."""
    store = RecordStore(database, actor)
    deal = store.get("care_agreement", agreement_id)
    person = store.get("person", deal["person_id"])
    station = store.get("station", database.station_id or "")
    form = CareForm(deal, person, village_name(store, person.get("village_id"), ""),
                    f"{station['township']}人民政府（{station['name']}）", station.get("phone") or "",
                    full_numbers=actor.can_see_full_id)
    render_care_agreements([form], out, station_name=station["name"], printed_at=dt.datetime.now(), state=state)
    return out
