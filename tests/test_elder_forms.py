"""The elderly rounds' printed forms, read back from the PDF: the route sheet, the visit record
form blank and filled, the monthly roster."""

from __future__ import annotations


from pypdf import PdfReader

from station_app.core.jobs import JobState
from station_app.jobs import elders
from station_app.store import elder_rounds
from station_app.store.records import RecordStore
from tests.test_elder_rounds import D, Rounds
from tests.test_forms import page_texts


def rounds_in(database, head, village) -> Rounds:
    return Rounds(RecordStore(database, head, today=D(2027, 6, 30)), village)


def test_route_sheet_prints_the_people_due_with_contacts_and_checks(database, head, village, tmp_path):
    rounds = rounds_in(database, head, village)
    due_person = rounds.elder("王桂兰", ["alone"])
    rounds.visit(due_person, D(2026, 10, 1), hazards=["heating"], follow_up="烟道需清理")
    not_due = rounds.elder("李淑珍", ["empty_nest"], risk="high")
    rounds.visit(not_due, D(2026, 11, 18))
    out = elders.route_sheet(database, JobState(), head, village["id"], D(2026, 11, 19),
                                      tmp_path / "route.pdf")
    text = page_texts(PdfReader(out))[0]
    assert "特殊困难老年人探访路线单" in text and "前甸村" in text and "2026年11月19日" in text
    assert "王桂兰" in text and "李淑珍" not in text
    assert "1.李建国（儿子）13800001111" in text  # the number on a line of its own, never broken
    assert "复查隐患：取暖/煤炉" in text and "跟进：烟道需清理" in text and "煤炉烟道" in text


def test_visit_record_form_filled_marks_what_was_recorded_and_blank_marks_nothing(database, head, village,
                                                                                    tmp_path):
    rounds = rounds_in(database, head, village)
    person = rounds.elder("张明祥")
    visit = rounds.visit(person, D(2026, 11, 20), hazards=["gas"], referral="relief",
                         referral_note="医疗支出大", needs="代购药品")
    filled = page_texts(PdfReader(elders.visit_records(
        database, JobState(), head, [visit["id"]], tmp_path / "visit.pdf")))[0]
    assert "[X]燃气" in filled and "[]取暖/煤炉" in filled and "[X]临时救助" in filled
    assert "事由：医疗支出大" in filled and "代购药品" in filled and "2026年11月20日" in filled
    blank = page_texts(PdfReader(elders.blank_visit_records(
        database, JobState(), head, [person["id"]], tmp_path / "blank.pdf")))[0]
    assert "特殊困难老年人探访记录表" in blank and "张明祥" in blank
    assert "[X]" not in blank and "[]燃气" in blank


def test_monthly_roster_lists_required_and_made_visits(database, head, village, tmp_path):
    rounds = rounds_in(database, head, village)
    weekly = rounds.elder("赵福晨", ["empty_nest"], risk="high")
    rounds.visit(weekly, D(2026, 12, 2))
    rounds.visit(weekly, D(2026, 12, 9))
    out = elders.visit_roster(database, JobState(), head, village["id"], "2026-12", tmp_path / "r.pdf")
    text = page_texts(PdfReader(out))[0]
    assert "2026年12月" in text and "赵福晨" in text and "12.2、12.9" in text and "差2次" in text
    assert "1人，应访4次，完成2次" in text
    assert elder_rounds.month_roster(database, village["id"], "2026-12")[0]["required"] == 4


def test_long_findings_continue_on_a_second_page(database, head, village, tmp_path):
    rounds = rounds_in(database, head, village)
    person = rounds.elder("纪安浩")
    long_text = "老人独居，今天入户查看，炉火安全。" * 60
    visit = rounds.visit(person, D(2026, 11, 20), findings=long_text)
    texts = page_texts(PdfReader(elders.visit_records(database, JobState(), head, [visit["id"]],
                                                               tmp_path / "v.pdf")))
    assert len(texts) == 2 and "（续页）" in texts[1] and "（续见下页）" in texts[0]
    assert "".join(texts).count("炉火安全") == 60


def test_a_long_round_runs_on_to_a_second_page(database, head, village, tmp_path):
    rounds = rounds_in(database, head, village)
    names = [f"老人{n:02d}" for n in range(12)]
    for name in names:
        rounds.visit(rounds.elder(name, ["alone"]), D(2026, 10, 1))
    out = elders.route_sheet(database, JobState(), head, village["id"], D(2026, 11, 19), tmp_path / "r.pdf")
    texts = page_texts(PdfReader(out))
    assert len(texts) == 2 and "12人" in texts[0]
    assert all(name in "".join(texts) for name in names) and "第2页共2页" in texts[1]


def test_route_sheet_lies_on_its_side_with_every_point_in_full_and_the_seasons_once(database, head, village,
                                                                                  tmp_path):
    rounds = rounds_in(database, head, village)
    first, second = rounds.elder("王桂兰", ["alone"]), rounds.elder("欧阳秀英", ["alone"])
    follow_up = "烟道需清理，已联系村委会协调维修，下次查看是否修好"
    rounds.visit(first, D(2026, 10, 1), hazards=["heating"], follow_up=follow_up, seen_in_person=False)
    rounds.visit(second, D(2026, 10, 2))
    out = elders.route_sheet(database, JobState(), head, village["id"], D(2026, 11, 19), tmp_path / "r.pdf")
    page = PdfReader(out).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape: room for the result written by hand
    text = page_texts(PdfReader(out))[0].replace("\n", "")
    # Every point of the first person's, whole; the winter reminder both share said once for all.
    for point in ("复查隐患：取暖/煤炉", "上次未见到本人，务必当面见到", f"跟进：{follow_up}"):
        assert point in text
    assert text.count("煤炉烟道") == 1 and "每户都要查看" in text
    assert "上次10月1日" in text and "应访" in text
