"""Children in the store: next-due dates from the rule in force, overdue and agreement flags, the
archive's history, leaving the roll, the protection chain's time limits, figures and role limits."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.core import child_rules
from station_app.core.errors import PermissionDenied, ValidationError
from station_app.core.roles import Actor
from station_app.store import children, due, reference_data, users
from station_app.store.people import PersonFilter
from station_app.store.records import RecordStore

D = dt.date
TODAY = dt.date.today()


class Roll:
    def __init__(self, store: RecordStore, village: dict) -> None:
        self.store, self.village = store, village

    def child(self, name: str, *, category="left_behind", sub_type=None, risk="low", born="2016-05-01",
              village=None) -> tuple[dict, dict]:
        p = self.store.create("person", {"name": name, "gender": "M", "birth_date": born,
                                         "village_id": (village or self.village)["id"], "address": "前甸村2组8号"})
        profile = children.save_profile(self.store, {
            "person_id": p["id"], "category": category, "sub_type": sub_type, "risk_level": risk, "status": "active",
            "parents_situation": "both_away", "guardian_name": "张奶奶", "guardian_relation": "祖母",
            "guardian_phone": "13912345678", "entered_on": "2025-09-01"})
        return p, profile

    def visit(self, person: dict, when: dt.date, **values) -> dict:
        return children.save_visit(self.store, {"person_id": person["id"], "visit_date": when.isoformat(),
                                                "visitor": "刘晓梅", "method": "home", **values})

    def sign(self, profile: dict, signed: dt.date, expiry: dt.date | None) -> dict:
        return children.save_agreement(self.store, {
            "child_profile_id": profile["id"], "guardian_name": "张父", "caregiver_name": "张奶奶",
            "signed_date": signed.isoformat(), "expiry_date": expiry.isoformat() if expiry else None})


@pytest.fixture
def roll(database, head, village) -> Roll:
    return Roll(RecordStore(database, head, today=D(2027, 6, 30)), village)


def test_the_next_visit_follows_the_risk_and_the_difficulty(roll):
    low, _ = roll.child("低风险")
    assert roll.visit(low, D(2026, 7, 1))["next_due"] == "2026-09-29"  # quarterly
    high, _ = roll.child("高风险", risk="high")
    assert roll.visit(high, D(2026, 7, 1))["next_due"] == "2026-07-31"  # at least monthly
    alone, _ = roll.child("无人抚养", category="in_difficulty", sub_type="unsupported")
    assert roll.visit(alone, D(2026, 7, 1))["next_due"] == "2026-07-31"
    # Problems found bring the next visit forward to the follow-up days.
    assert roll.visit(low, D(2026, 8, 1), problems="作业无人辅导，成绩下滑")["next_due"] == "2026-08-15"


def test_a_rule_changed_later_applies_from_its_date_and_leaves_earlier_visits_alone(roll, store, database):
    person, _ = roll.child("甲", risk="medium")
    before = roll.visit(person, D(2026, 5, 1))
    assert before["next_due"] == "2026-06-30"
    stricter = reference_data.default(child_rules.FREQUENCY_KEY)
    stricter["seasons"][0]["by_risk"]["medium"] = 30
    reference_data.set_value(store, child_rules.FREQUENCY_KEY, stricter, D(2026, 6, 1), "中风险儿童改为每月走访")
    assert roll.visit(person, D(2026, 5, 20))["next_due"] == "2026-07-19"  # the old rule was in force
    assert roll.visit(person, D(2026, 6, 1))["next_due"] == "2026-07-01"
    assert store.get("visit", before["id"])["next_due"] == "2026-06-30"


def test_overdue_children_are_on_the_due_list_and_the_overdue_filter(roll, database):
    late, late_profile = roll.child("逾期", risk="high")
    roll.visit(late, D(2026, 7, 1))  # due 31 July
    fine, _ = roll.child("按时")
    roll.visit(fine, D(2026, 8, 1))
    today = D(2026, 8, 10)
    keys = due.due_keys(database, today, horizon_days=-1, program="child")
    assert [k.person_id for k in keys] == [late["id"]]
    assert children.child_ids(database, PersonFilter(), overdue_on=today) == [late_profile["id"]]


def test_missing_expired_and_expiring_agreements_are_flagged(roll, database):
    today = D(2026, 8, 10)
    _, missing = roll.child("未签")
    _, expired = roll.child("过期")
    roll.sign(expired, D(2025, 1, 1), D(2026, 1, 1))
    _, expiring = roll.child("将到期")
    roll.sign(expiring, D(2025, 8, 20), D(2026, 8, 20))
    _, signed = roll.child("已签")
    roll.sign(signed, D(2026, 1, 1), D(2027, 1, 1))
    _, not_needed = roll.child("贫困", category="in_difficulty", sub_type="poor")

    def found(status):
        return set(children.child_ids(database, PersonFilter(), agreement=status, today=today))

    assert found(child_rules.AGREEMENT_MISSING) == {missing["id"]}
    assert found(child_rules.AGREEMENT_EXPIRED) == {expired["id"]}
    assert found(child_rules.AGREEMENT_EXPIRING) == {expiring["id"]}
    assert found(children.AGREEMENT_PROBLEM) == {missing["id"], expired["id"], expiring["id"]}
    assert found(child_rules.AGREEMENT_VALID) == {signed["id"], not_needed["id"]}
    rows = children.child_rows(database, [missing["id"], signed["id"], not_needed["id"]], today)
    assert rows[missing["id"]]["agreement_status"] == "missing"
    assert rows[signed["id"]]["agreement_status"] == "valid"
    assert rows[not_needed["id"]]["agreement_status"] == "not_needed"
    # An agreement printed for signature but not signed yet does not count.
    children.save_agreement(roll.store, {"child_profile_id": missing["id"], "guardian_name": "父",
                                         "caregiver_name": "奶奶", "expiry_date": "2027-08-01"})
    assert missing["id"] in found(child_rules.AGREEMENT_MISSING)


def test_a_changed_fact_keeps_its_history(roll, store, database):
    _, profile = roll.child("乙")
    store_later = RecordStore(database, store.actor, today=D(2027, 6, 30))
    changed = children.save_profile(store_later, {"parents_situation": "father_away",
                                                  "father_whereabouts": "沈阳"}, profile)
    history = store.history("child_profile", profile["id"])
    assert [h["action"] for h in history] == ["create", "update"]
    last = history[-1]
    assert last["changes"]["parents_situation"] == ["both_away", "father_away"]
    assert last["username"] == "head"
    assert changed["rev"] == profile["rev"] + 1


def test_a_child_who_left_the_roll_stays_searchable_and_off_the_due_list(roll, database):
    person, profile = roll.child("刘小满", born="2010-03-01")
    assert [a["id"] for a in children.aged_out(database, D(2026, 3, 1))] == [profile["id"]]
    with pytest.raises(ValidationError) as refused:
        children.leave_roll(roll.store, profile, " ")
    assert "exit_reason" in refused.value.errors
    left = children.leave_roll(roll.store, profile, "年满16周岁", D(2026, 3, 2))
    assert (left["status"], left["exit_reason"], left["exited_on"]) == ("exited", "年满16周岁", "2026-03-02")
    assert children.child_ids(database, PersonFilter(text="刘小满")) == [profile["id"]]
    assert children.child_ids(database, PersonFilter(text="lxm")) == [profile["id"]]
    assert children.child_ids(database, PersonFilter(text="刘小满"), active_only=True) == []
    assert due.due_keys(database, D(2026, 12, 1), program="child") == []
    assert children.aged_out(database, D(2026, 3, 3)) == []


def test_the_protection_chain_flags_a_step_past_its_limit(roll, store, database):
    person, _ = roll.child("丙")
    report = children.open_report(roll.store, {"person_id": person["id"], "source": "学校老师", "reporter": "王老师",
                                               "reported_at": "2026-11-02 09:00", "urgency": "normal",
                                               "description": "孩子身上多处淤青"})
    assert (report["stage"], report["step_due"]) == ("reported", "2026-11-03 09:00")  # 24 h to respond
    assert children.late_cases(database, dt.datetime(2026, 11, 3, 8, 0)) == []
    late = children.late_cases(database, dt.datetime(2026, 11, 3, 10, 0))
    assert [c["id"] for c in late] == [report["id"]]
    # On the due list it shows on the day its limit falls, flagged as protection work, ahead of the
    # child's first visit (due since her 纳入日期, 2025-09-01: she was never visited).
    keys = due.due_keys(database, D(2026, 11, 3))
    assert [(k.program, k.record_id, k.due) for k in keys] == [("protection", report["id"], D(2026, 11, 3)),
                                                               ("child", None, D(2025, 9, 1))]
    rows = due.due_rows(database, keys)
    assert (rows[keys[0]]["follow_up"], rows[keys[0]]["step_due"]) == (["step_response"], "2026-11-03 09:00")

    with pytest.raises(ValidationError) as wrong:
        children.record_step(roll.store, report, "plan", "2026-11-03 10:00", "刘晓梅")
    assert "step" in wrong.value.errors
    responded = children.record_step(roll.store, report, "response", "2026-11-03 10:00", "刘晓梅", "已入户，联系派出所")
    assert (responded["stage"], responded["step_due"]) == ("response", "2026-11-06 10:00")  # 72 h to assess
    steps = children.report_steps(database, report["id"])
    assert [(s["step"], s["actor_name"], s["due_at"]) for s in steps] == [
        ("reported", "王老师", None), ("response", "刘晓梅", "2026-11-03 09:00")]
    assert children.late_cases(database, dt.datetime(2026, 11, 4, 0, 0)) == []


def test_an_urgent_report_has_a_shorter_limit_and_a_later_limit_change_does_not_move_it(roll, store, database):
    person, _ = roll.child("丁")
    critical = children.open_report(roll.store, {"person_id": person["id"], "source": "村委会",
                                                 "reported_at": "2026-11-02 09:00", "urgency": "critical",
                                                 "description": "监护人醉酒打骂"})
    assert critical["step_due"] == "2026-11-02 11:00"
    limits = reference_data.default(child_rules.LIMITS_KEY)
    limits["response_hours"]["critical"] = 1
    reference_data.set_value(store, child_rules.LIMITS_KEY, limits, D(2026, 12, 1))
    assert store.get("child_report", critical["id"])["step_due"] == "2026-11-02 11:00"


def test_the_figures_count_categories_agreements_coverage_and_open_cases(roll, database):
    today = D(2026, 8, 10)
    a, pa = roll.child("一")
    roll.sign(pa, D(2026, 1, 1), D(2027, 1, 1))
    b, _ = roll.child("二")
    roll.child("三", category="in_difficulty", sub_type="ill_disabled")
    roll.visit(a, D(2026, 8, 2))
    roll.visit(b, D(2026, 7, 2))
    children.open_report(roll.store, {"person_id": b["id"], "source": "邻居", "reported_at": "2026-08-09 09:00",
                                      "urgency": "normal", "description": "无人照看"})
    figures = children.child_figures(database, today, dt.datetime(2026, 8, 10, 12, 0))
    assert figures["children"] == 3
    assert (figures["agreements_needed"], figures["agreements_signed"]) == (2, 1)
    assert (figures["visited_month"], figures["visited_quarter"]) == (1, 2)
    assert dict(figures["open_by_stage"])["强制报告"] == 1
    assert figures["late_cases"] == 1
    assert sum(figures["by_village"]["前甸村"].values()) == 3


def test_a_viewer_cannot_change_the_archive_or_record_anything(roll, database, head):
    person, profile = roll.child("戊")
    user = users.create_user(database, head, "viewer", "县里检查", "viewer", "county-check-55")
    viewer = RecordStore(database, Actor(user["id"], user["username"], user["display_name"], "viewer"))
    with pytest.raises(PermissionDenied):
        children.save_profile(viewer, {"risk_level": "high"}, profile)
    with pytest.raises(PermissionDenied):
        children.save_visit(viewer, {"person_id": person["id"], "visit_date": "2026-11-01", "visitor": "县里",
                                     "method": "home"})
    with pytest.raises(PermissionDenied):
        children.save_agreement(viewer, {"child_profile_id": profile["id"], "guardian_name": "父",
                                         "caregiver_name": "奶奶", "signed_date": "2026-01-01"})
    with pytest.raises(PermissionDenied):
        children.open_report(viewer, {"person_id": person["id"], "source": "x", "reported_at": "2026-11-01 08:00",
                                      "urgency": "normal", "description": "x"})


def test_one_active_archive_per_child(roll):
    person, _ = roll.child("己")
    with pytest.raises(ValidationError) as refused:
        children.save_profile(roll.store, {"person_id": person["id"], "category": "left_behind", "status": "active"})
    assert "person_id" in refused.value.errors


def test_leaving_the_roll_by_age_is_one_rule_in_core_and_store(database, store, village):
    """The store's list of children to move off and core's rule agree, birthday by birthday."""
    today = dt.date(2026, 11, 23)
    born = {"on the birthday": "2010-11-23", "a day short": "2010-11-24", "long past": "2009-01-01"}
    people = {label: store.create("person", {"name": f"儿童{i}", "gender": "女", "birth_date": day,
                                             "village_id": village["id"]}) for i, (label, day) in enumerate(born.items())}
    for person in people.values():
        children.save_profile(store, {"person_id": person["id"], "category": "left_behind", "status": "active"})
    listed = {r["person_id"] for r in children.aged_out(database, today)}
    assert {label for label, p in people.items() if p["id"] in listed} == {"on the birthday", "long past"}
    assert {label for label, day in born.items() if child_rules.ages_out(day, today, 16)} == {"on the birthday",
                                                                                               "long past"}
