"""The monthly report's figures as the store counts them and the forms print them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station_app.core.fields import format_hours, format_money

CORRECTED = "（含更正）"
HOURS = "小时"  # a figure in this unit counts tenths of an hour


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
