"""The monthly report's figures: what each one is (its key, section, label, unit and the kind of
record it counts), as the station counts them, the forms print them and the county reads them.

The catalogue (`KINDS`) is the one place a figure's words live: the station's report
(store.monthly_report) and the county's recount of the same figures (server.store.county_figures)
both make their figures from it, and a submitted report names each figure by its `key`, so the
county matches a township's figures to its own columns however the label's wording changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from station_app.core.entities import CHILD_CATEGORIES, RELIEF_TYPES
from station_app.core.fields import format_hours, format_money

CORRECTED = "（含更正）"
HOURS = "小时"  # a figure in this unit counts tenths of an hour
CHILDREN, ELDERS, RELIEF, FUND = "留守儿童和困境儿童", "特殊困难老年人探访", "临时救助", "临时救助备用金"


@dataclass(frozen=True)
class Figure:
    section: str
    label: str
    value: int
    unit: str  # 人, 次, 件, 户, 元 (value in fen), 小时 (value in tenths)
    entity: str  # the kind of record in `ids`: person, child_profile, visit, relief_case, household, …
    ids: tuple[str, ...]
    of: int | None = None  # for a rate: value of `of` (e.g. agreements signed of children who need one)
    key: str = ""  # a name that stays when the label's wording changes (the county matches by it)
    corrected: bool = False  # a business date in its section was corrected after the month

    @property
    def text(self) -> str:
        """The value with its unit named: "25 人", "1,200.00 元", "20 / 25 人（80.0%）"."""
        number = (f"{format_money(self.value)} 元" if self.unit == "元" else
                  f"{format_hours(self.value)} 小时" if self.unit == HOURS else f"{self.value:,} {self.unit}")
        if self.of is not None:
            rate = f"{self.value / self.of:.1%}" if self.of else "—"
            number = f"{self.value:,} / {self.of:,} {self.unit}（{rate}）"
        return number + (CORRECTED if self.corrected else "")

    def summary(self) -> dict[str, Any]:
        """The figure without its records, as a submitted report keeps it."""
        return {"key": self.key, "section": self.section, "label": self.label, "value": self.value,
                "unit": self.unit, "of": self.of}


@dataclass(frozen=True)
class FigureKind:
    """One figure of the report: what it is called and what it counts (README: the 月报 table)."""

    key: str
    section: str
    label: str
    unit: str
    entity: str
    rate: bool = False  # counted "of" a whole (value / of)

    def __call__(self, value: int, ids: tuple[str, ...], of: int | None = None) -> Figure:
        return Figure(self.section, self.label, value, self.unit, self.entity, ids, of if self.rate else None, self.key)


KINDS: tuple[FigureKind, ...] = (
    *(FigureKind(f"children.{code}", CHILDREN, f"在册{label}", "人", "child_profile") for code, label in CHILD_CATEGORIES),
    FigureKind("children.agreements", CHILDREN, "委托照护协议签订率（需签订协议的儿童）", "人", "child_profile", rate=True),
    FigureKind("children.visits", CHILDREN, "本月走访儿童", "次", "visit"),
    FigureKind("children.visited", CHILDREN, "本月走访覆盖在册儿童", "人", "child_profile", rate=True),
    FigureKind("elders.roster", ELDERS, "探访名单在册老人", "人", "person"),
    FigureKind("elders.visits", ELDERS, "本月探访老人", "次", "visit"),
    FigureKind("elders.done", ELDERS, "本月探访完成（按应访次数计）", "次", "person", rate=True),
    FigureKind("elders.missed", ELDERS, "本月未按要求探访的老人", "人", "person"),
    *(FigureKind(f"relief.applied.{code}", RELIEF, f"受理{label}救助", "件", "relief_case") for code, label in RELIEF_TYPES),
    FigureKind("relief.approved", RELIEF, "审批同意救助", "件", "relief_case"),
    *(FigureKind(f"relief.money.{code}", RELIEF, f"支出{label}救助金（含先行救助）", "元", "relief_case")
      for code, label in RELIEF_TYPES),
    FigureKind("relief.advances", RELIEF, "其中：先行救助", "元", "relief_case"),
    FigureKind("relief.households", RELIEF, "获得救助金的家庭", "户", "household"),
    FigureKind("fund.opening", FUND, "期初余额", "元", "reserve_fund_entry"),
    FigureKind("fund.in", FUND, "本月拨入、归还和调增", "元", "reserve_fund_entry"),
    FigureKind("fund.out", FUND, "本月先行救助支出和调减", "元", "reserve_fund_entry"),
    FigureKind("fund.closing", FUND, "期末余额", "元", "reserve_fund_entry"),
)
KIND: dict[str, FigureKind] = {k.key: k for k in KINDS}


def previous_month(today: dt.date) -> str:
    """Reports are made for the month just ended: "YYYY-MM"."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"
