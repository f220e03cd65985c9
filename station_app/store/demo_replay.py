"""Writing demo data: plain records in bulk, and cases worked through their workflow step by step.

Relief cases, protection cases and intake reports have rules about how they move
(core.relief_workflow, core.protection_workflow, core.intake) that the write path holds every caller
to, demo data included: their histories are replayed through the same functions a person's clicks
call, each step in the name and role of the person the demo says took it (the county's decisions as
the county's feed). The audit log names the store's own user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from station_app.core.roles import COUNTY, COUNTY_SYNC, Actor
from station_app.store import children, intake, relief, relief_expenses
from station_app.store.records import RecordStore

if TYPE_CHECKING:
    from station_app.core.demo import CaseHistory
    from station_app.core.demo_assistance import IntakeHistory


def write(store: RecordStore, entity_name: str, items: Sequence[Any]) -> None:
    """Records of `entity_name` from the demo generator, in one transaction with the caller's."""
    replay = _REPLAYED.get(entity_name)
    if replay is not None:
        replay(store, items)
    else:
        store.create_many(entity_name, items)


def _as(store: RecordStore, name: str, role: str) -> RecordStore:
    if role == COUNTY:
        return RecordStore(store.database, COUNTY_SYNC, store.today)
    return RecordStore(store.database, Actor(store.actor.user_id, store.actor.username, name, role), store.today)


def relief_cases(store: RecordStore, histories: Iterable[CaseHistory]) -> None:
    """Each case from its application (or the intake report it came from), with a 支出型 case's
    expenses and means check recorded while it is verified, then step by step."""
    for history in histories:
        case: dict[str, Any] | None = None
        for step in history.steps:
            by = _as(store, step.by, step.role)
            if case is None:
                case = _registered(by, history, step.day)
            elif step.role == COUNTY:
                case = relief.apply_county_decision(by, case["id"], case["rev"], approved=True, amount=step.amount,
                                                    reason=step.reason, decided_by=step.by, decided_on=step.day)
            else:
                case = relief.act(by, case["id"], step.action, case["rev"], reason=step.reason, amount=step.amount,
                                  today=step.day)
        for entry in history.repayments:
            store.create("reserve_fund_entry", entry)


def _registered(by: RecordStore, history: CaseHistory, day: dt.date) -> dict[str, Any]:
    if history.intake is not None:
        report = intake.register(by, history.intake)
        at = dt.datetime.combine(day, dt.time(10))
        case = intake.to_relief(by, report["id"], report["rev"], history.application, day, now=at)
    else:
        case = relief.register(by, history.application, day)
    spent = history.expenditure
    if spent is not None:
        for expense in spent.expenses:
            case = relief_expenses.add(by, case["id"], expense)
        if spent.means_check is not None:
            by.create("means_check", {**spent.means_check, "household_id": case["household_id"],
                                      "relief_case_id": case["id"]})
    return case


def intake_reports(store: RecordStore, histories: Iterable[IntakeHistory]) -> None:
    """Reports taken, and triaged as the demo says (transferred, with a receipt back; or closed)."""
    for history in histories:
        report = intake.register(store, history.report)
        detail = history.detail
        if history.triage == "transfer":
            report = intake.transfer(store, report["id"], report["rev"], detail["department"],
                                     history.at.date().isoformat() if history.at else None, detail["note"],
                                     now=history.at)
            if "receipt" in detail:
                on, note = detail["receipt"]
                intake.record_receipt(store, report["id"], report["rev"], on.isoformat(), note)
        elif history.triage == "no_action":
            intake.close_unfounded(store, report["id"], report["rev"], detail["note"], now=history.at)


_REPLAYED = {"relief_case": relief_cases, "child_report": children.replay, "intake_report": intake_reports}
