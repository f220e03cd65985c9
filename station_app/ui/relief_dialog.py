"""A temporary-relief case: registering an application, and working it step by step.

A new case starts by finding the applicant in the archive (name, pinyin initials or ID number, as
on the people list); the household and its size come from there, and the suggested amount is
shown as soon as type, tier and size are known. An earlier relief to the same person or household
shows as a warning at once.

An open case shows its amounts (suggested, proposed with the worker's reason, approved, advance,
paid), its steps, and one button per action of the workflow. A button is enabled only when the
case's state and the worker's role allow it (core.relief decides; the store checks again). Each
action asks for what it needs — an amount, a reason — in a small dialog that shows every problem
at its field in Chinese. Alt+letter presses a button; Enter confirms; Esc goes back. When
registering, Enter in the search box finds the applicant and Ctrl+S registers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app import paths
from station_app.core import relief as rules
from station_app.core.entities import entity
from station_app.core.errors import KnownError, ValidationError
from station_app.core.fields import FieldError, ParseContext, format_money, parse_value
from station_app.core.idnumber import mask
from station_app.core.relief_workflow import amount_to_pay
from station_app.core.roles import HEAD
from station_app.core.relief_standards import area_label
from station_app.forms.relief_application import case_number
from station_app.jobs import relief as relief_jobs
from station_app.store import access_log, intake, relief
from station_app.store.records import RecordStore
from station_app.ui import print_preview
from station_app.ui.changes import FollowsChanges
from station_app.ui.dialogs import present
from station_app.ui.entry_dialog import EntryDialog
from station_app.ui.fieldform import FieldForm
from station_app.ui.history import history_table
from station_app.ui.models import Column, ListTableModel, choice_text
from station_app.ui.operations import run_job, run_write, show_error
from station_app.ui.person_picker import PersonPicker
from station_app.ui.record_panels import ExpensePanel, MeansPanel
from station_app.ui.record_list import RecordTable
from station_app.ui.screen_fit import FitScroll
from station_app.ui.session import Session

CASE_FIELDS = ("case_type", "tier", "household_size", "standard_area", "applied_on", "household_income",
               "incident_place", "reason", "notes")
WARNING_STYLE = "QLabel { background: #fff4e5; border-radius: 4px; padding: 6px; color: #8a4b00; }"
# Alt+letter for each action button, in the order of the workflow table.
MNEMONICS = {"verify": "V", "conference": "H", "village_review": "Y", "notice": "G", "submit": "S", "send_back": "B",
             "approve": "A", "refer": "R", "advance": "D", "pay": "F", "close": "C", "reject": "J", "withdraw": "W"}
_CASE = entity("relief_case")


def yuan(fen: int | None) -> str:
    return f"{format_money(fen)} 元" if fen is not None else "—"


def _warning_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_STYLE)
    label.hide()
    return label


class ReliefCaseDialog(FollowsChanges, QDialog):
    """Register a case (case_id None) or work an existing one: each action's dialog writes through
    the store, and the case shows the result as soon as it is stored (or the county's decision,
    when a sync brings one in)."""

    CONCERNS = frozenset({"relief_case", "relief_step", "reserve_fund_entry", "rigid_expense", "means_check",
                          "assistance_status"})

    def __init__(self, session: Session, case_id: str | None = None, parent: QWidget | None = None,
                 today: dt.date | None = None, *, referral: dict[str, Any] | None = None,
                 intake_report: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.referral = referral  # a visit that referred the person to relief: the application starts from it
        self.intake_report = intake_report  # a report of someone in difficulty (主动发现): the case is made from it
        self.today = today or dt.date.today()
        self.case_id = case_id
        self.action_buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        if case_id is None:
            self._build_new(layout)
        else:
            self._build_existing(layout)
        self.resize(max(self.sizeHint().width(), 860), max(self.sizeHint().height(), 560))

    # -- registering ---------------------------------------------------------------------------

    def _build_new(self, layout: QVBoxLayout) -> None:
        self.setWindowTitle("登记临时救助申请")
        self.picker = PersonPicker(self.session, "输入姓名、拼音首字母或身份证号查找申请人")
        self.picker.chosen.connect(self._person_chosen)
        self.form = FieldForm("relief_case", CASE_FIELDS, columns=2)
        self.form.set_values({"case_type": "emergency", "applied_on": self.today.isoformat()})
        self.form.edited.connect(lambda _name: self._suggest())
        found = relief.rules(self.session.database, self.today)
        self.tier_hint = QLabel("档次：" + "；".join(f"{t.tier} = {t.label}" for t in rules.tiers(found.tiers)))
        self.suggestion = QLabel()
        self.repeat = _warning_label()
        self.save_button = QPushButton(qta.icon("fa6s.floppy-disk"), "登记受理")
        # Enter in the search box goes to the applicants found; saving is Ctrl+S (or Alt+S), never a stray Enter.
        self.save_button.setAutoDefault(False)
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.save_button.setToolTip("登记受理（Ctrl+S）")
        self.save_button.clicked.connect(self.register)
        cancel = QPushButton("取消")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        layout.addWidget(QLabel("申请人（须已在人员档案中登记）"))
        layout.addWidget(self.picker)
        layout.addWidget(self.repeat)
        layout.addWidget(FitScroll(self.form))
        layout.addWidget(self.tier_hint)
        layout.addWidget(self.suggestion)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.save_button.setEnabled(self.session.actor.can_write)
        self.picker.search.setFocus()
        if self.referral is not None:
            visit = self.referral
            self._start_from(visit["person_id"], visit.get("referral_note") or "",
                             f"由{visit['visit_date']}探访转介（走访人：{visit['visitor']}）")
        if self.intake_report is not None:
            report = self.intake_report
            self._start_from(report["person_id"], report["description"],
                             f"由{report['received_at']}主动发现报告转来（报告人：{report['reporter'] or '—'}）")

    def _start_from(self, person_id: str, reason: str, notes: str) -> None:
        """The applicant and the reason as the visit or the report that brought them recorded them."""
        self.picker.select(self.session.store.get("person", person_id))
        self.form.set_values({**self.form.values(), "reason": reason, "notes": notes})
        self._person_chosen()
        self.form.editor("tier").setFocus()

    def _person_chosen(self) -> None:
        person_id = self.picker.person_id
        self.repeat.hide()
        if person_id is None:
            return
        self.picker.set_error("")
        person = self.session.store.get("person", person_id)
        if person["household_id"]:
            size = self.form.editor("household_size")
            assert isinstance(size, QLineEdit)
            size.setText(str(relief.household_size(self.session.database, person["household_id"])))
        area = relief.village_area(self.session.database, person["village_id"])
        if area:  # the village's code says which standard applies; the worker may still choose
            combo = self.form.editor("standard_area")
            assert isinstance(combo, QComboBox)
            combo.setCurrentIndex(combo.findData(area))
        warning = relief.repeat_check(self.session.database, person_id, person["household_id"], self.today)
        self.repeat.setText(warning)
        self.repeat.setVisible(bool(warning))
        self._suggest()

    def _suggest(self) -> None:
        values = self.form.values()
        typed = {}
        for name in ("case_type", "tier", "household_size", "standard_area", "household_income", "applied_on"):
            try:
                typed[name] = parse_value(_CASE.field(name), values.get(name), ParseContext(self.today))
            except FieldError:
                typed[name] = None  # the field says what is wrong once the worker registers
        try:
            working = relief.suggestion(self.session.store, typed) if typed["applied_on"] else None
        except KnownError:
            working = None
        if working is None:
            self.suggestion.setText("按标准计算的建议金额：" + rules.suggestion_hint(values))
            return
        self.suggestion.setText(f"按标准计算的建议金额：<b>{yuan(working.amount)}</b>（{working.text}）")

    def register(self) -> None:
        values = {**self.form.values(), "person_id": self.picker.person_id}
        report = self.intake_report
        write = partial(relief.register, data=values, today=self.today) if report is None else \
            partial(intake.to_relief, report_id=report["id"], base_rev=report["rev"], application=values, today=self.today)
        run_write(self, self.session, write, busy=self.save_button, on_done=self._registered, on_refused=self._refused)

    def _registered(self, case: dict[str, Any]) -> None:
        self.case_id = case["id"]
        self.accept()

    def _refused(self, exc: KnownError) -> None:
        if not isinstance(exc, ValidationError):
            show_error(self, exc)
            return
        self.picker.set_error(exc.errors.get("person_id", ""))
        shown = self.form.show_errors(exc.errors) or "person_id" in exc.errors
        if not shown or set(exc.errors) - {*CASE_FIELDS, "person_id"}:
            QMessageBox.warning(self, "请检查填写的内容", exc.message)

    # -- an existing case ------------------------------------------------------------------------

    def _build_existing(self, layout: QVBoxLayout) -> None:
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.repeat = _warning_label()
        self.steps = RecordTable()
        self.steps.setModel(ListTableModel(STEP_COLUMNS, parent=self.steps))
        case = self.session.store.get("relief_case", self.case_id or "")
        self.expenses = ExpensePanel(self.session, case)
        self.means = MeansPanel(self.session, case)
        self.authorization_button = QPushButton(qta.icon("fa6s.file-signature"), "打印核对授权书(&Q)")
        self.authorization_button.setAutoDefault(False)
        self.authorization_button.setToolTip("家庭经济状况核对授权书：每位成年家庭成员签字")
        self.authorization_button.clicked.connect(self.print_authorization)
        self.means.buttons.addWidget(self.authorization_button)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.steps, "办理过程")
        self.tabs.addTab(self.expenses, "刚性支出")
        self.tabs.addTab(self.means, "家庭经济状况核对")
        self.tabs.addTab(QWidget(), "修改记录")
        actions = QGridLayout()
        for i, act in enumerate(a for a in rules.ACTIONS.values() if rules.COUNTY not in a.roles):
            key = MNEMONICS[act.code]
            button = QPushButton(f"{act.label}(&{key})")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, code=act.code: self.do(code))
            actions.addWidget(button, i // 6, i % 6)
            self.action_buttons[act.code] = button
        self.amend_button = QPushButton(qta.icon("fa6s.pen-to-square"), "修改申请信息(&E)")
        self.amend_button.setAutoDefault(False)
        self.amend_button.setToolTip("调查核实后更正救助类型、档次、家庭人口等（提交审核前）")
        self.amend_button.clicked.connect(self.amend)
        self.print_button = QPushButton(qta.icon("fa6s.print"), "打印审批表(&P)")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_form)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        layout.addWidget(self.summary)
        layout.addWidget(self.repeat)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        self.note = QLabel()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.amend_button)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.load()
        access_log.viewed(self.session.database, self.session.actor, "relief_case", self.details.case)
        self.follow_changes(self.session.changes)

    def refresh(self) -> None:
        self.load()

    def load(self) -> None:
        details = relief.case_details(self.session.store, self.case_id or "")
        self.details = details
        case = details.case
        self.setWindowTitle(f"临时救助案件 — {details.person['name']}（{_CASE.field('status').choice_label(case['status'])}）")
        returned = relief.returned_to_fund(self.session.database, case["id"])
        self.summary.setText(_summary_html(details, self.session.actor.can_see_full_id, self.today, returned))
        self.repeat.setText(case["repeat_warning"] or "")
        self.repeat.setVisible(bool(case["repeat_warning"]))
        model = self.steps.model()
        assert isinstance(model, ListTableModel)
        model.set_rows(details.steps)
        for panel in (self.expenses, self.means):
            panel.case = case
            panel.refresh()
        self.tabs.setTabVisible(1, case["case_type"] == "expenditure" or bool(details.expenses))
        self.tabs.removeTab(3)
        self.tabs.addTab(history_table(self.session, "relief_case", case["id"]), "修改记录")
        role = self.session.actor.role
        authority = relief.rules(self.session.database, dt.date.fromisoformat(case["applied_on"])).authority
        possible = {a.code for a in rules.possible(case, role, authority)}
        for code, button in self.action_buttons.items():
            button.setEnabled(code in possible)
            button.setToolTip("" if code in possible else _why_not(code, case, role))
        self.amend_button.setEnabled(self.session.actor.can_write and case["status"] in rules.AMENDABLE)
        self.note.setText("" if self.session.actor.can_write_entity("relief_step") else "您的账号是只读权限，只能查看。")

    def do(self, code: str) -> None:
        """Ask for what the action needs; the action dialog writes it through the store."""
        present(ActionDialog(self.session, self.details.case, code, self, self.today))

    def amend(self) -> None:
        present(AmendDialog(self.session, self.details.case, self))

    def print_form(self) -> None:
        """The application-and-approval form as it stands, into prints/ and the PC's PDF viewer."""
        self._print("临时救助申请审批表", relief_jobs.relief_form)

    def print_authorization(self) -> None:
        """The household's means-check authorization letter, for every adult member to sign."""
        self._print("家庭经济状况核对授权书", relief_jobs.means_authorization)

    def _print(self, title: str, job: Callable[..., Any]) -> None:
        out = paths.print_path(self.session.data_dir, f"{title}-{self.details.person['name']}")
        run_job(self, f"正在生成{title}", job, self.session.actor, self.case_id, out,
                db_path=self.session.db_path, on_done=lambda path: print_preview.show_printed(self, path))


def _why_not(code: str, case: dict[str, Any], role: str) -> str:
    try:
        rules.check(code, case["status"], role)
    except KnownError as exc:
        return exc.message
    if code == "advance":
        return "本案已先行救助过"
    return "拟救助金额超出乡镇审批权限，请报县审批" if role == HEAD else "您没有审批权限：请由站长审批，或报县审批"


def _returned_text(case: dict[str, Any], returned: int) -> str:
    """Once the case is paid: whether its advance has gone back to the reserve fund."""
    if case["status"] not in ("paid", "closed"):
        return ""
    return f"　已归还备用金 {yuan(returned)}" if returned else "　<span style='color:#c62828'>尚未归还备用金</span>"


def _summary_html(details: relief.CaseDetails, full_id: bool, today: dt.date, returned: int) -> str:
    case, person = details.case, details.person
    number = person["id_number"] if full_id else mask(person["id_number"])
    lines = [
        f"案件编号 <b>{case_number(case)}</b>　<b>{person['name']}</b>　{number}　{details.village_name or ''}　"
        f"户籍所在地 {person.get('hukou_address') or '—'}",
        f"{_CASE.field('case_type').choice_label(case['case_type'])}　档次 {case['tier'] or '—'}　"
        f"家庭人口 {case['household_size'] or '—'}　适用{area_label(case.get('standard_area')) or '—'}低保标准　"
        f"家庭年收入 {yuan(case.get('household_income'))}",
        f"办理状态：<b>{_CASE.field('status').choice_label(case['status'])}</b>　申请日期 {case['applied_on']}　"
        f"急难发生地 {case['incident_place'] or '—'}　审批权限 {_CASE.field('authority').choice_label(case['authority']) or '—'}",
        f"其他社会救助：{details.statuses_text}　家庭经济状况核对：{details.means_text}",
        f"建议金额 <b>{yuan(case['amount_suggested'])}</b>　拟救助金额 <b>{yuan(case['amount_proposed'])}</b>"
        + (f"（理由：{case['amount_reason']}）" if case["amount_reason"] else "")
        + f"　批准金额 <b>{yuan(case['amount_approved'])}</b>",
        "计算：" + (details.working.text if details.working else rules.suggestion_hint(case)),
    ]
    if case["advance_amount"]:
        overdue = rules.advance_overdue(case, today)
        due = f"<span style='color:#c62828'>补办期限 {case['paperwork_due']}（已逾期）</span>" if overdue \
            else f"补办期限 {case['paperwork_due']}"
        lines.append(f"先行救助 <b>{yuan(case['advance_amount'])}</b>（{case['advance_on']}）　{due}"
                     + _returned_text(case, returned))
    if case["amount_paid"] is not None:
        lines.append(f"发放 {yuan(case['amount_paid'])}（{case['paid_on']}）")
    lines.append(f"申请事由：{case['reason']}")
    return "<br>".join(lines)


def _step_amount(row: dict[str, Any]) -> str:
    return yuan(row["amount"]) if row.get("amount") is not None else ""


STEP_COLUMNS = (
    Column("日期", "decided_on", sample="2026-11-23"),
    Column("办理事项", choice_text("relief_step", "action"), sample="县级审批同意"),
    Column("状态", choice_text("relief_step", "to_status"), sample="报县审批"),
    Column("金额", _step_amount, sample="12,345.00 元", align_right=True),
    Column("办理人", "actor_name", sample="县民政局 张科长"),
    Column("意见或理由", "reason", sample="情况属实，同意按二档救助"),
)


class ActionDialog(EntryDialog):
    """One action on a case: the amount and/or reason it needs, written through the store."""

    def __init__(self, session: Session, case: dict[str, Any], code: str, parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:
        self.session = session
        self.case = case
        self.act = rules.action(code)
        self.today = today or dt.date.today()
        names = (("amount",) if self.act.amount else ()) + ("reason",)
        super().__init__("relief_step", names, f"{self.act.label} — 临时救助", self._context(),
                         f"确定{self.act.label}", parent)
        self.form.set_values({"amount": self._preset()})
        self.return_advance: QCheckBox | None = None
        if code == "pay" and case["advance_amount"]:
            # Paid from the relief funds, the case's advance goes back to the reserve fund it came from.
            self.return_advance = QCheckBox(f"同时登记归还备用金 {yuan(case['advance_amount'])}"
                                            "（以救助资金归还先行救助垫付款，记入备用金台账）")
            self.return_advance.setChecked(True)
            self.layout().insertWidget(2, self.return_advance)

    def _preset(self) -> int | None:
        """The amount a worker most likely confirms: the proposal for the approver, the suggestion
        for the proposer; an advance is always typed."""
        case = self.case
        return {"proposed": case["amount_suggested"], "approved": case["amount_proposed"]}.get(self.act.amount or "")

    def _context(self) -> str:
        case = self.case
        if self.act.amount == "proposed":
            return (f"按标准计算的建议金额：{yuan(case['amount_suggested'])}。"
                    "拟救助金额与建议金额不同时，请在下面写明理由。")
        if self.act.amount == "approved":
            reason = f"（理由：{case['amount_reason']}）" if case["amount_reason"] else ""
            return (f"建议金额 {yuan(case['amount_suggested'])}；经办人拟救助 {yuan(case['amount_proposed'])}{reason}。"
                    f"已先行救助 {yuan(case['advance_amount'])}。")
        if self.act.code == "pay":
            advance = case["advance_amount"]
            paid = f"，已先行救助 {yuan(advance)}（从备用金垫付）" if advance else ""
            return (f"批准金额 {yuan(case['amount_approved'])}{paid}。<br>"
                    f"本次发放 <b>{yuan(amount_to_pay(case))}</b>。")
        if self.act.amount == "advance":
            found = relief.rules(self.session.database, dt.date.fromisoformat(case["applied_on"]))
            return (f"先行救助从备用金中立即支付（当前余额 {yuan(relief.balance(self.session.database))}，"
                    f"每案不超过 {yuan(int(found.advance['cap_fen']))}），"
                    f"须在 {found.advance['working_days']} 个工作日内补齐审批手续。")
        return f"案件当前状态：{_CASE.field('status').choice_label(case['status'])}。"

    def write(self, values: dict[str, Any]) -> Callable[[RecordStore], Any]:
        return partial(relief.act, case_id=self.case["id"], code=self.act.code, base_rev=self.case["rev"],
                       reason=values.get("reason"), amount=values.get("amount"), today=self.today,
                       return_advance=self.return_advance is not None and self.return_advance.isChecked())


class AmendDialog(EntryDialog):
    """Correct the application after verification; the suggested amount is worked out again."""

    def __init__(self, session: Session, case: dict[str, Any], parent: QWidget | None = None) -> None:
        self.session = session
        self.case = case
        super().__init__("relief_case", rules.AMENDABLE_FIELDS, "修改申请信息 — 临时救助",
                         "调查核实后如困难程度、家庭人口等与申请时不同，请在此更正；建议金额将按更正后的信息重新计算。"
                         "修改会记入修改记录。", "保存修改", parent)
        self.form.set_values(case)

    def write(self, values: dict[str, Any]) -> Callable[[RecordStore], Any]:
        return partial(relief.amend, case_id=self.case["id"], base_rev=self.case["rev"], changes=values)


def open_case(session: Session, case_id: str | None, parent: QWidget | None = None, *,
              referral: dict[str, Any] | None = None, intake_report: dict[str, Any] | None = None,
              on_registered: Callable[[str], None] | None = None) -> ReliefCaseDialog:
    """Show the case dialog: a new application (pre-filled from `referral`, a visit, or from
    `intake_report`, a report it is registered from; `on_registered(case_id)` once it is registered)
    or an existing case to work."""
    dialog = ReliefCaseDialog(session, case_id, parent, referral=referral, intake_report=intake_report)
    return present(dialog, (lambda d: on_registered(d.case_id)) if on_registered is not None and case_id is None
                   else None)
