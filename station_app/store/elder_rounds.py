"""Elderly rounds in the store: profiles, visits with their next-due date, follow-ups, relief
referrals, and what the route sheet, the monthly roster and the figures read.

Writes go through `RecordStore` (record + outbox + audit in one transaction) like every change.

**Follow-ups are derived from the visits, not kept as records of their own.** A person has an
open follow-up when their latest elder visit found a safety hazard or did not see them; a later
visit that sees them and finds no hazard closes it. Derived this way, a follow-up needs no sync
of its own and cannot disagree with the visits: the county, another PC and this one, given the
same visits, see the same follow-ups, and there is no second record to forget to close (or to
conflict on when two workers close it from two PCs). What the worker must do next is the visit's
own `follow_up` text, and its `next_due` is set within the rule's follow-up days, so the person
stays on the due list, overdue if need be, until that later visit is entered.

**Referrals to temporary relief** are kept on the visit (`referral = 'relief'` with its reason),
because the relief module is built separately. `open_relief_referrals` lists those not yet
taken up — no relief case for the person applied for on or after the visit — so the relief
module can offer them as pre-filled applications and link them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core import elder_rules
from station_app.core.elder_rules import FrequencyRule
from station_app.core.entities import ENTITIES
from station_app.store import due, figures, program_queries, program_records, reference_data
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore

PROGRAM = "elder"
_PROFILE = ENTITIES["elder_profile"]
_VISIT = ENTITIES["visit"]

# The latest elder visit of the person `e.person_id`, read from the visit_elder_last index alone.
_LATEST = ("FROM visit v WHERE v.program = 'elder' AND v.person_id = e.person_id AND v.deleted = 0"
           " ORDER BY v.visit_date DESC, v.created_at DESC LIMIT 1")
# The latest visit of each elder on the rounds that left a follow-up open (core.elder_rules.
# follow_up_reasons says why): (person_id, visit_rowid). Found in the index alone, which holds what
# the visit found and the rowid, so only the few open ones are read in full.
_FOLLOW_UPS = f"""latest AS MATERIALIZED (
    SELECT e.person_id, (SELECT CASE WHEN COALESCE(v.hazards, '[]') != '[]' OR NOT COALESCE(v.seen_in_person, 0)
                                THEN v.rowid END {_LATEST}) AS visit_rowid
    FROM elder_profile e WHERE e.deleted = 0 AND e.status = 'active'),
open AS (SELECT * FROM latest WHERE visit_rowid IS NOT NULL)"""


def frequency_rule(database: StationDatabase, on: dt.date) -> FrequencyRule:
    """The county's visit frequency rule in force on `on`."""
    return FrequencyRule.from_value(reference_data.value(database, elder_rules.FREQUENCY_KEY, on))


def active_profile(database: StationDatabase, person_id: str) -> dict[str, Any] | None:
    return program_records.active_profile(database, "elder_profile", person_id)


def profile_of(database: StationDatabase, person_id: str) -> dict[str, Any] | None:
    """The person's elder profile (the active one, else the latest), or None."""
    return program_records.profile_of(database, "elder_profile", person_id)


def save_profile(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
                 ) -> dict[str, Any]:
    """Create or update an elder profile (one active profile per person)."""
    return program_records.save_profile(store, "elder_profile", values, record,
                                        "此人已有在册的老年人档案，请打开原档案修改")


def suggested_next_due(database: StationDatabase, person_id: str, visit_date: dt.date,
                       hazards: Sequence[str] = (), seen_in_person: bool | int | None = True) -> dt.date:
    """The next-due date the rule in force on `visit_date` gives this person after such a visit."""
    profile = active_profile(database, person_id) or {}
    return elder_rules.next_due(frequency_rule(database, visit_date), visit_date, profile.get("categories") or (),
                                profile.get("risk_level"), hazards=hazards, seen_in_person=seen_in_person)


def save_visit(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
               ) -> dict[str, Any]:
    """Record (or correct) an elder visit; without a next-due date typed in, the rule gives it."""
    def rule(data: Mapping[str, Any], day: dt.date) -> dt.date:
        return suggested_next_due(store.database, data["person_id"], day, data.get("hazards") or (),
                                  program_records.truthy(data.get("seen_in_person")))
    return program_records.save_visit(store, PROGRAM, values, record, rule)


def person_visits(database: StationDatabase, person_id: str) -> list[dict[str, Any]]:
    """The person's elder visits, newest first."""
    return program_records.person_visits(database, PROGRAM, person_id)


# -- the elder list's own filters -----------------------------------------------------------


def elder_ids(database: StationDatabase, flt: PersonFilter, *, category: str | None = None,
              risk: str | None = None, overdue_on: dt.date | None = None, active_only: bool = False) -> list[str]:
    """Elder profile ids for the list: the people search and village of `flt`, plus a category,
    a risk level, only those overdue on `overdue_on` (program_queries.overdue), only those still on
    the rounds."""
    conditions: list[program_queries.Condition] = []
    if category:
        conditions.append(("EXISTS (SELECT 1 FROM json_each(r.categories) c WHERE c.value = ?)", [category]))
    if risk:
        conditions.append(("r.risk_level = ?", [risk]))
    if active_only or overdue_on:
        conditions.append(("r.status = 'active'", []))
    if overdue_on:
        conditions.append(program_queries.overdue(PROGRAM, overdue_on))
    return program_queries.program_ids(database, PROGRAM, flt, conditions)


# -- follow-ups and referrals ----------------------------------------------------------------


def open_follow_ups(database: StationDatabase, village_id: str | None = None) -> list[dict[str, Any]]:
    """People on the rounds whose latest visit left a follow-up open, with that visit and why
    ('hazard', 'not_seen'), most urgent (earliest next-due) first."""
    where, params = "", []
    if village_id:
        where, params = " AND p.village_id = ?", [village_id]
    rows = database.query(
        f"""WITH {_FOLLOW_UPS} SELECT p.name, p.village_id, vis.* FROM open l JOIN visit vis ON vis.rowid = l.visit_rowid
            JOIN person p ON p.id = l.person_id AND p.deleted = 0 WHERE 1{where}
            ORDER BY vis.next_due, p.sort_name""", params)
    found = []
    for r in rows:
        visit = decode(_VISIT, r)
        found.append({**visit, "name": r["name"], "village_id": r["village_id"],
                      "reasons": elder_rules.follow_up_reasons(visit["hazards"], visit["seen_in_person"])})
    return found


def open_follow_up_count(database: StationDatabase) -> int:
    """How many `open_follow_ups` there are, from the index alone (the statistics page's figure)."""
    return int(database.scalar(f"""WITH {_FOLLOW_UPS} SELECT COUNT(*) FROM open l
                                   JOIN person p ON p.id = l.person_id AND p.deleted = 0"""))


# Visits that referred the person to temporary relief and are not taken up yet (no relief case for
# the person applied for on or after the visit), with the person `p` they are about.
_REFERRALS = f"""FROM visit v JOIN person p ON p.id = v.person_id AND p.deleted = 0
    WHERE v.referral = '{elder_rules.RELIEF_REFERRAL}' AND v.deleted = 0
      AND NOT EXISTS (SELECT 1 FROM relief_case c WHERE c.person_id = v.person_id AND c.deleted = 0
                      AND c.applied_on >= v.visit_date)"""


def open_relief_referrals(database: StationDatabase) -> list[dict[str, Any]]:
    """Visits that referred the person to temporary relief and are not taken up yet (no relief
    case for the person applied for on or after the visit), oldest first: for the relief module
    to turn into pre-filled applications."""
    rows = database.query(f"SELECT v.*, p.name, p.village_id {_REFERRALS} ORDER BY v.visit_date, v.created_at")
    return [{**decode(_VISIT, r), "name": r["name"], "village_id": r["village_id"]} for r in rows]


def open_relief_referral_count(database: StationDatabase) -> int:
    """How many `open_relief_referrals` there are, without reading them (the statistics page's figure)."""
    return int(database.scalar(f"SELECT COUNT(*) {_REFERRALS}"))


# -- the route sheet -------------------------------------------------------------------------


def route_rows(database: StationDatabase, village_id: str, day: dt.date) -> list[dict[str, Any]]:
    """Everyone on the rounds in the village who is due on or before `day` (overdue first), with
    what a worker carries: address, phone, emergency contacts, last visit and what to check."""
    keys = due.due_keys(database, day, village_id=village_id, horizon_days=0, program=PROGRAM)
    details = due.due_rows(database, keys)
    rule = frequency_rule(database, day)
    out = []
    for key in keys:
        row = details.get(key)
        if row is None:
            continue
        profile = active_profile(database, key.person_id) or {}
        last = person_visits(database, key.person_id)[:1]
        out.append({**row, "profile": profile, "last": last[0] if last else None,
                    "checks": what_to_check(profile, last[0] if last else None, day, rule)})
    return out


def what_to_check(profile: Mapping[str, Any], last_visit: Mapping[str, Any] | None, day: dt.date,
                  rule: FrequencyRule) -> list[str]:
    """The points a visitor should look at: the last visit's open findings, the season's
    reminders from the county's rule (winter: the coal stove), the profile's risk."""
    hazard_labels = dict(ENTITIES["visit"].field("hazards").choices)
    checks = []
    if last_visit:
        for code in last_visit.get("hazards") or []:
            checks.append(f"复查隐患：{hazard_labels.get(code, code)}")
        if not last_visit.get("seen_in_person"):
            checks.append("上次未见到本人，务必当面见到")
        if last_visit.get("follow_up"):
            checks.append(f"跟进：{last_visit['follow_up']}")
    if rule.season(day).checks:
        checks.append(rule.season(day).checks)
    if profile.get("risk_reason"):
        checks.append(f"风险：{profile['risk_reason']}")
    return checks


# -- the monthly roster and the figures ------------------------------------------------------


def month_roster(database: StationDatabase, village_id: str | None, month: str, *, people: bool = True,
                 visits: figures.Rows | None = None) -> list[dict[str, Any]]:
    """Everyone on the rounds at the end of the month "YYYY-MM" (in the village, or all;
    store.figures.elders_on_roster): their profile then, the visits the rule in force at the
    month's start asks for, and the dates of the visits made in the month (`visits`: the month's
    elder visits, store.figures.visits, when the caller has counted them); with `people`, what the
    printed roster shows of each person too, in village and name order."""
    start, end = elder_rules.month_bounds(month)
    last = end - dt.timedelta(days=1)
    rule = frequency_rule(database, start)
    made: dict[str, list[str]] = {}
    for v in figures.visits(database, PROGRAM, start, last) if visits is None else visits:
        made.setdefault(v["person_id"], []).append(v["visit_date"])
    # The rule asks the same of everyone in the same categories at the same risk: worked out once
    # for each such group, not for each of ten thousand elders.
    required: dict[tuple[tuple[str, ...], str | None], int] = {}
    roster = figures.elders_on_roster(database, last, village_id)
    for r in roster:  # rows of our own: completed in place, not copied
        group = (tuple(r["categories"]), r["risk_level"])
        if group not in required:
            required[group] = elder_rules.required_visits(rule, start, *group)
        r["visit_dates"], r["required"] = made.get(r["person_id"], []), required[group]
    if not people:
        return roster
    details = {p["person_id"]: p for p in database.query(
        """SELECT p.id AS person_id, p.name, p.gender, p.birth_date, p.address, p.phone, p.village_id,
                  vl.name AS village_name, vl.code AS village_code, p.sort_name
           FROM person p LEFT JOIN village vl ON vl.id = p.village_id
           WHERE p.id IN (SELECT value FROM json_each(?))""", [json.dumps([r["person_id"] for r in roster])])}
    found = [{**r, **details[r["person_id"]]} for r in roster if r["person_id"] in details]
    return sorted(found, key=lambda r: (r["village_code"] or "", r["sort_name"] or ""))  # no village first


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def elder_figures(database: StationDatabase, today: dt.date) -> dict[str, Any]:
    """The elderly rounds' figures for the statistics page: this month's visits done against
    those required (counting at most the required number per person), overdue people by
    village, and open follow-ups."""
    roster = month_roster(database, None, month_of(today), people=False)
    required = sum(r["required"] for r in roster)
    done = sum(min(len(r["visit_dates"]), r["required"]) for r in roster)
    seen = sum(1 for r in roster if r["visit_dates"])
    overdue: dict[str, int] = {}
    names = {v["id"]: v["name"] for v in database.query("SELECT id, name FROM village WHERE deleted = 0 ORDER BY code")}
    for village_id in names:
        overdue[village_id] = 0
    keys = due.due_keys(database, today, horizon_days=-1, program=PROGRAM)  # due before today: overdue
    villages = dict(database.conn.execute(
        "SELECT id, village_id FROM person WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps([k.person_id for k in keys])]).fetchall())
    for key in keys:
        village_id = villages.get(key.person_id)
        overdue[village_id] = overdue.get(village_id, 0) + 1
    return {
        "month": month_of(today),
        "people": len(roster),
        "visits_required": required,
        "visits_done": done,
        "people_visited": seen,
        "overdue_by_village": [(names.get(v, "未填村（社区）"), n) for v, n in overdue.items()],
        "open_follow_ups": open_follow_up_count(database),
        "open_relief_referrals": open_relief_referral_count(database),
    }
