"""The station's figures, one function per figure: who or what is counted, as of which day.

Every number the station reports — the 统计 page, the 月报 on screen, on paper and in Excel, and a
submitted report the county receives — is counted by these functions and no others, so two screens
can never give two numbers for one thing (一数一源). Each returns the records it counted, so every
figure can be traced to them.

**Business dates decide.** A person is on a roll from their 纳入日期 until their 退出日期 as the
work recorded them, never by when a row was typed in: on the roll at the end of a day means
entered on or before it and not left by then (left on that day counts as left). Visits count by
their 走访日期, relief by the days it was applied for, advanced, approved and paid, the reserve fund
by each entry's date.

**As of the end of the day.** A past month is counted as it stood at the end of its last day, so a
re-run gives the same figures after later work: a record deleted after that day still counts; what
a figure groups by (a child's category and difficulty, an elder's categories and risk level) is
taken as it was then, from the audit log. A business date is taken as recorded now: changing one is
a correction, it moves the record, and `corrections` lists those that move a month so the report
can say so.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core import assistance
from station_app.core.dates import cutoff
from station_app.core.entities import BENEFITS, ENTITIES
from station_app.core.fields import FROM, THROUGH, UNTIL
from station_app.core.relief import FUND_OUTFLOWS
from station_app.store.database import StationDatabase

Rows = list[dict[str, Any]]
# A record still counts for a day if it was not deleted by the end of it: a tombstone's updated_at
# is the moment it was deleted (a deleted record is never changed again).
_ALIVE = "(r.deleted = 0 OR r.updated_at >= :cutoff)"


def as_of(database: StationDatabase, entity_name: str, rows: Rows, fields: Sequence[str], day: dt.date) -> Rows:
    """`rows` (each with its id) with `fields` as they were at the end of `day`: a change made later
    is undone from the audit log (the old value of the first later change of each field)."""
    by_id = {r["id"]: r for r in rows}
    undone: set[tuple[str, str]] = set()
    for record_id, changes in database.conn.execute(
            "SELECT record_id, changes FROM audit_log WHERE entity = ? AND action IN ('update', 'sync_update')"
            " AND at >= ? ORDER BY seq", [entity_name, cutoff(day)]):
        row = by_id.get(record_id)
        if row is None or not changes:
            continue
        for name, (old, _new) in json.loads(changes).items():
            if name in fields and (record_id, name) not in undone:
                row[name] = old
                undone.add((record_id, name))
    return rows


def _query(database: StationDatabase, sql: str, as_of_day: dt.date, **params: Any) -> Rows:
    """`sql` with `:cutoff` the end of `as_of_day` (see _ALIVE) and `params`."""
    return database.query(sql, {"cutoff": cutoff(as_of_day), **params})


def _ids_of(database: StationDatabase, sql: str, as_of_day: dt.date, **params: Any) -> set[str]:
    """The distinct values of the one column `sql` selects, run as `_query` runs it (no row dicts:
    a figure of thousands asks only who)."""
    return {value for value, in database.conn.execute(sql, {"cutoff": cutoff(as_of_day), **params})}


# -- children ------------------------------------------------------------------------------------


def on_roll(database: StationDatabase, table: str, columns: str, day: dt.date, *, where: str = "",
            **params: Any) -> Rows:
    """Records of `table` on their roll at the end of `day` (entered on or before it, not left by
    then, not deleted by then): `columns` of the record `r`, in id order; `where` narrows them."""
    return _query(database, f"""SELECT {columns} FROM {table} r
                               WHERE r.entered_on <= :day AND (r.exited_on IS NULL OR r.exited_on > :day)
                                 AND {_ALIVE}{where} ORDER BY r.id""", day, day=day.isoformat(), **params)


def children_on_roll(database: StationDatabase, day: dt.date) -> Rows:
    """Child archives on the roll at the end of `day`, with their category and difficulty then:
    (id, person_id, category, sub_type)."""
    rows = on_roll(database, "child_profile", "r.id, r.person_id, r.category, r.sub_type", day)
    return as_of(database, "child_profile", rows, ("category", "sub_type"), day)


def agreements_in_force(database: StationDatabase, day: dt.date, profile_ids: Iterable[str]) -> set[str]:
    """Of `profile_ids`, the children with a signed written agreement in force at the end of `day`
    (signed on or before it, its term running to that day or beyond, or open-ended)."""
    # All agreements in force, in one pass over the table, then those of `profile_ids`: about as many
    # as the children asked about, and a look-up per child would read the same pages out of order.
    return _ids_of(database, f"""SELECT r.child_profile_id FROM agreement r WHERE r.signed_date <= :day
                                AND (r.expiry_date IS NULL OR r.expiry_date >= :day) AND {_ALIVE}""",
                   day, day=day.isoformat()).intersection(profile_ids)


# The visits of a period, read from the visit_program_date index alone.
_VISITS = "r.program = :program AND r.visit_date BETWEEN {first} AND {last} AND (r.deleted = 0 OR r.updated_at >= {cutoff})"


def visits(database: StationDatabase, program: str, first: dt.date, last: dt.date) -> Rows:
    """Visits of `program` ('child', 'elder') dated from `first` to `last`, as recorded at the end
    of `last`: (id, person_id, visit_date), in date order."""
    where = _VISITS.format(first=":first", last=":last", cutoff=":cutoff")
    return _query(database, f"""SELECT r.id, r.person_id, r.visit_date FROM visit r WHERE {where}
                               ORDER BY r.visit_date, r.id""",
                  last, program=program, first=first.isoformat(), last=last.isoformat())


def visit_counts(database: StationDatabase, program: str, periods: Sequence[tuple[dt.date, dt.date]]) -> list[int]:
    """How many `visits` each (first, last) period holds, counted in one pass (a chart of months)."""
    spans = json.dumps([[first.isoformat(), last.isoformat(), cutoff(last)] for first, last in periods])
    where = _VISITS.format(first="s.value ->> 0", last="s.value ->> 1", cutoff="s.value ->> 2")
    return [n for _key, n in database.conn.execute(
        f"""SELECT s.key, (SELECT COUNT(*) FROM visit r WHERE {where}) FROM json_each(:spans) s ORDER BY s.key""",
        {"spans": spans, "program": program})]


# -- the elderly rounds --------------------------------------------------------------------------


def elders_on_roster(database: StationDatabase, day: dt.date, village_id: str | None = None) -> Rows:
    """Elder profiles on the visiting roster at the end of `day` (in the village, or all), with their
    categories, risk level and benefits then: (id, person_id, categories, risk_level, benefits)."""
    where = " AND r.person_id IN (SELECT id FROM person WHERE village_id = :village)" if village_id else ""
    rows = on_roll(database, "elder_profile", "r.id, r.person_id, r.categories, r.risk_level, r.benefits", day,
                   where=where, village=village_id)
    # Ten thousand elders share a few dozen ways of being categorised: each text is parsed once.
    parsed: dict[str, list[str]] = {}
    for r in rows:
        for name in ("categories", "benefits"):
            text = r[name] or "[]"
            if text not in parsed:
                parsed[text] = json.loads(text)
            r[name] = list(parsed[text])
    return as_of(database, "elder_profile", rows, ("categories", "risk_level", "benefits"), day)


# -- temporary relief and the reserve fund ---------------------------------------------------------


def relief_cases(database: StationDatabase, date_field: str, first: dt.date, last: dt.date) -> Rows:
    """Relief cases whose `date_field` ('applied_on', 'approved_on', 'advance_on', 'paid_on') falls
    from `first` to `last`: (id, case_type, person_id, household_id, amount), the amount being the
    money that day moved (the advance for 'advance_on', what was paid for 'paid_on', the approved
    amount otherwise)."""
    amount = {"advance_on": "r.advance_amount", "paid_on": "r.amount_paid"}.get(date_field, "r.amount_approved")
    column = ENTITIES["relief_case"].field(date_field).name
    return _query(database, f"""SELECT r.id, r.case_type, r.person_id, r.household_id, COALESCE({amount}, 0) AS amount
                               FROM relief_case r WHERE r.{column} BETWEEN :first AND :last AND {_ALIVE}
                               ORDER BY r.{column}, r.id""", last, first=first.isoformat(), last=last.isoformat())


def relief_money(database: StationDatabase, first: dt.date, last: dt.date) -> Rows:
    """Relief money paid out from `first` to `last`: each advance on the day it was paid from the
    reserve fund, and each payment after approval (the approved amount less the advance) on its day.
    A case advanced and paid in the same period appears twice, once per payment."""
    return relief_cases(database, "advance_on", first, last) + relief_cases(database, "paid_on", first, last)


@dataclass(frozen=True)
class FundMovement:
    before: Rows  # entries up to the day before `first`: the opening balance
    inflow: Rows  # top-ups, repayments, adjustments up, from `first` to `last`
    outflow: Rows  # advances and adjustments down, from `first` to `last`

    @property
    def opening(self) -> int:
        return sum(-r["amount"] if r["kind"] in FUND_OUTFLOWS else r["amount"] for r in self.before)

    @property
    def closing(self) -> int:
        return self.opening + sum(r["amount"] for r in self.inflow) - sum(r["amount"] for r in self.outflow)


def fund_movement(database: StationDatabase, first: dt.date, last: dt.date) -> FundMovement:
    """The reserve-fund ledger from `first` to `last` (entries are never changed or deleted)."""
    rows = database.query("SELECT id, kind, amount, entry_date FROM reserve_fund_entry WHERE deleted = 0"
                          " AND entry_date <= ? ORDER BY entry_date, created_at, rowid", [last.isoformat()])
    start = first.isoformat()
    during = [r for r in rows if r["entry_date"] >= start]
    return FundMovement([r for r in rows if r["entry_date"] < start],
                        [r for r in during if r["kind"] not in FUND_OUTFLOWS],
                        [r for r in during if r["kind"] in FUND_OUTFLOWS])


# -- the station's own ledger ----------------------------------------------------------------------


def staff_in_post(database: StationDatabase, day: dt.date) -> Rows:
    """Staff of the network in post at the end of `day`, with their role then: (id, role, village_id)."""
    rows = on_roll(database, "staff", "r.id, r.role, r.village_id", day)
    return as_of(database, "staff", rows, ("role",), day)


def trained(database: StationDatabase, first: dt.date, last: dt.date, staff_ids: Iterable[str]) -> set[str]:
    """Of `staff_ids`, those who attended a training session held from `first` to `last`."""
    return _ids_of(
        database, f"""SELECT r.staff_id FROM training_attendance r JOIN training t ON t.id = r.training_id
                     WHERE r.staff_id IN (SELECT value FROM json_each(:ids)) AND t.held_on BETWEEN :first AND :last
                       AND {_ALIVE} AND (t.deleted = 0 OR t.updated_at >= :cutoff)""",
        last, ids=json.dumps(list(staff_ids)), first=first.isoformat(), last=last.isoformat())


def care_agreements_in_force(database: StationDatabase, day: dt.date) -> set[str]:
    """The people with a signed care agreement in force at the end of `day` (all of them: fewer
    than the elders on the roster, so cheaper than asking about each of those)."""
    return _ids_of(database, f"""SELECT r.person_id FROM care_agreement r
                                WHERE r.signed_on <= :day AND (r.expires_on IS NULL OR r.expires_on >= :day) AND {_ALIVE}""",
                   day, day=day.isoformat())


def service_activities(database: StationDatabase, first: dt.date, last: dt.date) -> Rows:
    """Service activities held from `first` to `last`: (id, kind), in date order."""
    return _query(database, f"""SELECT r.id, r.kind FROM service_activity r
                               WHERE r.held_on BETWEEN :first AND :last AND {_ALIVE} ORDER BY r.held_on, r.id""",
                  last, first=first.isoformat(), last=last.isoformat())


def volunteer_hours(database: StationDatabase, first: dt.date, last: dt.date) -> Rows:
    """Volunteers' service at activities held from `first` to `last`: (id, volunteer_id, hours in
    tenths), in date order."""
    return _query(database, f"""SELECT r.id, r.volunteer_id, r.hours FROM volunteer_service r
                               JOIN service_activity a ON a.id = r.activity_id
                               WHERE a.held_on BETWEEN :first AND :last AND {_ALIVE}
                                 AND (a.deleted = 0 OR a.updated_at >= :cutoff) ORDER BY a.held_on, r.id""",
                  last, first=first.isoformat(), last=last.isoformat())


# -- assistance statuses (低保, 特困 …) ----------------------------------------------------------------


def statuses(database: StationDatabase, day: dt.date) -> Rows:
    """Every status not deleted by the end of `day`, with its kind and holder then and its dates as
    recorded now: (id, kind, person_id, household_id, starts_on, ends_on), latest start first. Read
    once for a day's figures and handed to statuses_held and benefits_held."""
    rows = _query(database, f"""SELECT r.id, r.kind, r.person_id, r.household_id, r.starts_on, r.ends_on
                               FROM assistance_status r WHERE {_ALIVE} ORDER BY r.starts_on DESC, r.id""", day)
    return as_of(database, "assistance_status", rows, ("kind", "person_id", "household_id"), day)


def statuses_held(statuses: Rows, day: dt.date) -> dict[tuple[str, str], Rows]:
    """Of `statuses` (as `statuses` read them for `day`), those held at the end of `day` (begun on
    or before it, their 终止日期 that day or later or none: core.assistance.current; not deleted by
    then), with their kind and holder then, by (kind, 'person' or 'household'): one status per
    holder, the latest begun (a renewal overlapping the old certificate is still one person, one
    household), as (id, kind, person_id, household_id, starts_on, ends_on), in holder order."""
    held: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for r in assistance.current(statuses, day):
        held.setdefault((r["kind"], assistance.subject(r)), {}).setdefault(r["person_id"] or r["household_id"], r)
    return {key: [by_holder[h] for h in sorted(by_holder)] for key, by_holder in held.items()}


def benefits_held(statuses: Rows, day: dt.date, roster: Rows) -> Rows:
    """`roster` (elders_on_roster rows) with each elder's 享受待遇 as held at the end of `day`, from
    `statuses` (as `statuses` read them for `day`; 一数一源): for a benefit that is also a status
    kind (低保 dibao, 特困 tekun), where the elder has any status record of that kind in their own
    name, its dates decide (as in statuses_held); the ticked benefit stands for a kind with no such
    record (a household's 低保 is the household's line of the report, and its members' ticks are
    the worker's)."""
    codes = {code for code, _label in BENEFITS}
    theirs = [r for r in statuses if r["person_id"] and r["kind"] in codes]
    recorded: dict[str, set[str]] = {}  # person: the kinds with a status record
    for r in theirs:
        recorded.setdefault(r["person_id"], set()).add(r["kind"])
    held = {(r["person_id"], r["kind"]) for r in assistance.current(theirs, day)}
    return [elder if elder["person_id"] not in recorded else  # most elders: no status of these kinds
            {**elder, "benefits": [code for code, _label in BENEFITS
                                   if ((elder["person_id"], code) in held if code in recorded[elder["person_id"]]
                                       else code in elder["benefits"])]}
            for elder in roster]


# -- corrections ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    entity: str
    record_id: str
    field: str
    old: str | None
    new: str | None
    at: str  # when it was changed (UTC, as stamped)
    by: str


# An update that changed a date that was set (its old value shaped like an ISO date, as every
# business date is): word for word the condition of the audit_log_date_changes index (migration 18),
# so the query reads that index, not every update after the period.
_DATE_CHANGED = """action IN ('update', 'sync_update') AND changes LIKE '%":["____-__-__"%'"""


def corrections(database: StationDatabase, first: dt.date, last: dt.date) -> list[Correction]:
    """Business dates changed after the end of `last` in a way that moves a record into or out of
    the period from `first` to `last` (a date first filled in later is late work, not a correction)."""
    found = []
    for spec in ENTITIES.values():
        dated = {f.name: f.business_date for f in spec.fields if f.business_date}
        if not dated:
            continue
        # Only changes of one of these dates that was set (its old value a string): most changes set
        # no date, and the audit_log_date_changes index holds only those that changed a date that was.
        had_date = " OR ".join("changes LIKE ?" for _ in dated)
        for record_id, at, by, changes in database.conn.execute(
                f"SELECT record_id, at, username, changes FROM audit_log WHERE entity = ? AND {_DATE_CHANGED}"
                f" AND at >= ? AND ({had_date}) ORDER BY seq",
                [spec.name, cutoff(last), *(f'%"{name}":["%' for name in dated)]):
            for name, (old, new) in json.loads(changes or "{}").items():
                if name in dated and old is not None and _moves(dated[name], old, new, first, last):
                    found.append(Correction(spec.name, record_id, name, old, new, at, by))
    return found


def _moves(kind: str, old: str | None, new: str | None, first: dt.date, last: dt.date) -> bool:
    """Whether a business date of `kind` (FROM, UNTIL, THROUGH or ON) changed from `old` to `new`
    moves its record for the period."""
    start, end = first.isoformat(), last.isoformat()
    if kind == THROUGH:  # a term holding on its last day: had it run out before the period's end?
        return (old is not None and old < end) != (new is not None and new < end)
    if kind in (FROM, UNTIL):  # a membership at the end of the period: is the date on or before it?
        return (old is not None and old <= end) != (new is not None and new <= end)
    return (old is not None and start <= old <= end) != (new is not None and start <= new <= end)
