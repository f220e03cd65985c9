"""Print jobs of the people's archive: the registration card (人员基本信息登记表)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.forms.person_card import PersonCard, render_person_cards
from station_app.jobs.station import station_name
from station_app.store import people
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore


def person_cards(database: StationDatabase, state: JobState, actor: Actor, person_ids: Sequence[str],
                 out: Path, full_ids: bool = False) -> Path:
    """人员基本信息登记表 for each person into one PDF at `out`; ID numbers masked unless the actor
    may see them and asked to."""
    state.report(0, len(person_ids), "正在准备登记表…")
    cards = [PersonCard(**details) for details in people.card_details(database, person_ids)]
    render_person_cards(cards, out, station_name=station_name(RecordStore(database, actor)),
                        printed_at=dt.datetime.now(), show_full_id=full_ids and actor.can_see_full_id, state=state)
    return out
