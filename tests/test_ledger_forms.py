"""The ledger's printed forms, read back from the PDF: the 服务台账 of a period, a volunteer's
志愿服务证明 and the 照料服务协议书 to sign. With LEDGER_FORMS_DIR set, a copy of each stays there to
be looked at (render it with pdftoppm)."""

from __future__ import annotations

import os
from pathlib import Path

from pypdf import PdfReader

from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.jobs import ledger as ledger_jobs
from station_app.store import activities, care, network, users
from station_app.store.records import RecordStore
from tests.figure_history import D
from tests.helpers import id_number
from tests.test_forms import page_texts


def keep(path: Path) -> Path:
    folder = os.environ.get("LEDGER_FORMS_DIR")
    if folder:
        Path(folder, path.name).write_bytes(path.read_bytes())
    return path


def texts(path: Path) -> list[str]:
    return page_texts(PdfReader(keep(path)))


def a_year_of_service(store: RecordStore, village: dict) -> dict:
    """Twenty activities in 2026, most with 李娜; a few people served, staff and referrals."""
    elder = store.create("person", {"name": "王桂兰", "id_number": id_number("19420305", 102), "village_id": village["id"]})
    worker = network.save_staff(store, {"name": "刘晓梅", "role": "social_worker", "status": "active",
                                        "entered_on": "2024-03-01"})
    director = network.save_staff(store, {"name": "张丽", "role": "child_director", "village_id": village["id"],
                                          "status": "active", "entered_on": "2024-03-01"})
    li = activities.save_volunteer(store, {"name": "李娜", "gender": "F", "id_number": id_number("19900101", 102),
                                           "organisation": "前甸镇巾帼志愿服务队", "status": "active",
                                           "entered_on": "2024-01-01"})
    zhao = activities.save_volunteer(store, {"name": "赵伟", "status": "active", "entered_on": "2025-01-01"})
    for n in range(20):
        activities.save_activity(store, {
            "held_on": f"2026-{n % 10 + 1:02d}-{n % 27 + 1:02d}", "kind": ("group", "community", "home", "referral")[n % 4],
            "title": ("“童心港湾”周末课堂", "敬老助老重阳节活动", "入户为独居老人理发、打扫卫生", "转介医疗救助")[n % 4],
            "place": ("前甸村儿童之家", "镇文化广场", "前甸村3组", "社工站")[n % 4], "village_id": village["id"],
            "referred_to": "镇卫生院" if n % 4 == 3 else None, "others_count": str(n % 3 * 5),
            "notes": "活动有序开展，参与群众反映良好。" * (1 + n % 2), "photos": "IMG_0001.jpg\nIMG_0002.jpg"},
            None, participants=[elder["id"]] if n % 2 else [], staff=[worker["id"], director["id"]][: 1 + n % 2],
            volunteer_hours={li["id"]: "2.5", **({zhao["id"]: "1"} if n % 3 == 0 else {})})
    return {"li": li, "zhao": zhao, "elder": elder}


def test_the_service_ledger_lists_a_periods_activities_with_their_people_and_totals(database, head, village, tmp_path):
    store = RecordStore(database, head, today=D(2026, 12, 1))
    a_year_of_service(store, village)
    pages = texts(ledger_jobs.service_ledger(database, JobState(), head, D(2026, 1, 1), D(2026, 6, 30),
                                             tmp_path / "服务台账.pdf"))
    assert len(pages) == 2  # 12 activities from January to June, nine lines a page
    first = pages[0]
    assert "社会工作服务站服务台账" in first and "2026年01月01日至2026年06月30日" in first
    assert "服务活动12次" in first and "志愿服务34小时" in first  # 12 × 2.5 + 4 × 1
    assert "王桂兰及其他5人" in first and "刘晓梅（社工）" in first and "李娜2.5小时" in first
    assert "转介至：镇卫生院" in "".join(pages) and "照片2张" in first
    assert "站长" in first


def test_the_volunteer_certificate_states_the_years_service_and_lists_it(database, head, village, tmp_path):
    store = RecordStore(database, head, today=D(2026, 12, 1))
    people = a_year_of_service(store, village)
    pages = texts(ledger_jobs.volunteer_certificate(database, JobState(), head, people["li"]["id"], 2026,
                                                    tmp_path / "志愿服务证明.pdf"))
    assert len(pages) == 2  # twenty activities: fourteen on the first page, the rest on a 续页
    assert "志愿服务证明" in pages[0] and "李娜" in pages[0] and "前甸镇巾帼志愿服务队" in pages[0]
    assert "参加志愿服务20次" in pages[0] and "累计服务时长50小时" in pages[0] and "特此证明" in pages[0]
    assert id_number("19900101", 102) in pages[0] and "出具单位（盖章）" in pages[0]
    assert "志愿服务证明（续页）" in pages[1] and "2026-10-20" in pages[1] and "（以下空白）" in pages[1]
    viewer = users.create_user(database, head, "viewer", "县里检查", "viewer", "county-check-55")
    masked = texts(ledger_jobs.volunteer_certificate(
        database, JobState(), Actor(viewer["id"], "viewer", "县里检查", "viewer"), people["zhao"]["id"], 2026,
        tmp_path / "v.pdf"))
    assert len(masked) == 1 and "参加志愿服务7次，累计服务时长7小时" in masked[0] and "（以下空白）" in masked[0]


def test_the_care_agreement_names_the_three_parties_the_duties_the_fee_and_the_term(database, head, village, tmp_path):
    store = RecordStore(database, head, today=D(2026, 12, 1))
    person = store.create("person", {"name": "王桂兰", "id_number": id_number("19420305", 102),
                                     "village_id": village["id"], "address": "前甸村3组12号"})
    deal = care.save_agreement(store, {**care.draft(database, person["id"], D(2026, 12, 1)), "carer_name": "刘玉芬",
                                       "carer_relation": "邻居", "carer_phone": "13912345678",
                                       "carer_id_number": id_number("19680412", 24), "carer_address": "前甸村3组10号",
                                       "fee": "400"})
    [page] = texts(ledger_jobs.care_agreement(database, JobState(), head, deal["id"], tmp_path / "照料服务协议书.pdf"))
    assert "特困人员分散供养照料服务协议书" in page and "前甸镇人民政府（前甸镇社会工作服务站）" in page
    assert "刘玉芬" in page and "王桂兰" in page and "13912345678" in page
    assert "每月400.00元" in page and "至2027年11月30日止" in page and "生活照料" in page
    assert "丙方（签字、按手印）" in page and "村（居）委会见证（盖章）" in page


def test_the_childrens_forms_name_the_child_director_from_the_roster(database, head, village, tmp_path):
    from station_app.jobs import children as child_jobs
    from station_app.store import children

    store = RecordStore(database, head, today=D(2026, 12, 1))
    director = network.save_staff(store, {"name": "张丽", "role": "child_director", "village_id": village["id"],
                                          "phone": "13700001234", "status": "active", "entered_on": "2024-03-01"})
    child = store.create("person", {"name": "李小雨", "id_number": id_number("20160304", 22), "village_id": village["id"]})
    profile = children.save_profile(store, {"person_id": child["id"], "category": "left_behind", "status": "active",
                                            "guardian_name": "李建军"})
    blank = texts(child_jobs.blank_visits(database, JobState(), head, [child["id"]], tmp_path / "blank.pdf"))[0]
    # the one in post in the child's village (a visit form masks phone numbers, as everywhere)
    assert "村儿童主任" in blank and "张丽137****1234" in blank
    visit = children.save_visit(store, {"person_id": child["id"], "visit_date": "2026-11-20", "visitor": "刘晓梅",
                                        "method": "home", "director_id": director["id"]})
    filled = texts(child_jobs.visits(database, JobState(), head, [visit["id"]], tmp_path / "visit.pdf"))[0]
    assert "张丽137****1234" in filled
    deal = children.save_agreement(store, {"child_profile_id": profile["id"], "guardian_name": "李建军",
                                           "caregiver_name": "张秀英", "witness_id": director["id"]})
    agreement = texts(child_jobs.agreement(database, JobState(), head, deal["id"], tmp_path / "agreement.pdf"))[0]
    assert "见证人（儿童主任）" in agreement and "张丽13700001234" in agreement
