"""The county's monthly figures equal the station's own 月报 for the same pushed records, figure by
figure and record by record, on SQLite and PostgreSQL; the county total adds the townships up."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.jobs import admin
from station_app.server.store import county_figures
from station_app.store import monthly_report, relief, relief_expenses
from station_app.store.records import RecordStore
from station_app.sync import client
from tests.figure_history import APPROVER_ACTOR, D, build, without_means_check_or_notice
from tests.helpers import id_number
from tests.test_figures import CORRECTED_SEPTEMBER, EXPECTED, values
from tests.sync_fixtures import county, enrolled, new_station, postgres  # noqa: F401 (fixtures)


def shape(figures) -> list[tuple]:
    return [(f.section, f.label, f.value, f.unit, f.of) for f in figures]


# Figures only the station counts: intake reports (主动发现), the station's own ledger and the
# assistance statuses held (救助保障对象) reach the county in the submitted report, not in a recount
# of its own (it has no read tables or no recount for them yet).
STATION_ONLY = ("intake.", "ledger.", "assistance.")


def county_keys(expected: dict) -> dict:
    return {key: value for key, value in expected.items() if not key.startswith(STATION_ONLY)}


def recounted(figures) -> list:
    """The station's figures the county recounts, in the report's order."""
    return [f for f in figures if not f.key.startswith(STATION_ONLY)]


TODAY = dt.date.today()
THIS_MONTH = f"{TODAY:%Y-%m}"  # the demo's profiles are entered today, its visits and relief over a year
MONTHS = [f"{(TODAY.replace(day=1) - dt.timedelta(days=31 * back)):%Y-%m}" for back in range(13)]


@pytest.fixture
def township(database, head, store) -> None:
    admin.load_demo(database, head, 600, today=TODAY)
    # The demo's dozen or so cases over two years need not hold an expenditure case paid within
    # these thirteen months: one paid today makes sure every figure has something to compare.
    [village] = database.query("SELECT id FROM village ORDER BY code LIMIT 1")
    person = store.create("person", {"name": "孙大山", "id_number": id_number("19600611", 997),
                                     "village_id": village["id"], "address": "前甸村3组12号"})
    without_means_check_or_notice(store, TODAY)
    case = relief.register(store, {"person_id": person["id"], "case_type": "expenditure", "tier": 1,
                                   "household_size": 2, "reason": "住院自付费用高", "applied_on": TODAY.isoformat(),
                                   "household_income": "20000"}, TODAY)
    case = relief.act(store, case["id"], "verify", case["rev"], today=TODAY)
    relief_expenses.add(store, case["id"], {"category": "medical", "amount": "6000", "description": "住院自付部分",
                                            "evidence": "住院收费票据"})
    case = relief.act(store, case["id"], "submit", store.get("relief_case", case["id"])["rev"], today=TODAY,
                      amount="1420", reason="按自付医疗费用核定")
    approver = RecordStore(database, APPROVER_ACTOR, today=TODAY)  # the township decides
    case = relief.act(approver, case["id"], "approve", case["rev"], today=TODAY, amount="1420")
    relief.act(store, case["id"], "pay", case["rev"], today=TODAY)


def test_every_month_of_a_townships_figures_matches_its_own_monthly_report(county, database, township):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    seen = dict.fromkeys((f.label for f in recounted(monthly_report.figures(database, THIS_MONTH))), 0)
    county_wide = {month: county_figures.month_figures(county.store, month) for month in MONTHS}
    for month in MONTHS:
        own = recounted(monthly_report.figures(database, month))
        assert shape(county_wide[month][database.station_id]) == shape(own), month
        traced = county_figures.month_figures(county.store, month, owner=database.station_id)[database.station_id]
        for mine, theirs in zip(traced, own):
            assert (mine.entity, sorted(mine.ids)) == (theirs.entity, sorted(theirs.ids)), (month, mine.label)
            seen[theirs.label] += theirs.value
    assert all(seen.values()), seen  # every figure had something to count in some month


def test_the_county_total_adds_the_townships_and_a_rate_from_its_parts(county, database, township, tmp_path):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    other, other_head = new_station(tmp_path / "b", "章党镇", "210411102")
    admin.load_demo(other, other_head, 200, today=TODAY, seed=7)
    enrolled(county, other, "章党镇")
    client.sync(other)
    month = THIS_MONTH
    columns = county_figures.month_figures(county.store, month)
    assert shape(columns[other.station_id]) == shape(recounted(monthly_report.figures(other, month)))
    total = county_figures.total(columns.values())
    a, b = recounted(monthly_report.figures(database, month)), recounted(monthly_report.figures(other, month))
    assert [f.value for f in total] == [x.value + y.value for x, y in zip(a, b)]
    rate = next(f for f in total if f.of is not None)
    assert rate.of == a[2].of + b[2].of


def test_a_known_history_counts_the_same_at_the_county_month_by_month(county, database, head, monkeypatch):
    """The hand-worked history of tests/test_figures.py, pushed: business dates, a correction and a
    deletion after the month, relief with and without an advance, the reserve fund. Its later
    changes of a child's category and an elder's risk level are left out: the station takes those as
    they were at the month's end from its audit log, which never reaches the county (whose live count
    groups by the records as they stand), and the submitted report is what carries them."""
    history = build(database, head, monkeypatch, until=D(2026, 11, 1))
    store = history.on(D(2026, 11, 3))
    history.update("丁", {"entered_on": "2026-10-12"})  # a correction: she leaves September's roll
    gone = history.visits["丁 2026-10-15"]
    store.delete("visit", gone["id"], gone["rev"])  # deleted after October: still October's visit
    enrolled(county, database, "前甸镇")
    client.sync(database)
    for month in ("2026-08", "2026-09", "2026-10"):
        own = recounted(monthly_report.figures(database, month))
        theirs = county_figures.month_figures(county.store, month, owner=database.station_id)[database.station_id]
        assert shape(theirs) == shape(own), month
        assert [(f.entity, sorted(f.ids)) for f in theirs] == [(f.entity, sorted(f.ids)) for f in own], month
    october = county_figures.month_figures(county.store, "2026-10")[database.station_id]
    assert values(october) == county_keys(EXPECTED["2026-10"])
    assert values(county_figures.month_figures(county.store, "2026-09")[database.station_id]) == \
        county_keys({**EXPECTED["2026-09"], **CORRECTED_SEPTEMBER})
