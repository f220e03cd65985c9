"""What is read about temporary relief to show and print it: a case with its context, and the
reserve fund's ledger. The store builds them; the relief dialog and the printed forms read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from station_app.core import assistance
from station_app.core.relief_standards import Working


@dataclass(frozen=True)
class Standing:
    """What a relief case shows and prints about the household's assistance: statuses in force,
    means checks, and the county's rules that name them (the station and the county read it alike)."""

    statuses: list[dict[str, Any]]  # latest start first
    means_checks: list[dict[str, Any]]  # newest request first
    kinds_rule: dict[str, Any]
    on: dt.date

    @property
    def status_text(self) -> str:
        return assistance.summary(self.statuses, self.kinds_rule, self.on)

    @property
    def means_text(self) -> str:
        """The newest result ("符合救助条件（2026-11-20，核字2026-118号）"), else the request's state."""
        verdicts = dict(assistance.VERDICTS)
        done = [c for c in self.means_checks if c.get("verdict")]
        if done:
            c = max(done, key=lambda c: c["result_on"])
            return f"{verdicts[c['verdict']]}（{c['result_on']}，{c['document_no']}）"
        asked = next((c for c in self.means_checks if c.get("requested_on")), None)
        if asked:
            return f"已于{asked['requested_on']}提请{asked['requested_to']}核对，结果未回"
        return "已签授权书，未提请核对" if self.means_checks else "未核对"


@dataclass(frozen=True)
class CaseDetails:
    """A case with what its dialog and its printed form show beside it."""

    case: dict[str, Any]
    person: dict[str, Any]
    village_name: str | None
    household: dict[str, Any] | None
    steps: list[dict[str, Any]]
    earlier: list[dict[str, Any]]  # earlier relief to the person or household, newest first
    statuses_text: str = "无"  # assistance in force for the applicant and household (其他社会救助政策兑现情况)
    means_text: str = "未核对"  # the household means check's state or result
    working: Working | None = None  # how the suggested amount was reckoned
    expenses: list[dict[str, Any]] = field(default_factory=list)  # a 支出型 case's rigid expenses

    @property
    def earlier_total(self) -> int:
        return sum(c["amount"] or 0 for c in self.earlier)


@dataclass(frozen=True)
class Ledger:
    start: dt.date
    end: dt.date
    opening: int
    entries: list[dict[str, Any]]  # with 'income', 'outgo', 'balance' (fen) and the applicant's name
    total_in: int
    total_out: int

    @property
    def closing(self) -> int:
        return self.opening + self.total_in - self.total_out
