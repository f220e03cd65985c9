"""Elderly rounds in the store: next-due dates from the rule in force, overdue, follow-ups,
relief referrals, the route sheet's people, the monthly roster, the figures and role limits."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.core import elder_rules
from station_app.core.errors import PermissionDenied, ValidationError
from station_app.core.roles import Actor
from station_app.store import due, elder_rounds, reference_data, users
from station_app.store.people import PersonFilter
from station_app.store.records import RecordStore
from tests.helpers import count

D = dt.date
TODAY = dt.date.today()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


class Rounds:
    def __init__(self, store: RecordStore, village: dict) -> None:
        self.store, self.village = store, village

    def elder(self, name: str, categories=("empty_nest",), risk="low", village=None) -> dict:
        p = self.store.create("person", {"name": name, "gender": "F", "birth_date": "1940-02-03",
                                         "village_id": (village or self.village)["id"], "address": "前甸村3组12号",
                                         "phone": "13912345678"})
        elder_rounds.save_profile(self.store, {"person_id": p["id"], "categories": list(categories),
                                               "risk_level": risk, "status": "active", "entered_on": "2025-09-01",
                                               "contacts": [{"name": "李建国", "relation": "儿子",
                                                             "phone": "13800001111"}]})
        return p

    def visit(self, person: dict, when: dt.date, **values) -> dict:
        return elder_rounds.save_visit(self.store, {"person_id": person["id"], "visit_date": when.isoformat(),
                                                    "visitor": "刘晓梅", "method": "home", "seen_in_person": True,
                                                    **values})


@pytest.fixture
def rounds(database, head, village) -> Rounds:
    # Visits into 2027 are allowed: the rules are checked on fixed dates, whenever the tests run.
    return Rounds(RecordStore(database, head, today=D(2027, 6, 30)), village)


def test_a_visit_gets_its_next_due_date_from_the_rule(rounds):
    alone = rounds.elder("独居甲", ["alone"])
    assert rounds.visit(alone, D(2026, 7, 1))["next_due"] == "2026-07-31"
    assert rounds.visit(alone, D(2026, 12, 1))["next_due"] == "2026-12-15"  # winter: twice a month
    high = rounds.elder("高风险乙", ["empty_nest"], risk="high")
    assert rounds.visit(high, D(2026, 7, 1))["next_due"] == "2026-07-08"


def test_a_next_due_date_typed_in_is_kept(rounds):
    person = rounds.elder("丙")
    assert rounds.visit(person, D(2026, 7, 1), next_due="2026-07-05")["next_due"] == "2026-07-05"


def test_a_rule_changed_later_applies_from_its_date_and_leaves_earlier_visits_alone(rounds, store, database):
    person = rounds.elder("丁", ["empty_nest"])
    before = rounds.visit(person, D(2026, 5, 1))
    stricter = reference_data.default(elder_rules.FREQUENCY_KEY)
    stricter["seasons"][1]["by_category"]["empty_nest"] = 14
    reference_data.set_value(store, elder_rules.FREQUENCY_KEY, stricter, D(2026, 6, 1), "空巢老人改为半月一访")
    assert rounds.visit(person, D(2026, 5, 20))["next_due"] == "2026-06-19"  # the old rule was in force
    assert rounds.visit(person, D(2026, 6, 1))["next_due"] == "2026-06-15"
    assert store.get("visit", before["id"])["next_due"] == "2026-05-31"
    assert elder_rounds.suggested_next_due(database, person["id"], D(2026, 5, 31)) == D(2026, 6, 30)


def test_overdue_detection_on_the_due_list(rounds, database):
    today = D(2026, 8, 10)
    late = rounds.elder("逾期", ["alone"])
    rounds.visit(late, D(2026, 7, 1))  # monthly: due 31 July
    fine = rounds.elder("按时", ["empty_nest"], risk="high")
    rounds.visit(fine, D(2026, 8, 8))  # weekly: due 15 August
    keys = {k.person_id: k for k in due.due_keys(database, today, program="elder")}
    assert keys[late["id"]].days_overdue(today) == 10
    assert keys[fine["id"]].days_overdue(today) == -5  # on the list: due within the week ahead
    overdue = elder_rounds.elder_ids(database, PersonFilter(), overdue_on=today)
    assert [elder_rounds.profile_of(database, late["id"])["id"]] == overdue


def test_a_hazard_opens_a_follow_up_that_a_later_clean_visit_closes(rounds, database):
    person = rounds.elder("隐患", ["empty_nest"])
    first = rounds.visit(person, day(-10), hazards=["heating"], follow_up="煤炉烟道堵塞，已通知儿子修理")
    assert first["next_due"] == day(-7).isoformat()  # within the rule's 3 follow-up days
    opened = elder_rounds.open_follow_ups(database)
    assert [(f["person_id"], f["reasons"]) for f in opened] == [(person["id"], ["hazard"])]
    keys = due.due_keys(database, TODAY, program="elder")
    assert [k.person_id for k in keys] == [person["id"]]  # stays on the due list, overdue
    assert due.due_rows(database, keys)[keys[0]]["follow_up"] == ["hazard"]
    rounds.visit(person, day(-1))
    assert elder_rounds.open_follow_ups(database) == []
    assert due.due_keys(database, TODAY, program="elder") == []


def test_not_seen_in_person_opens_a_follow_up_and_a_later_hazard_keeps_it_open(rounds, database):
    person = rounds.elder("未见")
    rounds.visit(person, day(-6), method="phone", seen_in_person=False)
    assert [f["reasons"] for f in elder_rounds.open_follow_ups(database)] == [["not_seen"]]
    rounds.visit(person, day(-3), hazards=["falls"])
    assert [f["reasons"] for f in elder_rounds.open_follow_ups(database)] == [["hazard"]]
    rounds.visit(person, day(-1))
    assert elder_rounds.open_follow_ups(database) == []


def test_a_relief_referral_is_listed_until_a_relief_case_takes_it_up(rounds, store, database):
    person = rounds.elder("转介")
    with pytest.raises(ValidationError) as caught:
        rounds.visit(person, D(2026, 11, 2), referral="relief")
    assert "referral_note" in caught.value.errors
    visit = rounds.visit(person, D(2026, 11, 2), referral="relief", referral_note="老伴住院，医疗支出大，生活困难")
    listed = elder_rounds.open_relief_referrals(database)
    assert [(r["id"], r["name"], r["referral_note"]) for r in listed] == [
        (visit["id"], "转介", "老伴住院，医疗支出大，生活困难")]
    assert elder_rounds.elder_figures(database, D(2026, 11, 2))["open_relief_referrals"] == 1
    store.create("relief_case", {"person_id": person["id"], "case_type": "expenditure", "reason": "医疗支出",
                                 "status": "applied", "applied_on": "2026-11-03", "case_no": "21041110120260001"})
    assert elder_rounds.open_relief_referrals(database) == []
    assert elder_rounds.elder_figures(database, D(2026, 11, 3))["open_relief_referrals"] == 0


def test_the_route_sheet_lists_exactly_the_people_due_in_that_village(rounds, store, database):
    other = store.create("village", {"code": "210411101202", "name": "关岭村"})
    overdue = rounds.elder("逾期者", ["alone"])
    rounds.visit(overdue, D(2026, 10, 1))  # due 2026-10-31
    on_the_day = rounds.elder("当天", ["empty_nest"])
    rounds.visit(on_the_day, D(2026, 10, 20))  # winter begins: due 2026-11-19
    rounds.elder("从未探访")  # never visited: due since entering the roster (2025-09-01), most overdue
    later = rounds.elder("未到期", ["empty_nest"], risk="high")
    rounds.visit(later, D(2026, 11, 18))  # due 2026-11-25
    elsewhere = rounds.elder("外村", ["alone"], village=other)
    rounds.visit(elsewhere, D(2026, 10, 1))
    exited = rounds.elder("已退出", ["alone"])
    rounds.visit(exited, D(2026, 10, 1))
    profile = elder_rounds.profile_of(database, exited["id"])
    elder_rounds.save_profile(store, {"status": "exited", "exit_reason": "迁往外地随子女生活"}, profile)

    rows = elder_rounds.route_rows(database, rounds.village["id"], D(2026, 11, 19))
    names = [r["name"] for r in rows]
    assert names == ["从未探访", "逾期者", "当天"]
    first = rows[1]
    assert first["profile"]["contacts"][0]["name"] == "李建国" and first["last"]["visit_date"] == "2026-10-01"
    assert any("煤炉" in check for check in first["checks"])  # a winter round


def test_the_monthly_roster_counts_required_and_made_visits(rounds, database):
    weekly = rounds.elder("每周", ["empty_nest"], risk="high")
    for d in (1, 8, 15):
        rounds.visit(weekly, D(2026, 12, d))
    monthly = rounds.elder("每月", ["empty_nest"])
    rounds.visit(monthly, D(2026, 11, 30))
    roster = {r["name"]: r for r in elder_rounds.month_roster(database, rounds.village["id"], "2026-12")}
    assert (roster["每周"]["required"], roster["每周"]["visit_dates"]) == (4, ["2026-12-01", "2026-12-08",
                                                                               "2026-12-15"])
    assert (roster["每月"]["required"], roster["每月"]["visit_dates"]) == (1, [])


def test_the_figures_count_visits_overdue_and_follow_ups(rounds, database):
    a = rounds.elder("甲", ["alone"])
    rounds.visit(a, day(-40))
    b = rounds.elder("乙", ["empty_nest"])
    rounds.visit(b, day(0), hazards=["gas"])
    figures = elder_rounds.elder_figures(database, TODAY)
    assert figures["people"] == 2 and figures["open_follow_ups"] == 1
    assert dict(figures["overdue_by_village"]) == {"前甸村": 1}
    assert figures["visits_done"] == 1  # 40 days ago is never this month


def test_one_active_profile_per_person(rounds, store):
    person = rounds.elder("重复")
    with pytest.raises(ValidationError, match="已有在册"):
        elder_rounds.save_profile(store, {"person_id": person["id"], "categories": ["alone"], "status": "active"})


def test_emergency_contacts_are_checked_and_keep_their_order(store, village):
    person = store.create("person", {"name": "联系人", "gender": "M", "birth_date": "1945-01-01"})
    with pytest.raises(ValidationError) as caught:
        store.create("elder_profile", {"person_id": person["id"], "categories": ["alone"], "status": "active",
                                       "contacts": [{"name": "王大", "phone": "12345"}]})
    assert "第1位紧急联系人（王大）" in caught.value.errors["contacts"]
    saved = store.create("elder_profile", {"person_id": person["id"], "categories": ["alone"], "status": "active",
                                           "contacts": [{"name": "王二", "relation": "女儿", "phone": "13900001111"},
                                                        {"name": "", "relation": "", "phone": ""},
                                                        {"name": "王大", "relation": "儿子", "phone": "024-57612345"}]})
    assert [c["name"] for c in saved["contacts"]] == ["王二", "王大"]


def test_a_viewer_cannot_record_visits_or_change_profiles(rounds, database, head):
    person = rounds.elder("只读")
    user = users.create_user(database, head, "viewer", "县里检查", "viewer", "county-check-55")
    viewer = RecordStore(database, Actor(user["id"], user["username"], user["display_name"], "viewer"))
    visits_before = count(database, "visit")
    with pytest.raises(PermissionDenied):
        elder_rounds.save_visit(viewer, {"person_id": person["id"], "visit_date": "2026-11-01", "visitor": "县里",
                                         "method": "home", "seen_in_person": True})
    with pytest.raises(PermissionDenied):
        elder_rounds.save_profile(viewer, {"risk_level": "high"}, elder_rounds.profile_of(database, person["id"]))
    assert count(database, "visit") == visits_before
    assert elder_rounds.profile_of(database, person["id"])["risk_level"] == "low"


def test_profile_changes_keep_their_history(rounds, store, database):
    person = rounds.elder("历史")
    profile = elder_rounds.profile_of(database, person["id"])
    elder_rounds.save_profile(store, {"risk_level": "high", "risk_reason": "冬季独自烧煤炉"}, profile)
    changes = [e["changes"] for e in store.history("elder_profile", profile["id"])]
    assert changes[-1]["risk_level"] == ["low", "high"]


def test_the_due_list_grouped_by_village_keeps_the_most_overdue_first_in_each(rounds, store, database):
    other = store.create("village", {"code": "210411101202", "name": "关岭村"})
    today = D(2026, 8, 20)
    far_late = rounds.elder("关岭逾期", ["alone"], village=other)
    rounds.visit(far_late, D(2026, 7, 1))  # due 31 July
    near_late = rounds.elder("前甸逾期", ["alone"])
    rounds.visit(near_late, D(2026, 7, 10))  # due 9 August
    near_soon = rounds.elder("前甸将到期", ["alone"])
    rounds.visit(near_soon, D(2026, 7, 25))  # due 24 August
    by_due = [k.person_id for k in due.due_keys(database, today, program="elder")]
    grouped = [k.person_id for k in due.due_keys(database, today, program="elder", by_village=True)]
    assert by_due == [far_late["id"], near_late["id"], near_soon["id"]]
    assert grouped == [near_late["id"], near_soon["id"], far_late["id"]]  # 前甸村 (…201) before 关岭村 (…202)
