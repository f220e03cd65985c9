"""Who is due a visit: the 待办提醒 list, read-only.

A person on a program (an active child or elder profile) is due when the latest visit of that
program set a next-due date within the horizon, or when they have never been visited at all
(due since their 纳入日期): the write path keeps these dates in the due index
(store.due_index, core.visit_due). An advance paid from the reserve fund is due when its case's
paperwork deadline comes while the case is still open at the station. A report of someone in
difficulty (主动发现) is due until it is triaged, by its time limit; an assistance status (低保, 特困 …)
when it runs out within the county's warning days; a care agreement from the county's warning days
before its last day. The list query returns only keys in display order, so it stays cheap at
100,000 people; the page of rows a list shows is fetched by `due_rows`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core import assistance, child_rules, elder_rules, ledger
from station_app.core.relief import OPEN_AT_STATION
from station_app.store import reference_data
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter, person_ids

HORIZON_DAYS = 7  # "due soon" means within a week: time to plan the rounds


@dataclass(frozen=True)
class DueKey:
    person_id: str  # '' for a report about someone not registered, or a household's status
    # 'child' | 'elder' | 'relief' (an advance whose paperwork is due) | 'protection' | 'care' (a care
    # agreement about to end, due on its last day) | 'intake' (a report to triage) | 'status' (an
    # assistance status running out)
    program: str
    due: dt.date
    # the relief case, for 'relief'; the child_report, for 'protection'; the care agreement; the
    # intake_report; the assistance_status
    record_id: str | None = None

    def days_overdue(self, today: dt.date) -> int:
        """Positive when overdue, 0 when due today, negative when still ahead."""
        return (today - self.due).days


# Visits due, from the due index the write path keeps (core.visit_due): a range scan of the due
# date, higher risk first on the same day (rank), then by name. A search, village or program
# narrows the index rows first.
_DUE_SQL = """
SELECT d.person_id, d.kind, d.due
FROM due_index d JOIN person p ON p.id = d.person_id AND p.deleted = 0
WHERE d.due <= ? AND d.kind IN ({kinds}){scope}
ORDER BY {group}d.due, d.rank DESC, p.sort_name, p.id{limit}
"""


# Protection cases whose next step falls due by the day (its time limit is kept on the case).
_PROTECTION_SQL = """
SELECT r.id, r.person_id, substr(r.step_due, 1, 10) FROM child_report r JOIN person p ON p.id = r.person_id AND p.deleted = 0
WHERE r.deleted = 0 AND r.stage != 'closed' AND r.step_due IS NOT NULL AND substr(r.step_due, 1, 10) <= ?{scope}
ORDER BY r.step_due
"""

# Advances from the reserve fund whose case is still open at the station: their paperwork is due.
_ADVANCE_SQL = f"""
SELECT r.id, r.person_id, r.paperwork_due FROM relief_case r JOIN person p ON p.id = r.person_id AND p.deleted = 0
WHERE r.deleted = 0 AND r.advance_amount > 0 AND r.status IN ({', '.join('?' * len(OPEN_AT_STATION))})
  AND r.paperwork_due <= ?{{scope}}
ORDER BY r.paperwork_due
"""


# Care agreements about to end: per person, the signed agreement that runs longest, when that is
# within the county's warning days; not for someone who has left the elderly roster (moved into an
# institution, died) and is on it no more.
_CARE_SQL = """
SELECT r.id, r.person_id, MAX(COALESCE(r.expires_on, '9999-12-31')) AS ends
FROM care_agreement r JOIN person p ON p.id = r.person_id AND p.deleted = 0
WHERE r.deleted = 0 AND r.signed_on IS NOT NULL{scope}
  AND COALESCE((SELECT MAX(e.status = 'active') FROM elder_profile e WHERE e.person_id = r.person_id
                AND e.deleted = 0), 1) = 1
GROUP BY r.person_id HAVING ends <= ?
ORDER BY ends
"""


def _renewals(database: StationDatabase, today: dt.date, scope: str, scope_params: list[Any]) -> list[DueKey]:
    warn = int(reference_data.value(database, ledger.RULES_KEY, today).get("care_warn_days", 30))
    until = (today + dt.timedelta(days=max(warn, HORIZON_DAYS))).isoformat()
    return [DueKey(pid, "care", dt.date.fromisoformat(ends), agreement_id) for agreement_id, pid, ends in
            database.conn.execute(_CARE_SQL.format(scope=scope), [*scope_params, until])]


# Reports of people in difficulty not yet triaged: every one, by its time limit (they are few and urgent).
_INTAKE_SQL = """
SELECT r.id, COALESCE(r.person_id, ''), substr(r.triage_due, 1, 10) FROM intake_report r
WHERE r.deleted = 0 AND r.triage IS NULL{scope}
ORDER BY r.triage_due
"""

# Assistance statuses in force that run out within the county's warning days.
_STATUS_SQL = """
SELECT s.id, COALESCE(s.person_id, ''), s.ends_on FROM assistance_status s
LEFT JOIN person p ON p.id = s.person_id LEFT JOIN household h ON h.id = s.household_id
WHERE s.deleted = 0 AND s.ends_on >= ? AND s.ends_on <= ? AND s.starts_on <= ?
  AND COALESCE(p.deleted, h.deleted) = 0{scope}
ORDER BY s.ends_on
"""


def _window_keys(database: StationDatabase, today: dt.date, text: str, village_id: str | None,
                 matching: list[str] | None) -> list[DueKey]:
    """Reports to triage, then statuses running out, for the people found by `text` (`matching`)
    and the village."""
    scope, params = "", []
    if matching is not None:
        scope += " AND {person} IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(matching))
    if village_id:
        scope += " AND {village} = ?"
        params.append(village_id)
    reports = [DueKey(pid, "intake", dt.date.fromisoformat(day), rid) for rid, pid, day in database.conn.execute(
        _INTAKE_SQL.format(scope=scope.format(person="r.person_id", village="r.village_id")), params)]
    warn = int(reference_data.value(database, assistance.KINDS, today)["warn_days"])
    window = [today.isoformat(), (today + dt.timedelta(days=warn)).isoformat(), today.isoformat()]
    statuses = [DueKey(pid, "status", dt.date.fromisoformat(day), sid) for sid, pid, day in database.conn.execute(
        _STATUS_SQL.format(scope=scope.format(person="s.person_id", village="COALESCE(p.village_id, h.village_id)")),
        window + params)]
    return reports + statuses


def due_keys(database: StationDatabase, today: dt.date, *, text: str = "", village_id: str | None = None,
             horizon_days: int = HORIZON_DAYS, program: str | None = None,
             by_village: bool = False, limit: int | None = None) -> list[DueKey]:
    """Everyone due by today + horizon, most overdue first; `text` is the people search (name,
    pinyin initials, ID number), so a person is found here by what finds them on the people list.
    `program` ('child', 'elder', 'relief', 'protection', 'care', 'intake' or 'status') keeps one
    program only; `by_village` groups the visits by village (in the order of their codes, people with
    no village last), most overdue first in each, and leaves out relief paperwork, care agreements
    about to end, reports to triage and statuses (it is for planning rounds). `limit`: the first
    screen only (each source reads at most that many, the merged list is cut to it)."""
    scope, scope_params = "", []
    matching = person_ids(database, PersonFilter(text=text)) if text.strip() else None
    if matching is not None:
        if not matching:
            return []
        scope += " AND person_id IN (SELECT value FROM json_each(?))"
        scope_params.append(json.dumps(matching))
    if village_id:
        scope += " AND person_id IN (SELECT id FROM person WHERE village_id = ?)"
        scope_params.append(village_id)
    day = (today + dt.timedelta(days=horizon_days)).isoformat()
    kinds = [name for name in ("child", "elder") if program in (None, name)]
    group = "COALESCE((SELECT code FROM village WHERE id = p.village_id), '~'), " if by_village else ""
    visits = [DueKey(pid, kind, dt.date.fromisoformat(due)) for pid, kind, due in database.conn.execute(
        _DUE_SQL.format(kinds=", ".join("?" * len(kinds)), scope=scope, group=group,
                        limit="" if limit is None else f" LIMIT {int(limit)}"),
        [day, *kinds, *scope_params])] if kinds else []
    # A protection step due is never planned around: it leads the list, grouped or not.
    cases = [DueKey(pid, "protection", dt.date.fromisoformat(due), case_id) for case_id, pid, due in
             database.conn.execute(_PROTECTION_SQL.format(scope=scope), [day, *scope_params])
             ] if program in (None, "protection") else []
    if program == "protection":
        return cases[:limit]
    if by_village or program not in (None, "relief", "care", "intake", "status"):
        return (cases + visits)[:limit]
    window = _window_keys(database, today, text, village_id, matching)
    reports = [k for k in window if k.program == "intake" and program in (None, "intake")]
    statuses = [k for k in window if k.program == "status" and program in (None, "status")]
    advances = [DueKey(pid, "relief", dt.date.fromisoformat(due), case_id) for case_id, pid, due in
                database.conn.execute(_ADVANCE_SQL.format(scope=scope),
                                      [*sorted(OPEN_AT_STATION), day, *scope_params])
                ] if program in (None, "relief") else []
    renewals = _renewals(database, today, scope, scope_params) if program in (None, "care") else []
    # Protection steps lead, then reports waiting for triage; then paperwork for money already paid
    # out comes before the visits due the same day (the sort is stable: within a day the visits keep
    # their order by risk and name).
    return (cases + reports + sorted(visits + advances + renewals + statuses,
                                     key=lambda k: (k.due, k.program != "relief")))[:limit]


def _record_rows(database: StationDatabase, keys: Sequence[DueKey]) -> dict[DueKey, dict[str, Any]]:
    """Rows for reports to triage and statuses running out: they name whom they are about themselves
    (a report may be about someone not registered, a status may be a household's)."""
    wanted = {k.program: [x.record_id for x in keys if x.program == k.program] for k in keys
              if k.program in ("intake", "status")}
    reports = {r["id"]: r for r in database.query(
        """SELECT r.id, COALESCE(p.name, r.subject_name) AS name, p.gender, p.birth_date, r.reporter_phone AS phone,
                  COALESCE(p.address, r.address) AS address, v.name AS village_name, r.triage_due, r.received_at,
                  r.urgency FROM intake_report r LEFT JOIN person p ON p.id = r.person_id
           LEFT JOIN village v ON v.id = r.village_id WHERE r.id IN (SELECT value FROM json_each(?))""",
        [json.dumps(wanted.get("intake", []))])}
    statuses = {r["id"]: r for r in database.query(
        """SELECT s.id, s.kind, s.ends_on, COALESCE(p.name, h.head_name || '家') AS name, COALESCE(p.phone, h.phone) AS phone,
                  COALESCE(p.address, h.address) AS address, v.name AS village_name FROM assistance_status s
           LEFT JOIN person p ON p.id = s.person_id LEFT JOIN household h ON h.id = s.household_id
           LEFT JOIN village v ON v.id = COALESCE(p.village_id, h.village_id)
           WHERE s.id IN (SELECT value FROM json_each(?))""", [json.dumps(wanted.get("status", []))])}
    kinds = reference_data.value(database, assistance.KINDS)
    rows = {}
    for key in keys:
        if key.program == "intake" and key.record_id in reports:
            r = reports[key.record_id]
            rows[key] = {**r, "program": key.program, "due": key.due.isoformat(), "step_due": r["triage_due"],
                         "risk_level": "high" if r["urgency"] == "urgent" else None, "last_visit": r["received_at"][:10],
                         "last_visitor": None, "follow_up": []}
        elif key.program == "status" and key.record_id in statuses:
            r = statuses[key.record_id]
            rows[key] = {**r, "program": key.program, "due": key.due.isoformat(), "risk_level": None,
                         "program_label": f"{assistance.kind_label(kinds, r['kind'])}到期", "last_visit": None,
                         "last_visitor": None, "follow_up": []}
    return rows


def due_rows(database: StationDatabase, keys: Sequence[DueKey]) -> dict[DueKey, dict[str, Any]]:
    """What the list shows for `keys`; a key whose person is gone meanwhile is left out."""
    own = [k for k in keys if k.program in ("intake", "status")]
    found = _record_rows(database, own) if own else {}
    keys = [k for k in keys if k.program not in ("intake", "status")]
    person_ids = sorted({k.person_id for k in keys})
    if not person_ids:
        return found
    marks = ", ".join("?" * len(person_ids))
    people = {r["id"]: r for r in database.query(
        f"""SELECT p.id, p.name, p.gender, p.birth_date, p.phone, p.address, v.name AS village_name
            FROM person p LEFT JOIN village v ON v.id = p.village_id WHERE p.id IN ({marks})""", person_ids)}
    # GROUP BY with a bare MAX(): SQLite takes visitor (and the findings that open a follow-up)
    # from the row holding the latest date.
    visits = {(r["person_id"], r["program"]): r for r in database.query(
        f"""SELECT person_id, program, MAX(visit_date) AS last_visit, visitor, hazards, seen_in_person FROM visit
            WHERE deleted = 0 AND person_id IN ({marks}) GROUP BY person_id, program""", person_ids)}
    risks = {(r["person_id"], r["program"]): r["risk_level"] for r in database.query(
        f"""SELECT person_id, 'child' AS program, risk_level FROM child_profile
            WHERE deleted = 0 AND status = 'active' AND person_id IN ({marks})
            UNION ALL
            SELECT person_id, 'elder', risk_level FROM elder_profile
            WHERE deleted = 0 AND status = 'active' AND person_id IN ({marks})""", person_ids * 2)}
    case_ids = [k.record_id for k in keys if k.record_id and k.program == "relief"]
    advances = {r["id"]: r for r in database.query(
        f"SELECT id, advance_on FROM relief_case WHERE id IN ({', '.join('?' * len(case_ids))})", case_ids)}
    report_ids = [k.record_id for k in keys if k.record_id and k.program == "protection"]
    reports = {r["id"]: r for r in database.query(
        f"SELECT id, stage, step_due, reported_at FROM child_report WHERE id IN ({', '.join('?' * len(report_ids))})",
        report_ids)}
    rows = {}
    for key in keys:
        person = people.get(key.person_id)
        if person is None:
            continue
        if key.program == "protection":
            report = reports.get(key.record_id, {})
            step = child_rules.due_step(report.get("stage") or "")
            rows[key] = {**person, "program": key.program, "due": key.due.isoformat(), "risk_level": "high",
                         "last_visit": (report.get("reported_at") or "")[:10], "last_visitor": None,
                         "follow_up": [f"step_{step}"] if step else [], "step_due": report.get("step_due")}
            continue
        if key.program == "relief":
            advance = advances.get(key.record_id, {})
            rows[key] = {**person, "program": key.program, "due": key.due.isoformat(), "risk_level": None,
                         "last_visit": advance.get("advance_on"), "last_visitor": None,  # the day it was paid
                         "follow_up": []}
            continue
        visit = visits.get((key.person_id, key.program), {})
        rows[key] = {
            **person, "program": key.program, "due": key.due.isoformat(),
            "last_visit": visit.get("last_visit"), "last_visitor": visit.get("visitor"),
            "follow_up": elder_rules.follow_up_reasons(json.loads(visit.get("hazards") or "[]"),
                                                       visit.get("seen_in_person")) if visit else [],
            "risk_level": risks.get((key.person_id, key.program)),
        }
    return {**rows, **found}
