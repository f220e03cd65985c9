"""Intake reports (主动发现 / 一门受理) through the single write path: registered with the county's
deadline, and triaged once into what they became — a relief case, a child-protection report, an
elderly visit — or transferred to another department (转办, with its receipt recorded later), or
closed after checking. Each triage writes the new record and the report's choice in one
transaction; the rules (what a triage carries, that it happens once) are core.intake's, run by the
write path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from station_app.core import child_rules, intake
from station_app.core.validation import validate
from station_app.store import children, elder_rounds, reference_data, relief
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore

ENTITY = "intake_report"


def register(store: RecordStore, data: Mapping[str, Any], now: dt.datetime | None = None) -> dict[str, Any]:
    """Take a report at the window: received now unless said otherwise, due for triage within the
    county's limit for its urgency."""
    values = {"received_at": child_rules.format_time(now or dt.datetime.now()), "urgency": "normal", **data}
    clean = validate(ENTITY, values, store.today)  # a bad time or urgency is named at its field first
    rule = reference_data.value(store.database, intake.LIMITS, child_rules.parse_time(clean["received_at"]).date())
    return store.create(ENTITY, {**clean, "triage_due": intake.triage_due(clean["received_at"], clean["urgency"], rule)})


def _triage(store: RecordStore, report_id: str, base_rev: int, kind: str, make: Callable[[], dict[str, Any]] | None,
            note: str | None, now: dt.datetime | None, **fields: Any) -> dict[str, Any]:
    """Make what the report becomes (if anything) and record the choice on the report, together."""
    with store.database.transaction():
        made = make() if make is not None else None
        link = {intake.LINKS[kind][0]: made["id"]} if made is not None else {}
        store.update(ENTITY, report_id, {
            "triage": kind, "triaged_at": child_rules.format_time(now or dt.datetime.now()),
            "triaged_by": store.actor.display_name, "triage_note": note, **link, **fields}, base_rev)
    return made or store.get(ENTITY, report_id)


def to_relief(store: RecordStore, report_id: str, base_rev: int, application: Mapping[str, Any],
              today: dt.date | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Register a relief case from the report (the case names the report it came from); the case."""
    return _triage(store, report_id, base_rev, "relief",
                   lambda: relief.register(store, {**application, "intake_report_id": report_id}, today),
                   application.get("notes"), now)


def to_child_report(store: RecordStore, report_id: str, base_rev: int, values: Mapping[str, Any],
                    now: dt.datetime | None = None) -> dict[str, Any]:
    """Open a mandatory report (强制报告) for the child the report is about; the protection case."""
    return _triage(store, report_id, base_rev, "child_report", lambda: children.open_report(store, values),
                   values.get("notes"), now)


def to_elder_visit(store: RecordStore, report_id: str, base_rev: int, values: Mapping[str, Any],
                   now: dt.datetime | None = None) -> dict[str, Any]:
    """Record the elderly visit the report called for; the visit."""
    return _triage(store, report_id, base_rev, "elder_visit", lambda: elder_rounds.save_visit(store, values),
                   values.get("findings"), now)


def transfer(store: RecordStore, report_id: str, base_rev: int, department: str, on: Any, note: str | None = None,
             now: dt.datetime | None = None) -> dict[str, Any]:
    """Hand the report to another department (转办); its receipt is recorded when it comes back."""
    return _triage(store, report_id, base_rev, "transfer", None, note, now, transfer_to=department, transferred_on=on)


def close_unfounded(store: RecordStore, report_id: str, base_rev: int, note: str,
                    now: dt.datetime | None = None) -> dict[str, Any]:
    """Close the report after checking: no assistance needed, with what was found."""
    return _triage(store, report_id, base_rev, "no_action", None, note, now)


def record_receipt(store: RecordStore, report_id: str, base_rev: int, on: Any, note: str) -> dict[str, Any]:
    """The receiving department's receipt (回执) of a transferred report."""
    return store.update(ENTITY, report_id, {"receipt_on": on, "receipt_note": note}, base_rev)


# -- reading --------------------------------------------------------------------------------------


def reports(database: StationDatabase, *, untriaged_only: bool = False) -> list[dict[str, Any]]:
    """Reports newest first (untriaged ones by their deadline), with the village's name."""
    where, order = ("AND r.triage IS NULL", "r.triage_due") if untriaged_only else ("", "r.received_at DESC")
    return database.query(
        f"""SELECT r.*, v.name AS village_name FROM intake_report r LEFT JOIN village v ON v.id = r.village_id
            WHERE r.deleted = 0 {where} ORDER BY {order}""")


def untriaged_by(database: StationDatabase, day: dt.date) -> list[dict[str, Any]]:
    """Untriaged reports due by the end of `day`, most urgent deadline first (the due list)."""
    return database.query(
        """SELECT id, person_id, subject_name, village_id, triage_due, received_at, urgency, reporter_phone
           FROM intake_report WHERE deleted = 0 AND triage IS NULL AND substr(triage_due, 1, 10) <= ?
           ORDER BY triage_due""", [day.isoformat()])
