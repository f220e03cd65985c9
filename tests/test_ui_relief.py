"""The relief page as a station uses it: the real dialogs, driven end to end."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
from collections.abc import Callable  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QDialog, QLineEdit, QPlainTextEdit  # noqa: E402

from station_app.core.roles import WORKER, Actor  # noqa: E402
from station_app.store import relief  # noqa: E402
from station_app.ui import print_preview  # noqa: E402
from station_app.ui import relief_dialog, relief_page  # noqa: E402
from station_app.ui.due_page import DuePage  # noqa: E402
from station_app.ui.operations import wait_for_jobs  # noqa: E402
from station_app.ui.relief_dialog import ActionDialog, ReliefCaseDialog  # noqa: E402
from station_app.ui.relief_page import FundEntryDialog, ReliefPage  # noqa: E402
from station_app.ui.session import Session  # noqa: E402
from station_app.ui.stats_page import StatsPage  # noqa: E402
from tests.helpers import id_number  # noqa: E402
from tests.ui_helpers import column_texts, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]
pytestmark = pytest.mark.gui

TODAY = dt.date.today()


@pytest.fixture
def applicant(session) -> dict:
    store = session.store
    village = store.create("village", {"code": "210411101201", "name": "前甸村"})
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


class Answers:
    """Stands in for the modal loop of the action dialog: for each action, the attempts a worker
    makes (amount, reason), each confirmed with the dialog's own button; what it said is kept."""

    def __init__(self, monkeypatch) -> None:
        self.plan: dict[str, list[tuple[str | None, str]]] = {}
        self.said: list[tuple[str, str]] = []
        monkeypatch.setattr(ActionDialog, "exec", lambda dialog: self._exec(dialog))

    def _exec(self, dialog: ActionDialog) -> int:
        for amount, reason in self.plan.pop(dialog.act.code):
            if amount is not None:
                type_into(dialog.form, "amount", amount)
            type_into(dialog.form, "reason", reason)
            dialog.ok_button.click()
            if dialog.result() == QDialog.DialogCode.Accepted:
                break
            self.said += [(n, dialog.form.error_text(n)) for n in ("amount", "reason") if dialog.form.error_text(n)]
        return dialog.result()


def working(monkeypatch, steps: Callable[[ReliefCaseDialog], None]) -> None:
    """Let the case dialog, when the page opens it, be worked by `steps` and then closed."""
    def run(dialog: ReliefCaseDialog) -> int:
        steps(dialog)
        dialog.accept()
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(ReliefCaseDialog, "exec", run)


def test_register_pay_an_advance_complete_approve_and_see_ledger_and_figures(qtbot, page, session, monkeypatch):
    # The head tops up the reserve fund; a wrong amount is named at its field first.
    attempts = iter(("三千", "3000"))

    def top_up(dialog: FundEntryDialog) -> int:
        errors = []
        for amount in attempts:
            type_into(dialog.form, "amount", amount)
            type_into(dialog.form, "reason", "镇财政拨入临时救助备用金")
            dialog.ok_button.click()
            errors.append(dialog.form.error_text("amount"))
            if dialog.result() == QDialog.DialogCode.Accepted:
                break
        assert "金额应为数字" in errors[0]
        return dialog.result()

    monkeypatch.setattr(FundEntryDialog, "exec", top_up)
    page.fund.entry_buttons["topup"].click()
    assert page.fund.balance.text() == "备用金余额：3,000.00 元"

    # Register the emergency: the applicant is found in the archive, the suggestion appears.
    seen: dict[str, str] = {}

    def register(dialog: ReliefCaseDialog) -> None:
        dialog.save_button.click()
        seen["no applicant"] = dialog.picker.error.text()
        dialog.picker.search.setText("lds")  # pinyin initials, as on the people list
        dialog.picker.find()
        type_into(dialog.form, "tier", "1")
        type_into(dialog.form, "reason", "房屋失火，衣物被褥烧毁")
        dialog.form.edited.emit("tier")
        seen["suggestion"] = dialog.suggestion.text()
        dialog.save_button.click()

    working(monkeypatch, register)
    page.cases.new_button.click()
    assert "请选择申请人" in seen["no applicant"]
    assert "1,420.00 元" in seen["suggestion"]  # 710 yuan × 2 people × 1 month
    wait_for_list(qtbot, page.cases.model)
    assert column_texts(page.cases.model, "办理状态") == ["已受理"]

    # Pay an advance at once (first above the cap), then complete and approve the case.
    answers = Answers(monkeypatch)
    answers.plan = {"advance": [("5000", "急需购买被褥和口粮"), ("800", "急需购买被褥和口粮")],
                    "verify": [(None, "入户核实属实")], "submit": [(None, "")],
                    "approve": [(None, "同意救助")], "pay": [(None, "")], "close": [(None, "")]}
    enabled: dict[str, set[str]] = {}

    def work(dialog: ReliefCaseDialog) -> None:
        for code in ("advance", "verify", "submit", "approve", "pay", "close"):
            enabled[code] = {c for c, b in dialog.action_buttons.items() if b.isEnabled()}
            dialog.action_buttons[code].click()

    working(monkeypatch, work)
    page.cases.table.select_row(0)
    page.cases.open_button.click()
    assert answers.plan == {}
    assert "每案不超过 2,000.00 元" in dict(answers.said)["amount"]
    assert enabled["advance"] == {"verify", "advance", "reject", "withdraw"}
    assert "advance" not in enabled["verify"]  # one advance per case
    assert enabled["approve"] == {"send_back", "approve", "refer", "reject", "withdraw"}
    assert enabled["close"] == {"close"}

    wait_for_list(qtbot, page.cases.model)
    assert column_texts(page.cases.model, "办理状态") == ["已结案"]
    assert column_texts(page.cases.model, "批准金额") == ["1,420.00"]
    assert column_texts(page.cases.model, "先行救助") == ["800.00"]
    ledger = page.fund.table.model()
    assert [ledger.index(r, 6).data() for r in range(ledger.rowCount())] == ["3,000.00", "2,200.00"]
    assert page.fund.balance.text() == "备用金余额：2,200.00 元"

    stats = StatsPage(session)
    qtbot.addWidget(stats)
    qtbot.waitUntil(lambda: stats.figures is not None, timeout=10000)
    figures = stats.figures.relief
    assert dict(figures.by_status)["已结案"] == 1
    assert sum(figures.yuan_by_month["急难型"]) == 1420
    assert sum(figures.fund_by_month["支出"]) == 800
    assert "备用金余额 2,200.00 元" in stats.relief_summary.text()


def test_a_worker_cannot_approve_or_top_up_and_a_viewer_only_looks(qtbot, session, viewer_session, applicant,
                                                                  monkeypatch):
    case = relief.register(session.store, {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                           "reason": "火灾"}, TODAY)
    case = relief.act(session.store, case["id"], "verify", case["rev"])
    relief.act(session.store, case["id"], "submit", case["rev"], amount="1420")
    worker = Session(session.data_dir, session.database, Actor("w", "liu", "刘晓梅", WORKER))
    for who, expected in ((worker, {"advance", "withdraw"}), (viewer_session, set())):
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
    assert "1,420.00 元" in dialog.summary.text()

    def correct(amend: relief_dialog.AmendDialog) -> int:
        type_into(amend.form, "tier", "2")
        amend.ok_button.click()
        return amend.result()

    monkeypatch.setattr(relief_dialog.AmendDialog, "exec", correct)
    dialog.amend_button.click()
    assert "4,260.00 元" in dialog.summary.text()  # 710 × 2 people × 3 months
    assert dialog.changed

    opened: list[str] = []
    monkeypatch.setattr(print_preview, "show_printed", lambda _parent, pdf: opened.append(str(pdf)))
    dialog.print_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened[0].endswith(".pdf") and "临时救助申请审批表-李大山" in opened[0]


def test_a_relief_referral_from_the_rounds_becomes_a_prefilled_application(qtbot, page, session, applicant,
                                                                            monkeypatch):
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

    def choose_first(chooser: relief_page.ReferralChooser) -> int:
        assert chooser.model.rowCount() == 1
        chooser.table.opened.emit(chooser.model.row_key(0))
        return chooser.result()

    filled: dict[str, str] = {}

    def register(dialog: ReliefCaseDialog) -> None:
        filled.update(person=dialog.picker.person_id, reason=dialog.form.values()["reason"],
                      notes=dialog.form.values()["notes"])
        type_into(dialog.form, "tier", "1")
        dialog.save_button.click()

    monkeypatch.setattr(relief_page.ReferralChooser, "exec", choose_first)
    working(monkeypatch, register)
    page.cases.referrals_button.click()
    assert filled["person"] == applicant["id"] and filled["reason"] == "冬季取暖费用无着落，医疗支出大"
    assert "探访转介" in filled["notes"] and "刘晓梅" in filled["notes"]
    wait_for_list(qtbot, page.cases.model)
    assert "李大山" in column_texts(page.cases.model, "姓名")
    assert page.cases.referrals_button.text() == "探访转介…"
