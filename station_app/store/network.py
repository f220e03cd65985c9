"""The people of the network (工作人员: 儿童主任, 儿童督导员, 社工, 协理员, 网格员) and their training,
in the store: saving, the lists, who is in post on a day (for the pickers), and each person's
record of training.

Writes go through `RecordStore` (the rules live with the entities: core.ledger); a training
session and its attendance are saved together (store.links).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from station_app.core.entities import ENTITIES
from station_app.core.ledger import CHILD_DIRECTOR
from station_app.store.database import StationDatabase
from station_app.store.links import Links, ledger_ids, living_links, save_with_links, text_matches
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore

ATTENDANCE = Links("training_attendance", "training_id", "staff_id")
_IN_POST = "r.deleted = 0 AND r.entered_on <= :day AND (r.exited_on IS NULL OR r.exited_on > :day)"
_ROLE_ORDER = "CASE r.role " + " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(
    ("child_supervisor", "social_worker", "child_director", "assistant", "grid_worker"))) + " END"


def save_staff(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
               ) -> dict[str, Any]:
    if record is None:
        return store.create("staff", values)
    return store.update("staff", record["id"], values, record["rev"])


def in_post(database: StationDatabase, day: dt.date, *, role: str | None = None) -> list[dict[str, Any]]:
    """Staff in post at the end of `day` (of `role`, or all), township staff first, then by
    village and name: (id, name, role, village_id, village_name, phone)."""
    where = " AND r.role = :role" if role else ""
    return database.query(
        f"""SELECT r.id, r.name, r.role, r.village_id, v.name AS village_name, r.phone FROM staff r
            LEFT JOIN village v ON v.id = r.village_id WHERE {_IN_POST}{where}
            ORDER BY {_ROLE_ORDER}, v.code, r.sort_name""", {"day": day.isoformat(), "role": role})


def child_directors(database: StationDatabase, day: dt.date, village_id: str | None = None) -> list[dict[str, Any]]:
    """Child directors in post on `day`, the one of `village_id` first (the forms' pickers)."""
    found = in_post(database, day, role=CHILD_DIRECTOR)
    return sorted(found, key=lambda r: r["village_id"] != village_id) if village_id else found


def director_of(database: StationDatabase, village_id: str | None, day: dt.date) -> dict[str, Any] | None:
    """The child director in post in the village on `day`, if there is one."""
    found = child_directors(database, day, village_id)
    return found[0] if found and village_id and found[0]["village_id"] == village_id else None


def staff_names(database: StationDatabase, ids: Iterable[str | None]) -> dict[str, dict[str, Any]]:
    """(name, phone, role) of the staff records `ids`, deleted or not (a form names who it was)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {r["id"]: r for r in database.query(
        f"SELECT id, name, phone, role FROM staff WHERE id IN ({', '.join('?' * len(wanted))})", wanted)}


# -- the staff list ------------------------------------------------------------------------------

_STAFF_SORTS = {"name": "r.sort_name", "role": _ROLE_ORDER, "village": "v.code", "entered_on": "r.entered_on",
                "status": "r.status"}


def staff_ids(database: StationDatabase, sort: str, descending: bool, *, text: str = "",
              village_id: str | None = None) -> list[str]:
    """The staff list: found by name or pinyin, in a village, in the order asked."""
    return ledger_ids(database, "staff", _STAFF_SORTS, sort, descending, text=text, village_id=village_id,
                      tie="r.sort_name")


def staff_rows(database: StationDatabase, ids: Sequence[str], year: int | None = None) -> dict[str, dict[str, Any]]:
    """List rows, with the trainings each attended in `year` (this year unless given)."""
    if not ids:
        return {}
    first = dt.date(year or dt.date.today().year, 1, 1)
    rows = database.query(
        f"""SELECT r.*, v.name AS village_name,
                   (SELECT COUNT(*) FROM training_attendance a JOIN training t ON t.id = a.training_id AND t.deleted = 0
                    WHERE a.staff_id = r.id AND a.deleted = 0 AND t.held_on BETWEEN ? AND ?) AS trainings
            FROM staff r LEFT JOIN village v ON v.id = r.village_id WHERE r.id IN ({', '.join('?' * len(ids))})""",
        [first.isoformat(), first.replace(month=12, day=31).isoformat(), *ids])
    return {r["id"]: r for r in rows}


# -- training --------------------------------------------------------------------------------------


def save_training(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None,
                  attendee_ids: Iterable[str]) -> dict[str, Any]:
    """Create or update a training session with exactly these attendees, all or nothing."""
    return save_with_links(store, "training", values, record, {ATTENDANCE: {i: {} for i in attendee_ids}})


def attendee_ids(database: StationDatabase, training_id: str) -> list[str]:
    return [link["staff_id"] for link in living_links(database, ATTENDANCE, training_id)]


_TRAINING_SORTS = {"held_on": "r.held_on", "topic": "r.topic", "hours": "r.hours"}


def training_ids(database: StationDatabase, sort: str, descending: bool, *, text: str = "",
                 village_id: str | None = None) -> list[str]:
    """Sessions in the order asked; the typed text finds a topic, an organiser or a place.
    (Sessions belong to no village: the village filter leaves the list as it is.)"""
    return ledger_ids(database, "training", _TRAINING_SORTS, sort, descending, text=text, village_id=None,
                      tie="r.held_on", matches=text_matches(text, "topic", "organiser", "place"))


def training_rows(database: StationDatabase, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = database.query(
        f"""SELECT r.*, (SELECT COUNT(*) FROM training_attendance a WHERE a.training_id = r.id AND a.deleted = 0)
                   AS attended
            FROM training r WHERE r.id IN ({', '.join('?' * len(ids))})""", list(ids))
    return {r["id"]: {**decode(ENTITIES["training"], r), "attended": r["attended"]} for r in rows}


def staff_trainings(database: StationDatabase, staff_id: str) -> list[dict[str, Any]]:
    """The sessions one person attended, newest first: their training record."""
    rows = database.query(
        """SELECT t.* FROM training t JOIN training_attendance a ON a.training_id = t.id AND a.deleted = 0
           WHERE a.staff_id = ? AND t.deleted = 0 ORDER BY t.held_on DESC""", [staff_id])
    return [decode(ENTITIES["training"], r) for r in rows]
