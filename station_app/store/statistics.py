"""The station's figures for the 统计 page, read-only.

Each figure is a list of (label, count) in display order, labels in Chinese from the entity
declarations. Who is on a roll, which visits, cases and payments a month holds are counted by
store.figures, the definitions the monthly report uses, so a month reads the same on both.
`station_figures` gathers them all in one call so the UI can run it off the UI thread (the people
counts scan the person table: the ranges cover most of it, so an index would not help).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from station_app.core.entities import CHILD_CATEGORIES, ELDER_CATEGORIES, PROGRAMS
from station_app.core.dates import birthday_cutoff
from station_app.core.jobs import JobState
from station_app.core.reports import Figure
from station_app.store import children as children_store
from station_app.store import elder_rounds, figures, ledger_figures, monthly_report, relief
from station_app.store.database import StationDatabase

Series = list[tuple[str, int]]

# Age bands as the field reads them: children, working age, and the elderly in ten-year steps
# (80+ is 高龄, where allowances start). Each entry: (label, lowest age in the band).
# Labels without 岁 (the chart's title says it): QtCharts elides labels wider than their bar.
AGE_BANDS = (("0–5", 0), ("6–17", 6), ("18–44", 18), ("45–59", 45), ("60–69", 60), ("70–79", 70), ("80+", 80))
NO_VILLAGE = "未填村（社区）"


@dataclass(frozen=True)
class StationFigures:
    today: dt.date
    people_total: int
    people_by_village: Series
    age_bands: Series
    children_by_category: Series
    elders_by_category: Series
    # Month labels ("2026-01") and, per program label, one count per month.
    months: list[str]
    visits_by_month: dict[str, list[int]]
    relief: relief.ReliefFigures
    # The elderly rounds this month (store.elder_rounds.elder_figures).
    elder_rounds: dict[str, Any] = field(default_factory=dict)
    # Children: by village, agreements, visit coverage, protection cases (store.children.child_figures).
    children: dict[str, Any] = field(default_factory=dict)
    # The station's own ledger this year (store.ledger_figures) and the plans' targets (percent).
    ledger: list[Figure] = field(default_factory=list)
    ledger_targets: dict[str, Any] = field(default_factory=dict)
    # The 月报's 救助保障对象 lines as of today: people as 人, households as 户.
    statuses: list[Figure] = field(default_factory=list)


def people_counts(database: StationDatabase, today: dt.date) -> tuple[Series, Series]:
    """(people by village, people by age band) from one pass over the person table."""
    # ISO dates compare as text: born on or before the cutoff means at least that old.
    cases = " ".join(f"WHEN p.birth_date <= ? THEN {i}" for i in reversed(range(1, len(AGE_BANDS))))
    params = [birthday_cutoff(today, low) for _, low in reversed(AGE_BANDS[1:])]
    by_village: dict[str | None, tuple[str, int]] = {}
    by_band = [0] * len(AGE_BANDS)
    for village_id, name, band, n in database.conn.execute(
        f"""SELECT p.village_id, v.name, CASE {cases} ELSE 0 END AS band, COUNT(*)
            FROM person p LEFT JOIN village v ON v.id = p.village_id
            WHERE p.deleted = 0 GROUP BY p.village_id, band ORDER BY v.code IS NULL, v.code""",
        params,
    ):
        by_village[village_id] = (name or NO_VILLAGE, by_village.get(village_id, ("", 0))[1] + n)
        by_band[band] += n
    return list(by_village.values()), [(label, by_band[i]) for i, (label, _) in enumerate(AGE_BANDS)]


def children_by_category(roll: figures.Rows) -> Series:
    """Children on the roll (store.figures.children_on_roll) per category."""
    counts = Counter(r["category"] for r in roll)
    return [(label, counts.get(code, 0)) for code, label in CHILD_CATEGORIES]


def elders_by_category(roster: figures.Rows) -> Series:
    """Elders on the roster (store.figures.elders_on_roster) per category; one elder may be in
    several (独居 and 失能), so counted in each."""
    counts = Counter(c for r in roster for c in r["categories"])
    return [(label, counts.get(code, 0)) for code, label in ELDER_CATEGORIES]


def last_months(today: dt.date, count: int = 12) -> list[str]:
    """"YYYY-MM" of the `count` months ending with today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def visits_by_month(database: StationDatabase, months: list[str]) -> dict[str, list[int]]:
    """Visits per program label and month over `months` (store.figures.visit_counts)."""
    periods = [monthly_report.period(m) for m in months]
    return {label: figures.visit_counts(database, code, periods) for code, label in PROGRAMS}


def station_figures(database: StationDatabase, state: JobState | None = None,
                    today: dt.date | None = None) -> StationFigures:
    """All figures of the 统计 page; `state` lets the UI's job runner report and cancel between them."""
    state = state or JobState()
    today = today or dt.date.today()
    state.report(0, 7, "正在统计人员…")
    by_village, bands = people_counts(database, today)
    state.report(1, 7, "正在统计项目人数…")
    # Today's rolls, counted once for the charts, the children's figures and the care rates.
    roll, roster = figures.children_on_roll(database, today), figures.elders_on_roster(database, today)
    children, elders = children_by_category(roll), elders_by_category(roster)
    state.report(2, 7, "正在统计走访…")
    months = last_months(today)
    visits = visits_by_month(database, months)
    state.report(3, 7, "正在统计老年人探访…")
    rounds = elder_rounds.elder_figures(database, today)
    state.report(4, 7, "正在统计临时救助…")
    relief_figures = relief.figures(database, months)
    state.report(5, 7, "正在统计留守儿童…")
    child_figures = children_store.child_figures(database, today, roll=roll)
    state.report(6, 7, "正在统计站务台账…")
    statuses = figures.statuses(database, today)  # for the care rates and the status lines
    ledger = ledger_figures.figures(database, today.replace(month=1, day=1), today, "本年", roster=roster,
                                    statuses=statuses)
    status_lines = monthly_report.status_figures(database, today, statuses, as_of="")
    state.report(7, 7)
    return StationFigures(today, sum(n for _, n in by_village), by_village, bands, children, elders, months, visits,
                          relief_figures, rounds, child_figures, ledger, ledger_figures.targets(database, today),
                          status_lines)
