"""The minimum-living standards (低保标准) relief amounts are reckoned from, as a county states them.

A county sets an urban and a rural standard, each per month or per year (rural standards are often
yearly: 5,000 yuan a year), and may set other amounts for some towns (bands by town). An amount
over some months is worked out exactly — a yearly standard is never first cut to a monthly figure —
and rounded once, at the end, the way the county says (to the fen, the jiao or the yuan; half up,
or always up). An older version of the rule with one monthly standard for everyone still reads.

Which standard applies follows the applicant's village (村/社区): the statistical division code's
last three digits say whether it is a residents' committee (001–199, urban) or a villagers'
committee (200–399, rural); a worker may correct it on the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from station_app.core import reference
from station_app.core.fields import format_money

STANDARD = "relief_standard"
AREAS = (("urban", "城市"), ("rural", "农村"))
PERIODS = (("month", "月"), ("year", "年"))
_AREA_LABELS = dict(AREAS)
_PERIOD_LABELS = dict(PERIODS)
# Rounding units in fen, and the ways to round.
_UNITS = {"fen": 1, "jiao": 10, "yuan": 100}
_UNIT_LABELS = {"fen": "分", "jiao": "角", "yuan": "元"}
_MODES = {"half_up": ROUND_HALF_UP, "up": ROUND_UP}
_MODE_LABELS = {"half_up": "四舍五入", "up": "进位"}

_FEN = {"type": "integer", "minimum": 1, "maximum": 100_000_000}
_AMOUNT = {"type": "object", "required": ["amount_fen", "per"], "additionalProperties": False, "properties": {
    "amount_fen": {**_FEN, "title": "标准金额（分）"},
    "per": {"type": "string", "title": "计算周期", "enum": [code for code, _ in PERIODS]}}}
_BASIS = {"type": "string", "title": "依据", "maxLength": 500}
_CURRENT = {
    "type": "object", "required": ["urban", "rural"],
    "properties": {
        "urban": {**_AMOUNT, "title": "城市低保标准"},
        "rural": {**_AMOUNT, "title": "农村低保标准"},
        "rounding": {"type": "object", "title": "取整方式", "additionalProperties": False, "properties": {
            "to": {"type": "string", "title": "取整到", "enum": list(_UNITS)},
            "mode": {"type": "string", "title": "方式", "enum": list(_MODES)}}},
        "towns": {"type": "array", "title": "分乡镇标准", "maxItems": 100, "items": {
            "type": "object", "required": ["codes"], "additionalProperties": False, "properties": {
                "name": {"type": "string", "title": "名称", "maxLength": 40},
                "codes": {"type": "array", "title": "乡镇区划代码", "minItems": 1, "maxItems": 100, "items": {
                    "type": "string", "pattern": r"^\d{9}$", "description": "9位乡镇区划代码"}},
                "urban": {**_AMOUNT, "title": "城市低保标准"},
                "rural": {**_AMOUNT, "title": "农村低保标准"}}}},
        "basis": _BASIS}}
# The shape before the urban/rural split: one monthly standard for every case.
_ONE_MONTHLY = {"type": "object", "required": ["monthly_fen"], "additionalProperties": False,
                "properties": {"monthly_fen": {**_FEN, "title": "每人每月标准（分）"}, "basis": _BASIS}}
reference.register(STANDARD, "低保标准（城市、农村，临时救助计算基数）", {"anyOf": [_ONE_MONTHLY, _CURRENT]})


@dataclass(frozen=True)
class Standard:
    """One standard: an amount per person per month or per year."""

    amount_fen: int
    per: str  # 'month' | 'year'
    area: str  # 'urban' | 'rural'

    def over(self, months: Decimal) -> Decimal:
        """The exact amount per person over `months` (which may carry a tier's multiple and the
        members counted): divided by 12 last, so a yearly 5,000 yuan over 3 months is 1,250.00,
        never 416.66… × 3."""
        return Decimal(self.amount_fen) * months / (12 if self.per == "year" else 1)

    @property
    def yearly(self) -> Decimal:
        return Decimal(self.amount_fen) * (1 if self.per == "year" else 12)

    @property
    def text(self) -> str:
        """"农村低保标准 5,000.00 元/人·年" """
        return f"{_AREA_LABELS[self.area]}低保标准 {format_money(self.amount_fen)} 元/人·{_PERIOD_LABELS[self.per]}"


@dataclass(frozen=True)
class Working:
    """An amount with the steps that led to it, for the worker and the printed form to read."""

    amount: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "；".join(self.lines)


def standard(value: Mapping[str, Any], area: str | None, town_code: str | None = None) -> Standard:
    """The standard in `value` for `area` ('urban' or 'rural'; urban when unknown) in the town
    `town_code` (its band's amount where the county set one for that town)."""
    area = area if area in _AREA_LABELS else "urban"
    if "monthly_fen" in value:
        return Standard(int(value["monthly_fen"]), "month", area)
    chosen = value[area]
    for band in value.get("towns", ()):
        if town_code in band["codes"] and area in band:
            chosen = band[area]
    return Standard(int(chosen["amount_fen"]), chosen["per"], area)


def rounded(exact: Decimal, value: Mapping[str, Any]) -> int:
    """`exact` fen rounded once as the county states (to the fen, half up, unless it says otherwise)."""
    rule = value.get("rounding") or {}
    unit = _UNITS[rule.get("to", "fen")]
    steps = (exact / unit).quantize(Decimal(1), rounding=_MODES[rule.get("mode", "half_up")])
    return int(steps) * unit


def rounding_text(value: Mapping[str, Any]) -> str:
    rule = value.get("rounding") or {}
    return f"{_MODE_LABELS[rule.get('mode', 'half_up')]}到{_UNIT_LABELS[rule.get('to', 'fen')]}"


def area_of_village(code: str | None) -> str | None:
    """'urban' for a residents' committee (社区/居委会, 001–199), 'rural' for a villagers' committee
    (村委会, 200–399), None when the code does not say."""
    if not code or len(code) != 12 or not code.isdigit():
        return None
    suffix = int(code[9:])
    return "urban" if 1 <= suffix <= 199 else "rural" if 200 <= suffix <= 399 else None


def area_label(area: str | None) -> str:
    return _AREA_LABELS.get(area or "", "")
