"""Standards as the county states them: urban and rural, monthly or yearly, bands by town, rounded
once and never truncated; a malformed version never reaches a case."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_app.core import reference, relief, relief_standards
from station_app.core.errors import ValidationError
from station_app.core.ids import new_id, now_iso
from station_app.paths import resource
from station_app.store import reference_data
from station_app.store import relief as relief_store
from station_app.sync import client
from station_app.sync import protocol as p
from tests.helpers import id_number
from tests.sync_fixtures import approver, county, enrolled, postgres  # noqa: F401 (fixtures)

TODAY = dt.date(2026, 11, 23)
FUXIN = {"urban": {"amount_fen": 62400, "per": "month"}, "rural": {"amount_fen": 500000, "per": "year"},
         "basis": "阜新市：城市 624 元/人·月，农村 5000 元/人·年"}


def tier_rules() -> dict:
    return json.loads(resource("reference", "relief_tiers.json").read_text(encoding="utf-8"))


@pytest.fixture
def lone_applicant(store, village) -> dict:
    household = store.create("household", {"village_id": village["id"], "head_name": "赵秀芝"})
    return store.create("person", {"name": "赵秀芝", "id_number": id_number("19580203", 122), "village_id": village["id"],
                                   "household_id": household["id"], "relation_to_head": "head"})


def register(store, person: dict, **extra) -> dict:
    return relief_store.register(store, {"person_id": person["id"], "case_type": "emergency", "tier": 2,
                                         "reason": "冬季取暖煤被雪埋，家中断炊", "applied_on": TODAY.isoformat(), **extra}, TODAY)


def test_a_rural_yearly_standard_gives_1250_for_one_person_over_three_months(store, lone_applicant):
    reference_data.set_value(store, relief_standards.STANDARD, FUXIN, dt.date(2026, 1, 1), "阜新市2026年标准")
    case = register(store, lone_applicant)  # tier 2: 1 × the standard for 3 months
    assert case["standard_area"] == "rural"  # 前甸村 is a villagers' committee (village code 201)
    assert case["amount_suggested"] == 125000  # 5,000 × 3 / 12 — not 416.66 × 3 = 1,249.98
    working = relief_store.suggestion(store, case)
    assert working is not None and "农村低保标准 5,000.00 元/人·年" in working.text and "1,250.00 元" in working.text


def test_the_urban_standard_applies_in_a_residents_committee_and_the_worker_may_choose(store):
    community = store.create("village", {"code": "210411101003", "name": "前甸社区"})
    person = store.create("person", {"name": "钱永明", "id_number": id_number("19620517", 131),
                                     "village_id": community["id"]})
    reference_data.set_value(store, relief_standards.STANDARD, FUXIN, dt.date(2026, 1, 1))
    assert register(store, person, household_size=1)["amount_suggested"] == 62400 * 3
    assert register(store, person, household_size=1, standard_area="rural")["amount_suggested"] == 125000


def test_a_town_band_replaces_the_county_standard_for_that_town_only(store, lone_applicant):
    banded = {**FUXIN, "towns": [{"name": "一类乡镇", "codes": ["210411101"],
                                  "rural": {"amount_fen": 540000, "per": "year"}}]}
    reference_data.set_value(store, relief_standards.STANDARD, banded, dt.date(2026, 1, 1))
    assert register(store, lone_applicant)["amount_suggested"] == 135000  # 5,400 × 3 / 12
    other = relief_standards.standard(banded, "rural", "210411102")
    assert (other.amount_fen, other.per) == (500000, "year")


def test_a_standard_applies_from_its_date_and_earlier_cases_keep_theirs(store, lone_applicant):
    reference_data.set_value(store, relief_standards.STANDARD, FUXIN, dt.date(2026, 1, 1))
    raised = {**FUXIN, "rural": {"amount_fen": 540000, "per": "year"}}
    reference_data.set_value(store, relief_standards.STANDARD, raised, dt.date(2026, 11, 20))
    assert register(store, lone_applicant, applied_on="2026-11-19")["amount_suggested"] == 125000
    assert register(store, lone_applicant)["amount_suggested"] == 135000


@pytest.mark.parametrize("rounding,expected", [
    ({"to": "fen", "mode": "half_up"}, 108333),  # 6,500 × 2 / 12 = 1,083.333…
    ({"to": "yuan", "mode": "half_up"}, 108300),
    ({"to": "yuan", "mode": "up"}, 108400),
    ({"to": "jiao", "mode": "up"}, 108340),
])
def test_rounding_is_done_once_the_way_the_county_states(rounding, expected):
    standard = {**FUXIN, "rural": {"amount_fen": 650000, "per": "year"}, "rounding": rounding}
    rules = tier_rules()
    rules["tiers"][0]["months"] = 2
    assert relief.suggested_amount(standard, rules, "emergency", 1, 1, "rural") == expected


@settings(max_examples=200, deadline=None)
@given(yearly=st.integers(1, 10_000_000), months=st.integers(1, 24), members=st.integers(1, 6))
def test_a_yearly_standard_is_never_truncated_through_a_monthly_figure(yearly, months, members):
    standard = {**FUXIN, "rural": {"amount_fen": yearly, "per": "year"}}
    rules = {**tier_rules(), "tiers": [{"tier": 1, "label": "一档", "multiple": "1", "months": months}],
             "cap_fen": {"emergency": 10**12, "expenditure": 10**12}}
    exact = Decimal(yearly) * months * members / 12
    assert relief.suggested_amount(standard, rules, "emergency", 1, members, "rural") == \
        int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_an_older_version_with_one_monthly_standard_still_reads():
    reference.check(relief_standards.STANDARD, {"monthly_fen": 66500})
    legacy = relief_standards.standard({"monthly_fen": 66500}, "rural", "210411101")
    assert (legacy.amount_fen, legacy.per) == (66500, "month")


@pytest.mark.parametrize("bad,where", [
    ({**FUXIN, "rural": {"amount_fen": 500000, "per": "week"}}, "rural.per"),
    ({**FUXIN, "rural": {"amount_fen": "五千元", "per": "year"}}, "rural.amount_fen"),
    ({"urban": FUXIN["urban"]}, "rural"),
    ({**FUXIN, "towns": [{"codes": ["2104"]}]}, "towns.0.codes.0"),
    ({**FUXIN, "rounding": {"to": "hao"}}, "rounding.to"),
])
def test_a_malformed_standard_is_refused_at_the_field(bad, where):
    with pytest.raises(ValidationError) as caught:
        reference.check(relief_standards.STANDARD, bad)
    assert where in caught.value.errors


# -- a malformed county rule never reaches a case ----------------------------------------------------


def _feed_tiers(county, value, effective_from: str) -> None:
    """A tiers version put into the county's feed as it is (as an older server or a bug might have)."""
    now = now_iso()
    record = {"id": new_id(), "station_id": p.COUNTY, "rev": 1, "created_at": now, "updated_at": now,
              "created_by": "县民政局", "updated_by": "县民政局", "deleted": 0, "key": relief.TIERS,
              "value": value, "effective_from": effective_from, "notes": ""}
    with county.store.transaction() as conn:
        county.store._feed(conn, None, p.feed_record("reference_value", record, 0))


def test_a_malformed_tiers_version_is_refused_at_publish_and_ignored_on_arrival(county, database, store,
                                                                               lone_applicant):
    enrolled(county, database, "前甸镇")
    four_months = tier_rules()
    four_months["tiers"][1]["months"] = 4
    _feed_tiers(county, four_months, "2026-01-01")  # as published in January (a date now past)
    broken = tier_rules()
    broken["tiers"][1]["months"] = "三个月"  # the TypeError of old, on every later case
    with pytest.raises(ValidationError) as caught:
        county.store.publish_reference(relief.TIERS, broken, TODAY.isoformat(), "", approver())
    assert caught.value.errors["value"] == "「分档 / 第2项 / 月数」应为整数"
    _feed_tiers(county, broken, "2026-06-01")

    client.sync(database)

    assert reference_data.value(database, relief.TIERS, TODAY)["tiers"][1]["months"] == 4
    case = register(store, lone_applicant)  # the version before stays in force: 6,000 × 4 / 12
    assert case["amount_suggested"] == 200000
