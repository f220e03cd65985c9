"""The visit frequency rule, pure: intervals by category, risk and season; due dates; follow-ups."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from station_app.core import elder_rules
from station_app.core.elder_rules import FrequencyRule
from station_app.paths import resource

D = dt.date


@pytest.fixture
def rule() -> FrequencyRule:
    """The default the program ships (winter Nov–Mar; high risk weekly; key people monthly)."""
    text = resource("reference", f"{elder_rules.FREQUENCY_KEY}.json").read_text(encoding="utf-8")
    return FrequencyRule.from_value(json.loads(text))


@pytest.mark.parametrize(("categories", "risk", "summer", "winter"), [
    (["family_planning"], "low", 90, 30),  # others: quarterly, monthly in winter
    (["empty_nest"], "low", 30, 30),  # key people: monthly
    (["alone"], "low", 30, 14),  # living alone: twice a month in winter
    (["alone", "disabled"], None, 30, 14),
    (["family_planning"], "medium", 30, 14),
    (["empty_nest"], "high", 7, 7),  # high risk: weekly all year
    ([], None, 90, 30),  # nothing recorded: the season's default
])
def test_interval_by_category_risk_and_season(rule, categories, risk, summer, winter):
    assert rule.interval(D(2026, 7, 1), categories, risk) == summer
    assert rule.interval(D(2026, 12, 1), categories, risk) == winter


def test_the_shortest_interval_that_applies_wins(rule):
    assert rule.interval(D(2026, 6, 1), ["family_planning", "alone"], "low") == 30
    assert rule.interval(D(2026, 6, 1), ["alone"], "high") == 7


def test_next_due_adds_the_interval_within_one_season(rule):
    assert elder_rules.next_due(rule, D(2026, 5, 10), ["alone"], "low") == D(2026, 6, 9)
    assert elder_rules.next_due(rule, D(2026, 12, 1), ["alone"], "low") == D(2026, 12, 15)
    assert elder_rules.next_due(rule, D(2026, 6, 1), ["empty_nest"], "high") == D(2026, 6, 8)


def test_winter_arriving_brings_the_next_visit_forward(rule):
    # Visited 20 October, quarterly in autumn: due once winter has begun and 30 days have passed.
    assert elder_rules.next_due(rule, D(2026, 10, 20), ["family_planning"], "low") == D(2026, 11, 19)
    # Visited 15 September: 30 days are up in October, but October still asks for 90 days; winter
    # begins 1 November, by when 47 days have passed, more than winter's 30.
    assert elder_rules.next_due(rule, D(2026, 9, 15), ["family_planning"], "low") == D(2026, 11, 1)


def test_winter_ending_before_its_interval_is_up_gives_the_ordinary_interval(rule):
    assert elder_rules.next_due(rule, D(2027, 3, 15), ["family_planning"], "low") == D(2027, 6, 13)


def test_a_hazard_or_not_seeing_the_person_brings_the_next_visit_within_days(rule):
    visit = D(2026, 12, 1)
    assert elder_rules.next_due(rule, visit, ["empty_nest"], "low", hazards=["heating"]) == D(2026, 12, 4)
    assert elder_rules.next_due(rule, visit, ["empty_nest"], "low", seen_in_person=False) == D(2026, 12, 3)
    assert elder_rules.next_due(rule, visit, ["empty_nest"], "low", seen_in_person=None) == D(2026, 12, 3)
    # A weekly person is not visited later because of a follow-up.
    assert elder_rules.next_due(rule, visit, ["empty_nest"], "high", hazards=["gas"]) == D(2026, 12, 4)


def test_follow_up_reasons():
    assert elder_rules.follow_up_reasons([], True) == []
    assert elder_rules.follow_up_reasons(["falls"], 1) == ["hazard"]
    assert elder_rules.follow_up_reasons(["falls"], 0) == ["hazard", "not_seen"]
    assert elder_rules.follow_up_reasons(None, None) == ["not_seen"]


def test_a_county_rule_with_its_own_seasons_and_follow_up_days():
    rule = FrequencyRule.from_value({
        "seasons": [{"months": [1, 2], "by_risk": {"low": 10}, "default_days": 20},
                    {"months": [], "by_category": {"alone": 45}, "default_days": 60}],
        "follow_up_days": {"hazard": 1},
    })
    assert rule.interval(D(2026, 1, 5), ["alone"], "low") == 10
    assert rule.interval(D(2026, 5, 5), ["alone"], "low") == 45  # the last season covers the rest
    assert elder_rules.next_due(rule, D(2026, 5, 5), ["alone"], "low", seen_in_person=False) == D(2026, 6, 19)
    assert elder_rules.next_due(rule, D(2026, 5, 5), ["alone"], "low", hazards=["gas"]) == D(2026, 5, 6)


def test_overdue_only_after_the_due_day():
    today = D(2026, 11, 23)
    assert elder_rules.is_overdue(D(2026, 11, 22), today)
    assert not elder_rules.is_overdue(today, today)
    assert not elder_rules.is_overdue(D(2026, 11, 30), today)
    assert elder_rules.is_overdue(None, today)


def test_required_visits_in_a_month(rule):
    assert elder_rules.required_visits(rule, D(2026, 12, 1), ["empty_nest"], "high") == 4
    assert elder_rules.required_visits(rule, D(2026, 12, 1), ["alone"], "low") == 2
    assert elder_rules.required_visits(rule, D(2027, 2, 1), ["empty_nest"], "low") == 1  # 28 days, monthly
    assert elder_rules.required_visits(rule, D(2026, 7, 1), ["family_planning"], "low") == 0  # quarterly


def test_month_bounds():
    assert elder_rules.month_bounds("2026-12") == (D(2026, 12, 1), D(2027, 1, 1))
    assert elder_rules.month_bounds("2028-02") == (D(2028, 2, 1), D(2028, 3, 1))
