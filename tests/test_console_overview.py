"""首页 in a real browser, on SQLite and PostgreSQL: a township's numbers are its own due list's (overdue
visits per program, advances past their paperwork deadline), its late protection steps, waiting
cases, reserve-fund balance, today's changes and app version; each number opens its records."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app import __version__
from station_app.core import child_rules
from station_app.jobs import admin
from station_app.store import due, monthly_report
from station_app.sync import client
from tests.console_fixtures import browser, driver, people  # noqa: F401 (fixtures)
from tests.helpers import count
from tests.sync_fixtures import county, enrolled, postgres, referred_case  # noqa: F401 (fixtures)

TODAY = dt.date.today()
COLUMNS = ("社工站", "最近同步", "今日接收", "版本", "待县审批", "保护环节超时", "儿童走访逾期", "老人探访逾期",
           "先行救助逾期未补办", "备用金余额（元）")


@pytest.fixture
def synced(county, database, head, store) -> None:
    admin.load_demo(database, head, 500, today=TODAY)
    enrolled(county, database, "前甸镇")
    referred_case(store, database.query("SELECT * FROM village ORDER BY code LIMIT 1")[0])
    client.sync(database)


def own_numbers(database) -> dict[str, str]:
    """What the station itself counts, as the overview should show it."""
    overdue = due.due_keys(database, TODAY, horizon_days=-1)  # due before today
    reports = database.query("SELECT step_due FROM child_report WHERE deleted = 0 AND stage != 'closed'")
    return {"今日接收": str(count(database, "outbox")), "版本": __version__, "待县审批": "1",
            "保护环节超时": str(sum(child_rules.is_late(r["step_due"], dt.datetime.now()) for r in reports)),
            "儿童走访逾期": str(sum(k.program == "child" for k in overdue)),
            "老人探访逾期": str(sum(k.program == "elder" for k in overdue)),
            "先行救助逾期未补办": str(sum(k.program == "relief" for k in overdue)),
            "备用金余额（元）": next(f for f in monthly_report.figures(database, f"{TODAY:%Y-%m}")
                                        if f.key == "fund.closing").text.removesuffix(" 元")}


def test_a_townships_numbers_are_its_own_and_each_opens_its_records(browser, county, database, synced):
    browser.log_in("chakan")
    browser.shot("overview")
    cells = [td.text for td in browser.chrome.find_elements("css selector", "#stations tbody tr:first-child td")]
    shown = dict(zip(COLUMNS, cells))
    assert shown["社工站"] == "前甸镇" and "联网" in shown["最近同步"]
    expected = own_numbers(database)
    assert {k: shown[k] for k in expected} == expected
    assert int(expected["老人探访逾期"]) + int(expected["儿童走访逾期"]) > 0  # the demo leaves some overdue

    browser.submit("#stations tbody tr:first-child td:nth-child(8) a")  # 老人探访逾期
    assert "前甸镇 · 老人探访逾期" in browser.text
    lines = browser.chrome.find_elements("css selector", "table.grid tbody tr")
    assert len(lines) == int(expected["老人探访逾期"])
    assert all("**********" in line.text for line in lines)  # a reader sees masked ID numbers
