"""A station's synced audit log on the county console, in a real browser at 1366×768 and 1024×768:
paged, filtered by person and day, a refused (tampered) run shown above it, and every look at it
written to the county's audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.core.errors import KnownError

from station_app.server.store import audit, station_audit
from station_app.store import audit_log
from station_app.sync import client
from tests.console_fixtures import SIZES, browser, driver, people  # noqa: F401 (fixtures)
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)


def fits(browser) -> bool:
    """No sideways scrolling of the page, the filter's button in view."""
    width = browser.chrome.execute_script("return document.documentElement.scrollWidth")
    inner = browser.chrome.execute_script("return document.documentElement.clientWidth")
    return width <= inner and browser.element("#filter").is_displayed()


def test_an_administrator_reads_a_stations_synced_audit_log_by_page_person_and_day(browser, county, database, store,
                                                                                    demo_people):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    total = audit_log.count(database.conn)
    assert total > station_audit.PAGE  # more than one page
    browser.log_in("admin")
    browser.open("/stations/前甸镇")
    browser.submit("#station-audit-link")
    assert f"已同步到县里的 {total} 条" in browser.text and "第 1 /" in browser.text
    for size in SIZES.values():
        browser.chrome.set_window_size(*size)
        assert fits(browser)
    browser.shot("station-audit")
    browser.submit("#older")
    assert "第 2 /" in browser.text

    browser.open("/stations/前甸镇/audit?person=head")
    rows = browser.chrome.find_elements("css selector", "#station-audit tbody tr")
    assert rows and all(r.text.split()[3] == "head" for r in rows)  # seq, day, time, then the person
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    browser.open(f"/stations/前甸镇/audit?from={tomorrow}")
    assert "没有符合条件的操作日志" in browser.text
    browser.open("/stations/前甸镇/audit?from=2026-13-40")
    assert "日期格式应为" in browser.text

    looked = [e for e in audit.entries(county.store) if e["action"] == "查看社工站操作日志"]
    assert len(looked) == 5 and looked[0]["username"] == "admin" and "不限" in looked[0]["detail"]


def test_a_refused_audit_log_shows_on_the_stations_page_as_suspected_tampering(browser, county, database, store,
                                                                                village):
    enrolled(county, database, "前甸镇")
    with database.transaction() as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET username = 'someone' WHERE seq = 2")
    with pytest.raises(KnownError, match="拒收"):
        client.sync(database)
    browser.log_in("admin")
    browser.open("/stations")
    assert browser.has(".audit-refused")  # the list flags it, where the county looks first
    browser.open("/stations/前甸镇")
    assert "操作日志被拒收" in browser.text and browser.has("#audit-refused")
    browser.submit("#station-audit-link")
    assert "疑似篡改" in browser.element("#audit-refusals").text and "第 2 条" in browser.text
    for size in SIZES.values():
        browser.chrome.set_window_size(*size)
        assert fits(browser)
    browser.shot("station-audit-refused")


def test_only_the_administrator_sees_a_stations_audit_log(browser, county, database, store, village):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    browser.log_in("keyuan")
    browser.open("/stations/前甸镇")
    assert not browser.has("#station-audit-link")
    browser.open("/stations/前甸镇/audit")
    assert not browser.has("#station-audit")
