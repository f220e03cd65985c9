"""Jobs of the children's module: printing the entrustment agreement for signature, the child visit
form (blank or filled), the child information register and the village roster; moving the children
past the exit age off the roll. Like `jobs.elders`, plain functions taking (database, state, actor,
…) that the UI runs off its thread and tests call directly; each print writes one PDF and returns
its path.

ID and phone numbers print in full only where the paper needs them and the role may see them:
the agreement, which the parties sign. Everything else prints them masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from station_app.core import child_rules
from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.forms.child_forms import (
    ChildForm,
    render_agreements,
    render_child_register,
    render_child_roster,
    render_child_visits,
)
from station_app.jobs.station import station_name, village_name
from station_app.store import children, network
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore

__all__ = ["agreement", "blank_visits", "register", "roll_off_aged_out", "roster", "visits"]


def _form(store: RecordStore, person_id: str, director_id: str | None = None, **extra: Any) -> ChildForm:
    """The child's form; the director named by `director_id`, else (a blank form) the one now in
    post in the child's village."""
    person = store.get("person", person_id)
    profile = children.profile_of(store.database, person_id) or {}
    director = (network.staff_names(store.database, [director_id]).get(director_id) if director_id else
                None if extra.get("visit") or extra.get("agreement") else
                network.director_of(store.database, person.get("village_id"), dt.date.today()))
    return ChildForm(person, profile, village_name(store, person.get("village_id"), ""), director=director, **extra)


def agreement(database: StationDatabase, state: JobState, actor: Actor, agreement_id: str, out: Path) -> Path:
    """委托照护协议书 pre-filled from the agreement and the archive, to be signed."""
    store = RecordStore(database, actor)
    deal = store.get("agreement", agreement_id)
    profile = store.get("child_profile", deal["child_profile_id"])
    form = _form(store, profile["person_id"], deal.get("witness_id"), agreement=deal, full_numbers=actor.can_see_full_id)
    render_agreements([form], out, station_name=station_name(store), printed_at=dt.datetime.now(), state=state)
    return out


def visits(database: StationDatabase, state: JobState, actor: Actor, visit_ids: Sequence[str], out: Path) -> Path:
    """走访记录表 filled from each visit, for the file."""
    store = RecordStore(database, actor)
    forms = []
    for visit_id in visit_ids:
        visit = store.get("visit", visit_id)
        forms.append(_form(store, visit["person_id"], visit.get("director_id"), visit=visit))
    render_child_visits(forms, out, station_name=station_name(store), printed_at=dt.datetime.now(), state=state)
    return out


def blank_visits(database: StationDatabase, state: JobState, actor: Actor, person_ids: Sequence[str],
                 out: Path) -> Path:
    """走访记录表 left blank for each child (their details printed), to fill in on the visit."""
    store = RecordStore(database, actor)
    render_child_visits([_form(store, pid) for pid in person_ids], out, station_name=station_name(store),
                        printed_at=dt.datetime.now(), state=state)
    return out


def register(database: StationDatabase, state: JobState, actor: Actor, person_id: str, out: Path) -> Path:
    """留守儿童信息登记表 for one child, with their latest agreement."""
    store = RecordStore(database, actor)
    profile = children.profile_of(database, person_id) or {}
    deals = [a for a in children.agreements(database, profile["id"]) if a.get("signed_date")] if profile else []
    render_child_register([_form(store, person_id, agreement=deals[0] if deals else None)], out,
                          station_name=station_name(store), printed_at=dt.datetime.now(), state=state)
    return out


def roster(database: StationDatabase, state: JobState, actor: Actor, village_id: str | None, out: Path) -> Path:
    """留守儿童花名册 of the village (or the township): every child on the roll."""
    state.report(0, 1, "正在准备花名册…")
    store = RecordStore(database, actor)
    today = dt.date.today()
    render_child_roster(children.village_roster(database, village_id, today), out,
                        village_name=village_name(store, village_id), today=today, station_name=station_name(store),
                        printed_at=dt.datetime.now(), state=state)
    return out


def roll_off_aged_out(database: StationDatabase, state: JobState, actor: Actor, today: dt.date) -> int:
    """Move every child past the exit age off the roll (年满16周岁; the archive stays), all or
    none; how many were moved."""
    store = RecordStore(database, actor)
    waiting = children.aged_out(database, today)
    with database.transaction():
        for done, entry in enumerate(waiting, 1):
            children.leave_roll(store, store.get("child_profile", entry["id"]), child_rules.EXIT_REASONS[0], today)
            state.report(done, len(waiting), f"正在移出名册：{done} / {len(waiting)}")
    return len(waiting)
