"""待县审批 in a real browser, on SQLite and PostgreSQL: a station pushes a case above township
authority, an 审批 user approves it, the station pulls and the case moves on there; a 只读 user has
no decision form and a forged POST is refused; the printed form carries the county's opinion."""

from __future__ import annotations

import io

import pypdf

from station_app.server.store import audit
from station_app.store import relief
from station_app.sync import client
from tests.console_fixtures import browser, driver, people  # noqa: F401 (fixtures)
from tests.sync_fixtures import county, enrolled, postgres, referred_case  # noqa: F401 (fixtures)


def _waiting_case(county, database, store, village) -> dict:
    enrolled(county, database, "前甸镇")
    case = referred_case(store, village)
    client.sync(database)
    return case


def test_an_approver_decides_in_the_browser_and_the_station_receives_it(browser, county, database, store, village):
    case = _waiting_case(county, database, store, village)
    browser.log_in("shenpi")
    browser.open("/relief")
    assert "前甸镇" in browser.text and "李大山" in browser.text and "11,200.00" in browser.text
    browser.shot("relief-list")
    browser.submit("a.open")
    assert "夜间房屋失火" in browser.text and "报县审批" in browser.text
    assert "210411195406110131" not in browser.text  # masked until someone asks
    browser.shot("relief-case")
    browser.element("#approve").click()
    browser.fill("#amount", "9000")
    browser.fill("#reason", "同意，按三档核减至9000元")
    browser.submit("#submit-decision")
    assert "已记录审批结果" in browser.text and "等待社工站同步" in browser.text
    assert not browser.has("#submit-decision")  # decided once

    client.sync(database)  # the station pulls
    moved = store.get("relief_case", case["id"])
    assert (moved["status"], moved["amount_approved"]) == ("approved", 900_000)
    step = relief.steps(database, case["id"])[-1]
    assert (step["action"], step["actor_name"]) == ("county_approve", "张科长")
    assert moved["case_no"].startswith("210411101") and len(moved["case_no"]) == 17
    browser.open(f"/search?q={case['id'][-8:].upper()}")  # what forms printed before cases had numbers
    assert browser.has("table.grid tbody a")
    browser.open(f"/search?q={moved['case_no']}")  # the 案件编号 printed on the 审批表
    assert moved["case_no"] in browser.text
    browser.submit("table.grid tbody a")
    assert "已发给社工站，待其下次同步确认" in browser.text
    client.sync(database)  # its next run asks from past the decision: applied
    browser.open(f"/relief/{case['id']}")
    assert "社工站已收到" in browser.text and "已审批" in browser.text
    entry = next(e for e in audit.entries(county.store) if e["action"] == "县级审批")
    assert (entry["display_name"], entry["target"]) == ("张科长", case["id"])

    with browser.http() as http:
        pdf = http.get(f"/console/relief/{case['id']}/form.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "临时救助申请审批表" in text and "县级审批同意" in text and "张科长" in text and "9,000.00" in text


def test_a_reader_has_no_decision_form_and_a_forged_post_is_refused(browser, county, database, store, village):
    case = _waiting_case(county, database, store, village)
    browser.log_in("chakan")
    browser.open(f"/relief/{case['id']}")
    assert "夜间房屋失火" in browser.text
    assert not browser.has("#submit-decision") and not browser.has("#reveal")
    # A form built by hand with the reader's own valid CSRF token: the role, not the page, refuses it.
    browser.chrome.execute_script("""
        const form = document.createElement('form');
        form.method = 'post'; form.action = arguments[0];
        for (const [name, value] of [['csrf', document.querySelector('input[name=csrf]').value],
                                     ['verdict', 'approve'], ['amount', '9000']]) {
            const input = document.createElement('input'); input.name = name; input.value = value; form.appendChild(input);
        }
        const button = document.createElement('button'); button.id = 'forged'; form.appendChild(button);
        document.body.appendChild(form);""", f"/console/relief/{case['id']}/decision")
    browser.submit("#forged")
    assert "“审批临时救助案件”只能由审批账号办理" in browser.text
    assert [c["id"] for c in county.store.waiting_cases()] == [case["id"]]


def test_a_rejection_needs_a_reason_shown_at_the_field(browser, county, database, store, village):
    case = _waiting_case(county, database, store, village)
    browser.log_in("shenpi")
    browser.open(f"/relief/{case['id']}")
    browser.element("#reject").click()
    browser.submit("#submit-decision")
    assert "不予救助须写明理由" in browser.element(".field-error").text
    assert [c["id"] for c in county.store.waiting_cases()] == [case["id"]]
