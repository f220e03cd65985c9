"""County console accounts in a real browser, on SQLite and PostgreSQL: log-in, a wrong password and
the lock-out, an idle session that expires, and a form posted without its CSRF token."""

from __future__ import annotations

import datetime as dt

from station_app.server.store import accounts, audit
from tests.console_fixtures import PASSWORD, browser, driver, people  # noqa: F401 (fixtures)
from tests.sync_fixtures import county, postgres  # noqa: F401 (fixtures)


def test_log_in_shows_the_overview_with_the_persons_name_and_role(browser):
    browser.open("/")
    assert browser.path.startswith("/console/login")  # nobody logged in: the log-in page first
    browser.shot("login")
    browser.log_in("keyuan")
    assert browser.path == "/console/"
    assert "各社工站概况" in browser.text and "李科员（科员）" in browser.text
    cookie = browser.chrome.get_cookie("station_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_a_wrong_password_is_refused_and_the_fifth_locks_the_account(browser, county):
    browser.log_in("keyuan", "wrong-password")
    assert "用户名或密码不正确（再错 4 次账号将被锁定）" in browser.text
    for _ in range(4):
        browser.log_in("keyuan", "wrong-password")
    assert "账号已锁定15分钟" in browser.text
    browser.log_in("keyuan", PASSWORD)  # the right password does not open a locked account
    assert "账号已锁定" in browser.text and browser.path.startswith("/console/login")
    failures = [e for e in audit.entries(county.store, username="keyuan") if e["action"] == "登录失败"]
    assert len(failures) == 5 and failures[0]["detail"] == "账号已锁定"


def test_an_idle_session_expires_and_the_page_asks_to_log_in_again(browser, county):
    browser.log_in("shenpi")
    browser.open("/relief")
    assert "待县审批的临时救助" in browser.text
    idle = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=accounts.IDLE_MINUTES + 1)).isoformat()
    with county.store.transaction() as conn:
        conn.execute("UPDATE county_sessions SET last_seen_at = ?", (idle,))
    browser.open("/relief")
    assert browser.path.startswith("/console/login") and "长时间未操作，已自动退出" in browser.text
    browser.fill("#username", "shenpi")
    browser.fill("#password", PASSWORD)
    browser.submit("#login")
    assert browser.path == "/console/relief"  # back where the person was


def test_a_form_posted_without_its_csrf_token_is_refused(browser, county):
    browser.log_in("admin")
    browser.chrome.execute_script("document.querySelector('form[action$=\"/logout\"] input[name=csrf]').remove()")
    browser.submit("form[action$='/logout'] button")
    assert "表单已失效" in browser.text
    browser.open("/")
    assert "王管理（管理员）" in browser.text  # still logged in: the forged log-out did nothing
