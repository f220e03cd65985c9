"""The elderly rounds as a worker meets them: create a profile in its dialog, plan a round and
print its route sheet, enter the visits from the due list (one with a hazard), and see the lists
and figures change. A viewer gets the same dialogs read-only."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit  # noqa: E402

from station_app.store import due, elder_rounds  # noqa: E402
from station_app.ui import elder_dialogs, print_preview, program_dialogs  # noqa: E402
from station_app.ui.due_page import DuePage  # noqa: E402
from station_app.ui.elder_dialogs import ElderProfileDialog, RoundDialog, VisitDialog  # noqa: E402
from station_app.ui.elder_page import ElderPage  # noqa: E402
from station_app.ui.stats_page import StatsPage  # noqa: E402
from tests.test_forms import page_texts  # noqa: E402
from tests.ui_helpers import column_texts, press_and_wait, press_refused, shown, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]

TODAY = dt.date.today()


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """PDFs the app would open in the PC's viewer."""
    paths: list[str] = []
    monkeypatch.setattr(print_preview, "show_printed", lambda _parent, pdf: paths.append(str(pdf)))
    return paths


@pytest.fixture
def two_people(session, village) -> dict[str, dict]:
    store = session.store
    return {name: store.create("person", {"name": name, "gender": "F", "birth_date": birth, "phone": "13904101234",
                                          "village_id": village["id"], "address": f"前甸村3组{n}号"})
            for n, (name, birth) in enumerate((("王桂兰", "1941-03-02"), ("李淑珍", "1946-08-09")), 1)}


def check(form, name: str, code: str) -> None:
    for box in form.editor(name).findChildren(QCheckBox):
        if box.property("code") == code:
            box.setChecked(True)


def choose(form, name: str, code: str) -> None:
    combo = form.editor(name)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(code))


def create_profile(qtbot, session, search: str, categories: list[str], risk: str) -> dict:
    dialog = ElderProfileDialog(session)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.picker.search, search)
    assert dialog.picker.results.count() == 1
    for code in categories:
        check(dialog.form, "categories", code)
    choose(dialog.form, "risk_level", risk)
    dialog.contacts.add_row()
    dialog.contacts.table.item(0, 0).setText("李建国")
    dialog.contacts.table.item(0, 1).setText("儿子")
    dialog.contacts.table.item(0, 2).setText("1380000")  # too short: refused at the contacts
    press_refused(qtbot, dialog)
    assert dialog.saved is None and "第1位紧急联系人（李建国）" in dialog.contacts.error.text()
    dialog.contacts.table.item(0, 2).setText("13800001111")
    press_and_wait(qtbot, dialog)
    return dialog.saved


def test_plan_a_round_print_it_enter_two_visits_and_see_the_due_list_change(qtbot, session, village, two_people,
                                                                            opened):
    wang = create_profile(qtbot, session, "wgl", ["alone"], "low")
    li = create_profile(qtbot, session, "lsz", ["empty_nest"], "medium")
    assert wang["contacts"] == [{"name": "李建国", "relation": "儿子", "phone": "13800001111"}]

    elders = ElderPage(session)
    qtbot.addWidget(elders)
    wait_for_list(qtbot, elders.model)
    assert sorted(column_texts(elders.model, "姓名")) == ["李淑珍", "王桂兰"]
    assert column_texts(elders.model, "最近走访") == ["尚未走访", "尚未走访"]

    page = DuePage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    assert sorted(column_texts(page.model, "姓名")) == ["李淑珍", "王桂兰"]  # never visited: due now

    # Plan the round: village and day, who is due, the printed route sheet.
    planner = RoundDialog(session, village["id"])
    qtbot.addWidget(planner)
    assert "应探访 2 人" in planner.count.text()
    qtbot.mouseClick(planner.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: planner.printed is not None, timeout=10000)
    sheet = page_texts(PdfReader(planner.printed))[0]
    assert "探访路线单" in sheet and "王桂兰" in sheet and "李淑珍" in sheet and "1.李建国（儿子）13800001111" in sheet
    assert opened == [str(planner.printed)]

    # Back from the round: enter both visits from the due list.
    for person, hazard in ((two_people["王桂兰"], "heating"), (two_people["李淑珍"], None)):
        page.table.select_key(due.DueKey(person["id"], "elder", TODAY))
        assert page.visit_button.isEnabled()
        page.visit_button.click()
        dialog = shown(VisitDialog)
        if hazard:
            check(dialog.form, "hazards", hazard)
            dialog.form.editor("follow_up").setPlainText("煤炉烟道堵塞，已通知儿子三天内修理")
        assert "下次探访应在" in dialog.due_hint.text()
        if hazard:  # the proposal follows what is ticked: a hazard is checked again within 3 days
            assert dialog.form.values()["next_due"] == (TODAY + dt.timedelta(days=3)).isoformat()
        press_and_wait(qtbot, dialog)
        wait_for_list(qtbot, page.model)

    # The clean visit took 李淑珍 off the list; the hazard keeps 王桂兰 on it for the follow-up.
    assert column_texts(page.model, "姓名") == ["王桂兰"]
    assert column_texts(page.model, "跟进") == ["安全隐患复查"]
    assert column_texts(page.model, "状态") == ["3 天后到期"]
    assert [f["person_id"] for f in elder_rounds.open_follow_ups(session.database)] == [two_people["王桂兰"]["id"]]

    wait_for_list(qtbot, elders.model)  # followed the visits by itself
    assert column_texts(elders.model, "最近走访") == [TODAY.isoformat()] * 2
    stats = StatsPage(session)
    qtbot.addWidget(stats)
    qtbot.waitUntil(lambda: stats.figures is not None, timeout=10000)
    assert "未关闭的跟进 1 件" in stats.rounds_summary.text()
    done = stats.chart("elder_month").series()[0].barSets()[0]
    assert done.at(1) == 2.0  # both visits count this month
    assert li["id"] != wang["id"]


def test_the_elder_list_filters_by_category_risk_and_overdue(qtbot, session, village, two_people):
    create_profile(qtbot, session, "wgl", ["alone"], "low")
    create_profile(qtbot, session, "lsz", ["empty_nest"], "high")
    page = ElderPage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    page.category.setCurrentIndex(page.category.findData("alone"))
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名") == ["王桂兰"]
    page.category.setCurrentIndex(0)
    page.risk.setCurrentIndex(page.risk.findData("high"))
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名") == ["李淑珍"]
    assert column_texts(page.model, "身份证号") == [""]
    page.risk.setCurrentIndex(0)
    page.overdue.setChecked(True)  # registered today, never visited: due today, not yet overdue
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名") == []


def test_a_viewer_sees_profiles_and_visits_read_only(qtbot, session, viewer_session, village, two_people,
                                                     monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(program_dialogs, "show_error", lambda _parent, exc: said.append(exc.message))
    profile = create_profile(qtbot, session, "wgl", ["alone"], "low")
    dialog = ElderProfileDialog(viewer_session, profile)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isVisible() and not dialog.contacts.add_button.isVisible()
    assert not dialog.form.editor("risk_level").isEnabled()
    visit = VisitDialog(viewer_session, profile["person_id"])
    qtbot.addWidget(visit)
    editor = visit.form.editor("visitor")
    assert isinstance(editor, QLineEdit) and editor.isReadOnly()
    visit.save()  # even if asked, the store refuses
    qtbot.waitUntil(lambda: bool(said), timeout=10000)
    assert visit.saved is None and elder_rounds.person_visits(session.database, profile["person_id"]) == []
    assert "只读" in said[0]
    page = ElderPage(viewer_session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    page.table.select_row(0)
    assert not page.add_button.isEnabled() and not page.visit_button.isEnabled() and page.print_button.isEnabled()


def test_the_due_page_groups_by_village_on_request(qtbot, session, village, two_people):
    store = session.store
    other = store.create("village", {"code": "210411101200", "name": "东岭村"})  # sorts before 前甸村
    person = store.create("person", {"name": "赵福晨", "gender": "M", "birth_date": "1944-01-01",
                                     "village_id": other["id"]})
    elder_rounds.save_profile(store, {"person_id": person["id"], "categories": ["alone"], "status": "active"})
    for name in two_people:
        elder_rounds.save_profile(store, {"person_id": two_people[name]["id"], "categories": ["alone"],
                                          "status": "active"})
    page = DuePage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名")[0] != "赵福晨"  # all due today: by risk, then name (pinyin)
    page.group_box.setChecked(True)
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "村（社区）") == ["东岭村", "前甸村", "前甸村"]


def test_the_person_picker_lists_people_of_sixty_and_over(qtbot, session, village, two_people):
    session.store.create("person", {"name": "王小兰", "gender": "F", "birth_date": "2016-05-01"})
    dialog = ElderProfileDialog(session)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.picker.search, "wxl")
    assert dialog.picker.results.count() == 0
    dialog.picker.search.clear()
    qtbot.keyClicks(dialog.picker.search, "wgl")
    assert dialog.picker.results.count() == 1 and dialog.picker.person_id == two_people["王桂兰"]["id"]
    press_refused(qtbot, dialog)  # no category yet: refused at the field
    assert dialog.saved is None and dialog.form.error_text("categories")


def test_a_past_visit_is_corrected_from_the_profile_and_the_history_shows_changes(qtbot, session, village,
                                                                                   two_people):
    profile = create_profile(qtbot, session, "wgl", ["alone"], "low")
    visit = elder_rounds.save_visit(session.store, {"person_id": profile["person_id"], "visit_date": "2026-11-02",
                                                    "visitor": "刘晓梅", "method": "home", "seen_in_person": True})
    dialog = ElderProfileDialog(session, session.store.get("elder_profile", profile["id"]))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.visits.opened.emit(visit["id"])  # a double click on the visit in the profile's list
    correction = shown(VisitDialog)
    assert correction.form.values()["next_due"] == visit["next_due"]  # a stored date stays as it was
    correction.form.editor("visitor").setText("张丽")
    press_and_wait(qtbot, correction)
    assert column_texts(dialog.visits.model(), "探访人") == ["张丽"]  # the profile's list followed the change
    choose(dialog.form, "risk_level", "high")
    dialog.form.editor("risk_reason").setPlainText("冬季独自烧煤炉")
    press_and_wait(qtbot, dialog)
    history = ElderProfileDialog(session, session.store.get("elder_profile", profile["id"]))
    qtbot.addWidget(history)
    lines = column_texts(history.tabs.widget(2).model(), "内容")
    assert "低 → 高" in lines


def test_a_visit_that_refers_to_relief_offers_the_prefilled_application(qtbot, session, village, two_people,
                                                                         monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from station_app.ui import relief_dialog

    person = two_people["王桂兰"]
    session.store.create("elder_profile", {"person_id": person["id"], "categories": ["alone"], "status": "active"})

    asked, opened = [], []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(relief_dialog, "open_case", lambda _s, case_id, _p, referral: opened.append((case_id, referral)))
    dialog = elder_dialogs.open_visit(session, person["id"])
    choose(dialog.form, "referral", "relief")
    dialog.form.editor("referral_note").setPlainText("独居，取暖费用无着落")
    press_and_wait(qtbot, dialog)
    saved = elder_rounds.person_visits(session.database, person["id"])[0]
    assert saved["referral"] == "relief" and asked and "临时救助" in asked[0]
    assert [(case_id, referral["id"]) for case_id, referral in opened] == [(None, saved["id"])]
