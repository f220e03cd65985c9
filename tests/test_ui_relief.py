"""The relief page as a station uses it: the real dialogs, driven end to end."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit  # noqa: E402

from station_app.core.roles import APPROVER, WORKER, Actor  # noqa: E402
from station_app.store import reference_data, relief  # noqa: E402
from station_app.store.records import RecordStore  # noqa: E402
from station_app.ui import print_preview  # noqa: E402
from station_app.ui import relief_dialog, relief_page  # noqa: E402
from station_app.ui.due_page import DuePage  # noqa: E402
from station_app.ui.operations import wait_for_jobs  # noqa: E402
from station_app.ui.relief_dialog import ActionDialog, EntryDialog, ReliefCaseDialog  # noqa: E402
from station_app.ui.relief_page import FundEntryDialog, ReliefPage  # noqa: E402
from station_app.ui.session import Session  # noqa: E402
from station_app.ui.stats_page import StatsPage  # noqa: E402
from tests.helpers import id_number  # noqa: E402
from tests.ui_helpers import column_texts, press_and_wait, press_refused, shown, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]
pytestmark = pytest.mark.gui

TODAY = dt.date.today()


@pytest.fixture
def applicant(session) -> dict:
    store = session.store
    # A residents' committee (code 0xx): the urban standard, 710 yuan a month, applies.
    village = store.create("village", {"code": "210411101001", "name": "前甸社区"})
    household = store.create("household", {"village_id": village["id"], "head_name": "李大山"})
    store.create("person", {"name": "王秀兰", "id_number": id_number("19560304", 122), "village_id": village["id"],
                            "household_id": household["id"]})
    return store.create("person", {"name": "李大山", "id_number": id_number("19540611", 131),
                                   "village_id": village["id"], "household_id": household["id"]})


@pytest.fixture
def page(qtbot, session, applicant, monkeypatch) -> ReliefPage:
    monkeypatch.setattr(print_preview, "show_printed", lambda _parent, _pdf: None)
    widget = ReliefPage(session)
    qtbot.addWidget(widget)
    wait_for_list(qtbot, widget.cases.model)
    return widget


def type_into(form, name: str, text: str) -> None:
    editor = form.editor(name)
    if isinstance(editor, QPlainTextEdit):
        editor.setPlainText(text)
    else:
        assert isinstance(editor, QLineEdit)
        editor.setText(text)


def confirm(qtbot, dialog: EntryDialog, *attempts: dict[str, str]) -> list[str]:
    """Fill in and confirm `dialog` as a worker would, attempt after attempt, until it is accepted
    (each write runs in a worker); the field errors it showed on the way."""
    accepted: list[bool] = []
    dialog.accepted.connect(lambda: accepted.append(True))
    said: list[str] = []
    for values in attempts:
        for name, text in values.items():
            type_into(dialog.form, name, text)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(accepted) or dialog.ok_button.isEnabled(), timeout=10000)
        if accepted:
            return said
        said += [f"{n}: {dialog.form.error_text(n)}" for n in dialog.names if dialog.form.error_text(n)]
    raise AssertionError(f"never accepted: {said}")


def test_register_pay_an_advance_complete_approve_and_see_ledger_and_figures(qtbot, page, session):
    # This county lets the station head decide within the township's authority too.
    reference_data.set_value(session.store, "relief_authority",
                             {"approval_limit_fen": {"approver": 500000, "head": 500000, "worker": 0}},
                             TODAY - dt.timedelta(days=30))
    # The head tops up the reserve fund; a wrong amount is named at its field first.
    page.fund.entry_buttons["topup"].click()
    said = confirm(qtbot, shown(FundEntryDialog), {"amount": "三千", "reason": "镇财政拨入临时救助备用金"},
                   {"amount": "3000"})
    assert "金额应为数字" in said[0]
    assert page.fund.balance.text() == "备用金余额：3,000.00 元"

    # Register the emergency: the applicant is found in the archive, the suggestion appears.
    page.cases.new_button.click()
    dialog = shown(ReliefCaseDialog)
    press_refused(qtbot, dialog)
    assert "请选择申请人" in dialog.picker.error.text()
    dialog.picker.search.setText("lds")  # pinyin initials, as on the people list
    type_into(dialog.form, "tier", "1")
    type_into(dialog.form, "reason", "房屋失火，衣物被褥烧毁")
    dialog.form.edited.emit("tier")
    assert "1,420.00 元" in dialog.suggestion.text()  # 710 yuan × 2 people × 1 month
    press_and_wait(qtbot, dialog)
    wait_for_list(qtbot, page.cases.model)
    assert column_texts(page.cases.model, "办理状态") == ["已受理"]

    # Pay an advance at once (first above the cap), then complete and approve the case.
    plan = {"advance": [{"amount": "5000", "reason": "急需购买被褥和口粮"}, {"amount": "800"}],
            "verify": [{"reason": "入户核实属实"}], "submit": [{"reason": ""}], "approve": [{"reason": "同意救助"}],
            "pay": [{"reason": ""}], "close": [{"reason": ""}]}
    enabled: dict[str, set[str]] = {}
    said = []
    page.cases.table.select_row(0)
    page.cases.open_button.click()
    case = shown(ReliefCaseDialog)
    for code, attempts in plan.items():
        enabled[code] = {c for c, b in case.action_buttons.items() if b.isEnabled()}
        case.action_buttons[code].click()
        said += confirm(qtbot, shown(ActionDialog), *attempts)  # the case shows each step once it is stored
    case.accept()
    assert any("每案不超过 2,000.00 元" in s for s in said)
    assert enabled["advance"] == {"verify", "advance", "reject", "withdraw"}
    assert "advance" not in enabled["verify"]  # one advance per case
    assert enabled["approve"] == {"notice", "send_back", "approve", "refer", "reject", "withdraw"}
    assert enabled["close"] == {"close"}

    wait_for_list(qtbot, page.cases.model)
    assert column_texts(page.cases.model, "办理状态") == ["已结案"]
    assert column_texts(page.cases.model, "批准金额") == ["1,420.00"]
    assert column_texts(page.cases.model, "先行救助") == ["800.00"]
    ledger = page.fund.table.model()  # paid: the advance went back to the fund (the 发放 dialog's default)
    assert column_texts(ledger, "余额（元）") == ["3,000.00", "2,200.00", "3,000.00"]
    assert page.fund.balance.text() == "备用金余额：3,000.00 元"

    stats = StatsPage(session)
    qtbot.addWidget(stats)
    qtbot.waitUntil(lambda: stats.figures is not None, timeout=10000)
    figures = stats.figures.relief
    assert dict(figures.by_status)["已结案"] == 1
    assert sum(figures.yuan_by_month["急难型"]) == 1420
    assert sum(figures.fund_by_month["支出"]) == 800
    assert "备用金余额 3,000.00 元" in stats.relief_summary.text()


def test_paying_says_what_is_paid_returns_the_advance_and_the_ledger_names_the_person(qtbot, page, session,
                                                                                      applicant):
    relief.add_fund_entry(session.store, "topup", "5000", "镇财政拨入（抚民〔2026〕3号）", TODAY.isoformat())
    case = relief.register(session.store, {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                           "reason": "房屋失火"}, TODAY)
    approver = RecordStore(session.database, Actor("a1", "li", "李副镇长", APPROVER), today=TODAY)
    for code, amount, reason in (("advance", "2000", "情况紧急，先行救助"), ("verify", None, None),
                                 ("submit", "3000", "实际损失较大，按实际支出申报"), ("approve", "3000", "同意")):
        who = approver if code == "approve" else session.store  # the township decides
        case = relief.act(who, case["id"], code, case["rev"], amount=amount, reason=reason, today=TODAY)
    dialog = ReliefCaseDialog(session, case["id"], today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.action_buttons["pay"].click()
    paying = shown(ActionDialog)
    said = paying.findChild(QLabel).text()
    assert "批准金额 3,000.00 元" in said and "已先行救助 2,000.00 元" in said and "本次发放 <b>1,000.00 元</b>" in said
    assert paying.return_advance is not None and paying.return_advance.isChecked()
    assert "归还备用金 2,000.00 元" in paying.return_advance.text()
    confirm(qtbot, paying, {"reason": ""})
    qtbot.waitUntil(lambda: "已归还备用金 2,000.00 元" in dialog.summary.text(), timeout=10000)
    assert "发放 1,000.00 元" in dialog.summary.text()

    page.fund.refresh()
    ledger = page.fund.table.model()
    assert column_texts(ledger, "类型") == ["拨入", "先行救助支出", "归还"]
    assert column_texts(ledger, "摘要")[:2] == ["镇财政拨入（抚民〔2026〕3号）", "情况紧急，先行救助"]  # as typed
    assert column_texts(ledger, "申请人")[1:] == ["李大山", "李大山"]
    assert set(column_texts(ledger, "经办人")) == {"王站长"}  # the person, not the account "head"
    assert page.fund.balance.text() == "备用金余额：5,000.00 元"


def test_a_worker_cannot_approve_or_top_up_and_a_viewer_only_looks(qtbot, session, viewer_session, applicant,
                                                                  monkeypatch):
    case = relief.register(session.store, {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                           "reason": "火灾"}, TODAY)
    case = relief.act(session.store, case["id"], "verify", case["rev"])
    relief.act(session.store, case["id"], "submit", case["rev"], amount="1420")
    worker = Session(session.data_dir, session.database, Actor("w", "liu", "刘晓梅", WORKER))
    for who, expected in ((worker, {"notice", "advance", "withdraw"}), (viewer_session, set())):
        dialog = ReliefCaseDialog(who, case["id"])
        qtbot.addWidget(dialog)
        assert {c for c, b in dialog.action_buttons.items() if b.isEnabled()} == expected
        assert "站长" in dialog.action_buttons["reject"].toolTip()
        panel = relief_page.FundPanel(who, TODAY)
        qtbot.addWidget(panel)
        assert not any(b.isEnabled() for b in panel.entry_buttons.values())


def test_an_overdue_advance_is_flagged_on_the_list_and_the_due_page(qtbot, session, applicant, monkeypatch):
    relief.add_fund_entry(session.store, "topup", "2000", "拨入", (TODAY - dt.timedelta(days=30)).isoformat())
    long_ago = TODAY - dt.timedelta(days=20)
    case = relief.register(session.store, {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                           "reason": "火灾", "applied_on": long_ago.isoformat()}, long_ago)
    relief.act(session.store, case["id"], "advance", case["rev"], amount="500", reason="急需", today=long_ago)
    page = ReliefPage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.cases.model)
    assert "先行救助逾期未补办：1 件" in page.cases.summary.text()
    assert column_texts(page.cases.model, "补办期限")[0].endswith("（逾期）")
    page.cases.overdue.setChecked(True)
    wait_for_list(qtbot, page.cases.model)
    assert page.cases.model.rowCount() == 1

    due = DuePage(session)
    qtbot.addWidget(due)
    wait_for_list(qtbot, due.model)
    assert column_texts(due.model, "项目") == ["先行救助补办手续"]
    assert column_texts(due.model, "状态")[0].startswith("逾期")
    assert "先行救助逾期未补办 1 件" in due.summary.text()
    opened = []
    monkeypatch.setattr("station_app.ui.due_page.open_case", lambda _s, case_id, _p: opened.append(case_id))
    due.table.select_row(0)
    due.table.opened.emit(due.table.current_key())
    assert opened == [case["id"]]
    assert wait_for_jobs(5000)


def test_verification_corrects_the_tier_and_the_form_prints_from_the_case(qtbot, session, applicant, monkeypatch):
    case = relief.register(session.store, {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                           "reason": "火灾"}, TODAY)
    dialog = ReliefCaseDialog(session, case["id"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert "1,420.00 元" in dialog.summary.text()
    dialog.amend_button.click()
    confirm(qtbot, shown(relief_dialog.AmendDialog), {"tier": "2"})
    assert "4,260.00 元" in dialog.summary.text()  # 710 × 2 people × 3 months

    opened: list[str] = []
    monkeypatch.setattr(print_preview, "show_printed", lambda _parent, pdf: opened.append(str(pdf)))
    dialog.print_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened[0].endswith(".pdf") and "临时救助申请审批表-李大山" in opened[0]


def test_a_relief_referral_from_the_rounds_becomes_a_prefilled_application(qtbot, page, session, applicant):
    """Issue 4's referral reaches the relief page: the applicant and reason come from the visit,
    and once the application is registered the referral is no longer waiting."""
    store = session.store
    store.create("elder_profile", {"person_id": applicant["id"], "categories": ["alone"], "status": "active"})
    store.create("visit", {"program": "elder", "person_id": applicant["id"], "visit_date": TODAY.isoformat(),
                           "visitor": "刘晓梅", "method": "home", "seen_in_person": True, "referral": "relief",
                           "referral_note": "冬季取暖费用无着落，医疗支出大"})
    page.cases.refresh()
    wait_for_list(qtbot, page.cases.model)
    assert page.cases.referrals_button.text() == "探访转介（1）…"

    page.cases.referrals_button.click()
    chooser = shown(relief_page.ReferralChooser)
    assert chooser.model.rowCount() == 1
    chooser.table.opened.emit(chooser.model.row_key(0))
    dialog = shown(ReliefCaseDialog)
    values = dialog.form.values()
    assert dialog.picker.person_id == applicant["id"] and values["reason"] == "冬季取暖费用无着落，医疗支出大"
    assert "探访转介" in values["notes"] and "刘晓梅" in values["notes"]
    type_into(dialog.form, "tier", "1")
    press_and_wait(qtbot, dialog)
    wait_for_list(qtbot, page.cases.model)
    assert "李大山" in column_texts(page.cases.model, "姓名")
    assert page.cases.referrals_button.text() == "探访转介…"
