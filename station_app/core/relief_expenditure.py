"""支出型 temporary relief: sized by the household's rigid expenses (刚性支出), not by the standard ×
months alone (Liaoning 2021 work points; Fuxin and Benxi plans: rigid expenses are deducted in the
household's income reckoning, and the low-income line is 1.5 × the minimum-living standard).

The county's rule (reference data) says how much of its yearly income a household keeps for its
basic living (a multiple of the standard, per member) and which share of the expenses beyond what
is left the relief covers, up to the cap for 支出型 cases in the tier rules. The amount comes with
its working, line by line, for the worker, the approver and the printed form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from station_app.core import reference
from station_app.core.fields import format_money
from station_app.core.relief_standards import Standard, Working, rounded

EXPENDITURE = "relief_expenditure"
EXPENSE_CATEGORIES = (("medical", "医疗"), ("education", "教育"), ("disaster", "灾害"), ("other", "其他"))
_CATEGORY_LABELS = dict(EXPENSE_CATEGORIES)
_DECIMAL = {"type": ["string", "number"], "pattern": r"^\d{1,2}(\.\d{1,4})?$", "description": "数字，如 1.5 或 0.6"}
reference.register(EXPENDITURE, "支出型临时救助计算办法", {
    "type": "object", "required": ["protected_multiple", "share"],
    "properties": {
        "protected_multiple": {**_DECIMAL, "title": "家庭保留的基本生活费（低保标准的倍数）", "minimum": 0, "maximum": 10},
        "share": {**_DECIMAL, "title": "超出承受能力部分的救助比例", "minimum": 0, "maximum": 1},
        "basis": {"type": "string", "title": "依据", "maxLength": 500}}})


def working(standard: Standard, standard_rule: Mapping[str, Any], rule: Mapping[str, Any], cap_fen: int,
            household_size: int, income_fen: int, expenses: Sequence[Mapping[str, Any]]) -> Working:
    """The suggested amount for rigid `expenses` ({category, amount} in fen) of a household of
    `household_size` with `income_fen` a year: (expenses − (income − kept for living)) × share,
    no more than the cap; never below zero."""
    totals: dict[str, int] = {}
    for e in expenses:
        totals[e["category"]] = totals.get(e["category"], 0) + int(e["amount"])
    spent = sum(totals.values())
    parts = " + ".join(f"{_CATEGORY_LABELS.get(c, c)} {format_money(v)}" for c, v in totals.items())
    multiple = Decimal(str(rule["protected_multiple"]))
    kept = standard.yearly * multiple * household_size
    capacity = max(Decimal(0), Decimal(income_fen) - kept)
    beyond = max(Decimal(0), Decimal(spent) - capacity)
    share = Decimal(str(rule["share"]))
    exact = beyond * share
    amount = min(rounded(exact, standard_rule), cap_fen)
    lines = [
        f"刚性支出：{parts} = {format_money(spent)} 元" if len(totals) > 1 else f"刚性支出：{parts} 元",
        f"基本生活费：全年低保标准 {_money(standard.yearly)}（{standard.text}） × {multiple} 倍 × {household_size} 人"
        f" = {_money(kept)} 元",
        f"家庭承受能力：家庭年收入 {format_money(income_fen)} − 基本生活费 {_money(kept)} = {_money(capacity)} 元"
        + ("（收入不足基本生活费，按 0 元计）" if income_fen < kept else ""),
        f"超出承受能力：{format_money(spent)} − {_money(capacity)} = {_money(beyond)} 元",
        f"按 {(share * 100).normalize():f}% 救助：{_money(exact)} 元",
    ]
    if rounded(exact, standard_rule) > cap_fen:
        lines.append(f"超过支出型封顶金额，按 {format_money(cap_fen)} 元")
    return Working(amount, tuple(lines))


def _money(exact: Decimal) -> str:
    """An exact fen amount shown to the fen (a working line; the final amount is rounded by the rule)."""
    return format_money(int(exact.quantize(Decimal(1))))


def category_label(code: str) -> str:
    return _CATEGORY_LABELS.get(code, code)
