"""The store enforces the rules it owns, whoever calls it: a direct `RecordStore` call from a script
is held to the relief workflow, the approval limits, the advance cap, the reserve fund and the
county's own decisions exactly as the UI is. Rules are declared with their entity."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from station_app.jobs import admin
from station_app.core.behaviour import UPDATE, Behaviour, Storage, Write
from station_app.core.entities import ENTITIES, Entity
from station_app.core.errors import PermissionDenied, TransitionRefused, ValidationError
from station_app.core.fields import CHOICE, Field
from station_app.store import children, records, relief, sync_state
from station_app.store.records import RecordStore
from tests.helpers import count, county
from tests.test_relief_store import (TODAY, applicant, approver_store, household, new_case, step,  # noqa: F401
                                     top_up, worker_store)


def totals(database) -> tuple[int, ...]:
    return tuple(count(database, t) for t in ("relief_case", "relief_step", "reserve_fund_entry", "outbox"))


def at_review(store: RecordStore, applicant: dict, amount: str = "1420") -> dict:
    case = step(store, new_case(store, applicant, tier=1), "verify")  # suggested 1,420 yuan
    return step(store, case, "submit", amount=amount, reason="按实际困难申报")


def step_record(case: dict, action: str, to_status: str, amount: int | None = None) -> dict:
    return {"relief_case_id": case["id"], "action": action, "from_status": case["status"], "to_status": to_status,
            "amount": amount, "actor_name": "某人", "decided_on": TODAY.isoformat(), "reason": "同意"}


# -- declared with the entity ----------------------------------------------------------------------


def test_a_new_entity_declares_its_transition_rule_and_the_write_path_runs_it(database, store, monkeypatch):
    allowed = {"off": {"on"}, "on": {"off", "broken"}, "broken": set()}

    def transitions(writes: list[Write], storage: Storage) -> None:
        for w in writes:
            if w.op == UPDATE and w.before and w.after["state"] not in allowed[w.before["state"]] | {w.before["state"]}:
                raise TransitionRefused("坏了的灯不能再打开，请登记维修")

    lamp = Entity("lamp", "路灯", (Field("state", "状态", CHOICE, required=True,
                                          choices=(("off", "关"), ("on", "开"), ("broken", "损坏"))),),
                  behaviour=Behaviour(checks=(transitions,)))
    monkeypatch.setitem(ENTITIES, "lamp", lamp)
    database.conn.execute("CREATE TABLE lamp (id TEXT PRIMARY KEY, station_id TEXT, rev INTEGER, created_at TEXT,"
                          " updated_at TEXT, created_by TEXT, updated_by TEXT, deleted INTEGER, state TEXT)")
    record = store.create("lamp", {"state": "off"})
    record = store.update("lamp", record["id"], {"state": "on"}, record["rev"])
    record = store.update("lamp", record["id"], {"state": "broken"}, record["rev"])
    with pytest.raises(TransitionRefused, match="坏了的灯"):
        store.update("lamp", record["id"], {"state": "on"}, record["rev"])
    assert store.get("lamp", record["id"])["state"] == "broken"


def test_the_write_path_names_no_entity():
    source = inspect.getsource(records)
    assert "spec.name ==" not in source
    assert [name for name in ENTITIES if f'"{name}"' in source] == []


# -- the relief workflow, however the store is called ---------------------------------------------


def test_a_workers_direct_update_to_approved_is_refused(store, worker_store, applicant):
    case = at_review(worker_store, applicant)
    before = totals(store.database)
    with pytest.raises(TransitionRefused, match="只能通过办理流程变更"):
        worker_store.update("relief_case", case["id"], {"status": "approved", "amount_approved": "1420"}, case["rev"])
    with pytest.raises(TransitionRefused, match="只能通过办理流程变更"):
        store.update("relief_case", case["id"], {"status": "paid", "amount_paid": "1420"}, case["rev"])
    assert totals(store.database) == before
    assert store.get("relief_case", case["id"])["status"] == "review"


def test_a_case_is_registered_as_applied_and_nothing_more(store, applicant):
    with pytest.raises(TransitionRefused, match="只能以“已受理”状态登记"):
        store.create("relief_case", {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                     "household_size": 2, "reason": "火灾", "applied_on": TODAY.isoformat(),
                                     "status": "approved", "amount_approved": "9000"})
    with pytest.raises(ValidationError, match="案件编号由程序按顺序编排"):
        store.create("relief_case", {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                     "household_size": 2, "reason": "火灾", "applied_on": TODAY.isoformat(),
                                     "status": "applied", "case_no": "A-1"})
    with pytest.raises(ValidationError, match="建议金额由程序按县里的标准计算"):
        store.create("relief_case", {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                     "household_size": 2, "reason": "火灾", "applied_on": TODAY.isoformat(),
                                     "status": "applied", "amount_suggested": "9000", "case_no": "21041110120260001"})
    assert count(store.database, "relief_case") == 0


def test_a_case_moves_only_as_its_newest_step_says(store, approver_store, applicant):
    case = at_review(store, applicant)
    approver_store.create("relief_step", step_record(case, "approve", "approved", 142000))
    with pytest.raises(TransitionRefused, match="与最近的办理记录（乡镇审批同意）不符"):
        approver_store.update("relief_case", case["id"], {"status": "approved", "amount_approved": "5000"}, case["rev"])
    approved = approver_store.update("relief_case", case["id"], {"status": "approved", "amount_approved": "1420",
                                                                 "authority": "township",
                                                                 "approved_on": TODAY.isoformat()}, case["rev"])
    assert approved["amount_approved"] == 142000


def test_a_station_user_cannot_write_the_countys_decision(store, worker_store, applicant):
    case = step(store, at_review(store, applicant, "6390"), "refer")
    before = totals(store.database)
    for who in (store, worker_store):
        with pytest.raises(PermissionDenied, match="只能由县民政局办理"):
            who.create("relief_step", step_record(case, "county_approve", "approved", 639000))
        with pytest.raises(PermissionDenied, match="只能由县民政局办理"):
            relief.apply_county_decision(who, case["id"], case["rev"], approved=True, amount="6390",
                                         decided_by="县民政局", decided_on=TODAY)
        with pytest.raises(PermissionDenied, match="县民政局同步"):
            who.apply_remote("relief_case", {**case, "status": "approved", "rev": case["rev"] + 1}, case["rev"])
    assert totals(store.database) == before
    decided = relief.apply_county_decision(county(store), case["id"], case["rev"], approved=True, amount="6390",
                                           decided_by="县民政局", decided_on=TODAY)
    assert decided["status"] == "approved"


def test_a_step_past_the_actors_approval_limit_is_refused(store, worker_store, applicant):
    case = at_review(worker_store, applicant)
    with pytest.raises(ValidationError, match="社工的审批权限为 0.00 元"):
        worker_store.create("relief_step", step_record(case, "approve", "approved", 142000))
    with pytest.raises(TransitionRefused, match="不符"):
        worker_store.create("relief_step", {**step_record(case, "approve", "paid", 142000), "from_status": "county"})
    assert count(store.database, "relief_step") == 3


def test_the_application_is_locked_once_submitted(store, applicant):
    case = at_review(store, applicant)
    with pytest.raises(TransitionRefused, match="申请信息不能再修改"):
        store.update("relief_case", case["id"], {"tier": 3}, case["rev"])


def test_resolving_a_conflict_picks_a_side_and_invents_no_state(store, applicant):
    case = at_review(store, applicant)
    theirs = {**case, "notes": "县里补充的说明", "rev": case["rev"] + 1}
    with store.database.transaction() as conn:
        sync_state.flag_conflict(conn, "relief_case", case["id"], mine=case, theirs=theirs,
                                 theirs_rev=theirs["rev"], fields=["notes"])
    [conflict] = sync_state.open_conflicts(store.database)
    with pytest.raises(TransitionRefused, match="只能取本站或县里的版本"):
        store.resolve_conflict(conflict, {"status": "approved", "amount_approved": "1420"})
    resolved = store.resolve_conflict(conflict, {"notes": case["notes"]})
    assert (resolved["status"], resolved["notes"]) == ("review", None)


# -- advances and the reserve fund ---------------------------------------------------------------


def test_money_leaves_the_fund_only_for_an_advance_the_case_may_have(store, worker_store, applicant):
    top_up(store, 5000)
    case = new_case(worker_store, applicant)
    entry = {"kind": "advance", "relief_case_id": case["id"], "reason": "急需", "entry_date": TODAY.isoformat()}
    with pytest.raises(ValidationError, match="不超过 2,000.00 元"):
        worker_store.create("reserve_fund_entry", {**entry, "amount": "3000"})
    case = step(worker_store, case, "advance", amount="800", reason="火灾后急需购买被褥和口粮")
    with pytest.raises(ValidationError, match="只能先行救助一次"):
        worker_store.create("reserve_fund_entry", {**entry, "amount": "100"})
    withdrawn = step(worker_store, new_case(worker_store, applicant, applied_on="2026-11-20"), "withdraw", reason="撤回")
    with pytest.raises(TransitionRefused, match="不能办理“先行救助”"):
        worker_store.create("reserve_fund_entry", {**entry, "relief_case_id": withdrawn["id"], "amount": "100"})
    assert relief.balance(store.database) == 420000


def test_an_advance_the_fund_cannot_pay_writes_nothing(store, worker_store, applicant):
    top_up(store, 500)
    case = new_case(worker_store, applicant)
    before = totals(store.database)
    with pytest.raises(ValidationError, match="备用金余额不足：当前余额 500.00 元"):
        step(worker_store, case, "advance", amount="800", reason="急需")
    assert totals(store.database) == before
    assert store.get("relief_case", case["id"])["advance_amount"] is None


def test_an_advance_on_the_case_needs_the_money_paid_from_the_fund(store, worker_store, applicant):
    top_up(store, 5000)
    case = new_case(worker_store, applicant)
    worker_store.create("relief_step", {**step_record(case, "advance", "applied", 80000), "reason": "急需"})
    with pytest.raises(TransitionRefused, match="从备用金支出同样的金额"):
        worker_store.update("relief_case", case["id"], {"is_advance": 1, "advance_amount": "800",
                                                        "advance_on": TODAY.isoformat(),
                                                        "paperwork_due": "2026-11-30"}, case["rev"])


# -- the protection chain ---------------------------------------------------------------------------


def test_a_protection_case_moves_only_by_its_steps_in_the_chains_order_each_with_what_was_done(store, village):
    child = store.create("person", {"name": "刘小满", "gender": "男", "birth_date": "2016-05-01",
                                    "village_id": village["id"]})
    report_data = {"person_id": child["id"], "source": "学校老师", "reported_at": "2026-11-02 09:00",
                   "urgency": "normal", "description": "孩子身上多处淤青"}
    with pytest.raises(TransitionRefused, match="只能处于“强制报告”环节"):
        store.create("child_report", {**report_data, "stage": "closed"})
    report = children.open_report(store, report_data)
    with pytest.raises(TransitionRefused, match="只能通过办理下一环节推进"):
        store.update("child_report", report["id"], {"stage": "closed", "stage_at": "2026-11-02 10:00"}, report["rev"])
    with pytest.raises(ValidationError, match="下一步只能是应急处置"):
        store.create("child_report_step", {"child_report_id": report["id"], "step": "closed",
                                           "done_at": "2026-11-02 10:00", "actor_name": "刘晓梅"})
    with pytest.raises(ValidationError, match="不能早于上一环节"):
        store.create("child_report_step", {"child_report_id": report["id"], "step": "response",
                                           "done_at": "2026-11-01 10:00", "actor_name": "刘晓梅"})
    with pytest.raises(ValidationError, match="请写明“应急处置”环节的办理情况") as empty:
        children.record_step(store, report, "response", "2026-11-02 11:00", "刘晓梅", " \n ")
    assert set(empty.value.errors) == {"note"}
    assert store.get("child_report", report["id"])["stage"] == "reported"
    assert children.record_step(store, report, "response", "2026-11-02 11:00", "刘晓梅",
                                "已入户核实，孩子由邻居临时照看")["stage"] == "response"


def test_demo_cases_were_worked_through_their_workflows(database, head):
    """Demo data obeys the rules too: each relief and protection case is where its newest step put it."""
    counts = admin.load_demo(database, head, 1500, today=dt.date(2026, 11, 1))
    assert counts["relief_case"] > 10 and counts["child_report"] > 0
    for table, state, steps, step_state, key in (("relief_case", "status", "relief_step", "to_status", "relief_case_id"),
                                                 ("child_report", "stage", "child_report_step", "step", "child_report_id")):
        assert database.scalar(f"""SELECT COUNT(*) FROM {table} c WHERE c.{state} != (SELECT s.{step_state}
                                   FROM {steps} s WHERE s.{key} = c.id ORDER BY s.rowid DESC LIMIT 1)""") == 0
    assert relief.balance(database) >= 0
