"""The station ledger as a worker meets it on the 站务台账 page: record a training session with its
attendance, an activity with the people it served, its staff and its volunteers' hours, a care
agreement and its care visit; pick the village's child director on a child's visit; every dialog
fits a 1024×768 screen; a viewer gets them read-only."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QComboBox, QLineEdit  # noqa: E402

from station_app.store import activities, care, children, due, elder_rounds, network  # noqa: E402
from station_app.ui.activity_dialog import ActivityDialog  # noqa: E402
from station_app.ui.care_dialogs import CareAgreementDialog, CareVisitDialog  # noqa: E402
from station_app.ui.child_dialogs import ChildVisitDialog  # noqa: E402
from station_app.ui.due_page import DuePage  # noqa: E402
from station_app.ui.ledger_dialogs import StaffDialog, TrainingDialog, VolunteerDialog  # noqa: E402
from station_app.ui.ledger_page import LedgerPage  # noqa: E402
from tests.helpers import id_number  # noqa: E402
from tests.ui_helpers import column_texts, press_and_wait, press_refused, wait_for_list, wait_shown  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]

TODAY = dt.date.today()
SCREEN = (1024, 768)


@pytest.fixture
def network_people(session, village) -> dict[str, dict]:
    store = session.store
    return {
        "张丽": network.save_staff(store, {"name": "张丽", "role": "child_director", "village_id": village["id"],
                                         "status": "active", "entered_on": "2024-03-01", "phone": "13700001234"}),
        "孙志强": network.save_staff(store, {"name": "孙志强", "role": "child_supervisor", "status": "active",
                                           "entered_on": "2024-03-01"}),
        "刘晓梅": network.save_staff(store, {"name": "刘晓梅", "role": "social_worker", "status": "active",
                                           "entered_on": "2024-03-01"}),
    }


@pytest.fixture
def page(qtbot, session) -> LedgerPage:
    shown_page = LedgerPage(session)
    qtbot.addWidget(shown_page)
    shown_page.show()
    return shown_page


def fill(form, **values: str) -> None:
    for name, text in values.items():
        editor = form.editor(name)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(text))
        else:
            assert isinstance(editor, QLineEdit)
            editor.setText(text)


def tick(check_list, label_start: str) -> None:
    for i in range(check_list.count()):
        if check_list.item(i).text().startswith(label_start):
            check_list.item(i).setCheckState(Qt.CheckState.Checked)


def plain(label) -> str:
    """What a label says, its markup (bold, red) aside."""
    return re.sub(r"<[^>]+>", "", label.text())


def fits(dialog) -> None:
    """The whole dialog, its buttons included, lies within a 1024×768 screen."""
    dialog.adjustSize()
    size = dialog.frameGeometry().size().expandedTo(dialog.size())
    assert size.width() <= SCREEN[0] and size.height() <= SCREEN[1] - 40, (type(dialog).__name__, size)


def test_a_training_session_is_recorded_with_its_attendance(qtbot, session, page, network_people):
    trainings = page.trainings
    wait_for_list(qtbot, trainings.model)
    assert "儿童主任 0/1（0%）" in plain(trainings.summary)
    trainings.new_button.click()
    dialog = wait_shown(qtbot, TrainingDialog)
    fits(dialog)
    # Everyone in post today is offered, nobody ticked yet.
    assert dialog.attendance.count() == 3 and dialog.count.text() == "已签到 0 人"
    fill(dialog.form, topic="儿童关爱保护政策与强制报告制度", hours="两个半小时", organiser="顺城区民政局")
    tick(dialog.attendance, "张丽")
    tick(dialog.attendance, "孙志强")
    assert dialog.count.text() == "已签到 2 人"
    press_refused(qtbot, dialog)
    assert "小时数" in dialog.form.error_text("hours")
    fill(dialog.form, hours="2.5")
    press_and_wait(qtbot, dialog)
    saved = dialog.saved
    assert sorted(network.attendee_ids(session.database, saved["id"])) == sorted(
        [network_people["张丽"]["id"], network_people["孙志强"]["id"]])

    qtbot.waitUntil(lambda: column_texts(trainings.model, "参训人数") == ["2"], timeout=10000)
    assert column_texts(trainings.model, "学时") == ["2.5"]
    assert "儿童主任 1/1（100%）" in plain(trainings.summary) and "社工 0/1（0%）" in plain(trainings.summary)
    # The person's record shows the session.
    record = StaffDialog(session, session.store.get("staff", network_people["张丽"]["id"]))
    qtbot.addWidget(record)
    assert [r for r in column_texts(record.trainings.model(), "培训主题")] == ["儿童关爱保护政策与强制报告制度"]


def test_an_activity_is_recorded_with_its_people_staff_and_volunteers_hours(qtbot, session, page, village,
                                                                            network_people):
    store = session.store
    elder = store.create("person", {"name": "王桂兰", "gender": "F", "birth_date": "1941-03-02",
                                    "village_id": village["id"]})
    li = activities.save_volunteer(store, {"name": "李娜", "status": "active", "entered_on": "2025-01-01",
                                           "organisation": "巾帼志愿服务队"})
    listed = page.activities
    page.tabs.setCurrentWidget(listed)
    wait_for_list(qtbot, listed.model)
    listed.new_button.click()
    dialog = wait_shown(qtbot, ActivityDialog)
    fits(dialog)
    assert not dialog.delete_button.isVisible()  # nothing to delete before it is saved
    fill(dialog.form, kind="home", title="入户为独居老人理发、打扫卫生", village_id=village["id"], others_count="2")
    qtbot.keyClicks(dialog.people.picker.search, "wgl")
    assert dialog.people.picker.results.count() == 1
    dialog.people.add_button.click()
    assert dialog.people.ids() == [elder["id"]]
    tick(dialog.staff, "刘晓梅")
    dialog.volunteers.item(0, 0).setCheckState(Qt.CheckState.Checked)
    dialog.volunteers.item(0, 1).setText("30")  # more than a day: refused beside the name, nothing written
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "李娜" in dialog.volunteer_error.text() and "24小时" in dialog.volunteer_error.text()
    assert dialog.tabs.currentIndex() == 2 and dialog.saved is None
    dialog.volunteers.item(0, 1).setText("1.5")
    press_and_wait(qtbot, dialog)

    qtbot.waitUntil(lambda: column_texts(listed.model, "参与人数") == ["3"], timeout=10000)
    assert column_texts(listed.model, "志愿服务时长") == ["1.5"] and column_texts(listed.model, "工作人员") == ["1"]
    [row] = activities.ledger(session.database, TODAY, TODAY)
    assert [p["name"] for p in row["participants"]] == ["王桂兰"] and row["volunteers"][0]["hours"] == 15
    volunteers = page.volunteers
    wait_for_list(qtbot, volunteers.model)
    assert column_texts(volunteers.model, "本年服务时长（小时）") == ["1.5"]
    # Opened again, the activity shows who was there.
    again = ActivityDialog(session, store.get("service_activity", row["id"]))
    qtbot.addWidget(again)
    assert again.people.ids() == [elder["id"]] and again.staff.ticked() == [network_people["刘晓梅"]["id"]]
    assert not again.delete_button.isHidden()  # a saved one can be deleted
    assert again.volunteers.values() == {li["id"]: "1.5"}


def test_a_care_agreement_is_added_its_visit_recorded_and_its_end_is_on_the_due_list(qtbot, session, page, village):
    store = session.store
    person = store.create("person", {"name": "王桂兰", "gender": "F", "birth_date": "1941-03-02",
                                     "id_number": id_number("19410302", 102), "village_id": village["id"]})
    elder_rounds.save_profile(store, {"person_id": person["id"], "categories": ["alone"], "benefits": ["tekun"],
                                      "status": "active"})
    listed = page.care
    page.tabs.setCurrentWidget(listed)
    listed.refresh()  # written straight to the store above, not through a dialog that announces it
    wait_for_list(qtbot, listed.model)
    assert "分散供养特困人员 0/1（0%）（目标100%）" in plain(listed.summary)
    assert "color:#c62828" in listed.summary.text()  # under the target: in red
    listed.new_button.click()
    dialog = wait_shown(qtbot, CareAgreementDialog)
    fits(dialog)
    qtbot.keyClicks(dialog.picker.search, "wgl")
    signed = (TODAY - dt.timedelta(days=340)).isoformat()
    ends = (TODAY + dt.timedelta(days=10)).isoformat()
    fill(dialog.form, carer_name="刘玉芬", carer_relation="邻居", fee="400", signed_on=signed, expires_on=ends)
    press_and_wait(qtbot, dialog)
    qtbot.waitUntil(lambda: column_texts(listed.model, "状态") == ["将到期"], timeout=10000)
    assert "分散供养特困人员 1/1（100%）" in plain(listed.summary)

    listed.table.select_row(0)
    listed.visit_button.click()
    visit = wait_shown(qtbot, CareVisitDialog)
    fits(visit)
    assert "照料人：刘玉芬（邻居）" in visit.findChildren(type(listed.summary))[1].text()
    press_and_wait(qtbot, visit)
    assert visit.saved["program"] == "care" and care.person_visits(session.database, person["id"])

    due_page = DuePage(session)
    qtbot.addWidget(due_page)
    wait_for_list(qtbot, due_page.model)
    programs = column_texts(due_page.model, "项目")  # beside her elderly visit, never made yet
    row = programs.index("照料服务协议到期")
    assert column_texts(due_page.model, "状态")[row] == "10 天后到期"
    due_page.table.select_row(row)
    due_page._open(due_page.table.current_key())
    opened = wait_shown(qtbot, CareAgreementDialog)
    assert opened.record["carer_name"] == "刘玉芬"


def test_a_childs_visit_names_the_villages_child_director_from_the_roster(qtbot, session, village, network_people):
    store = session.store
    child = store.create("person", {"name": "李小雨", "gender": "F", "birth_date": "2016-03-04",
                                    "village_id": village["id"]})
    children.save_profile(store, {"person_id": child["id"], "category": "left_behind", "status": "active"})
    dialog = ChildVisitDialog(session, child["id"])
    qtbot.addWidget(dialog)
    director = dialog.form.editor("director_id")
    assert director.currentText() == "张丽（儿童主任·前甸村）"  # the one in post in the child's village
    press_and_wait(qtbot, dialog)
    assert dialog.saved["director_id"] == network_people["张丽"]["id"]


def test_every_ledger_dialog_fits_the_screen_and_a_viewer_only_reads(qtbot, viewer_session, session, village,
                                                                     network_people):
    store = session.store
    volunteer = activities.save_volunteer(store, {"name": "李娜", "status": "active", "entered_on": "2025-01-01"})
    session_record = network.save_training(store, {"held_on": TODAY.isoformat(), "topic": "政策", "hours": "2"}, None,
                                           [network_people["张丽"]["id"]])
    for dialog in (StaffDialog(session), VolunteerDialog(session, volunteer), ActivityDialog(session),
                   CareAgreementDialog(session)):
        qtbot.addWidget(dialog)
        fits(dialog)
    read_only = TrainingDialog(viewer_session, viewer_session.store.get("training", session_record["id"]))
    qtbot.addWidget(read_only)
    assert not read_only.save_button.isVisible() and not read_only.form.editor("topic").isEnabled() or \
        read_only.form.editor("topic").isReadOnly()
    item = read_only.attendance.item(0)
    assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert due.due_keys(session.database, TODAY, program="care") == []


def test_the_statistics_page_shows_the_ledgers_rates_as_the_monthly_report_counts_them(qtbot, session,
                                                                                       network_people):
    from station_app.store import ledger_figures
    from station_app.ui.stats_page import StatsPage

    network.save_training(session.store, {"held_on": TODAY.isoformat(), "topic": "政策", "hours": "2"}, None,
                          [network_people["张丽"]["id"]])
    stats = StatsPage(session)
    qtbot.addWidget(stats)
    qtbot.waitUntil(lambda: stats.figures is not None, timeout=20000)
    chart = stats.chart("ledger_training")
    roles = chart.axes()[0].categories()
    assert list(roles) == ["儿童主任", "儿童督导员", "社工"]
    in_post, trained = chart.series()[0].barSets()
    assert [trained.at(i) for i in range(3)] == [1.0, 0.0, 0.0] and [in_post.at(i) for i in range(3)] == [1.0] * 3
    same = {f.key: f.value for f in ledger_figures.training_rates(session.database, TODAY)}
    assert same["ledger.training.child_director"] == 1
    assert "培训参与率目标100%" in plain(stats.ledger_summary) and "分散供养特困人员 0 / 0 人（—）" in plain(
        stats.ledger_summary)
