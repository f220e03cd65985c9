"""The monthly report's figures as the store counts them and the forms print them."""

from __future__ import annotations

from dataclasses import dataclass

from station_app.core.fields import format_money


@dataclass(frozen=True)
class Figure:
    section: str
    label: str
    value: int
    unit: str  # 人, 次, 件, 元 (value in fen)
    entity: str  # the kind of record in `ids`: person, child_profile, visit, relief_case, reserve_fund_entry
    ids: tuple[str, ...]
    of: int | None = None  # for a rate: value of `of` (e.g. agreements signed of children who need one)

    @property
    def text(self) -> str:
        number = f"{format_money(self.value)} 元" if self.unit == "元" else f"{self.value:,} {self.unit}"
        if self.of is None:
            return number
        rate = f"{self.value / self.of:.1%}" if self.of else "—"
        return f"{self.value:,} / {self.of:,}（{rate}）"
