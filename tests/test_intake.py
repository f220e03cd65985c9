"""Intake (主动发现 / 一门受理) through the store: a report from anyone, triaged within the county's
time limit into what it becomes, each leading back to the other."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.core import intake as rules
from station_app.core.errors import TransitionRefused, ValidationError
from station_app.store import due, elder_rounds, intake, monthly_report, relief
from tests.helpers import count, id_number
from tests.test_relief_store import TODAY

MORNING = dt.datetime(2026, 11, 23, 8, 30)


@pytest.fixture
def resident(store, village) -> dict:
    household = store.create("household", {"village_id": village["id"], "head_name": "孙桂芝"})
    return store.create("person", {"name": "孙桂芝", "id_number": id_number("19470912", 122), "village_id": village["id"],
                                   "household_id": household["id"], "address": "前甸村5组8号"})


def report(store, resident: dict | None = None, **extra) -> dict:
    data = {"received_at": "2026-11-23 08:30", "channel": "grid", "reporter": "网格员赵静",
            "subject_name": resident["name"] if resident else "无名老人", "description": "独居老人家中断煤，屋内结冰",
            "urgency": "urgent", **({"person_id": resident["id"], "village_id": resident["village_id"]} if resident else {}),
            **extra}
    return intake.register(store, data, now=MORNING)


def test_a_report_is_due_for_triage_within_the_countys_limit(store, resident):
    urgent = report(store, resident)
    assert urgent["triage_due"] == "2026-11-24 08:30"  # urgent: 24 hours by the shipped rule
    assert report(store, resident, urgency="normal")["triage_due"] == "2026-11-26 08:30"  # 72 hours
    with pytest.raises(ValidationError, match="分办时限由县里的规定计算"):
        store.create("intake_report", {"received_at": "2026-11-23 08:30", "channel": "hotline_12345",
                                       "subject_name": "某人", "description": "x", "urgency": "urgent",
                                       "triage_due": "2026-12-30 08:30"})


def test_a_report_becomes_a_relief_case_and_the_case_links_back(store, resident):
    taken = report(store, resident)
    case = intake.to_relief(store, taken["id"], taken["rev"], {
        "person_id": resident["id"], "case_type": "emergency", "tier": 1, "reason": taken["description"]}, TODAY,
        now=MORNING + dt.timedelta(hours=2))
    assert case["intake_report_id"] == taken["id"] and case["status"] == "applied"
    triaged = store.get("intake_report", taken["id"])
    assert (triaged["triage"], triaged["relief_case_id"], triaged["triaged_at"]) == ("relief", case["id"],
                                                                                    "2026-11-23 10:30")
    assert triaged["triaged_by"] == "王站长"
    with pytest.raises(TransitionRefused, match="去向不能再改"):
        intake.transfer(store, taken["id"], triaged["rev"], "县医疗保障局", TODAY.isoformat())


def test_a_report_about_a_child_opens_the_protection_chain_and_the_case_links_back(store, village):
    child = store.create("person", {"name": "孙小雨", "id_number": id_number("20150304", 222), "village_id": village["id"]})
    taken = report(store, child, description="孩子独自在家多日，身上有伤")
    case = intake.to_child_report(store, taken["id"], taken["rev"], {
        "person_id": child["id"], "reported_at": taken["received_at"], "urgency": "urgent", "source": "网格员",
        "reporter": "网格员赵静", "description": taken["description"]}, now=MORNING + dt.timedelta(hours=1))
    assert (case["stage"], case["person_id"]) == ("reported", child["id"])
    triaged = store.get("intake_report", taken["id"])
    assert (triaged["triage"], triaged["child_report_id"]) == ("child_report", case["id"])
    assert intake.untriaged_by(store.database, MORNING.date() + dt.timedelta(days=5)) == []


def test_a_report_about_an_elder_is_answered_by_a_visit_that_links_back(store, resident):
    elder_rounds.save_profile(store, {"person_id": resident["id"], "categories": ["alone"], "risk_level": "high",
                                      "status": "active"})
    taken = report(store, resident)
    visit = intake.to_elder_visit(store, taken["id"], taken["rev"], {
        "person_id": resident["id"], "program": "elder", "visit_date": "2026-11-23", "visitor": "刘晓梅",
        "method": "home", "seen_in_person": True, "findings": "已送煤，屋内恢复供暖"}, now=MORNING + dt.timedelta(hours=3))
    triaged = store.get("intake_report", taken["id"])
    assert (triaged["triage"], triaged["visit_id"], triaged["triage_note"]) == ("elder_visit", visit["id"],
                                                                               "已送煤，屋内恢复供暖")


def test_a_triage_that_fails_writes_nothing(store, resident):
    taken = report(store, resident)
    cases, steps = count(store.database, "relief_case"), count(store.database, "relief_step")
    with pytest.raises(ValidationError):
        intake.to_relief(store, taken["id"], taken["rev"], {"person_id": resident["id"], "case_type": "emergency",
                                                            "reason": "断煤"}, TODAY)  # no tier
    assert (count(store.database, "relief_case"), count(store.database, "relief_step")) == (cases, steps)
    assert store.get("intake_report", taken["id"])["triage"] is None


def test_a_relief_case_must_name_the_report_it_came_from(store, resident):
    taken = report(store, resident)
    other = relief.register(store, {"person_id": resident["id"], "case_type": "emergency", "tier": 1,
                                    "reason": "另案"}, TODAY)
    with pytest.raises(ValidationError, match="注明来自这条报告"):
        store.update("intake_report", taken["id"], {"triage": "relief", "relief_case_id": other["id"],
                                                    "triaged_at": "2026-11-23 10:00", "triaged_by": "王站长"},
                     taken["rev"])


def test_a_transfer_names_the_department_and_its_receipt_comes_back_later(store, resident):
    taken = report(store, resident, subject_name="外地务工人员", urgency="normal")
    with pytest.raises(ValidationError) as caught:
        intake.transfer(store, taken["id"], taken["rev"], "", None)
    assert set(caught.value.errors) == {"transfer_to", "transferred_on"}
    sent = intake.transfer(store, taken["id"], taken["rev"], "县人力资源和社会保障局", "2026-11-23", "申请就业援助")
    with pytest.raises(ValidationError, match="不能早于转办日期"):
        intake.record_receipt(store, taken["id"], sent["rev"], "2026-11-20", "已受理")
    back = intake.record_receipt(store, taken["id"], sent["rev"], "2026-11-23", "已受理，安排公益岗位")
    assert (back["triage"], back["transfer_to"], back["receipt_note"]) == ("transfer", "县人力资源和社会保障局",
                                                                           "已受理，安排公益岗位")


def test_closing_a_report_as_unfounded_needs_what_was_found(store):
    taken = report(store)
    with pytest.raises(ValidationError, match="无需救助的理由"):
        intake.close_unfounded(store, taken["id"], taken["rev"], "")
    assert intake.close_unfounded(store, taken["id"], taken["rev"], "子女已接回照料")["triage"] == "no_action"


def test_untriaged_reports_are_on_the_due_list_until_triaged(store, resident):
    taken = report(store, resident)
    keys = [k for k in due.due_keys(store.database, TODAY) if k.program == "intake"]
    assert [(k.record_id, k.due) for k in keys] == [(taken["id"], dt.date(2026, 11, 24))]
    row = due.due_rows(store.database, keys)[keys[0]]
    assert (row["name"], row["step_due"]) == ("孙桂芝", "2026-11-24 08:30")
    assert rules.untriaged_late(taken, dt.datetime(2026, 11, 24, 9, 0))
    intake.close_unfounded(store, taken["id"], taken["rev"], "已由子女接走")
    assert not [k for k in due.due_keys(store.database, TODAY) if k.program == "intake"]


def test_a_report_about_someone_not_registered_is_on_the_due_list_by_name(store):
    taken = report(store)
    [key] = [k for k in due.due_keys(store.database, TODAY) if k.program == "intake"]
    assert due.due_rows(store.database, [key])[key]["name"] == "无名老人"
    assert key.record_id == taken["id"]


def test_the_monthly_report_counts_reports_received_and_triaged_in_time(store, resident):
    late = report(store, resident, received_at="2026-11-02 09:00")  # urgent: due 11-03 09:00
    intake.close_unfounded(store, late["id"], late["rev"], "已由子女接走", now=dt.datetime(2026, 11, 4, 9, 0))
    prompt = report(store, resident, received_at="2026-11-10 09:00")
    intake.transfer(store, prompt["id"], prompt["rev"], "县医疗保障局", "2026-11-10", now=dt.datetime(2026, 11, 10, 15, 0))
    report(store, resident, received_at="2026-11-20 09:00")  # not triaged yet
    report(store, resident, received_at="2026-10-31 09:00")  # October's
    found = {f.label: f for f in monthly_report.figures(store.database, "2026-11")}
    received, on_time = found["受理主动发现报告"], found["按时限分办的报告"]
    assert received.value == 3 and on_time.ids == (prompt["id"],) and on_time.text == "1 / 3 件（33.3%）"
    headers, rows = monthly_report.records(store.database, received)
    assert headers[0] == "困难对象" and len(rows) == 3
