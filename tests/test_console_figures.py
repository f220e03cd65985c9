"""统计 and 查询 in a real browser, on SQLite and PostgreSQL: a township's row is its own 月报, a figure
opens the records behind it (masked), the table exports to Excel (logged), and a person is found
across townships by pinyin initials or ID number, masked until a role that may asks (logged)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from station_app.jobs import admin
from station_app.server.store import audit
from station_app.store import monthly_report
from station_app.sync import client
from tests.console_fixtures import browser, driver, people  # noqa: F401 (fixtures)
from tests.sync_fixtures import county, enrolled, new_station, postgres  # noqa: F401 (fixtures)

MONTH = f"{dt.date.today():%Y-%m}"


@pytest.fixture
def synced(county, database, head) -> None:
    admin.load_demo(database, head, 300, today=dt.date.today())
    enrolled(county, database, "前甸镇")
    client.sync(database)


def test_a_townships_row_is_its_own_monthly_report_and_a_figure_opens_its_records(browser, county, database, synced):
    browser.log_in("keyuan")
    browser.open(f"/figures?month={MONTH}")
    browser.shot("figures")
    row = browser.element("#figures tbody tr")
    own = monthly_report.figures(database, MONTH)
    assert row.find_element("css selector", "th").text == "前甸镇"
    assert [td.text for td in row.find_elements("css selector", "td")] == [f.text for f in own]
    total = browser.chrome.find_elements("css selector", "#figures tfoot th")
    assert [th.text for th in total] == ["全县合计", *(f.text for f in own)]  # one township: the total is its own
    assert browser.has("figure.chart svg rect")

    browser.submit("#figures tbody td a")  # 在册农村留守儿童
    assert f"在册农村留守儿童：{own[0].text}" in browser.text
    assert len(browser.chrome.find_elements("css selector", "table.grid tbody tr")) == own[0].value
    numbers = [td.text for td in browser.chrome.find_elements("css selector", "table.grid tbody td:nth-child(3)")]
    assert numbers and all("**********" in n for n in numbers)
    browser.submit("#reveal")
    numbers = [td.text for td in browser.chrome.find_elements("css selector", "table.grid tbody td:nth-child(3)")]
    assert all(len(n) == 18 and "*" not in n for n in numbers)
    assert [e["action"] for e in audit.entries(county.store, 2)] == ["查看完整号码", "查看统计明细"]

    with browser.http() as http:
        xlsx = http.get(f"/console/figures.xlsx?month={MONTH}")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert rows[0] == ["前甸镇", *(f.text for f in own)] and rows[-1][0] == "全县合计"
    assert audit.entries(county.store, 1)[0]["action"] == "导出统计表"


def test_a_reader_cannot_export(browser, county, synced):
    browser.log_in("chakan")
    browser.open(f"/figures?month={MONTH}")
    assert not browser.has("#export")
    browser.open(f"/figures.xlsx?month={MONTH}")
    assert "“导出数据”只能由" in browser.text


def test_search_finds_people_across_townships_masked_and_opening_one_is_logged(browser, county, database, synced,
                                                                              tmp_path):
    other, other_head = new_station(tmp_path / "b", "章党镇", "210411102")
    admin.load_demo(other, other_head, 200, today=dt.date.today(), seed=5)
    enrolled(county, other, "章党镇")
    client.sync(other)
    wang = [p for db in (database, other) for p in db.query("SELECT name, id_number FROM person WHERE name LIKE '王%'")]
    browser.log_in("keyuan")
    browser.open("/search")
    browser.fill("#q", "w")
    browser.submit("#search")
    stations = {td.text for td in browser.chrome.find_elements("css selector", "table.grid tbody td:first-child")}
    assert stations == {"前甸镇", "章党镇"}
    assert not any(p["id_number"] in browser.text for p in wang)
    target = wang[0]
    browser.fill("#q", target["id_number"][-6:])  # the digits read off the end of a card
    browser.submit("#search")
    assert target["name"] in browser.text and target["id_number"] not in browser.text
    browser.submit("table.grid tbody a")
    assert browser.element("h1").text.startswith(target["name"])
    assert audit.entries(county.store, 1)[0]["action"] == "打开人员档案"
    browser.submit("#reveal")
    assert browser.element("#id-number").text == target["id_number"]
    assert audit.entries(county.store, 1)[0]["action"] == "查看完整号码"
    browser.shot("person")
