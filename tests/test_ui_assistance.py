"""Social assistance as a worker meets it: a report taken at the window and triaged into a relief
case, a transfer with its receipt, a person's statuses, a 支出型 case's expenses and means check, and
the township approver who decides."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QComboBox  # noqa: E402

from station_app.core.roles import APPROVER, Actor  # noqa: E402
from station_app.store import due, relief  # noqa: E402
from station_app.ui.intake_dialogs import NewReportDialog, ReportDialog, TriageDialog  # noqa: E402
from station_app.ui.intake_page import IntakePage  # noqa: E402
from station_app.ui.person_dialog import PersonDialog  # noqa: E402
from station_app.ui.record_panels import ExpensePanel, MeansPanel, RecordEditor, StatusPanel  # noqa: E402
from station_app.ui.relief_dialog import ReliefCaseDialog  # noqa: E402
from station_app.ui.session import Session  # noqa: E402
from tests.helpers import id_number  # noqa: E402
from tests.test_ui_relief import confirm, type_into  # noqa: E402
from tests.ui_helpers import column_texts, press_and_wait, shown  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]
pytestmark = pytest.mark.gui

TODAY = dt.date.today()


@pytest.fixture
def resident(session) -> dict:
    store = session.store
    village = store.create("village", {"code": "210411101201", "name": "前甸村"})
    household = store.create("household", {"village_id": village["id"], "head_name": "孙桂芝"})
    return store.create("person", {"name": "孙桂芝", "id_number": id_number("19470912", 122), "village_id": village["id"],
                                   "household_id": household["id"], "address": "前甸村5组8号"})


def take_report(qtbot, session, page: IntakePage, resident: dict) -> dict:
    page.show()
    page.new_button.click()
    dialog = shown(NewReportDialog)
    dialog.picker.search.setText("sgz")
    dialog.picker.find()
    assert dialog.form.values()["subject_name"] == "孙桂芝"  # filled from the archive
    combo = dialog.form.editor("channel")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("grid"))
    type_into(dialog.form, "description", "独居老人家中断煤，屋内结冰")
    press_and_wait(qtbot, dialog)
    return dialog.saved


def test_a_report_taken_at_the_window_becomes_a_relief_case(qtbot, session, resident):
    page = IntakePage(session)
    qtbot.addWidget(page)
    report = take_report(qtbot, session, page, resident)
    assert column_texts(page.model, "状态") == ["待分办"] and "待分办 1 件" in page.summary.text()
    assert [k.record_id for k in due.due_keys(session.database, TODAY) if k.program == "intake"] == [report["id"]]

    page.table.select_row(0)
    page.open_button.click()
    opened = shown(ReportDialog)
    assert "待分办" in opened.summary.text() and not opened.link_row.isVisible()
    opened.buttons["relief"].click()
    application = shown(ReliefCaseDialog)
    values = application.form.values()
    assert application.picker.person_id == resident["id"] and values["reason"] == "独居老人家中断煤，屋内结冰"
    assert values["standard_area"] == "rural"  # 前甸村 is a villagers' committee
    type_into(application.form, "tier", "1")
    press_and_wait(qtbot, application)

    case = session.store.get("relief_case", application.case_id)
    assert case["intake_report_id"] == report["id"]
    assert "转临时救助" in opened.summary.text() and opened.buttons["open_case"].isVisible()
    assert column_texts(page.model, "状态") == ["转临时救助"]
    opened.accept()


def test_a_transfer_is_recorded_then_its_receipt(qtbot, session, resident):
    page = IntakePage(session)
    qtbot.addWidget(page)
    report = take_report(qtbot, session, page, resident)
    dialog = ReportDialog(session, report["id"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.buttons["transfer"].click()
    said = confirm(qtbot, shown(TriageDialog), {"transfer_to": ""},
                   {"transfer_to": "县医疗保障局", "triage_note": "因病支出大，申请医疗救助"})
    assert said == ["transfer_to: 转办时请填写转办部门"]
    assert column_texts(page.model, "状态") == ["转办其他部门（待回执）"]
    assert dialog.buttons["receipt"].isEnabled() and not dialog.buttons["relief"].isEnabled()
    dialog.buttons["receipt"].click()
    confirm(qtbot, shown(TriageDialog), {"receipt_note": "已受理，纳入医疗救助"})
    assert column_texts(page.model, "状态") == ["转办其他部门"]
    assert "已受理，纳入医疗救助" in dialog.summary.text()


def test_a_persons_statuses_are_kept_on_their_own_tab(qtbot, session, resident):
    dialog = PersonDialog(session, resident["id"])
    qtbot.addWidget(dialog)
    panel = dialog.findChild(StatusPanel)
    assert panel is not None and panel.model.rowCount() == 0
    dialog.show()
    dialog.tabs.setCurrentWidget(panel)
    panel.add_button.click()
    editor = shown(RecordEditor)
    kinds = editor.form.editor("kind")
    assert isinstance(kinds, QComboBox)
    labels = [kinds.itemText(i) for i in range(kinds.count())]
    assert "特困供养" in labels and "低收入家庭" not in labels  # a household's kind is not a person's
    kinds.setCurrentIndex(kinds.findData("tekun"))
    assert editor.form.values()["starts_on"] == TODAY.isoformat()  # granted today unless the worker says when
    # A start not yet reached is refused at its field; the certificate's end may lie ahead.
    starts, ends = TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=334)
    said = confirm(qtbot, editor, {"starts_on": (TODAY + dt.timedelta(days=1)).isoformat(), "ends_on": ends.isoformat(),
                                   "certificate_no": "顺特困2026003"}, {"starts_on": starts.isoformat()})
    assert said == ["starts_on: 起始日期不能晚于今天"]
    assert column_texts(panel.model, "类别") == ["特困供养"]
    assert column_texts(panel.model, "终止日期") == [ends.isoformat()]


def test_an_expenditure_case_is_reckoned_as_its_expenses_are_entered(qtbot, session, resident):
    store = session.store
    case = relief.register(store, {"person_id": resident["id"], "case_type": "expenditure", "tier": 2,
                                   "household_income": "3000", "reason": "尿毒症透析，自付费用高"}, TODAY)
    case = relief.act(store, case["id"], "verify", case["rev"])
    dialog = ReliefCaseDialog(session, case["id"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert "登记刚性支出和家庭年收入后显示" in dialog.summary.text()
    expenses = dialog.findChild(ExpensePanel)
    expenses.add_button.click()
    editor = shown(RecordEditor)
    category = editor.form.editor("category")
    assert isinstance(category, QComboBox)
    category.setCurrentIndex(category.findData("medical"))
    confirm(qtbot, editor, {"amount": "12000", "description": "透析自付部分", "evidence": "医院收费票据"})
    # 3,000 − 6,000 × 1.5 × 1 < 0: the household bears nothing; 12,000 × 50 % = 6,000
    assert "建议金额 <b>6,000.00 元</b>" in dialog.summary.text()
    assert "按 50% 救助：6,000.00 元" in dialog.summary.text()
    means = dialog.findChild(MeansPanel)
    means.add_button.click()
    confirm(qtbot, shown(RecordEditor), {"authorized_on": TODAY.isoformat(), "requested_on": TODAY.isoformat(),
                                         "requested_to": "顺城区核对中心"})
    assert "结果未回" in dialog.summary.text()


def test_the_township_approver_decides_and_writes_nothing_else(qtbot, session, resident):
    store = session.store
    case = relief.register(store, {"person_id": resident["id"], "case_type": "emergency", "tier": 1,
                                   "reason": "房屋失火"}, TODAY)
    case = relief.act(store, relief.act(store, case["id"], "verify", case["rev"])["id"], "submit",
                      store.get("relief_case", case["id"])["rev"], amount="500")
    approver = Session(session.data_dir, session.database, Actor("a", "li", "李副镇长", APPROVER))
    dialog = ReliefCaseDialog(approver, case["id"])
    qtbot.addWidget(dialog)
    assert {c for c, b in dialog.action_buttons.items() if b.isEnabled()} == {"send_back", "approve", "refer", "reject"}
    assert dialog.note.text() == "" and not dialog.amend_button.isEnabled()
    assert not dialog.findChild(ExpensePanel).add_button.isEnabled()
    head = ReliefCaseDialog(session, case["id"])
    qtbot.addWidget(head)
    assert not head.action_buttons["approve"].isEnabled()  # the shipped rule gives the head no limit
