"""The status lines of a submitted 月报 (救助保障对象: people as 人, households as 户) reach the county
with the report and read there as the station counted them, in a real browser."""

from __future__ import annotations

from dataclasses import replace

from station_app.store import monthly_report, report_versions
from station_app.sync import client
from tests.console_fixtures import browser, driver, people  # noqa: F401 (fixtures)
from tests.figure_history import D
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)
from tests.test_status_figures import history, later_work  # noqa: F401 (fixture)


def test_the_county_reads_the_status_lines_of_a_submitted_report(browser, county, database, history):
    later_work(history)
    report_versions.submit(history.on(D(2026, 11, 5)), "2026-10")
    enrolled(county, database, "前甸镇")
    client.sync(database)
    lines = [f for f in monthly_report.figures(database, "2026-10") if f.section == monthly_report.STATUSES]

    browser.log_in("keyuan")
    browser.open("/figures?month=2026-10")
    browser.submit("#figures tbody tr:first-child td.state a")
    browser.chrome.execute_script("document.querySelector('#figures-by-version tbody tr:last-child').scrollIntoView()")
    browser.shot("figure-versions-statuses")  # the last lines: the statuses
    shown = {}
    for tr in browser.chrome.find_elements("css selector", "#figures-by-version tbody tr"):
        section, label, version_1, _live = [td.text for td in tr.find_elements("css selector", "td")]
        shown[label] = (section, version_1)
    # The county reads each line as submitted (the station's own screens add 含更正 to 周's line).
    assert {f.label: shown[f.label] for f in lines} == \
        {f.label: (monthly_report.STATUSES, replace(f, corrected=False).text) for f in lines}
    assert shown["月末低保（家庭）"] == (monthly_report.STATUSES, "1 户")
    assert shown["月末特困供养（个人）"] == (monthly_report.STATUSES, "1 人")

    # Each line opens on the statuses it counted: a household's under its head's name, each kind
    # as the county's list names it.
    links = {tr.find_elements("css selector", "td")[1].text: tr.find_element("css selector", "td:nth-child(3) a")
             .get_attribute("href") for tr in browser.chrome.find_elements("css selector", "#figures-by-version tbody tr")}
    listed = {}
    for label in ("月末低保（家庭）", "月末特困供养（个人）"):
        browser.chrome.get(links[label])
        listed[label] = [[td.text for td in tr.find_elements("css selector", "td")][1:8]
                         for tr in browser.chrome.find_elements("css selector", "table.grid tbody tr")]
        if label == "月末低保（家庭）":
            browser.shot("figure-trace-statuses")
    assert [r[:1] + r[2:] for r in listed["月末低保（家庭）"]] == \
        [["孙大山", "低保", "", "2026-10-01", "2027-09-30", "顺低保2027002"]]
    assert [r[0] + r[2] for r in listed["月末特困供养（个人）"]] == ["钱特困供养"]
