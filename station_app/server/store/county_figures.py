"""The county's own count of each township's monthly figures from the read tables: the 实时数
shown beside (or instead of) what a township submitted, and where it has not submitted yet.

The definitions are the station's (store.figures, one function per figure, composed by
store.monthly_report): who is on a roll is decided by the business dates the records carry (entered
on or before the month's last day and not left by then), visits and relief by their own dates in the
month, money paid including advances, households counted once (core.relief.households), the
reserve fund by its entries' dates; a record deleted after the month still counts for it (its
tombstone's updated_at is after the month's end, core.dates.cutoff). The figures' keys, labels and
units come from core.reports, the rules on who needs an agreement and how many visits an elder is
owed from core. A test holds a township's count here against its own 月报 for the same records.

What the county cannot see is the station's audit log: the station groups a child by the category
they had at the month's end and an elder by their categories and risk level then; here they are
grouped as the records stand now. A submitted report is the figure a township signs; this count
is labelled as the live count it is.

Each kind of record is read by one query (a "source") that yields, per record, its station, the
attributes the figures look at and an amount. For the county table the query is grouped (a count
and a sum per station and attribute combination: a few thousand rows for a city); to trace one
station's figure to its records the same query runs ungrouped for that station and keeps the ids.
The sources run at once, each on a reading connection of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from station_app.core import elder_rules, reference
from station_app.core.child_rules import needs_agreement
from station_app.core.dates import cutoff
from station_app.core.elder_rules import FrequencyRule, month_bounds
from station_app.core.entities import CHILD_CATEGORIES, FUND_OUTFLOWS, RELIEF_TYPES
from station_app.core.reports import KIND, KINDS, Figure
from station_app.server.store.county_queries import reference_versions
from station_app.server.store.storage import ServerStore
from station_app.sync.protocol import COUNTY


def _alive(alias: str) -> str:
    """The record counts for the month: not deleted, or deleted only after its end (store.figures._ALIVE)."""
    return f"({alias}.deleted = 0 OR {alias}.updated_at >= :cutoff)"


def _on_roll(alias: str) -> str:
    """On the roll at the end of the month's last day (store.figures.children_on_roll, elders_on_roster)."""
    return f"{alias}.entered_on <= :last AND ({alias}.exited_on IS NULL OR {alias}.exited_on > :last) AND {_alive(alias)}"


def _in_month(column: str) -> str:
    return f"{column} >= :first AND {column} <= :last"


@dataclass(frozen=True)
class Source:
    sql: str  # SELECT owner, id, <attrs…>, <amount> AS amount FROM … (params: first, last, cutoff)
    attrs: tuple[str, ...]


SOURCES: dict[str, Source] = {
    # Children on the roll, whether a signed agreement is in force at the month's end
    # (store.figures.agreements_in_force) and whether they were visited in the month.
    "roll": Source(f"""SELECT c.owner, c.id, c.category, c.sub_type,
                             CASE WHEN EXISTS (SELECT 1 FROM read_agreement a WHERE a.child_profile_id = c.id
                                  AND a.signed_date <= :last AND (a.expiry_date IS NULL OR a.expiry_date >= :last)
                                  AND {_alive('a')}) THEN 1 ELSE 0 END AS signed,
                             CASE WHEN EXISTS (SELECT 1 FROM read_visit v WHERE v.person_id = c.person_id
                                  AND v.program = 'child' AND {_in_month('v.visit_date')} AND {_alive('v')})
                                  THEN 1 ELSE 0 END AS visited,
                             0 AS amount
                      FROM read_child_profile c WHERE {_on_roll('c')}""", ("category", "sub_type", "signed", "visited")),
    "visits": Source(f"""SELECT v.owner, v.id, v.program, 0 AS amount FROM read_visit v
                        WHERE {_in_month('v.visit_date')} AND {_alive('v')}""", ("program",)),
    # Elders on the roster and their visits in the month; the id traced is the person's, as the
    # station's report lists people.
    "elders": Source(f"""SELECT e.owner, e.person_id AS id, e.categories, e.risk_level, COALESCE(n.visits, 0) AS visits,
                                0 AS amount
                         FROM read_elder_profile e
                         LEFT JOIN (SELECT v.person_id, COUNT(*) AS visits FROM read_visit v WHERE v.program = 'elder'
                                    AND {_in_month('v.visit_date')} AND {_alive('v')} GROUP BY v.person_id) n
                                ON n.person_id = e.person_id
                         WHERE {_on_roll('e')}""", ("categories", "risk_level", "visits")),
    "applied": Source(f"""SELECT r.owner, r.id, r.case_type, 0 AS amount FROM read_relief_case r
                         WHERE {_in_month('r.applied_on')} AND {_alive('r')}""", ("case_type",)),
    "approved": Source(f"""SELECT r.owner, r.id, 0 AS amount FROM read_relief_case r
                          WHERE {_in_month('r.approved_on')} AND {_alive('r')}""", ()),
    # Money paid in the month (store.figures.relief_money): each advance on its day, each payment
    # after approval on its own; `payee` is the household (or the applicant without one).
    "money": Source(f"""SELECT r.owner, r.id, r.case_type, 'advance' AS paid, COALESCE(r.household_id, r.person_id) AS payee,
                               COALESCE(r.advance_amount, 0) AS amount
                        FROM read_relief_case r WHERE {_in_month('r.advance_on')} AND {_alive('r')}
                        UNION ALL
                        SELECT r.owner, r.id, r.case_type, 'payment' AS paid, COALESCE(r.household_id, r.person_id) AS payee,
                               COALESCE(r.amount_paid, 0) AS amount
                        FROM read_relief_case r WHERE {_in_month('r.paid_on')} AND {_alive('r')}""",
                    ("case_type", "paid", "payee")),
    "fund": Source("""SELECT owner, id, kind, CASE WHEN entry_date < :first THEN 'before' ELSE 'during' END AS period,
                             amount FROM read_reserve_fund_entry WHERE deleted = 0 AND entry_date <= :last""",
                   ("kind", "period")),
}


@dataclass
class Group:
    """Records of one station sharing the attributes: how many, their amount, their ids (when traced)."""

    attrs: dict[str, Any]
    n: int
    amount: int
    ids: list[str]


_PARAM = re.compile(r":(first|last|cutoff)\b")


def _bind(sql: str, month: str) -> tuple[str, list[str]]:
    """`:first`, `:last`, `:cutoff` as positional parameters (the one style both databases take)."""
    start, after = month_bounds(month)
    last = after - dt.timedelta(days=1)
    values = {"first": start.isoformat(), "last": last.isoformat(), "cutoff": cutoff(last)}
    params = [values[m[1]] for m in _PARAM.finditer(sql)]
    return _PARAM.sub("?", sql), params


def _groups(store: ServerStore, source: Source, month: str, owner: str | None) -> dict[str, list[Group]]:
    sql, params = _bind(source.sql, month)
    attrs = ", ".join(f"x.{a}" for a in source.attrs)
    keys = f", {attrs}" if attrs else ""
    if owner is None:
        rows = store.read(f"SELECT x.owner{keys}, COUNT(*) AS n, SUM(x.amount) AS amount, NULL AS id FROM ({sql}) x"
                          f" GROUP BY x.owner{keys}", params)
    else:
        rows = store.read(f"SELECT x.owner{keys}, 1 AS n, x.amount, x.id FROM ({sql}) x WHERE x.owner = ?"
                          " ORDER BY x.id", [*params, owner])
    out: dict[str, list[Group]] = {}
    for r in rows:
        out.setdefault(r["owner"], []).append(
            Group({a: r[a] for a in source.attrs}, int(r["n"]), int(r["amount"] or 0), [r["id"]] if r["id"] else []))
    return out


def _count(groups: Iterable[Group]) -> tuple[int, tuple[str, ...]]:
    found = list(groups)
    return sum(g.n for g in found), tuple(dict.fromkeys(i for g in found for i in g.ids))


def _sum(groups: Iterable[Group]) -> tuple[int, tuple[str, ...]]:
    found = list(groups)
    return sum(g.amount for g in found), tuple(dict.fromkeys(i for g in found for i in g.ids))


def frequency_rules(store: ServerStore, on: dt.date) -> dict[str | None, FrequencyRule]:
    """The elder visit rule in force on `on` for each station: the county's versions and the
    station's own, as the station reads them (reference.in_force), else the shipped default."""
    versions: dict[str, list[dict[str, Any]]] = {}
    for v in reference_versions(store, owner=None):
        if v.get("key") == elder_rules.FREQUENCY_KEY:
            versions.setdefault(v["owner"], []).append(v)
    county = versions.pop(COUNTY, [])
    fallback = reference.default(elder_rules.FREQUENCY_KEY)

    def rule(own: list[dict[str, Any]]) -> FrequencyRule:
        ordered = sorted(county + own, key=lambda v: (v["effective_from"], v["id"]))
        found = reference.in_force(((v["effective_from"], v["value"]) for v in ordered), on)
        return FrequencyRule.from_value(found if found is not None else fallback)

    rules: dict[str | None, FrequencyRule] = {owner: rule(own) for owner, own in versions.items()}
    rules[None] = rule([])
    return rules


def _children(roll: list[Group], visits: list[Group]) -> list[Figure]:
    out = [KIND[f"children.{code}"](*_count(g for g in roll if g.attrs["category"] == code))
           for code, _label in CHILD_CATEGORIES]
    need = [g for g in roll if needs_agreement(g.attrs)]
    out.append(KIND["children.agreements"](*_count(g for g in need if g.attrs["signed"]), of=_count(need)[0]))
    out.append(KIND["children.visits"](*_count(g for g in visits if g.attrs["program"] == "child")))
    out.append(KIND["children.visited"](*_count(g for g in roll if g.attrs["visited"]), of=_count(roll)[0]))
    return out


def _elders(roster: list[Group], visits: list[Group], rule: FrequencyRule, start: dt.date) -> list[Figure]:
    """The roster, the elder visits, the visits done against those the rule asks for (at most that
    many per person), and the people visited less often than asked."""
    required_of: dict[tuple[str, str | None], int] = {}
    asked: list[tuple[Group, int]] = []
    for g in roster:
        key = (g.attrs["categories"] or "[]", g.attrs["risk_level"])
        if key not in required_of:
            required_of[key] = elder_rules.required_visits(rule, start, json.loads(key[0]), key[1])
        if required_of[key]:
            asked.append((g, required_of[key]))
    done = sum(g.n * min(int(g.attrs["visits"]), required) for g, required in asked)
    visited = tuple(i for g, _ in asked if int(g.attrs["visits"]) for i in g.ids)
    return [KIND["elders.roster"](*_count(roster)),
            KIND["elders.visits"](*_count(g for g in visits if g.attrs["program"] == "elder")),
            KIND["elders.done"](done, visited, of=sum(g.n * required for g, required in asked)),
            KIND["elders.missed"](*_count(g for g, required in asked if int(g.attrs["visits"]) < required))]


def _relief(applied: list[Group], approved: list[Group], money: list[Group]) -> list[Figure]:
    out = [KIND[f"relief.applied.{code}"](*_count(g for g in applied if g.attrs["case_type"] == code))
           for code, _label in RELIEF_TYPES]
    out.append(KIND["relief.approved"](*_count(approved)))
    out += [KIND[f"relief.money.{code}"](*_sum(g for g in money if g.attrs["case_type"] == code))
            for code, _label in RELIEF_TYPES]
    out.append(KIND["relief.advances"](*_sum(g for g in money if g.attrs["paid"] == "advance")))
    payees = tuple(dict.fromkeys(g.attrs["payee"] for g in money))
    traced = any(g.ids for g in money)
    out.append(KIND["relief.households"](len(payees), payees if traced else ()))
    return out


def _signed_sum(groups: Iterable[Group]) -> tuple[int, tuple[str, ...]]:
    """The balance the entries make: outflows count against it."""
    found = list(groups)
    value = sum(-g.amount if g.attrs["kind"] in FUND_OUTFLOWS else g.amount for g in found)
    return value, tuple(i for g in found for i in g.ids)


def _fund(fund: list[Group]) -> list[Figure]:
    during = [g for g in fund if g.attrs["period"] == "during"]
    return [KIND["fund.opening"](*_signed_sum(g for g in fund if g.attrs["period"] == "before")),
            KIND["fund.in"](*_sum(g for g in during if g.attrs["kind"] not in FUND_OUTFLOWS)),
            KIND["fund.out"](*_sum(g for g in during if g.attrs["kind"] in FUND_OUTFLOWS)),
            KIND["fund.closing"](*_signed_sum(fund))]


def _figures(by_source: Mapping[str, list[Group]], rule: FrequencyRule, month: str) -> list[Figure]:
    """One station's report, in the station's order (store.monthly_report.figures)."""
    def source(name: str) -> list[Group]:
        return by_source.get(name, [])

    return (_children(source("roll"), source("visits"))
            + _elders(source("elders"), source("visits"), rule, month_bounds(month)[0])
            + _relief(source("applied"), source("approved"), source("money")) + _fund(source("fund")))


def month_figures(store: ServerStore, month: str, owner: str | None = None) -> dict[str, list[Figure]]:
    """Each station's figures for "YYYY-MM" (station_id -> figures); with `owner`, only that
    station's, each figure with the ids of the records behind it."""
    by_owner: dict[str, dict[str, list[Group]]] = {}
    with ThreadPoolExecutor(len(SOURCES)) as pool:  # one reading connection each, at once
        found = dict(zip(SOURCES, pool.map(lambda source: _groups(store, source, month, owner), SOURCES.values())))
    for name, per_station in found.items():
        for station, groups in per_station.items():
            by_owner.setdefault(station, {})[name] = groups
    stations = [owner] if owner else [r["station_id"] for r in store.read(
        "SELECT station_id FROM stations WHERE station_id IS NOT NULL ORDER BY name")]
    rules = frequency_rules(store, month_bounds(month)[0])
    return {s: _figures(by_owner.get(s, {}), rules.get(s, rules[None]), month) for s in stations}


def total(columns: Iterable[Iterable[Figure]]) -> list[Figure]:
    """The figures of several townships added up, by key in the report's order (a rate's parts
    added, then divided); a figure none of them has is left out."""
    by_key: dict[str, list[Figure]] = {}
    for column in columns:
        for f in column:
            by_key.setdefault(f.key, []).append(f)
    return [kind(sum(f.value for f in by_key[kind.key]), (),
                 sum(f.of or 0 for f in by_key[kind.key]) if kind.rate else None)
            for kind in KINDS if kind.key in by_key]
