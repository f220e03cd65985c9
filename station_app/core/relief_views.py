"""What is read about temporary relief to show and print it: a case with its context, and the
reserve fund's ledger. The store builds them; the relief dialog and the printed forms read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from station_app.core.relief_standards import Working


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
