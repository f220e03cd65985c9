"""The children's module as a worker meets it: register a child in the archive dialog, add the
entrustment agreement, record a visit from the due list, and see the children's list and the
figures change; a protection case late on its first step is flagged on the due list; a viewer gets
the dialogs read-only; opening an archive is written to the access log."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLineEdit  # noqa: E402

from station_app.store import access_log, children, due  # noqa: E402
from station_app.ui import print_preview, program_dialogs  # noqa: E402
from station_app.ui.child_dialogs import (  # noqa: E402
    AgreementDialog,
    ChildProfileDialog,
    ChildVisitDialog,
    ReportDialog,
)
from station_app.ui.child_page import ChildPage  # noqa: E402
from station_app.ui.due_page import DuePage  # noqa: E402
from station_app.ui.leave_roll_dialog import LeaveRollDialog  # noqa: E402
from station_app.ui.main_window import MainWindow  # noqa: E402
from station_app.ui.stats_page import StatsPage  # noqa: E402
from tests.test_forms import page_texts  # noqa: E402
from tests.test_ui_elder import choose  # noqa: E402
from tests.ui_helpers import (  # noqa: E402
    answer,
    column_texts,
    no_question,
    press_and_wait,
    press_refused,
    shown,
    wait_for_list,
)

pytest_plugins = ["tests.ui_fixtures"]

TODAY = dt.date.today()


@pytest.fixture
def kids(session, village) -> dict[str, dict]:
    store = session.store
    return {name: store.create("person", {"name": name, "gender": "F", "birth_date": birth,
                                          "village_id": village["id"], "address": f"前甸村2组{n}号"})
            for n, (name, birth) in enumerate((("刘小雨", "2016-03-02"), ("陈小军", "2014-08-09")), 1)}


def register_child(qtbot, session, search: str, risk: str) -> dict:
    dialog = ChildProfileDialog(session)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.picker.search, search)
    assert dialog.picker.results.count() == 1
    choose(dialog.form, "risk_level", risk)
    choose(dialog.form, "parents_situation", "both_away")
    dialog.form.editor("guardian_name").setText("刘奶奶")
    dialog.form.editor("guardian_relation").setText("祖母")
    dialog.form.editor("guardian_phone").setText("1390000")  # too short: refused at the field
    press_refused(qtbot, dialog)
    assert dialog.saved is None and dialog.form.error_text("guardian_phone")
    dialog.form.editor("guardian_phone").setText("13900001234")
    press_and_wait(qtbot, dialog)
    return dialog.saved


def test_register_sign_visit_from_the_due_list_and_see_list_and_figures_change(qtbot, session, village, kids):
    rain = register_child(qtbot, session, "lxy", "high")
    register_child(qtbot, session, "cxj", "low")

    page = ChildPage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    assert sorted(column_texts(page.model, "姓名")) == ["刘小雨", "陈小军"]
    assert column_texts(page.model, "委托协议") == ["未签协议", "未签协议"]

    # The agreement, pre-filled from the archive, signed today.
    page.table.select_key(rain["id"])
    page.agreement_button.click()
    dialog = shown(AgreementDialog)
    drafted = dialog.form.values()  # the father, away, entrusts the grandmother who is the guardian on the spot
    assert (drafted["guardian_name"], drafted["guardian_relation"]) == ("", "父亲")
    assert (drafted["caregiver_name"], drafted["caregiver_relation"]) == ("刘奶奶", "祖母")
    dialog.form.editor("guardian_name").setText("刘建军")
    dialog.form.editor("signed_date").setText(TODAY.isoformat())
    press_and_wait(qtbot, dialog)  # the list re-reads by itself once the agreement is stored
    wait_for_list(qtbot, page.model)
    status = dict(zip(column_texts(page.model, "姓名"), column_texts(page.model, "委托协议"), strict=True))
    assert status == {"刘小雨": "已签协议", "陈小军": "未签协议"}
    page.agreement.setCurrentIndex(page.agreement.findData(children.AGREEMENT_PROBLEM))
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名") == ["陈小军"]

    # Both are due (never visited); record 刘小雨's visit from the due list, with a problem found.
    due_page = DuePage(session)
    qtbot.addWidget(due_page)
    wait_for_list(qtbot, due_page.model)
    assert sorted(column_texts(due_page.model, "姓名")) == ["刘小雨", "陈小军"]
    due_page.table.select_key(due.DueKey(rain["person_id"], "child", TODAY))
    assert due_page.visit_button.isEnabled()
    due_page.visit_button.click()
    dialog = shown(ChildVisitDialog)
    assert "下次走访应在" in dialog.due_hint.text()
    assert dialog.form.values()["next_due"] == (TODAY + dt.timedelta(days=30)).isoformat()  # high risk: monthly
    dialog.form.editor("problems").setPlainText("作业无人辅导，成绩下滑")
    assert dialog.form.values()["next_due"] == (TODAY + dt.timedelta(days=14)).isoformat()  # follow-up sooner
    dialog.form.editor("actions").setPlainText("联系学校安排课后辅导")
    press_and_wait(qtbot, dialog)
    wait_for_list(qtbot, due_page.model)
    assert column_texts(due_page.model, "姓名") == ["陈小军"]

    page.agreement.setCurrentIndex(0)  # the children's list, not on screen, followed the visit too
    wait_for_list(qtbot, page.model)
    last = dict(zip(column_texts(page.model, "姓名"), column_texts(page.model, "最近走访"), strict=True))
    assert last == {"刘小雨": TODAY.isoformat(), "陈小军": "尚未走访"}
    stats = StatsPage(session)
    qtbot.addWidget(stats)
    qtbot.waitUntil(lambda: stats.figures is not None, timeout=10000)
    text = stats.children_summary.text()
    assert "在册 2 人" in text and "签订率 50%（1/2" in text and "本月走访覆盖 1 人" in text
    coverage = stats.chart("child_coverage").series()[0].barSets()[0]
    assert [coverage.at(i) for i in range(3)] == [2.0, 1.0, 1.0]


def test_a_late_protection_step_is_flagged_on_the_due_list_and_worked_in_its_dialog(qtbot, session, village, kids):
    profile = register_child(qtbot, session, "cxj", "low")
    reported = dt.datetime.now().replace(second=0, microsecond=0) - dt.timedelta(hours=30)
    dialog = ReportDialog(session, profile["person_id"])
    qtbot.addWidget(dialog)
    dialog.form.editor("source").setText("学校老师")
    dialog.form.editor("reported_at").setText(reported.strftime("%Y-%m-%d %H:%M"))
    dialog.form.editor("description").setPlainText("孩子连续三天未到校，家中无人")
    press_and_wait(qtbot, dialog)
    due_page = DuePage(session)
    qtbot.addWidget(due_page)
    wait_for_list(qtbot, due_page.model)
    assert column_texts(due_page.model, "项目")[0] == "儿童保护个案"
    assert column_texts(due_page.model, "状态")[0].startswith("已超时")
    assert column_texts(due_page.model, "跟进")[0] == "待应急处置"
    assert "儿童保护个案超过办理时限 1 件" in due_page.summary.text()
    window = MainWindow(session)  # and on the status bar, whichever page is open
    qtbot.addWidget(window)
    assert window.protection_label.text() == "⚠ 儿童保护个案超过办理时限 1 件"

    case = children.person_reports(session.database, profile["person_id"])[0]
    work = ReportDialog(session, profile["person_id"], case["id"])
    qtbot.addWidget(work)
    assert "已超时" in work.stage.text()
    work.step_note.setPlainText("已入户，孩子由邻居临时照看")
    qtbot.mouseClick(work.step_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(session.changes.changed, timeout=10000):  # the step, written in a worker, is announced
        answer(qtbot, "记录“应急处置”")
    assert "调查评估" in work.stage.text() and "已超时" not in work.stage.text()
    assert column_texts(work.steps.model(), "时限")[1].endswith("（超时）")  # answered late: kept on record
    wait_for_list(qtbot, due_page.model)  # the due list and the status bar followed by themselves
    assert column_texts(due_page.model, "状态")[0].startswith("时限")  # the assessment is due within 72 h
    assert column_texts(due_page.model, "跟进")[0] == "待调查评估"
    assert "超过办理时限" not in due_page.summary.text()
    assert window.protection_label.text() == ""


def open_case(qtbot, session, person_id: str) -> ReportDialog:
    dialog = ReportDialog(session, person_id)
    qtbot.addWidget(dialog)
    dialog.form.editor("source").setText("村儿童主任")
    dialog.form.editor("description").setPlainText("孩子独自在家两天，无人照看")
    press_and_wait(qtbot, dialog)
    case = children.person_reports(session.database, person_id)[0]
    work = ReportDialog(session, person_id, case["id"])
    qtbot.addWidget(work)
    return work


def test_a_protection_step_needs_what_was_done_and_a_confirmation_naming_it(qtbot, session, village, kids):
    profile = register_child(qtbot, session, "cxj", "low")
    work = open_case(qtbot, session, profile["person_id"])
    assert work.next_step.currentText() == "应急处置"

    qtbot.mouseClick(work.step_button, Qt.MouseButton.LeftButton)  # 办理情况 left empty
    assert "请写明“应急处置”环节的办理情况" in work.step_error.text()
    assert no_question()

    work.step_note.setPlainText("已联系村干部入户，孩子暂由邻居照看")
    qtbot.mouseClick(work.step_button, Qt.MouseButton.LeftButton)
    said = answer(qtbot, "返回修改")  # the worker looks again: nothing is recorded
    assert "确定记录“应急处置”环节吗" in said and "不能撤回" in said
    assert work.report["stage"] == "reported"
    assert len(children.report_steps(session.database, work.report["id"])) == 1

    qtbot.mouseClick(work.step_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(session.changes.changed, timeout=10000):
        answer(qtbot, "记录“应急处置”")
    steps = children.report_steps(session.database, work.report["id"])
    assert [(s["step"], s["note"]) for s in steps][-1] == ("response", "已联系村干部入户，孩子暂由邻居照看")
    assert work.report["stage"] == "response" and work.step_error.text() == ""


def test_a_viewer_reads_the_archive_but_cannot_change_it_and_every_opening_is_logged(
        qtbot, session, viewer_session, village, kids, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(program_dialogs, "show_error", lambda _parent, exc: said.append(exc.message))
    profile = register_child(qtbot, session, "lxy", "medium")
    dialog = ChildProfileDialog(viewer_session, profile)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isVisible() and not dialog.form.editor("risk_level").isEnabled()
    assert not dialog.new_agreement_button.isEnabled() and not dialog.new_visit_button.isEnabled()
    visit = ChildVisitDialog(viewer_session, profile["person_id"])
    qtbot.addWidget(visit)
    editor = visit.form.editor("visitor")
    assert isinstance(editor, QLineEdit) and editor.isReadOnly()
    visit.save()  # even if asked, the store refuses
    qtbot.waitUntil(lambda: bool(said), timeout=10000)
    assert visit.saved is None and children.person_visits(session.database, profile["person_id"]) == []
    assert "只读" in said[0]
    page = ChildPage(viewer_session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    page.table.select_row(0)
    assert not page.add_button.isEnabled() and not page.visit_button.isEnabled()
    assert page.register_button.isEnabled()
    views = [e for e in access_log.entries(session.database, session.actor) if e["entity"] == "child_profile"]
    assert [(e["username"], e["record_id"]) for e in views] == [(viewer_session.actor.username, profile["id"])]


def test_a_child_moved_off_the_roll_stays_in_the_archive(qtbot, session, village, kids, monkeypatch):
    profile = register_child(qtbot, session, "cxj", "low")
    register_child(qtbot, session, "lxy", "low")
    page = ChildPage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    page.table.select_key(profile["id"])
    today = dt.date.today().isoformat()
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    page.leave_button.click()
    dialog = shown(LeaveRollDialog)
    assert dialog.day.text() == today  # today, unless the worker types the day
    dialog.reason.setCurrentText("父母返乡")
    dialog.day.setText("2026-02-30")
    press_refused(qtbot, dialog, dialog.ok_button)  # refused at the field: the dialog stays open
    assert "这一天不存在" in dialog.error.text()
    dialog.day.setText(yesterday)  # registered today: she cannot have left before
    press_refused(qtbot, dialog, dialog.ok_button)
    assert "退出日期不能早于纳入日期" in dialog.error.text()
    dialog.day.setText(today)
    with qtbot.waitSignal(session.changes.changed, timeout=10000):  # written in a worker, then announced
        press_and_wait(qtbot, dialog, dialog.ok_button)
    wait_for_list(qtbot, page.model)
    left = session.store.get("child_profile", profile["id"])
    assert (left["exit_reason"], left["exited_on"]) == ("父母返乡", today)
    status = dict(zip(column_texts(page.model, "姓名"), column_texts(page.model, "状态"), strict=True))
    assert status == {"陈小军": "已退出", "刘小雨": "在册"}
    page.filter_bar.search.setText("cxj")
    qtbot.keyClick(page.filter_bar.search, Qt.Key.Key_Return)  # search now, not after the typing pause
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名") == ["陈小军"]
    page.active_only.setChecked(True)
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名") == []


def test_a_renewal_names_the_earlier_parties_and_asks_before_overlapping_the_valid_agreement(
        qtbot, session, village, kids):
    profile = register_child(qtbot, session, "lxy", "low")  # guardian on the spot: 刘奶奶 (祖母)
    held_to = (TODAY + dt.timedelta(days=150)).isoformat()
    children.save_agreement(session.store, {
        "child_profile_id": profile["id"], "guardian_name": "刘建军", "guardian_relation": "父亲",
        "guardian_phone": "13800001111", "caregiver_name": "刘奶奶", "caregiver_relation": "祖母",
        "signed_date": (TODAY - dt.timedelta(days=580)).isoformat(), "expiry_date": held_to})
    archive = ChildProfileDialog(session, session.store.get("child_profile", profile["id"]))
    qtbot.addWidget(archive)
    archive.show()
    assert archive.agreement_status.text() == f"已签协议，有效至 {held_to}"

    qtbot.mouseClick(archive.new_agreement_button, Qt.MouseButton.LeftButton)
    dialog = shown(AgreementDialog)
    drafted = dialog.form.values()
    assert (drafted["guardian_name"], drafted["guardian_relation"], drafted["guardian_phone"]) == \
        ("刘建军", "父亲", "13800001111")
    assert (drafted["caregiver_name"], drafted["caregiver_relation"]) == ("刘奶奶", "祖母")

    dialog.form.editor("caregiver_name").setText("刘建军")  # the same person on both sides
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "受托方不能与委托方是同一人" in dialog.form.error_text("caregiver_name") and no_question()
    dialog.form.editor("caregiver_name").setText("刘奶奶")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    said = answer(qtbot, "返回")  # another agreement holds until after this one would start
    assert "期限重叠" in said and f"刘建军 委托 刘奶奶" in said and f"{held_to} 到期" in said
    assert len(children.agreements(session.database, profile["id"])) == 1
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        answer(qtbot, "仍然保存")
    qtbot.waitUntil(lambda: "待签字" in archive.agreement_status.text(), timeout=10000)
    assert archive.agreement_status.text().startswith(f"已签协议，有效至 {held_to}；另有 1 份待签字")
    assert column_texts(archive.agreements.model(), "状态") == ["待签字", "有效"]


def test_the_archive_prints_the_agreement_and_shows_the_history_of_a_changed_fact(qtbot, session, village, kids,
                                                                                 monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(print_preview, "show_printed", lambda _parent, pdf: opened.append(str(pdf)))
    profile = register_child(qtbot, session, "lxy", "low")
    children.save_agreement(session.store, {"child_profile_id": profile["id"], "guardian_name": "刘建军",
                                            "caregiver_name": "刘奶奶", "expiry_date": "2030-01-01"})
    changed = children.save_profile(session.store, {"parents_situation": "father_away"}, profile)
    dialog = ChildProfileDialog(session, changed)
    qtbot.addWidget(dialog)
    assert dialog.agreement_status.text().startswith("未签协议；另有 1 份待签字")  # printed, not signed yet
    qtbot.mouseClick(dialog.print_agreement_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    text = page_texts(PdfReader(opened[0]))[0]
    assert "委托照护协议书" in text and "刘建军" in text and "至2030年1月1日止" in text
    history = dialog.tabs.widget(dialog.tabs.count() - 1).model()
    texts = [history.index(r, c).data() or "" for r in range(history.rowCount()) for c in range(history.columnCount())]
    assert any("父亲外出、母亲无监护能力" in t for t in texts)
