"""The relief workflow and money rules of core.relief, against hand-worked examples."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from station_app.core import relief
from station_app.core.entities import RELIEF_STATUS
from station_app.core.errors import PermissionDenied
from station_app.core.roles import APPROVER, HEAD, VIEWER, WORKER
from station_app.paths import resource

STATES = [code for code, _ in RELIEF_STATUS]
COUNTY = relief.COUNTY
OPEN = ("applied", "verifying", "conference", "review")

# Who may do what in which state, written out by hand from the paper workflow (not derived from
# the table under test): the handler registers, verifies, has the village review and the notice
# recorded, and proposes; the township (its leader in charge, or the head) reviews, approves within
# its authority (worker too, where the county gives the role a limit), refers the rest and refuses;
# only the county decides what was referred; an advance is paid before any decision; nobody acts on
# a finished case.
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "verify": ({"applied"}, {HEAD, WORKER}),
    "conference": ({"verifying"}, {HEAD, WORKER}),
    "village_review": ({"verifying", "conference"}, {HEAD, WORKER}),
    "notice": ({"verifying", "conference", "review"}, {HEAD, WORKER}),
    "submit": ({"verifying", "conference"}, {HEAD, WORKER}),
    "send_back": ({"review"}, {HEAD, APPROVER}),
    "approve": ({"review"}, {HEAD, WORKER, APPROVER}),
    "refer": ({"review"}, {HEAD, APPROVER}),
    "county_approve": ({"county"}, {COUNTY}),
    "county_reject": ({"county"}, {COUNTY}),
    "advance": (set(OPEN), {HEAD, WORKER}),
    "pay": ({"approved"}, {HEAD, WORKER}),
    "close": ({"paid"}, {HEAD, WORKER}),
    "reject": (set(OPEN), {HEAD, APPROVER}),
    "withdraw": ({*OPEN, "county"}, {HEAD, WORKER}),
}
TARGETS = {"verify": "verifying", "conference": "conference", "village_review": None, "notice": None,
           "submit": "review", "send_back": "verifying",
           "approve": "approved", "refer": "county", "county_approve": "approved", "county_reject": "rejected",
           "advance": None, "pay": "paid", "close": "closed", "reject": "rejected", "withdraw": "withdrawn"}


def test_the_table_has_exactly_the_expected_actions():
    assert set(relief.ACTIONS) == set(EXPECTED)


@pytest.mark.parametrize("code,status,role", list(itertools.product(EXPECTED, STATES, relief.ALL_ROLES)))
def test_every_action_in_every_state_by_every_role(code, status, role):
    states, roles = EXPECTED[code]
    if role not in roles:
        with pytest.raises(PermissionDenied):
            relief.check(code, status, role)
    elif status not in states:
        with pytest.raises(relief.TransitionRefused, match="不能办理"):
            relief.check(code, status, role)
    else:
        act = relief.check(code, status, role)
        assert relief.target_status(act, status) == (TARGETS[code] or status)
    assert (relief.action(code) in relief.available(status, role)) == (status in states and role in roles)


def test_a_viewer_can_do_nothing_and_finished_cases_take_no_action():
    assert all(relief.available(s, VIEWER) == [] for s in STATES)
    for status in relief.FINAL:
        assert all(relief.available(status, r) == [] for r in relief.ALL_ROLES)


def test_refusals_say_who_may_act_in_chinese():
    with pytest.raises(PermissionDenied, match="只能由乡镇分管领导、站长办理"):
        relief.check("reject", "review", WORKER)
    with pytest.raises(PermissionDenied, match="县民政局"):
        relief.check("county_approve", "county", HEAD)


def test_reasons_are_required_where_the_paper_form_asks_for_an_opinion():
    assert {c for c, a in relief.ACTIONS.items() if a.reason_required} == {
        "conference", "village_review", "notice", "send_back", "county_reject", "advance", "reject", "withdraw"}


# -- amounts by tier ----------------------------------------------------------------------------

CHANGCHUN = {"monthly_fen": 71000}  # Changchun urban minimum-living standard, 710 yuan/person/month
BENXI = {"monthly_fen": 66500}


@pytest.fixture
def tiers():
    return json.loads(resource("reference", "relief_tiers.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("standard,case_type,tier,size,expected_yuan", [
    (CHANGCHUN, "emergency", 1, 2, "1420.00"),  # 710 × 1 × 2 people × 1 month
    (CHANGCHUN, "emergency", 2, 3, "6390.00"),  # 710 × 1 × 3 × 3 months
    (CHANGCHUN, "expenditure", 3, 3, "16614.00"),  # 710 × 1.3 × 3 × 6
    (CHANGCHUN, "emergency", 3, 3, "10000.00"),  # the same, capped at 10,000 for the emergency type
    (CHANGCHUN, "expenditure", 3, 9, "20000.00"),  # 6 members counted at most, then the 20,000 cap
    (BENXI, "emergency", 3, 1, "5187.00"),  # 665 × 1.3 × 1 × 6 = 5,187
    (BENXI, "emergency", 1, 7, "3990.00"),  # 665 × 6 counted members
])
def test_suggested_amount_by_tier_household_and_months(tiers, standard, case_type, tier, size, expected_yuan):
    fen = relief.suggested_amount(standard, tiers, case_type, tier, size)
    assert isinstance(fen, int)
    assert f"{fen // 100}.{fen % 100:02d}" == expected_yuan


def test_fractional_multiples_round_to_the_fen_not_through_floats(tiers):
    odd = {"monthly_fen": 62401}  # 624.01 yuan
    tiers["tiers"][0]["multiple"] = "1.3"
    # 62401 × 1.3 = 81121.3 fen → 81121; a float would give 81121.30000000001
    assert relief.suggested_amount(odd, tiers, "emergency", 1, 1) == 81121


def test_an_unknown_tier_is_named_at_the_field(tiers):
    with pytest.raises(relief.ValidationError) as caught:
        relief.suggested_amount(CHANGCHUN, tiers, "emergency", 9, 2)
    assert "一档" in caught.value.errors["tier"]


def test_another_amount_than_suggested_needs_a_written_reason():
    assert relief.proposal_problem(142000, 142000, None) == {}
    assert "理由" in relief.proposal_problem(142000, 200000, "  ")["reason"]
    assert relief.proposal_problem(142000, 200000, "住院押金缺口较大") == {}
    assert "大于0" in relief.proposal_problem(142000, 0, "x")["amount"]


# -- authority ---------------------------------------------------------------------------------

AUTHORITY = {"approval_limit_fen": {"approver": 500000, "head": 300000, "worker": 0}}
CASE = {"advance_amount": None, "amount_proposed": None}


def test_above_township_authority_goes_to_the_county():
    assert relief.level_for(500000, AUTHORITY) == "township"
    assert relief.level_for(500001, AUTHORITY) == "county"
    assert "报县审批" in relief.approval_problem(639000, APPROVER, AUTHORITY, CASE, None)["amount"]
    assert relief.approval_problem(500000, APPROVER, AUTHORITY, CASE, None) == {}
    assert "站长的审批权限为 3,000.00 元" in relief.approval_problem(500000, HEAD, AUTHORITY, CASE, None)["amount"]
    assert "社工的审批权限" in relief.approval_problem(1000, WORKER, AUTHORITY, CASE, None)["amount"]
    advanced = {**CASE, "advance_amount": 80000}
    assert "先行救助" in relief.approval_problem(50000, APPROVER, AUTHORITY, advanced, None)["amount"]


def test_approving_another_amount_than_proposed_needs_a_reason():
    proposed = {**CASE, "amount_proposed": 142000}
    assert relief.approval_problem(142000, APPROVER, AUTHORITY, proposed, None) == {}
    assert "1,420.00" in relief.approval_problem(100000, APPROVER, AUTHORITY, proposed, " ")["reason"]
    assert relief.approval_problem(100000, APPROVER, AUTHORITY, proposed, "亲属已资助一部分") == {}


# -- advances ----------------------------------------------------------------------------------

ADVANCE = {"cap_fen": 200000, "working_days": 5, "holidays": ["2026-10-01", "2026-10-02"]}


def test_advance_within_the_cap_and_once_per_case():
    assert relief.advance_problem(200000, ADVANCE, None) == {}
    assert "不超过 2,000.00 元" in relief.advance_problem(200001, ADVANCE, None)["amount"]
    assert "只能先行救助一次" in relief.advance_problem(1000, ADVANCE, 50000)["amount"]


def test_paperwork_due_counts_working_days():
    assert relief.paperwork_due(dt.date(2026, 11, 20), ADVANCE) == dt.date(2026, 11, 27)  # Fri → next Fri
    assert relief.paperwork_due(dt.date(2026, 11, 23), ADVANCE) == dt.date(2026, 11, 30)  # Mon → next Mon
    assert relief.paperwork_due(dt.date(2026, 9, 30), ADVANCE) == dt.date(2026, 10, 9)  # two holidays skipped


def test_an_advance_is_overdue_only_while_its_case_is_open_past_the_deadline():
    case = {"advance_amount": 50000, "status": "verifying", "paperwork_due": "2026-11-27"}
    assert not relief.advance_overdue(case, dt.date(2026, 11, 27))
    assert relief.advance_overdue(case, dt.date(2026, 11, 28))
    assert not relief.advance_overdue({**case, "status": "county"}, dt.date(2026, 12, 28))
    assert not relief.advance_overdue({**case, "advance_amount": None}, dt.date(2026, 12, 28))


@pytest.mark.parametrize("fen,words", [
    (86450, "捌佰陆拾肆元伍角整"), (100000, "壹仟元整"), (100005, "壹仟元零伍分"),
    (10010000, "壹拾万零壹佰元整"), (101000000, "壹佰零壹万元整"), (5, "伍分"), (0, "零元整"),
    (639000, "陆仟叁佰玖拾元整"), (1661400, "壹万陆仟陆佰壹拾肆元整"),
])
def test_amounts_in_chinese_capitals(fen, words):
    assert relief.capital_amount(fen) == words


def test_the_head_alone_moves_money_in_or_corrects_the_books():
    assert relief.fund_entry_refusal(WORKER, "topup")
    assert relief.fund_entry_refusal(WORKER, "adjust_out")
    assert relief.fund_entry_refusal(WORKER, "advance") == ""
    assert relief.fund_entry_refusal(HEAD, "repayment") == ""


def test_what_a_case_allows_now_also_follows_its_amounts():
    case = {"status": "review", "advance_amount": None}
    assert {a.code for a in relief.possible(case, WORKER, AUTHORITY)} == {"notice", "advance", "withdraw"}
    assert {a.code for a in relief.possible(case, APPROVER, AUTHORITY)} == {"send_back", "approve", "refer", "reject"}
    assert {a.code for a in relief.possible(case, HEAD, AUTHORITY)} == {
        "notice", "send_back", "approve", "refer", "advance", "reject", "withdraw"}
    assert "advance" not in {a.code for a in relief.possible({**case, "advance_amount": 1}, HEAD, AUTHORITY)}
    above = {a.code for a in relief.possible({**case, "amount_proposed": 500001}, APPROVER, AUTHORITY)}
    assert "approve" not in above and "refer" in above
