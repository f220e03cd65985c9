"""Left-behind children and children in difficulty in the store: the archive, entrustment
agreements, visits with their next-due date, the protection chain, the children's list filters
and the figures.

Writes go through `RecordStore` (record + outbox + audit in one transaction) like every change,
so the archive's history (who changed which fact when) is the audit log's, and everything syncs.

**Leaving the roll.** A child who turns 16 (the county's `exit_age`) or whose parents come home
is not deleted: the profile's status becomes 'exited' with the reason and the day, the child
leaves the due list and the figures, and stays in the archive, found by the same search.

**Protection cases.** A mandatory report opens a `child_report`; each later step is an
append-only `child_report_step` (who, when, what was done, the limit it had) written together
with the case's new stage in one transaction. The case keeps `step_due`, the time limit of its
next step under the rule in force when it reached its stage, so late cases are found by index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from station_app.core import agreement_rules, child_rules
from station_app.core.dates import add_years
from station_app.core.elder_rules import FrequencyRule
from station_app.core.entities import CHILD_CATEGORIES, ENTITIES, REPORT_STAGES
from station_app.core.errors import ValidationError
from station_app.core.fields import FieldError, parse_date
from station_app.core.validation import validate
from station_app.store import figures, program_queries, program_records, reference_data
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore

if TYPE_CHECKING:
    from station_app.core.demo import ReportHistory

PROGRAM = "child"
_PROFILE = ENTITIES["child_profile"]
_AGREEMENT = ENTITIES["agreement"]
_REPORT = ENTITIES["child_report"]
_STEP = ENTITIES["child_report_step"]

# Agreement filters of the list, beyond the statuses themselves: any that needs the worker.
AGREEMENT_PROBLEM = "problem"
_NEEDS = "(r.category = 'left_behind' OR r.sub_type = 'unsupported')"
_SIGNED = "FROM agreement a WHERE a.child_profile_id = r.id AND a.deleted = 0 AND a.signed_date IS NOT NULL"
# The latest term among the signed agreements ('9999' for one without an end), NULL when none.
_EXPIRY = f"(SELECT MAX(COALESCE(a.expiry_date, '9999-12-31')) {_SIGNED})"


def frequency_rule(database: StationDatabase, on: dt.date) -> FrequencyRule:
    return FrequencyRule.from_value(reference_data.value(database, child_rules.FREQUENCY_KEY, on))


def roll_rules(database: StationDatabase, on: dt.date) -> dict[str, Any]:
    return reference_data.value(database, child_rules.ROLL_KEY, on)


def protection_limits(database: StationDatabase, on: dt.date) -> dict[str, Any]:
    return reference_data.value(database, child_rules.LIMITS_KEY, on)


# -- the archive ------------------------------------------------------------------------------


def active_profile(database: StationDatabase, person_id: str) -> dict[str, Any] | None:
    return program_records.active_profile(database, "child_profile", person_id)


def profile_of(database: StationDatabase, person_id: str) -> dict[str, Any] | None:
    return program_records.profile_of(database, "child_profile", person_id)


def save_profile(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
                 ) -> dict[str, Any]:
    """Create or update a child's archive (one active archive per child). Entering and leaving
    the roll record their days (today unless given; core.validation)."""
    return program_records.save_profile(store, "child_profile", values, record, "该儿童已有在册档案，请打开原档案修改")


def leave_roll(store: RecordStore, profile: Mapping[str, Any], reason: str, on: dt.date | str | None = None
               ) -> dict[str, Any]:
    """Move a child off the active roll with the reason (年满16周岁, 父母返乡, …) on the day `on`
    (as typed, or today); never deleted."""
    if not reason.strip():
        raise ValidationError({"exit_reason": "退出在册名单时请写明原因"})
    day = on.isoformat() if isinstance(on, dt.date) else on or None
    return save_profile(store, {"status": "exited", "exit_reason": reason.strip(), "exited_on": day}, profile)


def aged_out(database: StationDatabase, today: dt.date) -> list[dict[str, Any]]:
    """Children still on the roll who have reached the exit age: for the worker to move off."""
    cutoff = child_rules.aged_out_born_by(today, child_rules.exit_age(roll_rules(database, today)))
    return database.query(
        """SELECT r.id, r.person_id, p.name, p.birth_date FROM child_profile r
           JOIN person p ON p.id = r.person_id AND p.deleted = 0
           WHERE r.deleted = 0 AND r.status = 'active' AND p.birth_date <= ? ORDER BY p.birth_date""", [cutoff])


# -- agreements -------------------------------------------------------------------------------


def agreements(database: StationDatabase, profile_id: str) -> list[dict[str, Any]]:
    """The child's agreements, newest first."""
    rows = database.query("SELECT * FROM agreement WHERE child_profile_id = ? AND deleted = 0"
                          " ORDER BY COALESCE(signed_date, '9999') DESC, created_at DESC", [profile_id])
    return [decode(_AGREEMENT, r) for r in rows]


def agreement_list(database: StationDatabase, profile_id: str, today: dt.date) -> list[dict[str, Any]]:
    """The child's agreements, newest first, each with its `state` (core.agreement_rules.row_status)."""
    warn = int(roll_rules(database, today).get("warn_days", 30))
    return [{**a, "state": agreement_rules.row_status(a, today, warn)} for a in agreements(database, profile_id)]


def save_agreement(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
                   ) -> dict[str, Any]:
    if record is None:
        return store.create("agreement", values)
    return store.update("agreement", record["id"], values, record["rev"])


def draft_agreement(database: StationDatabase, profile: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """A new agreement pre-filled from the archive and the child's latest agreement: its parties
    (core.agreement_rules: a parent entrusts the caregiver, never one person on both sides), the
    caregiver's ID number and address from the people archive, a term of the rule's default length."""
    earlier = agreements(database, profile["id"])
    parties = agreement_rules.draft_parties(profile, earlier[0] if earlier else None)
    caregiver_id = profile.get("caregiver_person_id") or profile.get("guardian_person_id")
    caregiver = {}
    if caregiver_id:
        rows = database.query("SELECT name, id_number, address FROM person WHERE id = ?", [caregiver_id])
        caregiver = rows[0] if rows and rows[0]["name"] == parties["caregiver_name"] else {}
    term_years = int(roll_rules(database, today).get("term_years", 1))
    return {
        "child_profile_id": profile["id"],
        **parties,
        "caregiver_id_number": caregiver.get("id_number"),
        "caregiver_address": caregiver.get("address"),
        "signed_date": None,
        "expiry_date": add_years(today, term_years).isoformat(),
    }


def overlapping_agreements(database: StationDatabase, values: Mapping[str, Any], record_id: str | None,
                           today: dt.date) -> list[dict[str, Any]]:
    """The child's signed agreements whose term overlaps the one typed in `values` (its dates as
    typed; none while a date cannot be read: saving says so at the field)."""
    try:
        term = {name: parse_date(values[name]).isoformat() if values.get(name) else None
                for name in ("signed_date", "expiry_date")}
    except FieldError:
        return []
    others = agreements(database, values["child_profile_id"])
    return list(agreement_rules.overlapping({**term, "id": record_id}, others, today))


def agreement_status(database: StationDatabase, profile: Mapping[str, Any], today: dt.date) -> str:
    """The AGREEMENT_* status of one child (see core.child_rules)."""
    signed = [a for a in agreements(database, profile["id"]) if a.get("signed_date")]
    expiry = max((a.get("expiry_date") or "9999-12-31" for a in signed), default=None)
    warn = int(roll_rules(database, today).get("warn_days", 30))
    return child_rules.agreement_status(profile, None if expiry == "9999-12-31" else expiry, bool(signed), today, warn)


def _agreement_condition(status: str, today: dt.date, warn_days: int) -> program_queries.Condition:
    day, warn = today.isoformat(), (today + dt.timedelta(days=warn_days)).isoformat()
    conditions = {
        child_rules.AGREEMENT_MISSING: (f"{_NEEDS} AND {_EXPIRY} IS NULL", []),
        child_rules.AGREEMENT_EXPIRED: (f"{_NEEDS} AND {_EXPIRY} < ?", [day]),
        child_rules.AGREEMENT_EXPIRING: (f"{_NEEDS} AND {_EXPIRY} BETWEEN ? AND ?", [day, warn]),
        child_rules.AGREEMENT_VALID: (f"(NOT {_NEEDS} OR {_EXPIRY} > ?)", [warn]),
        AGREEMENT_PROBLEM: (f"{_NEEDS} AND COALESCE({_EXPIRY}, '') <= ?", [warn]),
    }
    return conditions[status]


# -- visits -----------------------------------------------------------------------------------


def suggested_next_due(database: StationDatabase, person_id: str, visit_date: dt.date,
                       problems_found: bool = False) -> dt.date:
    """The next-due date the rule in force on `visit_date` gives this child after such a visit."""
    profile = active_profile(database, person_id) or {}
    return child_rules.next_due(frequency_rule(database, visit_date), visit_date, profile,
                                problems_found=problems_found)


def save_visit(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
               ) -> dict[str, Any]:
    """Record (or correct) a child visit; without a next-due date typed in, the rule gives it."""
    def rule(data: Mapping[str, Any], day: dt.date) -> dt.date:
        return suggested_next_due(store.database, data["person_id"], day, bool(str(data.get("problems") or "").strip()))
    return program_records.save_visit(store, PROGRAM, values, record, rule)


def person_visits(database: StationDatabase, person_id: str) -> list[dict[str, Any]]:
    return program_records.person_visits(database, PROGRAM, person_id)


# -- the list ---------------------------------------------------------------------------------


def child_ids(database: StationDatabase, flt: PersonFilter, *, category: str | None = None,
              risk: str | None = None, agreement: str | None = None, overdue_on: dt.date | None = None,
              active_only: bool = False, today: dt.date | None = None) -> list[str]:
    """Child profile ids for the list: the people search and village of `flt`, plus a category,
    a risk level, an agreement status (an AGREEMENT_* code or AGREEMENT_PROBLEM), only those
    overdue a visit on `overdue_on`, only those on the active roll."""
    today = today or dt.date.today()
    conditions: list[program_queries.Condition] = []
    if category:
        conditions.append(("r.category = ?", [category]))
    if risk:
        conditions.append(("r.risk_level = ?", [risk]))
    if active_only or overdue_on or agreement:
        conditions.append(("r.status = 'active'", []))
    if agreement:
        conditions.append(_agreement_condition(agreement, today, int(roll_rules(database, today).get("warn_days", 30))))
    if overdue_on:
        conditions.append(program_queries.overdue(PROGRAM, overdue_on))
    return program_queries.program_ids(database, PROGRAM, flt, conditions)


def child_rows(database: StationDatabase, ids: Sequence[str], today: dt.date | None = None
               ) -> dict[str, dict[str, Any]]:
    """The list's rows: the program rows plus each child's agreement status and open protection case."""
    rows = program_queries.program_rows(database, PROGRAM, ids)
    if not rows:
        return rows
    today = today or dt.date.today()
    warn = int(roll_rules(database, today).get("warn_days", 30))
    marks = ", ".join("?" * len(rows))
    expiry = {r["child_profile_id"]: r["expiry"] for r in database.query(
        f"""SELECT child_profile_id, MAX(COALESCE(expiry_date, '9999-12-31')) AS expiry FROM agreement
            WHERE deleted = 0 AND signed_date IS NOT NULL AND child_profile_id IN ({marks})
            GROUP BY child_profile_id""", list(rows))}
    person_ids = [r["person_id"] for r in rows.values()]
    cases = {r["person_id"]: r for r in database.query(
        f"""SELECT person_id, stage, step_due FROM child_report WHERE deleted = 0 AND stage != 'closed'
            AND person_id IN ({', '.join('?' * len(person_ids))}) ORDER BY reported_at""", person_ids)}
    for profile_id, row in rows.items():
        latest = expiry.get(profile_id)
        row["agreement_status"] = child_rules.agreement_status(
            row, None if latest == "9999-12-31" else latest, latest is not None, today, warn) \
            if row["status"] == "active" else None
        row["open_case"] = cases.get(row["person_id"])
    return rows


# -- the protection chain ---------------------------------------------------------------------


def open_report(store: RecordStore, values: Mapping[str, Any]) -> dict[str, Any]:
    """Register a mandatory report: the case opens at stage 'reported' with its first step, and
    the emergency response is due within the limit for its urgency."""
    data = {**values, "stage": "reported"}
    clean = validate("child_report", data, store.today)
    reached = child_rules.parse_time(clean["reported_at"])
    due = child_rules.step_due(protection_limits(store.database, reached.date()), "reported", reached,
                               clean["urgency"])
    data.update(stage_at=clean["reported_at"], step_due=child_rules.format_time(due) if due else None)
    with store.database.transaction():
        report = store.create("child_report", data)
        store.create("child_report_step", {"child_report_id": report["id"], "step": "reported",
                                           "done_at": clean["reported_at"],
                                           "actor_name": clean.get("reporter") or store.actor.display_name,
                                           "note": clean["description"]})
    return report


def record_step(store: RecordStore, report: Mapping[str, Any], step: str, done_at: str, actor_name: str,
                note: str = "") -> dict[str, Any]:
    """Record the next step of a case (who, when, what was done) and move the case on; the step
    keeps the limit it had, the case the limit of the step after it. The chain's order is the write
    path's to hold (core.protection_workflow): a step out of order raises from the store."""
    clean = validate("child_report_step", {"child_report_id": report["id"], "step": step, "done_at": done_at,
                                           "actor_name": actor_name, "note": note}, store.today)
    reached = child_rules.parse_time(clean["done_at"])
    due = child_rules.step_due(protection_limits(store.database, reached.date()), step, reached, report["urgency"])
    with store.database.transaction():
        store.create("child_report_step", {**clean, "due_at": report.get("step_due")
                                           if child_rules.due_step(report["stage"]) == step else None})
        return store.update("child_report", report["id"], {
            "stage": step, "stage_at": clean["done_at"],
            "step_due": child_rules.format_time(due) if due else None}, report["rev"])


def replay(store: RecordStore, histories: Iterable[ReportHistory]) -> None:
    """Work demo protection cases through the chain step by step, as real cases are."""
    for history in histories:
        report = open_report(store, history.report)
        for step in history.steps:
            report = record_step(store, report, step["step"], step["done_at"], step["actor_name"], step["note"])


def report_steps(database: StationDatabase, report_id: str) -> list[dict[str, Any]]:
    rows = database.query("SELECT * FROM child_report_step WHERE child_report_id = ? AND deleted = 0"
                          " ORDER BY done_at, created_at", [report_id])
    return [decode(_STEP, r) for r in rows]


def person_reports(database: StationDatabase, person_id: str) -> list[dict[str, Any]]:
    rows = database.query("SELECT * FROM child_report WHERE person_id = ? AND deleted = 0 ORDER BY reported_at DESC",
                          [person_id])
    return [decode(_REPORT, r) for r in rows]


def open_cases(database: StationDatabase, due_by: str | None = None) -> list[dict[str, Any]]:
    """Cases not closed (only those whose next step is due by `due_by`, "YYYY-MM-DD HH:MM", if
    given), the most pressing limit first, with the child's name and village."""
    where, params = "", []
    if due_by is not None:
        where, params = " AND r.step_due <= ?", [due_by]
    rows = database.query(
        f"""SELECT r.*, p.name, p.village_id FROM child_report r JOIN person p ON p.id = r.person_id AND p.deleted = 0
            WHERE r.deleted = 0 AND r.stage != 'closed'{where} ORDER BY r.step_due IS NULL, r.step_due""", params)
    return [{**decode(_REPORT, r), "name": r["name"], "village_id": r["village_id"]} for r in rows]


def late_cases(database: StationDatabase, now: dt.datetime) -> list[dict[str, Any]]:
    """Open cases whose next step is past its time limit."""
    return [c for c in open_cases(database, child_rules.format_time(now)) if child_rules.is_late(c["step_due"], now)]


# -- figures ----------------------------------------------------------------------------------


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _coverage(database: StationDatabase, roll: list[dict[str, Any]], start: dt.date, end: dt.date) -> int:
    """Children of `roll` visited at least once from `start` to `end` (store.figures.visits)."""
    seen = {v["person_id"] for v in figures.visits(database, PROGRAM, start, end)}
    return sum(r["person_id"] in seen for r in roll)


def child_figures(database: StationDatabase, today: dt.date, now: dt.datetime | None = None, *,
                  roll: figures.Rows | None = None) -> dict[str, Any]:
    """The children's figures for the statistics page: children by category and village, the
    agreement-signing rate (signed and in force among those who need one), visit coverage this
    month and this quarter, open protection cases by stage and how many are late. `roll` is the
    children on the roll today (store.figures.children_on_roll), when the caller has counted it."""
    now = now or dt.datetime.combine(today, dt.datetime.now().time())
    labels = dict(CHILD_CATEGORIES)
    by_village: dict[str, dict[str, int]] = {}
    for village, category, n in database.conn.execute(
            """SELECT COALESCE(vl.name, '未填村（社区）'), r.category, COUNT(*) FROM child_profile r
               JOIN person p ON p.id = r.person_id AND p.deleted = 0 LEFT JOIN village vl ON vl.id = p.village_id
               WHERE r.deleted = 0 AND r.status = 'active' GROUP BY vl.code, r.category ORDER BY vl.code IS NULL, vl.code"""):
        by_village.setdefault(village, {})[labels.get(category, category)] = n
    active = sum(sum(c.values()) for c in by_village.values())
    # The rate and the coverage as the monthly report counts them, as of today.
    roll = figures.children_on_roll(database, today) if roll is None else roll
    need = [r["id"] for r in roll if child_rules.needs_agreement(r)]
    signed = len(figures.agreements_in_force(database, today, need))
    stages = dict(database.conn.execute(
        "SELECT stage, COUNT(*) FROM child_report WHERE deleted = 0 AND stage != 'closed' GROUP BY stage").fetchall())
    return {
        "children": active,
        "by_village": by_village,
        "agreements_needed": len(need),
        "agreements_signed": signed,
        "visited_month": _coverage(database, roll, today.replace(day=1), today),
        "visited_quarter": _coverage(database, roll, quarter_start(today), today),
        "open_by_stage": [(label, stages.get(code, 0)) for code, label in REPORT_STAGES if code != "closed"],
        "late_cases": len(late_cases(database, now)),
    }


def village_roster(database: StationDatabase, village_id: str | None, today: dt.date) -> list[dict[str, Any]]:
    """Every child on the roll (in the village, or all) with what the village roster prints."""
    ids = child_ids(database, PersonFilter(village_id=village_id, sort="village"), active_only=True, today=today)
    rows = child_rows(database, ids, today)
    return [rows[i] for i in ids if i in rows]
