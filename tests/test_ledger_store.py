"""The station's own ledger through the store: the rules each record keeps, the training and
signing rates as of a day from business dates, volunteer hours per year, care agreements on the
due list."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_app.core import ledger
from station_app.core.entities import entity
from station_app.core.errors import PermissionDenied, ValidationError
from station_app.core.fields import FieldError, ParseContext, format_hours, parse_value
from station_app.jobs import admin
from station_app.store import activities, care, due, elder_rounds, ledger_figures, monthly_report, network
from station_app.store.records import RecordStore
from tests.figure_history import D
from tests.helpers import count, county, id_number

TODAY = D(2026, 11, 20)


@pytest.fixture
def day_store(database, head) -> RecordStore:
    return RecordStore(database, head, today=TODAY)


def staff(store, name: str, role: str, village: dict | None, entered: str, left: str | None = None) -> dict:
    return network.save_staff(store, {"name": name, "role": role, "village_id": village and village["id"],
                                      "status": "exited" if left else "active", "entered_on": entered,
                                      "exited_on": left, "exit_reason": "调离" if left else None})


def training(store, held: str, attendees: list[dict], topic: str = "儿童关爱保护政策") -> dict:
    return network.save_training(store, {"held_on": held, "topic": topic, "hours": "3"}, None,
                                 [a["id"] for a in attendees])


def rates(database, day: dt.date) -> dict[str, tuple[int, int | None]]:
    return {f.key: (f.value, f.of) for f in ledger_figures.figures(database, day.replace(day=1), day)}


# -- the network -------------------------------------------------------------------------------


def test_a_village_has_one_child_director_in_post_at_a_time(day_store, village):
    first = staff(day_store, "刘晓梅", "child_director", village, "2024-03-01")
    with pytest.raises(ValidationError) as refused:
        staff(day_store, "王丽", "child_director", village, "2026-09-01")
    assert "刘晓梅" in refused.value.errors["village_id"]
    # Once the first has left, the next takes over from that day on.
    network.save_staff(day_store, {"status": "exited", "exited_on": "2026-09-01", "exit_reason": "换届"}, first)
    second = staff(day_store, "王丽", "child_director", village, "2026-09-01")
    assert network.director_of(day_store.database, village["id"], TODAY)["id"] == second["id"]
    assert network.director_of(day_store.database, village["id"], D(2026, 8, 31))["id"] == first["id"]


def test_village_roles_name_their_village_and_leaving_needs_a_reason(day_store):
    with pytest.raises(ValidationError) as refused:
        network.save_staff(day_store, {"name": "赵刚", "role": "grid_worker", "status": "exited"})
    assert refused.value.errors == {"village_id": "网格员请选择所在村（社区）", "exit_reason": "离任时请写明原因"}
    supervisor = network.save_staff(day_store, {"name": "孙志强", "role": "child_supervisor", "status": "active"})
    assert supervisor["entered_on"] == TODAY.isoformat()  # in post from today unless told otherwise


def test_a_person_signs_in_once_per_training_and_the_session_keeps_exactly_who_came(day_store, village):
    a = staff(day_store, "刘晓梅", "child_director", village, "2024-03-01")
    b = staff(day_store, "孙志强", "child_supervisor", None, "2024-03-01")
    session = training(day_store, "2026-05-10", [a, b])
    assert sorted(network.attendee_ids(day_store.database, session["id"])) == sorted([a["id"], b["id"]])
    with pytest.raises(ValidationError, match="已在这次培训的签到名单中"):
        day_store.create("training_attendance", {"training_id": session["id"], "staff_id": a["id"]})
    network.save_training(day_store, {"topic": "强制报告制度"}, session, [b["id"]])
    assert network.attendee_ids(day_store.database, session["id"]) == [b["id"]]
    assert [t["topic"] for t in network.staff_trainings(day_store.database, b["id"])] == ["强制报告制度"]
    assert network.staff_trainings(day_store.database, a["id"]) == []


def test_a_training_and_its_attendance_are_saved_whole_or_not_at_all(day_store, village):
    a = staff(day_store, "刘晓梅", "child_director", village, "2024-03-01")
    before = count(day_store.database, "outbox")
    with pytest.raises(ValidationError):
        network.save_training(day_store, {"held_on": "2026-05-10", "topic": "政策", "hours": "2"}, None,
                              [a["id"], "no-such-staff"])
    assert count(day_store.database, "training") == 0 and count(day_store.database, "outbox") == before


# -- the training participation rate -------------------------------------------------------------


def test_training_participation_per_role_is_counted_as_of_the_day_from_business_dates(day_store, database, village):
    other = day_store.create("village", {"code": "210411101202", "name": "关岭村"})
    liu = staff(day_store, "刘晓梅", "child_director", village, "2024-03-01")
    wang = staff(day_store, "王建国", "child_director", other, "2026-06-15")  # appointed mid-year
    third = day_store.create("village", {"code": "210411101203", "name": "台沟村"})
    zhang = staff(day_store, "张丽", "child_director", third, "2023-01-01", "2026-08-01")  # left in August
    sun = staff(day_store, "孙志强", "child_supervisor", None, "2022-01-01")
    training(day_store, "2025-11-10", [wang, sun])  # last year: does not count for 2026
    training(day_store, "2026-04-02", [liu, zhang])  # 张丽 trained, but has left by autumn
    training(day_store, "2026-10-20", [wang])

    september = rates(database, D(2026, 9, 30))
    assert september["ledger.training.child_director"] == (1, 2)  # 刘 of 刘 and 王 (张 left 8-01)
    assert september["ledger.training.child_supervisor"] == (0, 1)
    july = rates(database, D(2026, 7, 31))
    assert july["ledger.training.child_director"] == (2, 3)  # 张 still in post, 王 from 6-15
    november = rates(database, D(2026, 11, 20))
    assert november["ledger.training.child_director"] == (2, 2)
    assert november["ledger.training.social_worker"] == (0, 0)


def test_a_month_rerun_after_later_work_keeps_its_training_figure(database, head, monkeypatch):
    from tests.figure_history import History

    history = History(database, head, monkeypatch)
    store = history.on(D(2026, 9, 20))
    village = store.create("village", {"code": "210411101201", "name": "前甸村"})
    liu = staff(store, "刘晓梅", "child_director", village, "2024-03-01")
    session = training(store, "2026-09-10", [liu])
    september = {f.key: f for f in monthly_report.figures(database, "2026-09")}
    assert (september["ledger.training.child_director"].value, september["ledger.training.child_director"].of) == (1, 1)
    store = history.on(D(2026, 10, 15))  # the attendance is struck off after September ended
    network.save_training(store, {}, store.get("training", session["id"]), [])
    again = {f.key: f for f in monthly_report.figures(database, "2026-09")}
    assert again["ledger.training.child_director"].value == 1
    assert {f.key: f.value for f in monthly_report.figures(database, "2026-10")}["ledger.training.child_director"] == 0
    headers, rows = monthly_report.records(database, september["ledger.training.child_director"])
    assert headers[:2] == ["姓名", "岗位"] and rows == [["刘晓梅", "儿童主任", "前甸村", "2024-03-01"]]


# -- volunteers ----------------------------------------------------------------------------------


def volunteer(store, name: str, serial: int) -> dict:
    return activities.save_volunteer(store, {"name": name, "id_number": id_number("19900101", serial),
                                             "status": "active", "entered_on": "2024-01-01"})


def activity(store, held: str, hours: dict[str, str], **values) -> dict:
    return activities.save_activity(store, {"held_on": held, "kind": "community", "title": "敬老助老志愿服务",
                                            **values}, None, volunteer_hours=hours)


def test_volunteer_hours_are_summed_per_year_of_the_activities(day_store):
    li = volunteer(day_store, "李娜", 101)
    zhao = volunteer(day_store, "赵伟", 103)
    activity(day_store, "2025-12-30", {li["id"]: "2.5"})
    activity(day_store, "2026-01-03", {li["id"]: "3", zhao["id"]: "1.5小时"})
    activity(day_store, "2026-06-01", {li["id"]: "4"})
    assert activities.hours_by_year(day_store.database, li["id"]) == {2025: 25, 2026: 70}
    rows = activities.volunteer_rows(day_store.database, [li["id"], zhao["id"]], year=2026)
    assert (rows[li["id"]]["year_hours"], rows[li["id"]]["total_hours"]) == (70, 95)
    assert rows[zhao["id"]]["year_hours"] == 15
    assert [s["hours"] for s in activities.services(day_store.database, li["id"], 2026)] == [30, 40]
    figures = {f.key: f for f in ledger_figures.figures(day_store.database, D(2026, 1, 1), D(2026, 12, 31), "本年")}
    assert figures["ledger.volunteer_hours"].text == "8.5 小时" and figures["ledger.activities"].value == 2


def test_service_hours_and_volunteers_are_checked(day_store):
    li = volunteer(day_store, "李娜", 101)
    with pytest.raises(ValidationError, match="不超过24小时"):
        activity(day_store, "2026-01-03", {li["id"]: "30"})
    with pytest.raises(ValidationError, match="志愿者「李娜」"):
        volunteer(day_store, "李小娜", 101)
    with pytest.raises(ValidationError) as refused:
        activities.save_activity(day_store, {"held_on": "2026-01-03", "kind": "referral", "title": "转介就医"}, None)
    assert "referred_to" in refused.value.errors


def test_an_activity_keeps_its_people_staff_and_volunteers_and_is_deleted_with_them(day_store, village):
    person = day_store.create("person", {"name": "王桂兰", "gender": "F", "birth_date": "1942-03-05"})
    worker = staff(day_store, "刘晓梅", "social_worker", None, "2024-03-01")
    li = volunteer(day_store, "李娜", 101)
    done = activities.save_activity(day_store, {"held_on": "2026-03-05", "kind": "home", "title": "入户理发",
                                                "others_count": "3", "village_id": village["id"]}, None,
                                    participants=[person["id"]], staff=[worker["id"]],
                                    volunteer_hours={li["id"]: "2"})
    [row] = activities.ledger(day_store.database, D(2026, 3, 1), D(2026, 3, 31))
    assert row["participants_total"] == 4 and [p["name"] for p in row["participants"]] == ["王桂兰"]
    assert [s["name"] for s in row["staff"]] == ["刘晓梅"] and row["volunteers"] == [
        {"id": li["id"], "name": "李娜", "hours": 20}]
    with pytest.raises(PermissionDenied):  # its links still point at it
        day_store.delete("service_activity", done["id"], done["rev"])
    activities.delete_activity(day_store, done)
    assert activities.ledger(day_store.database, D(2026, 3, 1), D(2026, 3, 31)) == []
    assert activities.hours_by_year(day_store.database, li["id"]) == {}


@given(st.integers(0, 9999), st.integers(0, 9), st.sampled_from(["", "小时", "h", " 小时"]))
def test_hours_typed_are_stored_as_exact_tenths(whole, tenth, suffix):
    f = entity("volunteer_service").field("hours")
    typed = f"{whole}.{tenth}{suffix}" if tenth else f"{whole}{suffix}"
    stored = parse_value(f, typed, ParseContext())
    assert stored == whole * 10 + tenth
    assert parse_value(f, format_hours(stored).replace(",", ""), ParseContext()) == stored


@given(st.text(max_size=12))
def test_hours_typed_wrongly_get_a_message_never_a_crash(text):
    f = entity("volunteer_service").field("hours")
    try:
        stored = parse_value(f, text, ParseContext())
    except FieldError as exc:
        assert "小时" in str(exc)
    else:
        assert stored is None or isinstance(stored, int)


# -- care for dispersed 特困 people --------------------------------------------------------------


def elder(store, name: str, serial: int, categories: list[str], benefits: list[str], **profile) -> dict:
    person = store.create("person", {"name": name, "id_number": id_number("19400101", serial)})
    elder_rounds.save_profile(store, {"person_id": person["id"], "categories": categories, "benefits": benefits,
                                      "status": "active", "entered_on": "2025-01-01", **profile})
    return person


def agreement(store, person: dict, signed: str | None, expires: str | None) -> dict:
    return care.save_agreement(store, {"person_id": person["id"], "carer_name": "邻居刘大姐", "duties": ledger.CARE_DUTIES,
                                       "fee": "300", "signed_on": signed, "expires_on": expires})


def test_care_signing_rates_are_counted_as_of_the_day(day_store, database):
    a = elder(day_store, "王桂兰", 101, ["alone"], ["tekun"])
    b = elder(day_store, "李福", 103, ["alone"], [])
    elder(day_store, "赵秀英", 105, ["empty_nest"], ["dibao"])
    elder(day_store, "孙德", 107, ["disabled"], ["tekun"])
    agreement(day_store, a, "2025-11-01", "2026-10-31")
    agreement(day_store, b, "2026-02-01", None)
    agreement(day_store, day_store.get("person", b["id"]), None, None)  # a draft counts for nothing
    october = rates(database, D(2026, 10, 31))
    assert october["ledger.care.tekun"] == (1, 2)  # 王 of 王 and 孙
    assert october["ledger.care.alone"] == (2, 3)  # 王 and 李 of 王, 李, 赵
    november = rates(database, D(2026, 11, 20))
    assert november["ledger.care.tekun"] == (0, 2) and november["ledger.care.alone"] == (1, 3)
    january = rates(database, D(2026, 1, 31))
    assert january["ledger.care.alone"] == (1, 3)  # 李's agreement was signed in February


def test_an_expired_or_ending_care_agreement_is_on_the_due_list_until_renewed(day_store, database):
    a = elder(day_store, "王桂兰", 101, ["alone"], ["tekun"])
    b = elder(day_store, "李福", 103, ["alone"], [])
    c = elder(day_store, "赵秀英", 105, ["alone"], [])
    old = agreement(day_store, a, "2025-11-01", "2026-10-31")  # expired 20 days ago
    agreement(day_store, b, "2026-01-01", "2026-12-10")  # ends within the 30 days' warning
    agreement(day_store, c, "2026-01-01", "2027-06-30")  # far off
    keys = [k for k in due.due_keys(database, TODAY) if k.program == "care"]
    assert [(k.person_id, k.due, k.record_id) for k in keys] == [
        (a["id"], D(2026, 10, 31), old["id"]), (b["id"], D(2026, 12, 10), keys[1].record_id)]
    assert keys[0].days_overdue(TODAY) == 20
    assert due.due_keys(database, TODAY, program="care", text="王桂兰") == keys[:1]
    rows = due.due_rows(database, keys)
    assert rows[keys[0]]["name"] == "王桂兰" and rows[keys[0]]["program"] == "care"

    agreement(day_store, a, "2026-11-15", "2027-11-14")  # renewed: off the list
    assert [k.person_id for k in due.due_keys(database, TODAY, program="care")] == [b["id"]]
    profile = elder_rounds.profile_of(database, b["id"])
    elder_rounds.save_profile(day_store, {"status": "exited", "exit_reason": "入住养老机构"}, profile)
    assert due.due_keys(database, TODAY, program="care") == []


def test_care_visits_are_recorded_like_elderly_visits_with_the_countys_interval(day_store):
    a = elder(day_store, "王桂兰", 101, ["alone"], ["tekun"])
    visit = care.save_visit(day_store, {"person_id": a["id"], "visit_date": "2026-11-02", "visitor": "刘晓梅",
                                        "method": "home", "seen_in_person": True, "hazards": ["heating"],
                                        "living_conditions": "照料人每日送饭，屋内温暖。"})
    assert visit["program"] == "care" and visit["next_due"] == "2026-12-02"
    assert [v["id"] for v in care.person_visits(day_store.database, a["id"])] == [visit["id"]]
    assert elder_rounds.person_visits(day_store.database, a["id"]) == []  # not an elderly rounds' visit


def test_a_new_care_agreement_takes_the_last_ones_carer_and_the_countys_term(day_store):
    a = elder(day_store, "王桂兰", 101, ["alone"], ["tekun"])
    fresh = care.draft(day_store.database, a["id"], TODAY)
    assert fresh["duties"] == ledger.CARE_DUTIES and fresh["expires_on"] == "2027-11-19"
    agreement(day_store, a, "2025-11-01", "2026-10-31")
    again = care.draft(day_store.database, a["id"], TODAY)
    assert again["carer_name"] == "邻居刘大姐" and again["fee"] == 30000 and again["signed_on"] is None


def test_the_county_may_set_the_ledger_rules_and_a_malformed_version_is_refused(day_store, database):
    a = elder(day_store, "王桂兰", 101, ["alone"], ["tekun"])
    agreement(day_store, a, "2026-01-01", "2027-01-31")
    assert [k.program for k in due.due_keys(database, TODAY)].count("care") == 0
    county(day_store).create("reference_value", {"key": "ledger_rules", "effective_from": "2026-01-01",
                                                 "value": {"care_warn_days": 90, "care_visit_days": 14}})
    assert [k.program for k in due.due_keys(database, TODAY)].count("care") == 1
    with pytest.raises(ValidationError):
        day_store.create("reference_value", {"key": "ledger_rules", "effective_from": "2026-01-01",
                                             "value": {"care_warn_days": "三十"}})


def test_the_demo_station_has_its_ledger(database, head):
    # 1,000 people: a village's worth of elders, enough that some live alone with nobody bound to
    # support them (the demo's dispersed 特困, whom the care agreements are for).
    demo_people = admin.load_demo(database, head, 1000, today=D(2026, 11, 1))
    for name in ("staff", "training", "training_attendance", "service_activity", "activity_participant",
                 "activity_staff", "volunteer", "volunteer_service", "care_agreement"):
        assert demo_people[name] > 0, name
    day = D(2026, 11, 1)
    villages = count(database, "village")
    assert len(network.in_post(database, day, role="child_director")) == villages  # one in post in each village
    figures = {f.key: f for f in ledger_figures.figures(database, D(2026, 10, 1), D(2026, 10, 31))}
    assert figures["ledger.care.tekun"].of and figures["ledger.care.alone"].of
    assert 0 < figures["ledger.training.child_director"].value <= figures["ledger.training.child_director"].of
    assert care.person_visits(database, figures["ledger.care.tekun"].ids[0])


def test_a_month_submitted_before_the_ledger_figures_existed_is_not_marked_changed(database, head, monkeypatch):
    from tests.figure_history import History
    from station_app.store import report_versions

    history = History(database, head, monkeypatch)
    store = history.on(D(2026, 10, 5))
    village = store.create("village", {"code": "210411101201", "name": "前甸村"})
    staff(store, "刘晓梅", "child_director", village, "2024-03-01")
    report_versions.submit(store, "2026-09")
    submitted = report_versions.latest(database, "2026-09")
    # As an older program froze it: without the ledger's figures.
    older = report_versions.Submitted(submitted.version,
                                      [f for f in submitted.figures if not f.key.startswith("ledger.")])
    assert report_versions.changed(monthly_report.figures(database, "2026-09"), older) == []
    staff(store, "王丽", "child_supervisor", None, "2026-09-01")  # a September appointment, typed in late
    assert report_versions.changed(monthly_report.figures(database, "2026-09"), submitted) == [
        "ledger.training.child_supervisor"]
