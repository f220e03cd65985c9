"""Service activities (服务台账) and volunteers in the store: an activity saved with the registered
people it served, the staff who ran it and the volunteers who helped with their hours; the lists;
a period's ledger for printing; each volunteer's service and hours by year.

Hours are tenths of an hour (core.fields.HOURS), so totals are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from station_app.core.entities import ENTITIES
from station_app.store.database import StationDatabase
from station_app.store.links import Links, delete_with_links, ledger_ids, save_with_links, text_matches
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore

PARTICIPANTS = Links("activity_participant", "activity_id", "person_id")
STAFF = Links("activity_staff", "activity_id", "staff_id")
VOLUNTEERS = Links("volunteer_service", "activity_id", "volunteer_id")
_ACTIVITY_LINKS = (PARTICIPANTS, STAFF, VOLUNTEERS)


def save_activity(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None,
                  participants: Iterable[str] = (), staff: Iterable[str] = (),
                  volunteer_hours: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Create or update an activity with exactly these people, staff and volunteers (id -> hours
    as typed), all or nothing."""
    return save_with_links(store, "service_activity", values, record, {
        PARTICIPANTS: {i: {} for i in participants},
        STAFF: {i: {} for i in staff},
        VOLUNTEERS: {i: {"hours": hours} for i, hours in (volunteer_hours or {}).items()},
    })


def delete_activity(store: RecordStore, record: Mapping[str, Any]) -> dict[str, Any]:
    return delete_with_links(store, "service_activity", record, _ACTIVITY_LINKS)


def activity_people(database: StationDatabase, activity_ids: Sequence[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """For each activity: the registered people it served (id, name, village), the staff who ran
    it (id, name, role) and the volunteers who helped (id, name, hours), in the order added."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = {
        i: {"participants": [], "staff": [], "volunteers": []} for i in activity_ids}
    if not activity_ids:
        return found
    marks = ", ".join("?" * len(activity_ids))
    queries = {
        "participants": f"""SELECT l.activity_id, p.id, p.name, p.gender, p.birth_date, v.name AS village_name
                            FROM activity_participant l JOIN person p ON p.id = l.person_id
                            LEFT JOIN village v ON v.id = p.village_id""",
        "staff": "SELECT l.activity_id, s.id, s.name, s.role FROM activity_staff l JOIN staff s ON s.id = l.staff_id",
        "volunteers": """SELECT l.activity_id, s.id, s.name, l.hours FROM volunteer_service l
                         JOIN volunteer s ON s.id = l.volunteer_id""",
    }
    for kind, sql in queries.items():
        for row in database.query(f"{sql} WHERE l.deleted = 0 AND l.activity_id IN ({marks}) ORDER BY l.rowid",
                                  list(activity_ids)):
            found[row.pop("activity_id")][kind].append(row)
    return found


# -- the activity list and the printed ledger ------------------------------------------------------

_ACTIVITY_SORTS = {"held_on": "r.held_on", "kind": "r.kind", "title": "r.title", "village": "v.code"}


def activity_ids(database: StationDatabase, sort: str, descending: bool, *, text: str = "",
                 village_id: str | None = None) -> list[str]:
    """Activities in the order asked; the typed text finds a title, a place or a note."""
    return ledger_ids(database, "service_activity", _ACTIVITY_SORTS, sort, descending, text=text,
                      village_id=village_id, tie="r.held_on", matches=text_matches(text, "title", "place", "notes"))


def activity_rows(database: StationDatabase, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The activities with their village and how many people, staff and volunteers (with hours)."""
    if not ids:
        return {}
    rows = database.query(
        f"""SELECT r.*, v.name AS village_name,
                   (SELECT COUNT(*) FROM activity_participant l WHERE l.activity_id = r.id AND l.deleted = 0)
                       AS registered,
                   (SELECT COUNT(*) FROM activity_staff l WHERE l.activity_id = r.id AND l.deleted = 0) AS staff_count,
                   (SELECT COUNT(*) FROM volunteer_service l WHERE l.activity_id = r.id AND l.deleted = 0)
                       AS volunteer_count,
                   (SELECT COALESCE(SUM(l.hours), 0) FROM volunteer_service l WHERE l.activity_id = r.id
                       AND l.deleted = 0) AS volunteer_hours
            FROM service_activity r LEFT JOIN village v ON v.id = r.village_id
            WHERE r.id IN ({', '.join('?' * len(ids))})""", list(ids))
    spec = ENTITIES["service_activity"]
    return {r["id"]: {**r, **decode(spec, r), "participants_total": r["registered"] + (r["others_count"] or 0)}
            for r in rows}


def ledger(database: StationDatabase, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Every activity held from `first` to `last` in date order, with its people: the 服务台账."""
    ids = [r[0] for r in database.conn.execute(
        "SELECT id FROM service_activity WHERE deleted = 0 AND held_on BETWEEN ? AND ? ORDER BY held_on, created_at",
        [first.isoformat(), last.isoformat()])]
    rows, people = activity_rows(database, ids), activity_people(database, ids)
    return [{**rows[i], **people[i]} for i in ids]


# -- volunteers ------------------------------------------------------------------------------------


def save_volunteer(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
                   ) -> dict[str, Any]:
    if record is None:
        return store.create("volunteer", values)
    return store.update("volunteer", record["id"], values, record["rev"])


_VOLUNTEER_SORTS = {"name": "r.sort_name", "village": "v.code", "entered_on": "r.entered_on", "status": "r.status"}


def volunteer_ids(database: StationDatabase, sort: str, descending: bool, *, text: str = "",
                  village_id: str | None = None) -> list[str]:
    return ledger_ids(database, "volunteer", _VOLUNTEER_SORTS, sort, descending, text=text, village_id=village_id,
                      tie="r.sort_name")


def volunteer_rows(database: StationDatabase, ids: Sequence[str], year: int | None = None
                   ) -> dict[str, dict[str, Any]]:
    """The volunteers with their hours in `year` (this year unless given) and in all."""
    if not ids:
        return {}
    first = dt.date(year or dt.date.today().year, 1, 1)
    rows = database.query(
        f"""SELECT r.*, v.name AS village_name,
                   COALESCE(SUM(s.hours) FILTER (WHERE a.held_on BETWEEN ? AND ?), 0) AS year_hours,
                   COALESCE(SUM(s.hours), 0) AS total_hours
            FROM volunteer r LEFT JOIN village v ON v.id = r.village_id
            LEFT JOIN volunteer_service s ON s.volunteer_id = r.id AND s.deleted = 0
            LEFT JOIN service_activity a ON a.id = s.activity_id AND a.deleted = 0
            WHERE r.id IN ({', '.join('?' * len(ids))}) GROUP BY r.id""",
        [first.isoformat(), first.replace(month=12, day=31).isoformat(), *ids])
    return {r["id"]: r for r in rows}


def registered_on(database: StationDatabase, day: dt.date) -> list[dict[str, Any]]:
    """Volunteers registered at the end of `day`, by name: (id, name, organisation)."""
    return database.query(
        """SELECT r.id, r.name, r.organisation FROM volunteer r WHERE r.deleted = 0 AND r.entered_on <= :day
           AND (r.exited_on IS NULL OR r.exited_on > :day) ORDER BY r.sort_name""", {"day": day.isoformat()})


def services(database: StationDatabase, volunteer_id: str, year: int | None = None) -> list[dict[str, Any]]:
    """The volunteer's service, activity by activity, in date order (in `year` only, if given):
    (activity_id, held_on, kind, title, place, hours)."""
    where, params = "", [volunteer_id]
    if year is not None:
        where, params = " AND a.held_on BETWEEN ? AND ?", [volunteer_id, f"{year}-01-01", f"{year}-12-31"]
    return database.query(
        f"""SELECT a.id AS activity_id, a.held_on, a.kind, a.title, a.place, s.hours FROM volunteer_service s
            JOIN service_activity a ON a.id = s.activity_id AND a.deleted = 0
            WHERE s.volunteer_id = ? AND s.deleted = 0{where} ORDER BY a.held_on, a.created_at""", params)


def hours_by_year(database: StationDatabase, volunteer_id: str) -> dict[int, int]:
    """The volunteer's hours (tenths) per calendar year of the activities, oldest year first."""
    totals: dict[int, int] = {}
    for row in services(database, volunteer_id):
        year = int(row["held_on"][:4])
        totals[year] = totals.get(year, 0) + row["hours"]
    return totals
