"""统计 and 查询 in a real browser, on SQLite and PostgreSQL: a township's row is the 月报 it submitted
(its latest version, 已上报 / 已更正, every version with its reason), or, marked 未上报, the county's live
count, which equals the township's own 月报; a figure opens the records behind it (masked), the table
exports to Excel (logged), and a person is found across townships by pinyin initials or ID number,
masked until a role that may asks (logged)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import openpyxl
import pytest

from station_app.jobs import admin
from station_app.server.console import figures
from station_app.server.store import audit
from station_app.store import monthly_report, report_versions
from station_app.sync import client
from tests.console_fixtures import browser, driver, people  # noqa: F401 (fixtures)
from tests.figure_history import D, build
from tests.sync_fixtures import county, enrolled, new_station, postgres  # noqa: F401 (fixtures)
from tests.test_county_figures import recounted
from tests.test_report_versions import correct_october

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
    own = recounted(monthly_report.figures(database, MONTH))
    assert row.find_element("css selector", "th").text == "前甸镇"
    state, *cells = [td.text for td in row.find_elements("css selector", "td")]
    assert state == f"未上报 {figures.LIVE}" and cells == [f.text for f in own]  # not submitted: the live count
    total = browser.chrome.find_elements("css selector", "#figures tfoot th")
    # One township, not submitted: the only total is its live count, and says so.
    assert [th.text for th in total] == [f"全县合计：含 1 个乡镇{figures.LIVE}", *(f.text for f in own)]
    assert browser.has("figure.chart svg rect")

    browser.submit("#figures tbody td.num a")  # 在册农村留守儿童
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
    assert rows[0] == ["前甸镇", f"未上报（{figures.LIVE}）", *(f.text for f in own)]
    assert rows[-1][0] == f"全县合计：含 1 个乡镇{figures.LIVE}"
    assert audit.entries(county.store, 1)[0]["action"] == "导出统计表"


@pytest.fixture
def submitted(county, database, head, monkeypatch, tmp_path):
    """章党镇 synced its records and has not submitted October; 前甸镇 submitted October, then
    corrected it (tests/test_report_versions.py: 乙 in fact left on 11-02)."""
    other, other_head = new_station(tmp_path / "b", "章党镇", "210411102")
    admin.load_demo(other, other_head, 200, today=dt.date.today(), seed=7)
    enrolled(county, other, "章党镇")
    client.sync(other)
    history = build(database, head, monkeypatch, until=D(2026, 11, 1))
    report_versions.submit(history.on(D(2026, 11, 1)), "2026-10")
    correct_october(history)
    report_versions.submit(history.store, "2026-10", "乙的退出日期核实为11月2日")
    enrolled(county, database, "前甸镇")
    client.sync(database)
    return other


def test_a_townships_row_is_its_latest_submitted_version_and_its_history_is_kept(browser, county, database,
                                                                                 submitted):
    browser.log_in("keyuan")
    browser.open("/figures?month=2026-10")
    browser.shot("figures-submitted")
    qiandian, zhangdang = browser.chrome.find_elements("css selector", "#figures tbody tr")
    v1, v2 = (report_versions.versions(database, "2026-10")[n]["figures"] for n in (0, 1))
    # Version 2 holds the station's October as it stands since the correction (the station marks
    # those figures 含更正 on its own screens; at the county the state says it: 已更正).
    now = [replace(f, corrected=False).text for f in recounted(monthly_report.figures(database, "2026-10"))]
    state, *cells = [td.text for td in qiandian.find_elements("css selector", "td")]
    assert state == "已更正 第2版" and cells == now
    assert cells[0] == "3 人" and v1[0]["value"] == 2  # 甲, 乙, 丁 on the roll: version 2's number, not 1's
    state, *cells = [td.text for td in zhangdang.find_elements("css selector", "td")]
    own = recounted(monthly_report.figures(submitted, "2026-10"))
    assert state == f"未上报 {figures.LIVE}" and cells == [f.text for f in own]
    assert "live" in zhangdang.get_attribute("class").split()
    signed = [th.text for th in browser.chrome.find_elements("css selector", "#total-submitted th")]
    assert signed == ["全县合计：已上报的 1 个乡镇", *now]
    live = browser.chrome.find_elements("css selector", "#total-live th")
    assert live[0].text == f"全县合计：含 1 个乡镇{figures.LIVE}"
    assert live[1].text == f"{v2[0]['value'] + own[0].value} 人"  # 在册农村留守儿童 of both
    charted = {t.text for t in browser.chrome.find_elements("css selector", "figure.chart svg text[text-anchor=end]")}
    assert charted == {"前甸镇", f"章党镇{figures.LIVE_MARK}"} and figures.LIVE in browser.element("#chart-note").text

    browser.submit("#figures tbody tr:first-child td.state a")
    browser.shot("figure-versions")
    assert browser.element("#state").text == "已更正"
    versions = [[td.text for td in tr.find_elements("css selector", "td")]
                for tr in browser.chrome.find_elements("css selector", "#versions tbody tr")]
    assert [(v[0], v[1], v[3], v[4]) for v in versions] == [
        ("第2版 最新", "王站长", "乙的退出日期核实为11月2日", "校验值相符"), ("第1版", "王站长", "首次上报", "校验值相符")]
    browser.submit("#figures-by-version tbody tr:first-child td:nth-child(3) a")  # version 1's 在册农村留守儿童
    assert "（第1版上报）" in browser.text
    assert len(browser.chrome.find_elements("css selector", "table.grid tbody tr")) == 2  # 甲 and 丁, as frozen


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
