"""The county's monthly figures equal the station's own 月报 for the same pushed records, figure by
figure and record by record, on SQLite and PostgreSQL; the county total adds the townships up."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.jobs import admin
from station_app.server.store import county_figures
from station_app.store import monthly_report
from station_app.sync import client
from tests.sync_fixtures import county, enrolled, new_station, postgres  # noqa: F401 (fixtures)


def shape(figures) -> list[tuple]:
    return [(f.section, f.label, f.value, f.unit, f.of) for f in figures]


TODAY = dt.date.today()
THIS_MONTH = f"{TODAY:%Y-%m}"  # the demo's profiles are entered today, its visits and relief over a year
MONTHS = [f"{(TODAY.replace(day=1) - dt.timedelta(days=31 * back)):%Y-%m}" for back in range(13)]


@pytest.fixture
def township(database, head) -> None:
    admin.load_demo(database, head, 600, today=TODAY)


def test_every_month_of_a_townships_figures_matches_its_own_monthly_report(county, database, township):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    seen = dict.fromkeys((f.label for f in monthly_report.figures(database, THIS_MONTH)), 0)
    county_wide = {month: county_figures.month_figures(county.store, month) for month in MONTHS}
    for month in MONTHS:
        own = monthly_report.figures(database, month)
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
    assert shape(columns[other.station_id]) == shape(monthly_report.figures(other, month))
    total = county_figures.total(columns.values())
    a, b = monthly_report.figures(database, month), monthly_report.figures(other, month)
    assert [f.value for f in total] == [x.value + y.value for x, y in zip(a, b)]
    rate = next(f for f in total if f.of is not None)
    assert rate.of == a[2].of + b[2].of
