"""Who is due a visit: the 待办提醒 list, read-only.

A person on a program (an active child or elder profile) is due when the latest visit of that
program set a next-due date within the horizon, or when they have never been visited at all
(due since they were registered): the write path keeps these dates in the due index
(store.due_index, core.visit_due). An advance paid from the reserve fund is due when its case's
paperwork deadline comes while the case is still open at the station. The list query returns only keys in display order, so it stays
cheap at 100,000 people; the page of rows a list shows is fetched by `due_rows`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core import child_rules, elder_rules, ledger
from station_app.core.relief import OPEN_AT_STATION
from station_app.store import reference_data
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter, person_ids

HORIZON_DAYS = 7  # "due soon" means within a week: time to plan the rounds


@dataclass(frozen=True)
class DueKey:
    person_id: str
    program: str  # 'child' | 'elder' | 'relief' (an advance whose paperwork is due) | 'protection'
    #             | 'care' (a care agreement about to end, due on its last day)
    due: dt.date
    record_id: str | None = None  # the relief case, for 'relief'; the child_report, for 'protection'; the agreement, for 'care'

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


def due_keys(database: StationDatabase, today: dt.date, *, text: str = "", village_id: str | None = None,
             horizon_days: int = HORIZON_DAYS, program: str | None = None,
             by_village: bool = False, limit: int | None = None) -> list[DueKey]:
    """Everyone due by today + horizon, most overdue first; `text` is the people search (name,
    pinyin initials, ID number), so a person is found here by what finds them on the people list.
    `program` ('child', 'elder', 'relief', 'protection' or 'care') keeps one program only;
    `by_village` groups the visits by village (in the order of their codes, people with no village
    last), most overdue first in each, and leaves out relief paperwork and care agreements about to
    end (it is for planning rounds). `limit`: the first screen only (each source reads at most that
    many, the merged list is cut to it)."""
    scope, scope_params = "", []
    if text.strip():
        matching = person_ids(database, PersonFilter(text=text))
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
    if by_village or program not in (None, "relief", "care"):
        return (cases + visits)[:limit]
    advances = [DueKey(pid, "relief", dt.date.fromisoformat(due), case_id) for case_id, pid, due in
                database.conn.execute(_ADVANCE_SQL.format(scope=scope),
                                      [*sorted(OPEN_AT_STATION), day, *scope_params])
                ] if program != "care" else []
    renewals = _renewals(database, today, scope, scope_params) if program != "relief" else []
    # Protection steps lead; then paperwork for money already paid out comes before the visits due
    # the same day (the sort is stable: within a day the visits keep their order by risk and name).
    return (cases + sorted(visits + advances + renewals, key=lambda k: (k.due, k.program != "relief")))[:limit]


def due_rows(database: StationDatabase, keys: Sequence[DueKey]) -> dict[DueKey, dict[str, Any]]:
    """What the list shows for `keys`; a key whose person is gone meanwhile is left out."""
    person_ids = sorted({k.person_id for k in keys})
    if not person_ids:
        return {}
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
    return rows
