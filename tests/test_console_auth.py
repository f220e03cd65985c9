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


def test_the_administrator_makes_an_account_and_disabling_it_ends_its_session(browser, county):
    browser.log_in("admin")
    browser.open("/accounts")
    browser.fill("#new-username", "liuks")
    browser.fill("#new-name", "刘科长")
    browser.element("#new-role option[value=approver]").click()
    browser.fill("#new-password", "short")
    browser.submit("#create-user")
    assert "密码至少8位" in browser.text
    browser.fill("#new-password", "liu-pass-2027")
    browser.submit("#create-user")
    assert "已建立账号“liuks”（审批）" in browser.text
    browser.shot("accounts")
    admin_cookies = browser.chrome.get_cookies()

    browser.chrome.delete_all_cookies()
    browser.log_in("liuks", "liu-pass-2027")
    assert "刘科长（审批）" in browser.text
    mine = browser.chrome.get_cookies()
    browser.chrome.delete_all_cookies()
    for cookie in admin_cookies:
        browser.chrome.add_cookie(cookie)
    browser.open("/accounts")
    browser.submit("form[action$='/accounts/liuks'] input[value=disable] ~ button")
    assert "“liuks”已停用" in browser.text

    browser.chrome.delete_all_cookies()
    for cookie in mine:
        browser.chrome.add_cookie(cookie)
    browser.open("/relief")
    assert browser.path.startswith("/console/login")
    assert [e["action"] for e in audit.entries(county.store, 2)] == ["停用账号", "登录"]


def test_a_clerk_cannot_open_the_accounts_page(browser):
    browser.log_in("keyuan")
    assert not browser.has("a[href$='/accounts']")
    browser.open("/accounts")
    assert "“管理县级账号”只能由管理员账号办理" in browser.text


def test_an_unknown_address_is_answered_in_chinese(browser):
    browser.log_in("keyuan")
    browser.open("/no-such-page")
    assert "没有这个地址" in browser.text and "Not Found" not in browser.text
