"""When each person on a program is next due a visit: the due list's visit items, kept in the
store's due index by the write path (declared on the profiles and on visits, see `VISITS_DUE`).

A person on a program (an active child or elder profile) is due on the next-due date the latest
visit of that program set (not due at all if it set none), or since they entered the program
(纳入日期) when they have never been visited. "Latest" is the latest visit date and, on the same
day, the visit entered last. Higher risk comes first among people due the same day: `rank` carries it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from station_app.core.behaviour import DueKey, DueRule, Storage, Write

PROFILES = {"child": "child_profile", "elder": "elder_profile"}
_RISK_RANK = {"high": 2, "medium": 1}


def _affected(w: Write) -> Iterable[DueKey]:
    """The (program, person) whose next visit this write of a profile or a visit may move."""
    for record in (w.before, w.after):
        if record is not None:
            program = record.get("program") or next(p for p, e in PROFILES.items() if e == w.entity)
            yield program, record["person_id"], ""


def _compute(keys: Sequence[DueKey], storage: Storage) -> dict[DueKey, tuple[str, int]]:
    """(due date, rank) for each key whose person is on the program and due some day."""
    found: dict[DueKey, tuple[str, int]] = {}
    for program, entity_name in PROFILES.items():
        people = [person for kind, person, _ in keys if kind == program]
        if not people:
            continue
        enrolled: dict[str, tuple[str, int]] = {}
        for p in storage.living(entity_name, "person_id", people):
            if p["status"] == "active":
                since, rank = enrolled.get(p["person_id"], ("~", 0))
                enrolled[p["person_id"]] = (min(since, _entered(p)),
                                            max(rank, _RISK_RANK.get(p["risk_level"] or "", 0)))
        latest: dict[str, Mapping[str, Any]] = {}
        for v in storage.living("visit", "person_id", list(enrolled)):
            held = latest.get(v["person_id"])
            if v["program"] == program and (held is None or _order(v) >= _order(held)):
                latest[v["person_id"]] = v
        for person, (since, rank) in enrolled.items():
            visit = latest.get(person)
            due = since if visit is None else visit["next_due"]
            if due:
                found[(program, person, "")] = (due, rank)
    return found


def _entered(profile: Mapping[str, Any]) -> str:
    """The day the person entered the program: its 纳入日期 as the work recorded it, else (a record
    without one) the day the record was made."""
    return profile.get("entered_on") or profile["created_at"][:10]


def _order(visit: Mapping[str, Any]) -> tuple[str, str]:
    return visit["visit_date"], visit["created_at"]


VISITS_DUE = DueRule(affected=_affected, compute=_compute)
