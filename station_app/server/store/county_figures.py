"""The county's monthly figures: each township's 月报 and the county total, from the read tables.

The definitions are the station's own (store.monthly_report: same labels, same order, same rules
through the same core functions: who needs an agreement, how many visits the frequency rule in
force at the month's start asks of each elder), so a township's column here equals the report the
station prints for the same records; a test holds the two side by side.

Each kind of record is read by one query (a "source") that yields, per record, its station, the
attributes the figures look at and an amount. For the county table the query is grouped (a count
and a sum per station and attribute combination: a few thousand rows for a city); to trace one
station's figure to its records the same query runs ungrouped for that station and keeps the ids.
The sources run at once, each on a reading connection of its own.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from station_app.core import elder_rules, reference
from station_app.core.child_rules import needs_agreement
from station_app.core.elder_rules import FrequencyRule, month_bounds
from station_app.core.entities import CHILD_CATEGORIES, FUND_OUTFLOWS, RELIEF_TYPES
from station_app.server.store.county_queries import reference_versions
from station_app.server.store.read_tables import live_person
from station_app.server.store.storage import ServerStore
from station_app.store.monthly_report import CHILDREN, ELDERS, FUND, PAID_STATUSES, RELIEF, Figure
from station_app.store.reference_data import default as default_reference
from station_app.sync.protocol import COUNTY

_PAID = ", ".join(f"'{s}'" for s in PAID_STATUSES)


@dataclass(frozen=True)
class Source:
    sql: str  # SELECT owner, id, <attrs…>, <amount> AS amount FROM … (params: first, last, after)
    attrs: tuple[str, ...]


SOURCES: dict[str, Source] = {
    # Children on the roll at the month's end, and whether a signed agreement is in force then.
    "roll": Source("""SELECT c.owner, c.id, c.category, c.sub_type,
                             CASE WHEN EXISTS (SELECT 1 FROM read_agreement a WHERE a.child_profile_id = c.id
                                  AND a.deleted = 0 AND a.signed_date <= :last
                                  AND (a.expiry_date IS NULL OR a.expiry_date >= :last)) THEN 1 ELSE 0 END AS signed,
                             0 AS amount
                      FROM read_child_profile c WHERE c.deleted = 0 AND c.status = 'active'
                        AND substr(c.created_at, 1, 10) <= :last""", ("category", "sub_type", "signed")),
    "child_visits": Source("""SELECT owner, id, 0 AS amount FROM read_visit WHERE deleted = 0 AND program = 'child'
                              AND visit_date >= :first AND visit_date <= :last""", ()),
    # Elders on the rounds (registered before the month ended) and their visits in the month; the
    # id traced is the person's, as the station's report lists people.
    "elders": Source(f"""SELECT e.owner, e.person_id AS id, e.categories, e.risk_level, COALESCE(v.n, 0) AS visits,
                                0 AS amount
                         FROM read_elder_profile e
                         LEFT JOIN (SELECT person_id, COUNT(*) AS n FROM read_visit WHERE program = 'elder'
                                    AND deleted = 0 AND visit_date >= :first AND visit_date < :after
                                    GROUP BY person_id) v ON v.person_id = e.person_id
                         WHERE e.deleted = 0 AND e.status = 'active' AND substr(e.created_at, 1, 10) < :after
                           AND {live_person('e')}""",
                      ("categories", "risk_level", "visits")),
    "relief_applied": Source("""SELECT owner, id, case_type, 0 AS amount FROM read_relief_case WHERE deleted = 0
                                AND applied_on >= :first AND applied_on <= :last""", ("case_type",)),
    "relief_paid": Source(f"""SELECT owner, id, case_type, COALESCE(amount_paid, 0) AS amount FROM read_relief_case
                              WHERE deleted = 0 AND paid_on >= :first AND paid_on <= :last AND status IN ({_PAID})""",
                          ("case_type",)),
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


def _bind(sql: str, month: str) -> tuple[str, list[str]]:
    """`:first`, `:last`, `:after` as positional parameters (the one style both databases take)."""
    start, after = month_bounds(month)
    values = {"first": start.isoformat(), "last": (after - dt.timedelta(days=1)).isoformat(),
              "after": after.isoformat()}
    params: list[str] = []
    out = []
    for piece in sql.replace(":first", "\0first\0").replace(":last", "\0last\0").replace(":after", "\0after\0").split("\0"):
        if piece in values:
            out.append("?")
            params.append(values[piece])
        else:
            out.append(piece)
    return "".join(out), params


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
    return sum(g.n for g in found), tuple(i for g in found for i in g.ids)


def _sum(groups: Iterable[Group]) -> tuple[int, tuple[str, ...]]:
    found = list(groups)
    return sum(g.amount for g in found), tuple(i for g in found for i in g.ids)


def frequency_rules(store: ServerStore, on: dt.date) -> dict[str | None, FrequencyRule]:
    """The elder visit rule in force on `on` for each station: the county's versions and the
    station's own, as the station reads them (reference.in_force), else the shipped default."""
    versions: dict[str, list[dict[str, Any]]] = {}
    for v in reference_versions(store, owner=None):
        if v.get("key") == elder_rules.FREQUENCY_KEY:
            versions.setdefault(v["owner"], []).append(v)
    county = versions.pop(COUNTY, [])
    fallback = default_reference(elder_rules.FREQUENCY_KEY)

    def rule(own: list[dict[str, Any]]) -> FrequencyRule:
        ordered = sorted(county + own, key=lambda v: (v["effective_from"], v["id"]))
        found = reference.in_force(((v["effective_from"], v["value"]) for v in ordered), on)
        return FrequencyRule.from_value(found if found is not None else fallback)

    rules: dict[str | None, FrequencyRule] = {owner: rule(own) for owner, own in versions.items()}
    rules[None] = rule([])
    return rules


def _fig(section: str, label: str, unit: str, entity_name: str, found: tuple[int, tuple[str, ...]],
         of: int | None = None) -> Figure:
    return Figure(section, label, found[0], unit, entity_name, found[1], of)


def _elder_figures(groups: list[Group], rule: FrequencyRule, start: dt.date) -> list[Figure]:
    """The roster, the visits done against those the rule asks for (at most that many per person),
    and the people visited less often than asked."""
    required_of: dict[tuple[str, str | None], int] = {}
    asked: list[tuple[Group, int]] = []
    for g in groups:
        key = (g.attrs["categories"] or "[]", g.attrs["risk_level"])
        if key not in required_of:
            required_of[key] = elder_rules.required_visits(rule, start, json.loads(key[0]), key[1])
        if required_of[key]:
            asked.append((g, required_of[key]))
    done = sum(g.n * min(int(g.attrs["visits"]), required) for g, required in asked)
    visited = tuple(i for g, _ in asked if int(g.attrs["visits"]) for i in g.ids)
    return [_fig(ELDERS, "探访名单在册老人", "人", "person", _count(groups)),
            _fig(ELDERS, "本月探访完成（次，按应访次数计）", "次", "person", (done, visited),
                 of=sum(g.n * required for g, required in asked)),
            _fig(ELDERS, "本月未按要求探访的老人", "人", "person",
                 _count(g for g, required in asked if int(g.attrs["visits"]) < required))]


def _signed_sum(groups: Iterable[Group]) -> tuple[int, tuple[str, ...]]:
    """The balance the entries make: outflows count against it."""
    found = list(groups)
    value = sum(-g.amount if g.attrs["kind"] in FUND_OUTFLOWS else g.amount for g in found)
    return value, tuple(i for g in found for i in g.ids)


def _fund_figures(fund: list[Group]) -> list[Figure]:
    during = [g for g in fund if g.attrs["period"] == "during"]
    return [_fig(FUND, "期初余额", "元", "reserve_fund_entry", _signed_sum(g for g in fund if g.attrs["period"] == "before")),
            _fig(FUND, "本月拨入、归还和调增", "元", "reserve_fund_entry",
                 _sum(g for g in during if g.attrs["kind"] not in FUND_OUTFLOWS)),
            _fig(FUND, "本月先行救助支出和调减", "元", "reserve_fund_entry",
                 _sum(g for g in during if g.attrs["kind"] in FUND_OUTFLOWS)),
            _fig(FUND, "期末余额", "元", "reserve_fund_entry", _signed_sum(fund))]


def _figures(by_source: Mapping[str, list[Group]], rule: FrequencyRule, month: str) -> list[Figure]:
    """One station's report, in the station's order (store.monthly_report.figures)."""
    roll = by_source.get("roll", [])
    out = [_fig(CHILDREN, f"在册{label}", "人", "child_profile", _count(g for g in roll if g.attrs["category"] == code))
           for code, label in CHILD_CATEGORIES]
    need = [g for g in roll if needs_agreement(g.attrs)]
    out.append(_fig(CHILDREN, "委托照护协议签订率（需签订协议的儿童）", "人", "child_profile",
                    _count(g for g in need if g.attrs["signed"]), of=_count(need)[0]))
    out.append(_fig(CHILDREN, "本月走访儿童", "次", "visit", _count(by_source.get("child_visits", []))))
    out += _elder_figures(by_source.get("elders", []), rule, month_bounds(month)[0])
    applied, paid = by_source.get("relief_applied", []), by_source.get("relief_paid", [])
    out += [_fig(RELIEF, f"受理{label}救助", "件", "relief_case", _count(g for g in applied if g.attrs["case_type"] == code))
            for code, label in RELIEF_TYPES]
    out += [_fig(RELIEF, f"发放{label}救助金额", "元", "relief_case", _sum(g for g in paid if g.attrs["case_type"] == code))
            for code, label in RELIEF_TYPES]
    return out + _fund_figures(by_source.get("fund", []))


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


def total(columns: Iterable[list[Figure]]) -> list[Figure]:
    """The county's figures: each township's added up (a rate's parts added, then divided)."""
    found = list(columns)
    if not found:
        return []
    return [Figure(f.section, f.label, sum(c[i].value for c in found), f.unit, f.entity, (),
                   None if f.of is None else sum(c[i].of or 0 for c in found))
            for i, f in enumerate(found[0])]
