"""The children's printed forms, read back from the PDF: the agreement for signature, the visit
form blank and filled, the information register and the village roster."""

from __future__ import annotations

import os
from pathlib import Path

from pypdf import PdfReader

from station_app.core.jobs import JobState
from station_app.jobs import children as child_jobs
from station_app.store import children, users
from station_app.store.records import RecordStore
from tests.helpers import id_number
from tests.test_children import D, Roll
from tests.test_forms import page_texts


def roll_in(database, head, village) -> Roll:
    return Roll(RecordStore(database, head, today=D(2027, 6, 30)), village)


def keep(path: Path) -> Path:
    """With CHILD_FORMS_DIR set, a copy of each form stays there to be looked at."""
    folder = os.environ.get("CHILD_FORMS_DIR")
    if folder:
        Path(folder, path.name).write_bytes(path.read_bytes())
    return path


def test_the_agreement_prints_the_parties_the_term_and_the_clauses(database, head, village, tmp_path):
    roll = roll_in(database, head, village)
    person, profile = roll.child("李小雨")
    deal = children.save_agreement(roll.store, {
        "child_profile_id": profile["id"], "guardian_name": "李建军", "guardian_relation": "父亲",
        "guardian_phone": "13800001111", "caregiver_name": "张秀英", "caregiver_relation": "祖母",
        "caregiver_id_number": id_number("19520304", 12), "caregiver_phone": "13912345678",
        "caregiver_address": "前甸村2组8号", "expiry_date": "2027-12-31"})
    text = page_texts(PdfReader(keep(child_jobs.agreement(database, JobState(), head, deal["id"],
                                                               tmp_path / "agreement.pdf"))))[0]
    assert "农村留守儿童委托照护协议书" in text and "李小雨" in text and "李建军" in text and "张秀英" in text
    assert "13800001111" in text  # the parties sign it: the head prints full numbers
    assert "至2027年12月31日止" in text and "监护责任不因委托而免除" in text
    assert "委托方（签字、按手印）" in text and "见证人（村儿童主任）" in text
    viewer = users.create_user(database, head, "viewer", "县里检查", "viewer", "county-check-55")
    from station_app.core.roles import Actor
    masked = page_texts(PdfReader(child_jobs.agreement(
        database, JobState(), Actor(viewer["id"], "viewer", "县里检查", "viewer"), deal["id"], tmp_path / "v.pdf")))[0]
    assert "13800001111" not in masked and "138****1111" in masked


def test_the_visit_form_filled_marks_what_was_checked_and_blank_marks_nothing(database, head, village, tmp_path):
    roll = roll_in(database, head, village)
    person, _ = roll.child("王小军")
    visit = roll.visit(person, D(2026, 11, 20), checks=["guardianship", "schooling"], problems="奶奶腿脚不便，接送困难",
                       actions="联系学校安排同村家长接送", referral="village", referral_note="协调接送")
    filled = page_texts(PdfReader(keep(child_jobs.visits(database, JobState(), head, [visit["id"]],
                                                              tmp_path / "child-visit.pdf"))))[0]
    assert "留守儿童（困境儿童）走访记录表" in filled and "王小军" in filled
    assert "[X]监护情况" in filled and "[X]就学" in filled and "[]安全" in filled
    assert "奶奶腿脚不便" in filled and "联系学校安排同村家长接送" in filled and "2026年11月20日" in filled
    blank = page_texts(PdfReader(keep(child_jobs.blank_visits(database, JobState(), head, [person["id"]],
                                                                   tmp_path / "child-visit-blank.pdf"))))[0]
    assert "王小军" in blank and "[X]" not in blank and "[]心理状况" in blank


def test_the_register_prints_the_archive_with_masked_numbers(database, head, village, tmp_path):
    roll = roll_in(database, head, village)
    person = roll.store.create("person", {"name": "赵小梅", "gender": "F", "birth_date": "2015-04-02",
                                          "id_number": id_number("20150402", 22), "village_id": village["id"],
                                          "address": "前甸村1组3号", "health": "good"})
    profile = children.save_profile(roll.store, {
        "person_id": person["id"], "category": "in_difficulty", "sub_type": "unsupported", "status": "active",
        "school": "前甸镇中心小学", "grade": "四年级", "boarding": False, "parents_situation": "both_away",
        "father_whereabouts": "大连", "father_phone": "13800002222", "guardian_name": "赵奶奶",
        "guardian_relation": "祖母", "guardian_ability": "average", "risk_level": "high",
        "risk_reason": "父母长期失联", "services": "事实无人抚养儿童基本生活补贴"})
    roll.sign(profile, D(2026, 3, 1), D(2027, 3, 1))
    text = page_texts(PdfReader(keep(child_jobs.register(database, JobState(), head, person["id"],
                                                              tmp_path / "register.pdf"))))[0]
    assert "农村留守儿童（困境儿童）信息登记表" in text and "赵小梅" in text and "事实无人抚养" in text
    assert "138****2222" in text and "13800002222" not in text
    assert "已签订：2026年3月1日至2027年3月1日" in text and "[X]一般" in text and "基本生活补贴" in text


def test_the_village_roster_lists_every_child_on_the_roll(database, head, village, tmp_path):
    roll = roll_in(database, head, village)
    a, pa = roll.child("钱一")
    roll.sign(pa, D(2026, 3, 1), D(2030, 3, 1))
    roll.child("孙二", risk="high")
    _, gone = roll.child("周三")
    children.leave_roll(roll.store, gone, "父母返乡")
    roll.visit(a, D(2026, 11, 2))
    text = page_texts(PdfReader(keep(child_jobs.roster(database, JobState(), head, village["id"],
                                                            tmp_path / "roster.pdf"))))[0]
    assert "农村留守儿童（困境儿童）花名册" in text and "前甸村" in text
    assert "钱一" in text and "孙二" in text and "周三" not in text
    assert "已签" in text and "未签" in text and "2026-11-02" in text and "未走访" in text
    assert "2人，需签协议2人，有效协议1人" in text
