"""Relief cases and the reserve fund through the store: one transaction per step, money exact."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from station_app.core import relief as rules
from station_app.core.errors import PermissionDenied, StaleRecordError, TransitionRefused, ValidationError
from station_app.core.roles import APPROVER, WORKER, Actor
from station_app.store import reference_data, relief, users
from station_app.store.database import StationDatabase
from station_app.store.driver import sqlite
from station_app.store.records import RecordStore
from tests.helpers import count, county, id_number

TODAY = dt.date(2026, 11, 23)  # a Monday


@pytest.fixture
def household(store, village) -> dict:
    return store.create("household", {"village_id": village["id"], "head_name": "李大山", "address": "前甸村3组12号"})


@pytest.fixture
def applicant(store, village, household) -> dict:
    store.create("person", {"name": "王秀兰", "id_number": id_number("19560304", 122), "village_id": village["id"],
                            "household_id": household["id"], "relation_to_head": "spouse"})
    return store.create("person", {"name": "李大山", "id_number": id_number("19540611", 131),
                                   "village_id": village["id"], "household_id": household["id"],
                                   "relation_to_head": "head", "address": "前甸村3组12号"})


@pytest.fixture
def worker_store(database, head) -> RecordStore:
    return RecordStore(database, Actor("w1", "liu", "刘晓梅", WORKER), today=TODAY)


@pytest.fixture
def approver_store(database, head) -> RecordStore:
    """The township's leader in charge (乡镇分管领导), who decides within the township's authority."""
    return RecordStore(database, Actor("a1", "li", "李副镇长", APPROVER), today=TODAY)


def new_case(store, applicant, **extra) -> dict:
    data = {"person_id": applicant["id"], "case_type": "emergency", "tier": 2, "reason": "房屋失火，衣物被褥烧毁",
            "applied_on": TODAY.isoformat(), "incident_place": "前甸村3组", "standard_area": "urban", **extra}
    return relief.register(store, data, TODAY)


def step(store, case, code, **kwargs) -> dict:
    return relief.act(store, case["id"], code, case["rev"], today=TODAY, **kwargs)


def top_up(store, yuan: int) -> None:
    relief.add_fund_entry(store, "topup", str(yuan), "镇财政拨入临时救助备用金", TODAY.isoformat())


# -- registering -------------------------------------------------------------------------------


def test_register_checks_the_archive_and_suggests_by_tier(store, applicant, household):
    case = new_case(store, applicant)
    assert case["status"] == "applied"
    assert case["household_id"] == household["id"]
    assert case["household_size"] == 2  # counted from the archive
    assert case["amount_suggested"] == 71000 * 2 * 3  # 710 yuan × 2 people × 3 months (tier 2)
    history = relief.steps(store.database, case["id"])
    assert [(s["action"], s["to_status"], s["actor_name"]) for s in history] == [("register", "applied", "王站长")]


def test_an_applicant_without_an_id_number_or_in_another_household_is_refused(store, village, applicant):
    nobody = store.create("person", {"name": "无证人", "gender": "M", "birth_date": "1980-01-01"})
    with pytest.raises(ValidationError) as caught:
        new_case(store, nobody, reason="")
    assert "没有身份证号" in caught.value.errors["person_id"]
    assert caught.value.errors["reason"] == "请填写申请事由"  # all problems at once, not one per try
    other = store.create("household", {"village_id": village["id"], "head_name": "赵四"})
    with pytest.raises(ValidationError) as caught:
        new_case(store, applicant, household_id=other["id"])
    assert "不一致" in caught.value.errors["household_id"]
    assert count(store.database, "relief_case") == 0


def test_repeat_relief_within_the_period_warns_and_the_county_may_make_it_block(store, applicant):
    first = new_case(store, applicant)
    assert first["repeat_warning"] is None
    spouse = store.database.query("SELECT * FROM person WHERE name = '王秀兰'")[0]
    second = new_case(store, spouse)  # same household, another person
    assert "180天内已申请过临时救助" in second["repeat_warning"] and "李大山" in second["repeat_warning"]
    reference_data.set_value(store, rules.REPEAT, {"warn_within_days": 180, "block": True}, TODAY)
    with pytest.raises(ValidationError, match="重复救助"):
        new_case(store, applicant)


def test_refused_or_withdrawn_cases_and_old_ones_do_not_warn(store, applicant):
    old = new_case(store, applicant, applied_on="2026-03-01")
    withdrawn = new_case(store, applicant)
    step(store, withdrawn, "withdraw", reason="申请人已获亲属帮助")
    assert old["repeat_warning"] is None
    assert new_case(store, applicant)["repeat_warning"] is None  # March is more than 180 days back


# -- the workflow through the store ---------------------------------------------------------------


def test_a_case_within_authority_is_approved_by_the_township_paid_and_closed(store, worker_store, approver_store,
                                                                             applicant):
    case = new_case(worker_store, applicant, tier=1)  # 710 × 2 × 1 = 1,420 yuan
    case = step(worker_store, case, "verify")
    case = step(worker_store, case, "submit", amount="1420")
    assert case["authority"] == "township" and case["amount_proposed"] == 142000
    with pytest.raises(ValidationError, match="社工的审批权限"):
        step(worker_store, case, "approve", amount="1420")
    with pytest.raises(ValidationError, match="站长的审批权限为 0.00 元"):  # the township decides, not the station
        step(store, case, "approve", amount="1420")
    with pytest.raises(PermissionDenied, match="乡镇分管领导"):
        approver_store.create("person", {"name": "张三", "gender": "M", "birth_date": "1980-01-01"})
    case = step(approver_store, case, "approve", amount="1420", reason="情况属实，同意救助")
    case = step(worker_store, case, "pay")
    case = step(worker_store, case, "close")
    assert (case["status"], case["amount_approved"], case["amount_paid"]) == ("closed", 142000, 142000)
    history = relief.steps(store.database, case["id"])
    assert [s["action"] for s in history] == ["register", "verify", "submit", "approve", "pay", "close"]
    assert [s["actor_name"] for s in history] == ["刘晓梅", "刘晓梅", "刘晓梅", "李副镇长", "刘晓梅", "刘晓梅"]


def test_approving_another_amount_than_proposed_needs_a_reason(store, approver_store, applicant):
    case = step(store, step(store, new_case(store, applicant, tier=1), "verify"), "submit", amount="1420")
    outbox = count(store.database, "outbox")
    with pytest.raises(ValidationError) as caught:
        step(approver_store, case, "approve", amount="1000", reason=" ")
    assert "1,420.00" in caught.value.errors["reason"]  # names the proposal it departs from
    assert count(store.database, "outbox") == outbox
    case = step(approver_store, case, "approve", amount="1000", reason="已获亲属资助部分，按1000元救助")
    assert case["amount_approved"] == 100000


def test_the_store_refuses_what_the_workflow_refuses_and_writes_nothing(store, worker_store, applicant):
    case = new_case(store, applicant)
    steps_before, outbox_before = count(store.database, "relief_step"), count(store.database, "outbox")
    with pytest.raises(rules.TransitionRefused):
        step(store, case, "approve", amount="100")
    with pytest.raises(PermissionDenied):
        step(worker_store, case, "reject", reason="不符合条件")
    with pytest.raises(ValidationError, match="理由"):
        step(store, case, "reject", reason="  ")
    viewer = RecordStore(store.database, Actor("v", "v", "检查", "viewer"))
    with pytest.raises(PermissionDenied):
        step(viewer, case, "verify")
    assert (count(store.database, "relief_step"), count(store.database, "outbox")) == (steps_before, outbox_before)
    assert store.get("relief_case", case["id"])["status"] == "applied"


def test_another_amount_than_suggested_needs_a_reason_and_the_approver_sees_both(store, applicant):
    case = step(store, new_case(store, applicant, tier=1), "verify")
    with pytest.raises(ValidationError) as caught:
        step(store, case, "submit", amount="2000")
    assert "1,420.00" in caught.value.errors["reason"]
    case = step(store, case, "submit", amount="2000", reason="需购置过冬煤炭")
    assert (case["amount_suggested"], case["amount_proposed"], case["amount_reason"]) == (142000, 200000, "需购置过冬煤炭")


def test_a_case_above_authority_cannot_be_approved_locally_and_waits_for_the_county(store, applicant):
    case = step(store, new_case(store, applicant), "verify")  # suggested 4,260 yuan
    case = step(store, case, "submit", amount="6390", reason="住院费用自付部分较高")
    assert case["authority"] == "county"
    with pytest.raises(ValidationError, match="超出乡镇审批权限"):
        step(store, case, "approve", amount="6390")
    case = step(store, case, "refer", reason="超出乡镇权限，报县审批")
    assert case["status"] == "county"
    with pytest.raises(PermissionDenied, match="县民政局"):
        step(store, case, "county_approve", amount="6390")
    decided = relief.apply_county_decision(county(store), case["id"], case["rev"], approved=True, amount="6000",
                                           reason="核减至6000元", decided_by="县民政局 张科长",
                                           decided_on=dt.date(2026, 11, 25))
    assert (decided["status"], decided["amount_approved"], decided["authority"]) == ("approved", 600000, "county")
    last = relief.steps(store.database, case["id"])[-1]
    assert (last["action"], last["actor_name"], last["level"], last["decided_on"]) == (
        "county_approve", "县民政局 张科长", "county", "2026-11-25")
    assert store.database.scalar("SELECT COUNT(*) FROM outbox WHERE entity = 'relief_step'") == 5


def test_a_county_refusal_needs_a_reason_and_only_reaches_referred_cases(store, applicant):
    case = new_case(store, applicant)
    with pytest.raises(rules.TransitionRefused):
        relief.apply_county_decision(county(store), case["id"], case["rev"], approved=False, reason="x",
                                     decided_by="县民政局", decided_on=TODAY)
    case = step(store, step(store, step(store, case, "verify"), "submit", amount="4260"), "refer")
    with pytest.raises(ValidationError, match="理由"):
        relief.apply_county_decision(county(store), case["id"], case["rev"], approved=False, decided_by="县", decided_on=TODAY)
    refused = relief.apply_county_decision(county(store), case["id"], case["rev"], approved=False, reason="家庭收入超标",
                                           decided_by="县民政局", decided_on=TODAY)
    assert refused["status"] == "rejected"


def test_a_stale_case_is_not_overwritten(store, applicant):
    case = new_case(store, applicant)
    step(store, case, "verify")
    with pytest.raises(StaleRecordError):
        step(store, case, "withdraw", reason="重复提交")  # still the revision before 'verify'
    assert count(store.database, "relief_step") == 2


# -- advances and the reserve fund ---------------------------------------------------------------


def test_an_advance_and_its_ledger_entry_are_one_write(store, worker_store, applicant):
    top_up(store, 5000)
    case = new_case(worker_store, applicant)
    case = step(worker_store, case, "advance", amount="800", reason="火灾后急需购买被褥和口粮")
    assert (case["advance_amount"], case["advance_on"], case["paperwork_due"]) == (80000, "2026-11-23", "2026-11-30")
    assert relief.balance(store.database) == 420000
    entry = store.database.query("SELECT * FROM reserve_fund_entry WHERE kind = 'advance'")[0]
    assert (entry["relief_case_id"], entry["amount"], entry["created_by"]) == (case["id"], 80000, "liu")
    with pytest.raises(ValidationError, match="只能先行救助一次"):
        step(worker_store, case, "advance", amount="100", reason="再付一笔")
    assert relief.balance(store.database) == 420000


def test_an_advance_above_the_cap_or_the_balance_is_refused_at_the_amount(store, applicant):
    top_up(store, 1000)
    case = new_case(store, applicant)
    with pytest.raises(ValidationError) as caught:
        step(store, case, "advance", amount="2000.01", reason="急需")
    assert "不超过 2,000.00 元" in caught.value.errors["amount"]
    with pytest.raises(ValidationError) as caught:
        step(store, case, "advance", amount="1500", reason="急需")
    assert "备用金余额不足" in caught.value.errors["amount"]
    assert store.get("relief_case", case["id"])["advance_amount"] is None  # the case did not change either
    assert count(store.database, "relief_step") == 1 and relief.balance(store.database) == 100000


def test_the_fund_cannot_be_overdrawn_behind_the_stores_back(store, database):
    top_up(store, 100)
    database.conn.execute("BEGIN")
    with pytest.raises(sqlite.IntegrityError, match="negative"):
        database.conn.execute(
            "INSERT INTO reserve_fund_entry (id, station_id, rev, created_at, updated_at, created_by, updated_by,"
            " kind, amount, reason, entry_date) VALUES ('x', 's', 1, 't', 't', 'u', 'u', 'adjust_out', 10001, 'x',"
            " '2026-11-23')")
    database.conn.execute("ROLLBACK")
    with pytest.raises(sqlite.IntegrityError, match="append-only"):
        database.conn.execute("UPDATE reserve_fund_entry SET amount = 1")
    assert relief.balance(database) == 10000


def test_two_advances_racing_for_the_last_money_cannot_both_be_paid(store, database, village, applicant, household):
    top_up(store, 1500)
    first = new_case(store, applicant)
    spouse = database.query("SELECT * FROM person WHERE name = '王秀兰'")[0]
    second = new_case(store, spouse)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(case: dict) -> None:
        own = StationDatabase.open(database.path, check=False)  # each PC session has its own connection
        try:
            worker = RecordStore(own, Actor("w1", "liu", "刘晓梅", WORKER))
            start.wait()
            relief.act(worker, case["id"], "advance", case["rev"], amount="1000", reason="急需", today=TODAY)
            outcomes.append("paid")
        except ValidationError as exc:
            outcomes.append(exc.errors["amount"])
        finally:
            own.close()

    threads = [threading.Thread(target=pay, args=(c,)) for c in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("paid") == 1
    assert "余额不足" in next(o for o in outcomes if o != "paid")
    assert relief.balance(database) == 50000
    assert database.scalar("SELECT COUNT(*) FROM relief_case WHERE advance_amount IS NOT NULL") == 1


def test_fund_entries_other_than_advances_are_the_heads(store, worker_store):
    with pytest.raises(PermissionDenied, match="站长"):
        relief.add_fund_entry(worker_store, "topup", 1000, "拨入", TODAY.isoformat())
    with pytest.raises(ValidationError) as caught:
        relief.add_fund_entry(store, "advance", 10, "没有案件的先行救助", TODAY.isoformat())
    assert "关联救助案件" in caught.value.errors["relief_case_id"]


def test_a_correction_is_a_new_entry_and_the_ledger_adds_up_to_the_fen(store, applicant):
    relief.add_fund_entry(store, "topup", "30000", "2026年第四季度备用金", "2026-10-08")
    relief.add_fund_entry(store, "topup", "300", "误录", "2026-11-02")
    wrong = store.database.query("SELECT * FROM reserve_fund_entry WHERE reason = '误录'")[0]
    with pytest.raises(PermissionDenied, match="只能新增"):
        store.update("reserve_fund_entry", wrong["id"], {"amount": 100}, wrong["rev"])
    relief.add_fund_entry(store, "adjust_out", "300", "冲正11月2日误录的拨入", "2026-11-03")
    case = new_case(store, applicant)
    step(store, case, "advance", amount="864.50", reason="先行救助")
    relief.add_fund_entry(store, "repayment", "864.50", "审批后以救助资金归还先行救助", TODAY.isoformat())

    whole = relief.ledger(store.database, dt.date(2026, 10, 1), TODAY)
    assert [e["balance"] for e in whole.entries] == [3000000, 3030000, 3000000, 2913550, 3000000]
    assert (whole.opening, whole.total_in, whole.total_out, whole.closing) == (0, 3116450, 116450, 3000000)
    november = relief.ledger(store.database, dt.date(2026, 11, 1), TODAY)
    assert november.opening == 3000000 and november.closing == relief.balance(store.database)
    assert november.entries[2]["person_name"] == "李大山"


def test_a_paid_case_returns_its_advance_to_the_fund_once_and_exactly(store, worker_store, approver_store, applicant):
    users.create_user(store.database, store.actor, "liu", "刘晓梅", WORKER, "worker-pass1")  # worker_store's account
    relief.add_fund_entry(store, "topup", "5000", "拨入", TODAY.isoformat())
    case = step(worker_store, new_case(store, applicant), "advance", amount="1500", reason="急需口粮")

    def repay(who, amount: str) -> dict:
        return relief.add_fund_entry(who, "repayment", amount, "归还先行救助", TODAY.isoformat(), case["id"])

    with pytest.raises(TransitionRefused, match="案件批准后"):
        repay(store, "1500")  # nothing approved yet: the advance is still the applicant's only relief
    case = step(worker_store, step(worker_store, case, "verify"), "submit", amount="3000", reason="按实际损失")
    case = step(approver_store, case, "approve", amount="3000")  # the township decides, not the head
    with pytest.raises(ValidationError, match="应等于先行救助金额 1,500.00 元"):
        repay(store, "1000")
    # The worker who pays the case returns the advance with the payment, in one transaction.
    paid = relief.act(worker_store, case["id"], "pay", case["rev"], today=TODAY, return_advance=True)
    assert (paid["status"], paid["amount_paid"]) == ("paid", 150000)
    assert relief.returned_to_fund(store.database, case["id"]) == 150000
    assert relief.balance(store.database) == 500000
    with pytest.raises(ValidationError, match="已归还过"):
        repay(store, "1500")
    with pytest.raises(PermissionDenied, match="站长"):  # a repayment for no case stays the head's
        relief.add_fund_entry(worker_store, "repayment", "10", "归还", TODAY.isoformat())
    other = new_case(store, applicant, reason="另一起")
    with pytest.raises(ValidationError, match="没有先行救助"):
        relief.add_fund_entry(store, "repayment", "10", "归还", TODAY.isoformat(), other["id"])
    ledger = relief.ledger(store.database, TODAY, TODAY)
    assert {e["handler"] for e in ledger.entries} == {"王站长", "刘晓梅"}  # names, not user names


def test_verification_may_correct_the_tier_until_an_amount_is_proposed(store, applicant):
    case = step(store, new_case(store, applicant, tier=1), "verify")
    case = relief.amend(store, case["id"], case["rev"], {"tier": "2", "reason": "烧伤住院，自付医疗费用高"})
    assert case["amount_suggested"] == 426000  # 710 × 1 × 2 people × 3 months = 4,260 yuan
    with pytest.raises(ValidationError, match="档次"):
        relief.amend(store, case["id"], case["rev"], {"tier": ""})
    case = step(store, case, "submit", amount=str(case["amount_suggested"] / 100))
    with pytest.raises(rules.TransitionRefused, match="退回补充"):
        relief.amend(store, case["id"], case["rev"], {"tier": "1"})
    assert [c["changes"].get("tier") for c in store.history("relief_case", case["id"]) if "tier" in c["changes"]][-1] == [1, 2]
