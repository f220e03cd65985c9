"""Relief cases at the county: what is waiting, what was decided and whether the station has it,
and one case with everything the township recorded (for the decision page and the printed form).

A decision reaches the station through the feed: a pull (or return bundle) that carried it has sent
it, and a station pulling from cursor N has applied every item up to N (store.storage.pull keeps
both), so a decision whose feed number is at or below its station's cursor has been received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from station_app.core import assistance, relief
from station_app.core.relief_standards import Working
from station_app.core.relief_views import CaseDetails, Standing
from station_app.server.store.county_queries import payloads, reference_values
from station_app.server.store.storage import WAITING_SQL, ServerStore

# The amount an earlier case counts for, as the station's repeat check reads it (store.relief).
_EARLIER_AMOUNT = ("COALESCE(c.amount_paid + COALESCE(c.advance_amount, 0), c.amount_approved, c.advance_amount,"
                   " c.amount_proposed)")


def waiting(store: ServerStore) -> list[dict[str, Any]]:
    """Cases waiting for the county, oldest application first, with their station and applicant."""
    return store.read(
        f"""SELECT c.id, c.owner, s.name AS station_name, p.name, c.applied_on, c.case_type, c.tier,
                   c.household_size, c.amount_proposed, c.advance_amount
            FROM ({WAITING_SQL}) w JOIN read_relief_case c ON c.id = w.record_id
            LEFT JOIN stations s ON s.station_id = c.owner LEFT JOIN read_person p ON p.id = c.person_id
            ORDER BY w.day, w.record_id""")


_DECIDED = """SELECT d.case_id, d.approved, d.amount, d.reason, d.decided_by, d.decided_on, d.feed_seq,
                     s.name AS station_name, p.name, CASE WHEN s.feed_cursor >= d.feed_seq THEN 'received'
                     WHEN s.feed_sent >= d.feed_seq THEN 'sent' ELSE 'waiting' END AS delivery
              FROM decisions d LEFT JOIN stations s ON s.station_id = d.station_id
              LEFT JOIN read_relief_case c ON c.id = d.case_id LEFT JOIN read_person p ON p.id = c.person_id"""


def decided(store: ServerStore, limit: int = 50) -> list[dict[str, Any]]:
    """The latest decisions, newest first, each with how far it has reached its station (`delivery`)."""
    return store.read(f"{_DECIDED} ORDER BY d.feed_seq DESC LIMIT ?", [limit])


def decision(store: ServerStore, case_id: str) -> dict[str, Any] | None:
    rows = store.read(f"{_DECIDED} WHERE d.case_id = ?", [case_id])
    return rows[0] if rows else None


@dataclass(frozen=True)
class CountyCase:
    details: CaseDetails  # what the station's dialog and form show, built from the server's copies
    station_name: str
    decision: dict[str, Any] | None


def case(store: ServerStore, case_id: str) -> CountyCase | None:
    found = payloads(store, "relief_case", [case_id]).get(case_id)
    if found is None:
        return None
    person = payloads(store, "person", [found["person_id"]]).get(found["person_id"], {"id": found["person_id"]})
    household_id = found.get("household_id")
    household = payloads(store, "household", [household_id]).get(household_id) if household_id else None
    village = store.read("SELECT name FROM read_village WHERE id = ?", [person.get("village_id") or ""])
    step_ids = [r["id"] for r in store.read(
        "SELECT id FROM read_relief_step WHERE relief_case_id = ? AND deleted = 0 ORDER BY created_at, id", [case_id])]
    steps = payloads(store, "relief_step", step_ids)
    made = decision(store, case_id)
    expenses = _living(store, "rigid_expense", "relief_case_id = ?", [case_id], "created_at, id")
    standing = _standing(store, found)
    details = CaseDetails(found, _person_fields(person), village[0]["name"] if village else None, household,
                          [steps[i] for i in step_ids] + _pending_step(made, steps.values()),
                          _earlier(store, found), standing.status_text, standing.means_text,
                          _suggestion(store, found, expenses), expenses)
    station = store.read("SELECT name FROM stations WHERE station_id = ?", [found["owner"]])
    return CountyCase(details, station[0]["name"] if station else found["owner"], made)


def _living(store: ServerStore, entity_name: str, where: str, params: list[Any], order: str) -> list[dict[str, Any]]:
    """The full living records of `entity_name` found by its read table, in `order`."""
    ids = [r["id"] for r in store.read(f"SELECT id FROM read_{entity_name} WHERE deleted = 0 AND {where}"
                                       f" ORDER BY {order}", params)]
    found = payloads(store, entity_name, ids)
    return [found[i] for i in ids]


def _standing(store: ServerStore, case: dict[str, Any]) -> Standing:
    """The statuses and means checks of the applicant and household, as the station reads them
    (store.assistance.standing) from the county's copies."""
    household = case.get("household_id") or ""
    statuses = _living(store, "assistance_status", "(person_id = ? OR household_id = ?)",
                       [case["person_id"], household], "starts_on DESC, created_at DESC")
    checks = _living(store, "means_check", "household_id = ?", [household],
                     "COALESCE(requested_on, created_at) DESC")
    today = dt.date.today()
    return Standing(statuses, checks, reference_values(store, [assistance.KINDS], today)[assistance.KINDS], today)


def _suggestion(store: ServerStore, case: dict[str, Any], expenses: list[dict[str, Any]]) -> Working | None:
    """How the suggested amount was reckoned, by the rules in force on the day of application and
    the station's township (core.relief_workflow.case_suggestion at the station)."""
    on = dt.date.fromisoformat(case["applied_on"])
    rules = relief.Rules.on(lambda keys, day: reference_values(store, keys, day), on)
    station = payloads(store, "station", [case["owner"]]).get(case["owner"], {})
    return relief.suggestion(rules, case, station.get("admin_code"), expenses)


def _person_fields(person: dict[str, Any]) -> dict[str, Any]:
    """The person as the form reads them, every field present even if the station left it out."""
    return {name: person.get(name) for name in ("id", "name", "gender", "id_number", "phone", "address",
                                                "village_id", "birth_date")}


def _pending_step(made: dict[str, Any] | None, steps: Any) -> list[dict[str, Any]]:
    """The county's decision as a step of the case, until the station's own step for it arrives."""
    if made is None or any(s.get("action") in ("county_approve", "county_reject") for s in steps):
        return []
    return [{"action": "county_approve" if made["approved"] else "county_reject", "amount": made["amount"],
             "reason": made["reason"], "actor_name": made["decided_by"], "decided_on": made["decided_on"]}]


def _earlier(store: ServerStore, found: dict[str, Any]) -> list[dict[str, Any]]:
    """Earlier relief to the same person or household (not refused or withdrawn), newest first."""
    return store.read(
        f"""SELECT c.id, c.applied_on, c.status, p.name, {_EARLIER_AMOUNT} AS amount
            FROM read_relief_case c JOIN read_person p ON p.id = c.person_id
            WHERE c.deleted = 0 AND c.status NOT IN ('rejected', 'withdrawn') AND c.applied_on <= ? AND c.id != ?
              AND (c.person_id = ? OR c.household_id = ?) ORDER BY c.applied_on DESC""",
        [found["applied_on"], found["id"], found["person_id"], found.get("household_id") or ""])
