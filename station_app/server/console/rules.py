"""参数下发: the county's reference data (relief standards and tiers, approval limits, advance cap,
visit frequencies, protection time limits). Each key's versions, a new version checked against the
key's schema at the field, previewed (what the rule would do) and then published to every station."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from station_app.core import child_rules, elder_rules, reference, relief, relief_expenditure, relief_standards
from station_app.core.elder_rules import FrequencyRule
from station_app.core.entities import CHILD_SUBTYPES, ELDER_CATEGORIES, RISK_LEVELS
from station_app.core.errors import NotFound, ValidationError
from station_app.core.fields import format_money
from station_app.server.console.web import Ask
from station_app.server.store import county_queries


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def index(ask: Ask) -> Response:
    versions = county_queries.reference_versions(ask.store)
    today = dt.date.today()
    keys = [(key, label, [v for v in versions if v["key"] == key]) for key, label in sorted(reference.KEYS.items())]
    return ask.render("rules.html", section="/rules", keys=keys, today=today.isoformat())


def _key(ask: Ask) -> str:
    key = ask.param("key")
    if key not in reference.KEYS:
        raise NotFound("没有这项参数")
    return key


def edit(ask: Ask, errors: dict[str, str] | None = None, preview: list[Table] | None = None,
         status: int = 200) -> Response:
    key = _key(ask)
    versions = [v for v in county_queries.reference_versions(ask.store) if v["key"] == key]
    current = county_queries.reference_values(ask.store, [key], dt.date.today())[key]
    text = ask.value("value") or json.dumps(current, ensure_ascii=False, indent=2)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    return ask.render("rule.html", status, section="/rules", key=key, label=reference.KEYS[key], versions=versions,
                      current=json.dumps(current, ensure_ascii=False, indent=2), text=text,
                      effective_from=ask.value("effective_from") or tomorrow, notes=ask.value("notes"),
                      errors=errors or {}, preview=preview, shipped=key not in {v["key"] for v in versions})


def _checked(ask: Ask, key: str) -> Any:
    """The typed value, parsed and checked against the key's schema; ValidationError at the field."""
    try:
        value = json.loads(ask.value("value"))
    except ValueError as exc:
        raise ValidationError({"value": f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列附近）："
                                        "请检查引号、逗号和括号"}) from None
    try:
        reference.check(key, value)
    except ValidationError as exc:  # each message names its place inside the value: shown at the value's box
        raise ValidationError({"value": "；".join(exc.errors.values())}) from None
    try:
        dt.date.fromisoformat(ask.value("effective_from"))
    except ValueError:
        raise ValidationError({"effective_from": "生效日期应写成 2027-01-01 这样的格式"}) from None
    return value


def preview(ask: Ask) -> Response:
    key = _key(ask)
    try:
        value = _checked(ask, key)
        tables = effect(key, value, ask.store)
    except ValidationError as exc:
        return edit(ask, exc.errors, status=422)
    return edit(ask, preview=tables)


def publish(ask: Ask) -> Response:
    key = _key(ask)
    try:
        value = _checked(ask, key)
        ask.store.publish_reference(key, value, ask.value("effective_from"), ask.value("notes"), ask.actor, ask.client)
    except ValidationError as exc:
        return edit(ask, exc.errors, status=422)
    return ask.redirect(f"/rules/{key}?published=1")


# -- what a rule would do -------------------------------------------------------------------------

def effect(key: str, value: Any, store: Any) -> list[Table]:
    """Tables that show what `value` would do, for a person to check before publishing."""
    today = dt.date.today()
    if key in (relief.TIERS, relief.STANDARD, relief_expenditure.EXPENDITURE):
        rules = {**county_queries.reference_values(store, (relief.TIERS, relief.STANDARD,
                                                            relief_expenditure.EXPENDITURE), today), key: value}
        standard, tiers = rules[relief.STANDARD], rules[relief.TIERS]
        emergency = [] if key == relief_expenditure.EXPENDITURE else _emergency(standard, tiers)
        return emergency + [_expenditure(standard, tiers, rules[relief_expenditure.EXPENDITURE])]
    if key in (elder_rules.FREQUENCY_KEY, child_rules.FREQUENCY_KEY):
        return _intervals(key, value)
    if key == relief.AUTHORITY:
        return [Table("审批权限", ("角色", "可审批金额上限（元）"),
                      [(relief.ROLE_NAMES.get(role, role), format_money(int(fen)))
                       for role, fen in value["approval_limit_fen"].items()]
                      + [("（超过乡镇权限的报县审批）", format_money(relief.township_limit(value)))])]
    if key == relief.ADVANCE:
        paid = [today + dt.timedelta(days=d) for d in range(7)]
        return [Table(f"先行救助每案上限 {format_money(int(value['cap_fen']))} 元；补办手续期限示例", ("先行救助日期", "补办手续期限"),
                      [(d.isoformat(), relief.paperwork_due(d, value).isoformat()) for d in paid])]
    return [Table("内容", ("项目", "值"), [(k, json.dumps(v, ensure_ascii=False)) for k, v in value.items()])]


def _areas(standard: Any) -> list[tuple[str | None, str]]:
    """The areas a standard tells apart: urban and rural, or one for the older single standard."""
    if "monthly_fen" in standard:
        return [(None, "")]
    bands = len(standard.get("towns", ()))
    note = f"，分乡镇标准的 {bands} 组乡镇按其标准另计" if bands else ""
    return [(code, f"{label}{note}") for code, label in relief_standards.AREAS]


def _emergency(standard: Any, tiers: Any) -> list[Table]:
    """急难型: the tier rule's amount by tier and household size 1–6, per area (core.relief's formula).
    支出型 is not reckoned by tier (see `_expenditure`)."""
    return [Table(f"急难型救助建议金额（{area_label + '，' if area_label else ''}元）",
                  ("档次", *(f"{n}口之家" for n in range(1, 7))),
                  [(t.label, *(format_money(relief.suggested_amount(standard, tiers, "emergency", t.tier, size, area))
                               for size in range(1, 7))) for t in relief.tiers(tiers)])
            for area, area_label in _areas(standard)]


# A rural household of three, by its rigid expenses and its yearly income (yuan): the ranges a
# 支出型 case at a township meets, to show what the rule would pay before it is published.
_EXAMPLE_SIZE, _EXAMPLE_AREA = 3, "rural"
_EXAMPLE_EXPENSES = (10_000, 30_000, 50_000, 100_000)
_EXAMPLE_INCOMES = (0, 10_000, 20_000, 40_000)


def _expenditure(standard: Any, tiers: Any, rule: Any) -> Table:
    """支出型: the amount from rigid expenses against the household's income (core.relief_expenditure),
    capped by the tier rules' 支出型 cap."""
    basis = relief_standards.standard(standard, _EXAMPLE_AREA)
    cap = int(tiers["cap_fen"]["expenditure"])

    def amount(spent: int, income: int) -> str:
        expenses = [{"category": "medical", "amount": spent * 100}]
        working = relief_expenditure.working(basis, standard, rule, cap, _EXAMPLE_SIZE, income * 100, expenses)
        return format_money(working.amount)

    area = relief_standards.area_label(_EXAMPLE_AREA) if "monthly_fen" not in standard else ""
    return Table(f"支出型救助建议金额示例（{area}{_EXAMPLE_SIZE}口之家，按刚性支出和家庭年收入计，"
                 f"封顶 {format_money(cap)} 元）",
                 ("刚性支出（元）", *(f"年收入 {format_money(i * 100)}" for i in _EXAMPLE_INCOMES)),
                 [(format_money(spent * 100), *(amount(spent, i) for i in _EXAMPLE_INCOMES))
                  for spent in _EXAMPLE_EXPENSES])


def _intervals(key: str, value: Any) -> list[Table]:
    """Days between visits by risk level and by category, per season (the shortest applicable wins)."""
    rule = FrequencyRule.from_value(value)
    categories = ELDER_CATEGORIES if key == elder_rules.FREQUENCY_KEY else (
        ("left_behind", "农村留守儿童"), ("in_difficulty", "困境儿童"), *CHILD_SUBTYPES)
    rows = [(f"风险{label}", *(s.interval((), code) for s in rule.seasons)) for code, label in RISK_LEVELS]
    rows += [(label, *(s.interval((code,), None) for s in rule.seasons)) for code, label in categories]
    seasons = tuple(f"{'、'.join(str(m) for m in sorted(s.months))}月" for s in rule.seasons)
    return [Table("走访间隔（天）", ("对象", *seasons), rows)]
