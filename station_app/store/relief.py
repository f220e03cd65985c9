"""Temporary relief cases and the reserve fund, written through the single write path.

Each function is one transaction: a step of a case (an append-only `relief_step`), the case's new
state and amounts, and for an advance the reserve-fund entry that pays it, are written together or
not at all. The workflow itself (who may do what in which state) is `core.relief`; the rules of
money come from the county's reference data in force on the day the case was applied for.

The rules themselves are checked where no caller can go around them: in the write path, by the
checks core.relief_workflow declares on the case, the step and the reserve-fund entry. Here is
what a step writes; a step the workflow refuses raises from the store and writes nothing.

`apply_county_decision` is how a decision of the county arrives (sync calls it, as the county):
one more step and an update of the case, like any other change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from station_app.core import relief, relief_standards, relief_workflow
from station_app.core.entities import entity
from station_app.core.errors import NotFound, ValidationError
from station_app.core.fields import FieldError, ParseContext, parse_value
from station_app.core.relief import FUND_OUTFLOWS, Rules
from station_app.core.relief_standards import Working
from station_app.core.relief_workflow import case_changes
from station_app.core.relief_views import CaseDetails, Ledger
from station_app.core.validation import validate
from station_app.store import assistance, monthly_report, program_queries, reference_data
from station_app.store import figures as store_figures
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore
from station_app.store.rule_storage import StoreView, sums

_STEP = entity("relief_step")
_CASE = entity("relief_case")
_EXPENSE = entity("rigid_expense")
# Cases that count as relief received (or on its way) for the repeat warning and the form's totals.
_COUNTED = ("applied", "verifying", "conference", "review", "county", "approved", "paid", "closed")


def rules(database: StationDatabase, on: dt.date) -> Rules:
    return Rules.on(partial(reference_data.values, database), on)


def suggested_amount(database: StationDatabase, case_type: str, tier: int, household_size: int,
                     on: dt.date) -> int:
    found = rules(database, on)
    return relief.suggested_amount(found.standard, found.tiers, case_type, tier, household_size)


def earlier_relief(database: StationDatabase, person_id: str, household_id: str | None, on: dt.date, days: int,
                   exclude_id: str | None = None) -> list[dict[str, Any]]:
    """Cases of the same person or household applied for within `days` before `on` (not refused
    or withdrawn), newest first, with the applicant's name and the largest amount so far."""
    since = (on - dt.timedelta(days=days)).isoformat()
    marks = ", ".join("?" * len(_COUNTED))
    return database.query(
        f"""SELECT c.id, c.applied_on, c.status, p.name,
                   COALESCE(c.amount_paid + COALESCE(c.advance_amount, 0), c.amount_approved, c.advance_amount,
                            c.amount_proposed) AS amount
            FROM relief_case c JOIN person p ON p.id = c.person_id
            WHERE c.deleted = 0 AND c.status IN ({marks}) AND c.applied_on >= ? AND c.applied_on <= ?
              AND (c.person_id = ? OR (? IS NOT NULL AND c.household_id = ?)) AND c.id IS NOT ?
            ORDER BY c.applied_on DESC""",
        [*_COUNTED, since, on.isoformat(), person_id, household_id, household_id, exclude_id],
    )


def repeat_check(database: StationDatabase, person_id: str, household_id: str | None, on: dt.date,
                 exclude_id: str | None = None) -> str:
    """The repeat-relief warning for this applicant on `on` ('' if none)."""
    days = int(rules(database, on).repeat["warn_within_days"])
    return relief.repeat_warning(earlier_relief(database, person_id, household_id, on, days, exclude_id), days)


# -- registering and working a case ---------------------------------------------------------------


def register(store: RecordStore, data: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """Register an application (状态：已受理) after checking the applicant against the archive.

    The applicant must be a registered person with an ID number; the household is the person's
    own (filled in if not given, refused if another), and so is the standard (urban or rural, by
    the applicant's village) unless the worker chose one. The case gets the station's next case
    number; the suggested amount follows the county's rules; an earlier relief within the county's
    period is written on the case as a warning (or refused, if the county's rule says so).
    """
    today = today or dt.date.today()
    database = store.database
    values = dict(data)
    errors: dict[str, str] = {}
    person = _applicant(store, values.get("person_id"), errors)
    if person is not None:
        if values.get("household_id") and person["household_id"] and values["household_id"] != person["household_id"]:
            errors["household_id"] = "所选家庭与人员档案中登记的家庭不一致，请核对"
        values["household_id"] = values.get("household_id") or person["household_id"]
        if not values.get("household_size") and values["household_id"]:
            values["household_size"] = household_size(database, values["household_id"])
        values["standard_area"] = values.get("standard_area") or village_area(database, person["village_id"])
    if not values.get("tier"):
        errors["tier"] = "请选择困难程度档次"
    if not values.get("household_size"):
        errors["household_size"] = "请填写家庭人口"
    if person is not None and not values.get("standard_area"):
        errors["standard_area"] = "申请人所在村（社区）看不出城乡，请选择适用城市或农村低保标准"
    values.update(status="applied", applied_on=values.get("applied_on") or today.isoformat())
    if errors:  # with the case's own problems too, so the form is fixed in one pass
        try:
            validate("relief_case", values, today)
        except ValidationError as exc:
            errors = {**exc.errors, **errors}
        raise ValidationError(errors)
    with database.transaction():
        case = validate("relief_case", values, today)
        applied_on = dt.date.fromisoformat(case["applied_on"])
        found = rules(database, applied_on)
        view = StoreView(database, store.actor, today)
        working = relief_workflow.case_suggestion(case, view)
        case.update(amount_suggested=working.amount if working else None,
                    case_no=relief_workflow.next_case_no(case, view), id=values.get("id"))
        warning = repeat_check(database, person["id"], case["household_id"], applied_on)
        if warning and found.repeat.get("block"):
            raise ValidationError({"person_id": warning})
        case["repeat_warning"] = warning or None
        created = store.create("relief_case", case)
        _step(store, created, today)
    return created


def village_area(database: StationDatabase, village_id: str | None) -> str | None:
    """'urban' or 'rural' as the village's division code says (None: no village, or it does not say)."""
    code = database.scalar("SELECT code FROM village WHERE id = ?", [village_id]) if village_id else None
    return relief_standards.area_of_village(code)


def household_size(database: StationDatabase, household_id: str) -> int:
    """Members of the household in the archive."""
    return int(database.scalar("SELECT COUNT(*) FROM person WHERE household_id = ? AND deleted = 0", [household_id]))


def _applicant(store: RecordStore, person_id: Any, errors: dict[str, str]) -> dict[str, Any] | None:
    if not person_id:
        errors["person_id"] = "请选择申请人（先在人员档案中登记）"
        return None
    try:
        person = store.get("person", str(person_id))
    except NotFound:
        errors["person_id"] = "申请人不在人员档案中（可能已被删除），请重新选择"
        return None
    if not person["id_number"]:
        errors["person_id"] = f"「{person['name']}」的人员档案没有身份证号，请先补全档案再申请救助"
    return person


def suggestion(store: RecordStore, case: Mapping[str, Any]) -> Working | None:
    """The suggested amount with its working for the case as stored (or as typed: parsed first)."""
    return relief_workflow.case_suggestion(case, StoreView(store.database, store.actor, store.today))


def follow_suggestion(store: RecordStore, case_id: str) -> dict[str, Any]:
    """Bring the case's suggested amount in line with its rigid expenses (in the caller's transaction)."""
    case = store.get("relief_case", case_id)
    working = suggestion(store, case)
    return store.update("relief_case", case_id, {"amount_suggested": working.amount if working else None}, case["rev"])


def amend(store: RecordStore, case_id: str, base_rev: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Correct the application (type, tier, household size, standard, income, place, reason, notes)
    while the case is still being verified; the suggested amount follows the corrected case."""
    database = store.database
    with database.transaction():
        case = store.get("relief_case", case_id)  # once submitted, the write path refuses a correction
        values = {k: changes[k] for k in relief.AMENDABLE_FIELDS if k in changes}
        merged = validate("relief_case", {**case, **values}, store.today)
        if not merged.get("tier"):
            raise ValidationError({"tier": "请选择困难程度档次"})
        working = suggestion(store, {**merged, "id": case_id})
        values["amount_suggested"] = working.amount if working else None
        return store.update("relief_case", case_id, values, base_rev)


def act(store: RecordStore, case_id: str, code: str, base_rev: int, *, reason: str | None = None,
        amount: Any = None, today: dt.date | None = None, return_advance: bool = False) -> dict[str, Any]:
    """Do `code` to the case as the store's actor: the step, the case's new state and amounts and
    (for an advance) the reserve-fund entry that pays it, in one transaction; with `return_advance`,
    the payment also returns the case's advance to the reserve fund. The write path's checks refuse
    what the workflow or the money rules do not allow, and nothing is written."""
    today = today or dt.date.today()
    with store.database.transaction():
        case = store.get("relief_case", case_id)
        moved = _take_step(store, case, code, base_rev, reason, amount, today, store.actor.display_name)
        if return_advance:
            store.create("reserve_fund_entry", {"kind": "repayment", "amount": case["advance_amount"],
                                                "relief_case_id": case_id, "entry_date": today.isoformat(),
                                                "reason": "案件批准发放，以救助资金归还先行救助垫付款"})
        return moved


def returned_to_fund(database: StationDatabase, case_id: str) -> int:
    """What has gone back to the reserve fund for the case's advance (fen; 0: nothing yet)."""
    return int(database.scalar("SELECT COALESCE(SUM(amount), 0) FROM reserve_fund_entry WHERE deleted = 0"
                               " AND kind = 'repayment' AND relief_case_id = ?", [case_id]))


def apply_county_decision(store: RecordStore, case_id: str, base_rev: int, *, approved: bool, amount: Any = None,
                          reason: str | None = None, decided_by: str, decided_on: dt.date) -> dict[str, Any]:
    """The county's decision on a case sent up for approval, as sync delivers it (the store's actor
    is the county's feed; a station account is refused): a step in the county's name and the case
    moved on (approved with the county's amount, or refused)."""
    code = "county_approve" if approved else "county_reject"
    with store.database.transaction():
        case = store.get("relief_case", case_id)
        return _take_step(store, case, code, base_rev, reason, amount, decided_on, decided_by)


def _take_step(store: RecordStore, case: dict[str, Any], code: str, base_rev: int, reason: str | None, amount: Any,
               day: dt.date, actor_name: str) -> dict[str, Any]:
    text, fen = (reason or "").strip() or None, _amount(amount) if relief.action(code).amount else None
    changes = case_changes(case, code, fen, text, day, rules(store.database, dt.date.fromisoformat(case["applied_on"])))
    store.create("relief_step", {
        "relief_case_id": case["id"], "action": code, "from_status": case["status"], "to_status": changes["status"],
        "reason": text, "amount": fen, "actor_name": actor_name, "decided_on": day.isoformat(),
        "level": "county" if store.actor.is_county else changes.get("authority"),
    })
    if code == "advance":
        store.create("reserve_fund_entry", {"kind": "advance", "amount": fen, "relief_case_id": case["id"],
                                            "reason": text, "entry_date": day.isoformat()})
    return store.update("relief_case", case["id"], changes, base_rev)


def _amount(raw: Any) -> int | None:
    try:
        return parse_value(_STEP.field("amount"), raw, ParseContext())
    except FieldError as exc:
        raise ValidationError({"amount": str(exc)}) from None


def _step(store: RecordStore, case: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The case's first step: its registration."""
    return store.create("relief_step", {
        "relief_case_id": case["id"], "action": "register", "from_status": None, "to_status": "applied",
        "reason": case["reason"], "actor_name": store.actor.display_name, "decided_on": today.isoformat(),
    })


def steps(database: StationDatabase, case_id: str) -> list[dict[str, Any]]:
    """The case's history, oldest first."""
    return database.query(
        "SELECT * FROM relief_step WHERE relief_case_id = ? AND deleted = 0 ORDER BY created_at, rowid", [case_id])


# -- the reserve fund --------------------------------------------------------------------------


def add_fund_entry(store: RecordStore, kind: str, amount: Any, reason: str, entry_date: Any,
                   relief_case_id: str | None = None) -> dict[str, Any]:
    """A top-up, repayment or adjustment (the head's); corrections are entries like any other."""
    return store.create("reserve_fund_entry", {"kind": kind, "amount": amount, "reason": reason,
                                               "entry_date": entry_date, "relief_case_id": relief_case_id})


def balance(database: StationDatabase) -> int:
    """The reserve fund's balance in fen."""
    return relief.fund_balance(sums(database, "reserve_fund_entry", "amount", by="kind"))


_SIGNED = "CASE WHEN kind IN ({}) THEN -amount ELSE amount END".format(", ".join(f"'{k}'" for k in sorted(FUND_OUTFLOWS)))


def ledger(database: StationDatabase, start: dt.date, end: dt.date) -> Ledger:
    """The reserve-fund ledger from `start` to `end` (inclusive) in the order entries were made,
    with the balance brought forward, a running balance and who made each entry (`handler`: the
    person's name, not the account's user name)."""
    opening = int(database.scalar(
        f"SELECT COALESCE(SUM({_SIGNED}), 0) FROM reserve_fund_entry WHERE deleted = 0 AND entry_date < ?",
        [start.isoformat()]))
    rows = database.query(
        """SELECT e.*, p.name AS person_name, COALESCE(u.display_name, e.created_by) AS handler
           FROM reserve_fund_entry e LEFT JOIN users u ON u.username = e.created_by
           LEFT JOIN relief_case c ON c.id = e.relief_case_id LEFT JOIN person p ON p.id = c.person_id
           WHERE e.deleted = 0 AND e.entry_date >= ? AND e.entry_date <= ?
           ORDER BY e.entry_date, e.created_at, e.rowid""",
        [start.isoformat(), end.isoformat()])
    running, total_in, total_out = opening, 0, 0
    for r in rows:
        out = r["kind"] in FUND_OUTFLOWS
        r["income"], r["outgo"] = (None, r["amount"]) if out else (r["amount"], None)
        running += -r["amount"] if out else r["amount"]
        total_out += r["amount"] if out else 0
        total_in += 0 if out else r["amount"]
        r["balance"] = running
    return Ledger(start, end, opening, rows, total_in, total_out)


# -- reading: the list, a case with everything its dialog and form show, the roster, figures -------


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    case_type: str | None = None
    overdue_only: bool = False  # advances whose paperwork is past its deadline


def case_ids(database: StationDatabase, flt: PersonFilter, case_filter: CaseFilter, today: dt.date) -> list[str]:
    """The relief list: cases of people matching the people search, filtered by status, type and
    overdue advances, in the order asked for."""
    conditions: list[tuple[str, list[Any]]] = []
    if case_filter.status:
        conditions.append(("r.status = ?", [case_filter.status]))
    if case_filter.case_type:
        conditions.append(("r.case_type = ?", [case_filter.case_type]))
    if case_filter.overdue_only:
        conditions.append((_OVERDUE_SQL, [*sorted(relief.OPEN_AT_STATION), today.isoformat()]))
    return program_queries.program_ids(database, "relief", flt, conditions)


_OVERDUE_SQL = (f"r.advance_amount > 0 AND r.status IN ({', '.join('?' * len(relief.OPEN_AT_STATION))})"
                " AND r.paperwork_due < ?")


def overdue_advances(database: StationDatabase, today: dt.date) -> list[dict[str, Any]]:
    """Cases whose advance paperwork is overdue, longest overdue first, with the applicant's name."""
    return database.query(
        f"""SELECT r.*, p.name FROM relief_case r JOIN person p ON p.id = r.person_id
            WHERE r.deleted = 0 AND {_OVERDUE_SQL} ORDER BY r.paperwork_due""",
        [*sorted(relief.OPEN_AT_STATION), today.isoformat()])


def case_details(store: RecordStore, case_id: str) -> CaseDetails:
    database = store.database
    case = store.get("relief_case", case_id)
    person = store.get("person", case["person_id"], include_deleted=True)
    household = store.get("household", case["household_id"], include_deleted=True) if case["household_id"] else None
    village = database.scalar("SELECT name FROM village WHERE id = ?", [person["village_id"]])
    applied_on = dt.date.fromisoformat(case["applied_on"])
    earlier = [c for c in earlier_relief(database, case["person_id"], case["household_id"], applied_on, 100 * 365,
                                         case["id"])
               if c["applied_on"] <= case["applied_on"]]
    found = assistance.standing(database, case["person_id"], case["household_id"], store.today)
    return CaseDetails(case, person, village, household, steps(database, case_id), earlier, found.status_text,
                       found.means_text, suggestion(store, case), expenses(database, case_id))


def expenses(database: StationDatabase, case_id: str) -> list[dict[str, Any]]:
    """The case's living rigid expenses in the order they were recorded."""
    return [decode(_EXPENSE, r) for r in database.query(
        "SELECT * FROM rigid_expense WHERE deleted = 0 AND relief_case_id = ? ORDER BY created_at, rowid", [case_id])]


def roster(database: StationDatabase, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """发放花名册: cases paid from `start` to `end`, in the order paid, with the applicant."""
    return database.query(
        """SELECT r.*, p.name, p.id_number, v.name AS village_name FROM relief_case r
           JOIN person p ON p.id = r.person_id LEFT JOIN village v ON v.id = p.village_id
           WHERE r.deleted = 0 AND r.paid_on >= ? AND r.paid_on <= ? ORDER BY r.paid_on, p.sort_name, r.id""",
        [start.isoformat(), end.isoformat()])


def on_notice(database: StationDatabase, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Cases put on public notice (公示) from `start` to `end` and not refused or withdrawn since, in
    the order put up, with the applicant and village (the 公示名单)."""
    return database.query(
        """SELECT r.*, p.name, p.id_number, p.address, v.name AS village_name FROM relief_case r
           JOIN relief_step s ON s.relief_case_id = r.id AND s.action = 'notice' AND s.deleted = 0
           JOIN person p ON p.id = r.person_id LEFT JOIN village v ON v.id = p.village_id
           WHERE r.deleted = 0 AND s.decided_on >= ? AND s.decided_on <= ? AND r.status NOT IN ('rejected', 'withdrawn')
           ORDER BY s.decided_on, v.code, p.sort_name""", [start.isoformat(), end.isoformat()])


@dataclass(frozen=True)
class ReliefFigures:
    months: list[str]  # "YYYY-MM", oldest first
    cases_by_month: dict[str, list[int]]  # per case-type label, one count per month (by date applied)
    yuan_by_month: dict[str, list[int]]  # per case-type label, whole yuan paid out per month, advances included
    by_status: list[tuple[str, int]]
    fund_by_month: dict[str, list[int]]  # 拨入/归还 vs 支出, whole yuan per month
    advances_outstanding: int  # cases with an advance still open at the station
    advances_outstanding_fen: int
    balance_fen: int


def figures(database: StationDatabase, months: list[str]) -> ReliefFigures:
    """The relief charts over `months`, each month counted by store.figures as the monthly report
    counts it: cases applied for, money paid out (advances included), the reserve fund's movements."""
    periods = [monthly_report.period(m) for m in months]
    applied = [store_figures.relief_cases(database, "applied_on", *p) for p in periods]
    money = [store_figures.relief_money(database, *p) for p in periods]
    fund = [store_figures.fund_movement(database, *p) for p in periods]
    statuses = dict(database.conn.execute(
        "SELECT status, COUNT(*) FROM relief_case WHERE deleted = 0 GROUP BY status").fetchall())
    outstanding = database.query(
        f"""SELECT COUNT(*) AS n, COALESCE(SUM(advance_amount), 0) AS fen FROM relief_case
            WHERE deleted = 0 AND advance_amount > 0 AND status IN ({', '.join('?' * len(relief.OPEN_AT_STATION))})""",
        sorted(relief.OPEN_AT_STATION))[0]
    types = _CASE.field("case_type").choices
    return ReliefFigures(
        months,
        {label: [sum(r["case_type"] == code for r in rows) for rows in applied] for code, label in types},
        {label: [sum(r["amount"] for r in rows if r["case_type"] == code) // 100 for rows in money]
         for code, label in types},
        [(label, statuses.get(code, 0)) for code, label in _CASE.field("status").choices],
        {"拨入与归还": [sum(r["amount"] for r in f.inflow) // 100 for f in fund],
         "支出": [sum(r["amount"] for r in f.outflow) // 100 for f in fund]},
        outstanding["n"], outstanding["fen"], balance(database),
    )
