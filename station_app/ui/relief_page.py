"""临时救助: the station's relief cases and its reserve fund (备用金).

The cases tab is a list like the people list (found while typing, by village), filtered further by
state, type and "advance paperwork overdue"; Enter opens a case to work it, Ctrl+N registers a new
application, Ctrl+P prints the application-and-approval form, Ctrl+Shift+P the advance voucher,
Ctrl+R the disbursement roster for a period. The fund tab shows the ledger for a period with its
running balance; the head records top-ups, repayments and adjustments there (a correction is a
new entry, never an edit) and prints the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import qtawesome as qta
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app import paths
from station_app.core import relief as rules
from station_app.core.entities import FUND_ENTRY_KINDS, FUND_OUTFLOWS, RELIEF_STATUS, RELIEF_TYPES
from station_app.core.fields import format_money
from station_app.core.roles import HEAD
from station_app.jobs import relief as relief_jobs
from station_app.store import elder_rounds, program_queries, relief
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter
from station_app.store.records import RecordStore
from station_app.ui import print_preview
from station_app.ui.changes import FollowsChanges
from station_app.ui.dialogs import present
from station_app.ui.flow_layout import FlowLayout
from station_app.ui.models import Column, ListTableModel, QueryTableModel, Row, age_column, choice_text
from station_app.ui.operations import run_job
from station_app.ui.program_pages import GENDER
from station_app.ui.record_list import ListPage, RecordTable
from station_app.ui.relief_dialog import EntryDialog, open_case, yuan
from station_app.ui.session import Session

_KINDS = dict(FUND_ENTRY_KINDS)


def _money(name: str) -> Callable[[Row], str]:
    return lambda row: format_money(row.get(name)) if row.get(name) is not None else ""


def relief_columns(today: dt.date) -> tuple[Column, ...]:
    def overdue(row: Row) -> bool:
        return rules.advance_overdue(row, today)

    # The state and what is due (the advance's paperwork) beside the name, where a 1024-pixel screen
    # shows them without scrolling; the amounts next, then the rest.
    return (
        Column("申请日期", "applied_on", sort="applied_on", sample="2026-11-23"),
        Column("姓名", "name", sort="name", sample="欧阳晓明明"),
        Column("办理状态", choice_text("relief_case", "status"), sort="status", sample="调查核实"),
        Column("补办期限", lambda r: (r.get("paperwork_due") or "") + ("（逾期）" if overdue(r) else ""),
               sort="paperwork_due", sample="2026-11-30（逾期）", warn=overdue),
        Column("批准金额", _money("amount_approved"), sort="amount_approved", sample="12,345.00", align_right=True),
        Column("先行救助", _money("advance_amount"), sample="2,000.00", align_right=True),
        Column("救助类型", choice_text("relief_case", "case_type"), sort="case_type", sample="支出型"),
        Column("村（社区）", "village_name", sort="village", sample="南口前村村村"),
        age_column(today),
        GENDER,
        Column("审批", choice_text("relief_case", "authority"), sample="县级"),
        Column("建议金额", _money("amount_suggested"), sample="12,345.00", align_right=True),
    )


class CaseTableModel(QueryTableModel):
    """The relief list; the state/type/overdue filter is read when a query starts."""

    def __init__(self, database: StationDatabase, today: dt.date, parent: QWidget | None = None) -> None:
        self.case_filter = relief.CaseFilter()
        super().__init__(relief_columns(today), lambda keys: program_queries.program_rows(database, "relief", keys),
                         self._find, database.path, parent=parent)
        self.today = today
        self.sort_order = Qt.SortOrder.DescendingOrder  # newest applications first

    def _find(self, database: StationDatabase, sort: str, descending: bool, *, text: str,
              village_id: str | None) -> list[str]:
        return relief.case_ids(database, PersonFilter(text, village_id, sort or "applied_on", descending),
                               self.case_filter, self.today)


class CaseList(ListPage):
    CONCERNS = frozenset({"relief_case", "relief_step", "reserve_fund_entry", "visit", "person", "village"})

    def __init__(self, session: Session, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(session, CaseTableModel(session.database, today), "共 {n} 件", parent)
        self.today = today
        self.status = QComboBox()
        self.status.addItem("全部状态", None)
        for code, label in RELIEF_STATUS:
            self.status.addItem(label, code)
        self.case_type = QComboBox()
        self.case_type.addItem("全部类型", None)
        for code, label in RELIEF_TYPES:
            self.case_type.addItem(label, code)
        self.overdue = QCheckBox("只看先行救助逾期未补办")
        for signal in (self.status.currentIndexChanged, self.case_type.currentIndexChanged, self.overdue.toggled):
            signal.connect(self._filter_changed)
        self.summary = QLabel()
        filters = QHBoxLayout()
        for widget in (self.status, self.case_type, self.overdue):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.summary)

        self.new_button = _button("fa6s.file-circle-plus", "登记申请", QKeySequence(QKeySequence.StandardKey.New))
        self.open_button = _button("fa6s.folder-open", "办理")
        self.open_button.setToolTip("打开所选案件办理（Enter 或双击）")
        self.form_button = _button("fa6s.print", "打印审批表", QKeySequence(QKeySequence.StandardKey.Print))
        self.voucher_button = _button("fa6s.receipt", "打印先行救助凭证", QKeySequence("Ctrl+Shift+P"))
        self.roster_button = _button("fa6s.list-ol", "发放花名册…", QKeySequence("Ctrl+R"))
        self.notice_button = _button("fa6s.bullhorn", "公示名单…", QKeySequence("Ctrl+Shift+G"))
        self.notice_button.setToolTip("打印一段时间内公示的救助对象名单（身份证号和住址已遮蔽，可张贴）（Ctrl+Shift+G）")
        self.referrals_button = _button("fa6s.share-from-square", "探访转介…", QKeySequence("Ctrl+Shift+R"))
        self.referrals_button.setToolTip("老年人探访中转介临时救助、尚未登记申请的人员（Ctrl+Shift+R）")
        actions = FlowLayout()
        for button in (self.new_button, self.referrals_button, self.open_button, self.form_button,
                       self.voucher_button, self.roster_button, self.notice_button):
            actions.addWidget(button)
        actions.add_stretch()
        self.body.insertLayout(1, filters)
        self.body.insertLayout(2, actions)

        self.table.opened.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.loaded.connect(self._summarise)
        self.new_button.clicked.connect(self.new_case)
        self.open_button.clicked.connect(lambda: self._open(self.table.current_key()))
        self.form_button.clicked.connect(lambda: self._print_case(relief_jobs.relief_form, "临时救助申请审批表"))
        self.voucher_button.clicked.connect(lambda: self._print_case(relief_jobs.advance_voucher, "先行救助凭证"))
        self.roster_button.clicked.connect(self.print_roster)
        self.notice_button.clicked.connect(self.print_notice)
        self.referrals_button.clicked.connect(self.take_up_referral)
        self.printed: Path | None = None
        self.refresh()

    def _filter_changed(self) -> None:
        model = self.model
        assert isinstance(model, CaseTableModel)
        model.case_filter = relief.CaseFilter(self.status.currentData(), self.case_type.currentData(),
                                              self.overdue.isChecked())
        self._search()

    def _summarise(self) -> None:
        waiting = len(elder_rounds.open_relief_referrals(self.session.database))
        self.referrals_button.setText(f"探访转介（{waiting}）…" if waiting else "探访转介…")
        overdue = relief.overdue_advances(self.session.database, self.today)
        self.summary.setText(f"先行救助逾期未补办：{len(overdue)} 件" if overdue else "")
        self.summary.setStyleSheet("color: #c62828; font-weight: bold;" if overdue else "")

    def _update_buttons(self) -> None:
        row = self._current_row()
        self.new_button.setEnabled(self.session.actor.can_write)
        self.open_button.setEnabled(row is not None)
        self.form_button.setEnabled(row is not None)
        self.voucher_button.setEnabled(bool(row and row.get("advance_amount")))

    def _current_row(self) -> Row | None:
        return self.model.row(self.table.currentIndex().row()) if self.table.current_key() is not None else None

    def new_case(self) -> None:
        self._register(None)

    def take_up_referral(self) -> None:
        """Choose a visit's referral to relief and register the application it asks for."""
        present(ReferralChooser(elder_rounds.open_relief_referrals(self.session.database), self),
                lambda chooser: self._register(chooser.chosen))

    def _register(self, referral: dict[str, Any] | None) -> None:
        open_case(self.session, None, self, referral=referral, on_registered=self.show_record)

    def _open(self, case_id: str | None) -> None:
        if case_id is not None:
            open_case(self.session, case_id, self)

    def _print_case(self, job: Callable[..., Path], title: str) -> None:
        row = self._current_row()
        if row is None:
            return
        out = paths.print_path(self.session.data_dir, f"{title}-{row['name']}")
        run_job(self, f"正在生成{title}", job, self.session.actor, row["id"], out, db_path=self.session.db_path,
                on_done=self._printed)

    def print_roster(self) -> None:
        ask_period(self, "打印发放花名册", self.today, partial(self._print_period, "发放花名册", relief_jobs.relief_roster))

    def print_notice(self) -> None:
        """The cases put on notice in a period, to post on the village's notice board."""
        ask_period(self, "打印公示名单", self.today, partial(self._print_period, "公示名单", relief_jobs.notice_list))

    def _print_period(self, title: str, job: Callable[..., Path], start: dt.date, end: dt.date) -> None:
        out = paths.print_path(self.session.data_dir, f"{title}-{start:%Y%m%d}-{end:%Y%m%d}")
        run_job(self, f"正在生成{title}", job, self.session.actor, start, end, out, db_path=self.session.db_path,
                on_done=self._printed)

    def _printed(self, path: Path) -> None:
        self.printed = path
        print_preview.show_printed(self, path)


# The money first and the wording last (it takes the rest of the row, cut short with the whole text
# in its tooltip): date, kind, amounts and balance stay in view on a 1024-pixel screen.
LEDGER_COLUMNS = (
    Column("日期", "entry_date", sample="2026-11-23"),
    Column("类型", lambda r: _KINDS.get(r["kind"], r["kind"]), sample="先行救助支出"),
    Column("收入（元）", _money("income"), sample="12,345.00", align_right=True),
    Column("支出（元）", _money("outgo"), sample="12,345.00", align_right=True),
    Column("余额（元）", _money("balance"), sample="123,456.00", align_right=True),
    Column("申请人", "person_name", sample="欧阳晓明"),
    Column("经办人", "handler", sample="欧阳晓明"),
    Column("摘要", "reason", sample="火灾后急需购买被褥和口粮"),
)


class FundPanel(FollowsChanges, QWidget):
    """The reserve-fund ledger for a period, its balance, and the head's entries. An entry (the
    head's, or an advance paid from a case) shows at once: the ledger is one short query."""

    CONCERNS = frozenset({"reserve_fund_entry", "relief_case"})
    CHEAP_REFRESH = True

    def __init__(self, session: Session, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.today = today
        self.balance = QLabel()
        big = QFont(self.balance.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        self.balance.setFont(big)
        self.start = _date_edit(today.replace(day=1))
        self.end = _date_edit(today)
        self.totals = QLabel()
        period = QHBoxLayout()
        period.addWidget(self.balance)
        period.addStretch(1)
        for text, widget in (("从", self.start), ("到", self.end)):
            label = QLabel(text)
            label.setBuddy(widget)
            period.addWidget(label)
            period.addWidget(widget)
        self.start.dateChanged.connect(self.refresh)
        self.end.dateChanged.connect(self.refresh)

        head = session.actor.role == HEAD
        self.entry_buttons: dict[str, QPushButton] = {}
        buttons = FlowLayout()
        for kind, icon in (("topup", "fa6s.circle-plus"), ("repayment", "fa6s.rotate-left"),
                           ("adjust_in", "fa6s.square-plus"), ("adjust_out", "fa6s.square-minus")):
            button = _button(icon, f"登记{_KINDS[kind]}…")
            button.setEnabled(head)
            button.setToolTip("" if head else "备用金的拨入、归还和调整只能由站长登记")
            button.clicked.connect(lambda _c=False, k=kind: self.add_entry(k))
            buttons.addWidget(button)
            self.entry_buttons[kind] = button
        self.print_button = _button("fa6s.print", "打印台账", QKeySequence("Ctrl+Shift+L"))
        self.print_button.clicked.connect(self.print_ledger)
        buttons.addWidget(self.print_button)
        buttons.add_stretch()
        buttons.addWidget(self.totals)

        self.table = RecordTable()
        self.table.setModel(ListTableModel(LEDGER_COLUMNS, parent=self.table))
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("台账只增不改：登记错误时，请登记一笔“调增”或“调减”冲正，并在摘要中写明更正的是哪一笔。"))
        self.printed: Path | None = None
        self.refresh()
        self.follow_changes(session.changes)

    def period(self) -> tuple[dt.date, dt.date]:
        return self.start.date().toPython(), self.end.date().toPython()

    def refresh(self) -> None:
        ledger = relief.ledger(self.session.database, *self.period())
        self.ledger = ledger
        model = self.table.model()
        assert isinstance(model, ListTableModel)
        model.set_rows(ledger.entries)
        self.balance.setText(f"备用金余额：{yuan(relief.balance(self.session.database))}")
        self.totals.setText(f"期初 {format_money(ledger.opening)} · 收入 {format_money(ledger.total_in)} · "
                            f"支出 {format_money(ledger.total_out)} · 期末 {format_money(ledger.closing)}（元）")

    def add_entry(self, kind: str) -> None:
        present(FundEntryDialog(self.session, kind, self, self.today))

    def print_ledger(self) -> None:
        start, end = self.period()
        out = paths.print_path(self.session.data_dir, f"备用金台账-{start:%Y%m%d}-{end:%Y%m%d}")
        run_job(self, "正在生成备用金台账", relief_jobs.fund_ledger, self.session.actor, start, end, out,
                db_path=self.session.db_path, on_done=self._printed)

    def _printed(self, path: Path) -> None:
        self.printed = path
        print_preview.show_printed(self, path)


class FundEntryDialog(EntryDialog):
    """One ledger entry of the head's: amount, date, and the documented reason."""

    def __init__(self, session: Session, kind: str, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        self.session = session
        self.kind = kind
        direction = "减少" if kind in FUND_OUTFLOWS else "增加"
        hint = (f"本笔{_KINDS[kind]}将{direction}备用金余额（当前 {yuan(relief.balance(session.database))}）。"
                "事由请写明依据（如拨款文件号、冲正的是哪一笔）。")
        super().__init__("reserve_fund_entry", ("amount", "entry_date", "reason"), f"登记备用金{_KINDS[kind]}", hint,
                         "登记", parent)
        self.form.set_values({"entry_date": (today or dt.date.today()).isoformat()})

    def write(self, values: dict[str, Any]) -> Callable[[RecordStore], Any]:
        return partial(relief.add_fund_entry, kind=self.kind, amount=values["amount"], reason=values["reason"],
                       entry_date=values["entry_date"])


class ReliefPage(QWidget):
    """The cases and the reserve fund, one tab each (Alt+1 / Alt+2); each follows the changes it shows."""

    def __init__(self, session: Session, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        today = today or dt.date.today()
        self.cases = CaseList(session, today)
        self.fund = FundPanel(session, today)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.cases, qta.icon("fa6s.hand-holding-heart"), "救助案件")
        self.tabs.addTab(self.fund, qta.icon("fa6s.book"), "备用金台账")
        for number in (1, 2):
            QShortcut(QKeySequence(f"Alt+{number}"), self, lambda i=number - 1: self.tabs.setCurrentIndex(i))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.setFocusProxy(self.cases)


def _button(icon: str, text: str, shortcut: QKeySequence | None = None) -> QPushButton:
    button = QPushButton(qta.icon(icon), text)
    if shortcut is not None:
        button.setShortcut(shortcut)
        button.setToolTip(f"{text}（{shortcut.toString(QKeySequence.SequenceFormat.NativeText)}）")
    return button


def _date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def ask_period(parent: QWidget, title: str, today: dt.date, on_chosen: Callable[[dt.date, dt.date], None]) -> QDialog:
    """Ask for a period (this month so far by default); `on_chosen(start, end)` if the worker confirms."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    start, end = _date_edit(today.replace(day=1)), _date_edit(today)
    form = QFormLayout(dialog)
    form.addRow("从(&F)", start)
    form.addRow("到(&T)", end)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return present(dialog, lambda _d: on_chosen(start.date().toPython(), end.date().toPython()))


REFERRAL_COLUMNS = (
    Column("探访日期", "visit_date", sample="2026-11-23"),
    Column("姓名", "name", sample="欧阳晓明明"),
    Column("走访人", "visitor", sample="欧阳晓明明"),
    Column("转介事由", "referral_note", sample="医疗支出大，冬季取暖费用无着落，建议申请临时救助"),
)


class ReferralChooser(QDialog):
    """The visits that referred someone to relief and have no application yet; Enter takes one up."""

    def __init__(self, referrals: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("探访转介 — 待登记临时救助申请")
        self.resize(820, 360)
        self.chosen: dict[str, Any] | None = None
        self._referrals = {r["id"]: r for r in referrals}
        self.model = ListTableModel(REFERRAL_COLUMNS, referrals, parent=self)
        self.table = RecordTable()
        self.table.setModel(self.model)
        self.table.opened.connect(self._choose)
        note = QLabel("以下人员在老年人探访中被转介临时救助，尚未登记申请。选中后按 Enter（或双击）登记申请，"
                      "申请人和事由会自动填好。" if referrals else "目前没有待登记的探访转介。")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        if referrals:
            self.table.select_row(0)
            self.table.setFocus()

    def _choose(self, visit_id: str) -> None:
        self.chosen = self._referrals[visit_id]
        self.accept()
