"""What the county decides a 支出型 case with, in a real browser and on the printed form: the
household's rigid expenses, how the suggested amount was reckoned, the means check's result and the
household's other assistance, read from the county's copies exactly as the station shows them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pypdf

from station_app.server.store import county_relief
from station_app.store import relief, relief_expenses
from station_app.sync import client
from tests.console_fixtures import browser, driver, people  # noqa: F401 (fixtures)
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)
from tests.test_relief_assistance import expenditure_case, means_result, reviewed
from tests.test_relief_store import TODAY, applicant, household, step  # noqa: F401 (fixtures)


def referred_expenditure_case(store, applicant) -> dict:
    """Rigid expenses of 28,000 yuan against 20,000 of income for two: 13,000 suggested, above the
    township's 5,000, so the township refers it to the county."""
    case = expenditure_case(store, applicant)
    relief_expenses.add(store, case["id"], {"category": "medical", "amount": "20000", "description": "肾移植手术自付",
                                            "evidence": "中国医大一院住院发票", "incurred_on": "2026-10-08"})
    case = reviewed(store, store.get("relief_case", case["id"]), TODAY - dt.timedelta(days=7))
    means_result(store, case)
    store.create("assistance_status", {"household_id": case["household_id"], "kind": "dibao", "level": "B类",
                                       "starts_on": "2026-01-01", "certificate_no": "顺低保2026088"})
    case = step(store, store.get("relief_case", case["id"]), "submit", amount="13000")
    return step(store, case, "refer")


def test_the_county_reads_a_case_with_what_the_station_shows_beside_it(county, database, store, applicant):
    enrolled(county, database, "前甸镇")
    case = referred_expenditure_case(store, applicant)
    assert case["status"] == "county" and case["amount_suggested"] == 1_300_000
    client.sync(database)
    at_station = relief.case_details(store, case["id"])
    at_county = county_relief.case(county.store, case["id"]).details
    for name in ("statuses_text", "means_text", "working"):
        assert getattr(at_county, name) == getattr(at_station, name), name
    assert [e["description"] for e in at_county.expenses] == ["透析自付部分", "大学学费", "肾移植手术自付"]
    assert at_county.means_text.startswith("符合救助条件") and "低保B类" in at_county.statuses_text
    assert dataclasses.asdict(at_county)["working"]["amount"] == 1_300_000


def test_the_approver_sees_the_expenses_and_the_printed_form_carries_them(browser, county, database, store,
                                                                          applicant):
    enrolled(county, database, "前甸镇")
    case = referred_expenditure_case(store, applicant)
    client.sync(database)
    browser.log_in("shenpi")
    browser.open(f"/relief/{case['id']}")
    browser.shot("relief-case-expenditure")
    expenses = browser.element("#expenses").text
    assert "肾移植手术自付" in expenses and "20,000.00" in expenses and "医疗" in expenses
    assert "家庭承受能力：家庭年收入 20,000.00 − 基本生活费 18,000.00 = 2,000.00 元" in browser.element("#working").text
    assert browser.element("#means").text == "符合救助条件（2026-11-20，顺核字〔2026〕118号）"
    assert "低保B类（2026-01-01至长期，证号 顺低保2026088）" in browser.element("#statuses").text

    with browser.http() as http:
        pdf = http.get(f"/console/relief/{case['id']}/form.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "顺核字〔2026〕118号" in text and "顺低保2026088" in text and "未核对" not in text
