"""What 参数下发 shows before a relief rule is published: 急难型 amounts by tier for urban and rural
households, and 支出型 amounts from rigid expenses against income (never by tier), each reckoned
with the rules in force beside the version being previewed. Worked by hand from the defaults:
rural standard 6,000 yuan a year, a household of three keeps 1.5 × 6,000 × 3 = 27,000 yuan."""

from __future__ import annotations

from pathlib import Path

import pytest

from station_app.core import reference, relief, relief_expenditure
from station_app.server.console.rules import Table, effect
from station_app.server.store.storage import ServerStore


@pytest.fixture
def store(tmp_path: Path) -> ServerStore:
    return ServerStore(tmp_path / "county.db")


def row(table: Table, first: str) -> tuple:
    return next(r for r in table.rows if r[0] == first)


def test_expenditure_is_previewed_from_rigid_expenses_and_income(store):
    [table] = effect(relief_expenditure.EXPENDITURE, {"protected_multiple": "1.5", "share": "0.6"}, store)
    assert "支出型" in table.title and "3口之家" in table.title
    # Income 40,000 leaves 13,000 of capacity; 30,000 of expenses exceed it by 17,000; 60% of that.
    assert row(table, "30,000.00")[1:] == ("18,000.00", "18,000.00", "18,000.00", "10,200.00")
    # 60% of 100,000 is above the 支出型 cap of 20,000 in the default tier rules.
    assert row(table, "100,000.00")[1] == "20,000.00"


def test_a_new_cap_in_the_tier_rules_shows_in_the_expenditure_preview(store):
    tiers = {**reference.default(relief.TIERS), "cap_fen": {"emergency": 1_000_000, "expenditure": 1_500_000}}
    *emergency, expenditure = effect(relief.TIERS, tiers, store)
    assert [t.title for t in emergency] == ["急难型救助建议金额（城市，元）", "急难型救助建议金额（农村，元）"]
    assert "封顶 15,000.00 元" in expenditure.title
    assert row(expenditure, "50,000.00")[1] == "15,000.00"  # 50% of 50,000 = 25,000, capped


def test_a_standard_is_previewed_for_urban_and_rural_emergencies(store):
    standard = {**reference.default(relief.STANDARD),
                "urban": {"amount_fen": 80_000, "per": "month"}, "rural": {"amount_fen": 720_000, "per": "year"}}
    urban, rural, expenditure = effect(relief.STANDARD, standard, store)
    assert row(urban, "一档（一般困难）")[1:3] == ("800.00", "1,600.00")
    assert row(rural, "一档（一般困难）")[1:3] == ("600.00", "1,200.00")
    # A rural household of three now keeps 1.5 × 7,200 × 3 = 32,400: income 40,000 leaves 7,600.
    assert row(expenditure, "10,000.00")[1:] == ("5,000.00", "5,000.00", "5,000.00", "1,200.00")
