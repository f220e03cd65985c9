"""A relief case as the policy has it, through the store: 支出型 amounts from rigid expenses, the means
check and the village's review and notice before the township decides, and case numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.core.errors import TransitionRefused, ValidationError
from station_app.core.roles import APPROVER, Actor
from station_app.store import relief, relief_expenses
from station_app.store.records import RecordStore
from tests.helpers import count
from tests.test_relief_store import TODAY, applicant, household, new_case, step  # noqa: F401 (fixtures)


@pytest.fixture
def approver(database, head) -> RecordStore:
    return RecordStore(database, Actor("a1", "li", "李副镇长", APPROVER), today=TODAY)


def expenditure_case(store, applicant) -> dict:
    """A rural household of two with 20,000 yuan a year and 8,000 yuan of rigid expenses."""
    case = new_case(store, applicant, case_type="expenditure", tier=2, standard_area="rural",
                    household_income="20000", reason="患尿毒症长期透析，自付医疗费用高，子女上大学")
    assert case["amount_suggested"] is None  # nothing to reckon from before the expenses are known
    case = step(store, case, "verify")
    relief_expenses.add(store, case["id"], {"category": "medical", "amount": "7000", "description": "透析自付部分",
                                            "evidence": "抚顺市中心医院收费票据12张"})
    return relief_expenses.add(store, case["id"], {"category": "education", "amount": "1000",
                                                   "description": "大学学费", "evidence": "缴费通知书"})


def means_result(store, case, **extra) -> dict:
    return store.create("means_check", {
        "household_id": case["household_id"], "relief_case_id": case["id"], "authorized_on": "2026-11-16",
        "requested_on": "2026-11-16", "requested_to": "顺城区社会救助家庭经济状况核对中心", "result_on": "2026-11-20",
        "document_no": "顺核字〔2026〕118号", "income": "20000", "assets": "3000", "verdict": "meets", **extra})


def reviewed(store, case, notice_on: dt.date) -> dict:
    case = step(store, case, "village_review", reason="村民代表会议评议通过（到会23人，同意23人）")
    return relief.act(store, case["id"], "notice", case["rev"], reason="在村务公开栏公示", today=notice_on)


# -- 支出型 ------------------------------------------------------------------------------------------


def test_an_expenditure_case_is_reckoned_from_its_rigid_expenses_with_the_working(store, applicant):
    case = expenditure_case(store, applicant)
    # capacity: 20,000 − 6,000 × 1.5 × 2 people = 2,000; (8,000 − 2,000) × 50 % = 3,000
    assert case["amount_suggested"] == 300000
    working = relief.suggestion(store, case)
    assert working is not None and working.lines == (
        "刚性支出：医疗 7,000.00 + 教育 1,000.00 = 8,000.00 元",
        "基本生活费：全年低保标准 6,000.00（农村低保标准 6,000.00 元/人·年） × 1.5 倍 × 2 人 = 18,000.00 元",
        "家庭承受能力：家庭年收入 20,000.00 − 基本生活费 18,000.00 = 2,000.00 元",
        "超出承受能力：8,000.00 − 2,000.00 = 6,000.00 元",
        "按 50% 救助：3,000.00 元",
    )
    [medical, _] = relief.expenses(store.database, case["id"])
    case = relief_expenses.remove(store, medical["id"], medical["rev"])
    assert case["amount_suggested"] == 0  # 1,000 of expenses are within what the household can bear


def test_a_household_earning_less_than_its_basic_living_bears_nothing_and_the_working_says_so(store, applicant):
    case = expenditure_case(store, applicant)
    case = relief.amend(store, case["id"], case["rev"], {"household_income": "5000"})
    assert case["amount_suggested"] == 400000  # capacity 0: 8,000 × 50 %
    lines = relief.suggestion(store, case).lines
    assert "家庭承受能力：家庭年收入 5,000.00 − 基本生活费 18,000.00 = 0.00 元（收入不足基本生活费，按 0 元计）" in lines


def test_the_cap_for_expenditure_cases_holds_and_says_so(store, applicant):
    case = expenditure_case(store, applicant)
    case = relief_expenses.add(store, case["id"], {"category": "disaster", "amount": "40000", "description": "房屋倒塌"})
    assert case["amount_suggested"] == 2000000  # (48,000 − 2,000) × 50 % = 23,000, capped at 20,000
    assert "超过支出型封顶金额，按 20,000.00 元" in relief.suggestion(store, case).text


def test_an_expenditure_case_is_not_submitted_without_its_expenses_and_they_freeze_once_submitted(store, applicant):
    case = step(store, new_case(store, applicant, case_type="expenditure", household_income="20000"), "verify")
    with pytest.raises(ValidationError, match="登记刚性支出"):
        step(store, case, "submit", amount="3000")
    case = expenditure_case(store, applicant)
    case = step(store, case, "submit", amount="3000")
    [expense, _] = relief.expenses(store.database, case["id"])
    before = count(store.database, "outbox")
    with pytest.raises(TransitionRefused, match="刚性支出不能再修改"):
        relief_expenses.change(store, expense["id"], expense["rev"], {"amount": "90000"})
    with pytest.raises(TransitionRefused):
        store.create("rigid_expense", {"relief_case_id": case["id"], "category": "other", "amount": "1",
                                       "description": "补录"})
    assert count(store.database, "outbox") == before


# -- before the township decides ------------------------------------------------------------------


def test_an_approval_without_a_required_means_check_result_is_refused(store, approver, applicant):
    case = reviewed(store, expenditure_case(store, applicant), TODAY - dt.timedelta(days=7))
    store.create("means_check", {"household_id": case["household_id"], "relief_case_id": case["id"],
                                 "authorized_on": "2026-11-16", "requested_on": "2026-11-16",
                                 "requested_to": "顺城区社会救助家庭经济状况核对中心"})  # asked, no answer yet
    case = step(store, store.get("relief_case", case["id"]), "submit", amount="3000")
    before = count(store.database, "relief_step")
    with pytest.raises(TransitionRefused, match="家庭经济状况核对结果"):
        step(approver, case, "approve", amount="3000")
    with pytest.raises(TransitionRefused, match="家庭经济状况核对结果"):
        step(store, case, "refer")
    assert count(store.database, "relief_step") == before
    means_result(store, case)
    assert step(approver, case, "approve", amount="3000")["status"] == "approved"


def test_a_result_older_than_its_period_of_validity_does_not_count(store, approver, applicant):
    case = reviewed(store, expenditure_case(store, applicant), TODAY - dt.timedelta(days=7))
    means_result(store, case, requested_on="2026-03-02", authorized_on="2026-03-01", result_on="2026-03-10")
    case = step(store, store.get("relief_case", case["id"]), "submit", amount="3000")
    with pytest.raises(TransitionRefused, match="180天内有效"):
        step(approver, case, "approve", amount="3000")


def test_an_emergency_case_needs_no_means_check_by_the_shipped_rule(store, approver, applicant):
    case = step(store, step(store, new_case(store, applicant, tier=1), "verify"), "submit", amount="1420")
    assert step(approver, case, "approve", amount="1420")["status"] == "approved"


def test_a_result_must_be_whole_and_belong_to_the_cases_household(store, applicant, village):
    case = new_case(store, applicant)
    with pytest.raises(ValidationError) as caught:
        store.create("means_check", {"household_id": case["household_id"], "relief_case_id": case["id"],
                                     "verdict": "meets"})
    assert set(caught.value.errors) == {"result_on", "document_no"}
    other = store.create("household", {"village_id": village["id"], "head_name": "赵四"})
    with pytest.raises(ValidationError, match="不是这个家庭的"):
        store.create("means_check", {"household_id": other["id"], "relief_case_id": case["id"]})


def test_the_village_review_and_the_notice_come_before_approval(store, approver, applicant):
    case = expenditure_case(store, applicant)
    means_result(store, case)
    case = step(store, store.get("relief_case", case["id"]), "submit", amount="3000")
    with pytest.raises(TransitionRefused, match="民主评议"):
        step(approver, case, "approve", amount="3000")
    case = step(store, case, "send_back", reason="请先组织民主评议")
    case = reviewed(store, case, TODAY - dt.timedelta(days=3))
    case = step(store, store.get("relief_case", case["id"]), "submit", amount="3000")
    with pytest.raises(TransitionRefused, match="公示期至 2026-11-26 止"):
        step(approver, case, "approve", amount="3000")
    decided = relief.act(approver, case["id"], "approve", case["rev"], amount="3000", today=dt.date(2026, 11, 27))
    assert decided["status"] == "approved"
    actions = [s["action"] for s in relief.steps(store.database, case["id"])]
    assert actions.count("village_review") == 1 and actions.count("notice") == 1


# -- case numbers ----------------------------------------------------------------------------------


def test_case_numbers_are_unique_and_sequential_per_station_and_year(store, applicant):
    first, second = new_case(store, applicant), new_case(store, applicant)
    last_year = new_case(store, applicant, applied_on="2025-12-30")
    assert (first["case_no"], second["case_no"]) == ("21041110120260001", "21041110120260002")
    assert last_year["case_no"] == "21041110120250001"
    withdrawn = step(store, second, "withdraw", reason="登记错误")
    assert withdrawn["case_no"] == "21041110120260002"  # a withdrawn case keeps its number; the next is new
    assert new_case(store, applicant)["case_no"] == "21041110120260003"
    with pytest.raises(TransitionRefused, match="案件编号一经编排不能更改"):
        store.update("relief_case", first["id"], {"case_no": "21041110120269999"}, first["rev"])
    numbers = [r["case_no"] for r in store.database.query("SELECT case_no FROM relief_case")]
    assert len(numbers) == len(set(numbers)) == 4
