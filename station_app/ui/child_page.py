"""留守儿童: every child in the archive, found by the people search (name, pinyin initials, ID
number) and filtered by village, category, risk, agreement status, overdue visit and "on the
roll only"; children who left the roll stay here, marked 已退出. From here a worker opens or
registers an archive, records a visit, adds an agreement, registers a mandatory report, moves a
child off the roll, and prints the visit form (filled or blank), the information register and
the village roster. Ctrl+E exports the list as shown.

Shortcuts: Ctrl+N new archive, Enter open, Ctrl+R record a visit, Ctrl+G agreement, Ctrl+B
mandatory report, Ctrl+P print the latest visit's form, Ctrl+F search.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from station_app import paths
from station_app.core import child_rules
from station_app.core.entities import CHILD_CATEGORIES, REPORT_STAGES, RISK_LEVELS
from station_app.jobs import children as child_jobs
from station_app.store import children, people
from station_app.store.database import StationDatabase
from station_app.ui.child_dialogs import open_agreement, open_profile, open_report, open_visit, print_and_open
from station_app.ui.dialogs import present
from station_app.ui.elder_page import action_button
from station_app.ui.flow_layout import FlowLayout
from station_app.ui.leave_roll_dialog import LeaveRollDialog
from station_app.ui.models import Column, QueryTableModel, Row
from station_app.ui.operations import run_job, run_write
from station_app.ui.program_pages import ID_NUMBER, FilterHolder, ProfileListPage, child_columns
from station_app.ui.session import Session

READ_ONLY_TIP = "只读账号不能新建档案或登记走访"
_AGREEMENT_FILTERS = (
    (None, "全部协议状态"),
    (children.AGREEMENT_PROBLEM, "协议需处理（未签/过期/将到期）"),
    (child_rules.AGREEMENT_MISSING, "未签协议"),
    (child_rules.AGREEMENT_EXPIRED, "协议已过期"),
    (child_rules.AGREEMENT_EXPIRING, "协议即将到期"),
    (child_rules.AGREEMENT_VALID, "协议有效或无需协议"),
)
_BAD_AGREEMENT = frozenset({child_rules.AGREEMENT_MISSING, child_rules.AGREEMENT_EXPIRED,
                            child_rules.AGREEMENT_EXPIRING})


@dataclass(frozen=True)
class ChildFilters:
    category: str | None = None
    risk: str | None = None
    agreement: str | None = None
    overdue: bool = False
    active_only: bool = False


def _find_children(database: StationDatabase, sort: str, descending: bool, *, text: str, village_id: str | None,
                   holder: FilterHolder) -> list[str]:
    f = holder.current
    flt = people.PersonFilter(text, village_id, sort or "name", descending)
    return children.child_ids(database, flt, category=f.category, risk=f.risk, agreement=f.agreement,
                              overdue_on=dt.date.today() if f.overdue else None, active_only=f.active_only)


def _case_text(row: Row) -> str:
    case = row.get("open_case")
    if not case:
        return ""
    late = child_rules.is_late(case.get("step_due"), dt.datetime.now())
    stage = dict(REPORT_STAGES)[case["stage"]]
    return f"{stage}{'（超时）' if late else ''}"


def columns() -> tuple[Column, ...]:
    agreement = Column("委托协议", lambda r: child_rules.AGREEMENT_LABELS.get(r.get("agreement_status") or "", ""),
                       sample="协议即将到期", warn=lambda r: r.get("agreement_status") in _BAD_AGREEMENT)
    case = Column("保护个案", _case_text, sample="应急处置（超时）", warn=lambda r: bool(r.get("open_case")))
    return (*child_columns(after_lead=(agreement, case)), ID_NUMBER)


class ChildPage(ProfileListPage):
    CONCERNS = frozenset({"child_profile", "agreement", "child_report", "visit", "person", "village", "reference_value"})
    export_name = "留守儿童名单"
    PROFILE_ENTITY = "child_profile"
    VISIT_TITLE = "登记走访"
    OFF_ROLL_MESSAGE = "该儿童已移出在册名单。如需恢复，请先在档案中把状态改为“在册”。"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        self.filters = FilterHolder(ChildFilters())
        database = session.database
        model = QueryTableModel(columns(), lambda keys: children.child_rows(database, keys),
                                partial(_find_children, holder=self.filters), session.db_path)
        super().__init__(session, model, "共 {n} 名儿童", parent)
        self.category = QComboBox()
        self.category.addItem("全部类别", None)
        for code, label in CHILD_CATEGORIES:
            self.category.addItem(label, code)
        self.risk = QComboBox()
        self.risk.addItem("全部风险等级", None)
        for code, label in RISK_LEVELS:
            self.risk.addItem(f"{label}风险", code)
        self.agreement = QComboBox()
        for code, label in _AGREEMENT_FILTERS:
            self.agreement.addItem(label, code)
        self.overdue = QCheckBox("只看走访逾期")
        self.active_only = QCheckBox("只看在册")
        self.aged_out = QPushButton()
        self.aged_out.setStyleSheet("color: #c62828;")
        self.aged_out.setToolTip("已满退出年龄仍在册的儿童：逐一移出名册（保留档案）")
        self.aged_out.hide()
        filters = QHBoxLayout()
        for label, widget in (("类别", self.category), ("风险", self.risk), ("协议", self.agreement)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.overdue)
        filters.addWidget(self.active_only)
        filters.addStretch(1)
        filters.addWidget(self.aged_out)
        self.body.insertLayout(1, filters)

        writer = session.actor.can_write
        self.add_button = action_button("fa6s.user-plus", "新建档案", QKeySequence.StandardKey.New)
        self.edit_button = action_button("fa6s.folder-open", "打开档案", tip="打开所选儿童的档案（Enter 或双击）")
        self.visit_button = action_button("fa6s.clipboard-check", "登记走访", "Ctrl+R")
        self.agreement_button = action_button("fa6s.file-signature", "委托协议", "Ctrl+G", "为所选儿童新增委托照护协议")
        self.report_button = action_button("fa6s.triangle-exclamation", "强制报告", "Ctrl+B", "为所选儿童登记强制报告")
        self.leave_button = action_button("fa6s.right-from-bracket", "移出名册", tip="年满16周岁、父母返乡等：移出在册名单（档案保留）")
        self.print_button = action_button("fa6s.print", "打印走访记录表", QKeySequence.StandardKey.Print,
                                   "打印所选儿童最近一次走访的记录表")
        self.blank_button = action_button("fa6s.file", "空白走访表", tip="打印所选儿童的空白走访记录表，入户时手填")
        self.register_button = action_button("fa6s.id-card", "信息登记表", tip="打印所选儿童的留守儿童信息登记表")
        self.roster_button = action_button("fa6s.table-list", "村花名册", tip="打印所选村（社区）（或全镇）在册儿童花名册")
        if not writer:
            for b in (self.add_button, self.visit_button, self.agreement_button, self.report_button,
                      self.leave_button):
                b.setToolTip(READ_ONLY_TIP)
        actions = FlowLayout()
        for b in (self.add_button, self.edit_button, self.visit_button, self.agreement_button, self.report_button,
                  self.leave_button):
            actions.addWidget(b)
        actions.add_stretch()
        for b in (self.print_button, self.blank_button, self.register_button, self.roster_button):
            actions.addWidget(b)
        self.body.insertLayout(1, actions)

        for combo in (self.category, self.risk, self.agreement):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.overdue.toggled.connect(self._filters_changed)
        self.active_only.toggled.connect(self._filters_changed)
        self.aged_out.clicked.connect(self.show_aged_out)
        self._connect_actions()
        self.agreement_button.clicked.connect(self.add_agreement)
        self.report_button.clicked.connect(self.add_report)
        self.leave_button.clicked.connect(self.leave_roll)
        self.register_button.clicked.connect(self.print_register)
        self.printed: Path | None = None
        self.refresh()

    def refresh(self) -> None:
        super().refresh()
        waiting = children.aged_out(self.session.database, dt.date.today())
        self.aged_out.setText(f"{len(waiting)} 名儿童已满退出年龄，待移出名册")
        self.aged_out.setVisible(bool(waiting) and self.session.actor.can_write)

    def _filters_changed(self) -> None:
        self.filters.current = ChildFilters(self.category.currentData(), self.risk.currentData(),
                                            self.agreement.currentData(), self.overdue.isChecked(),
                                            self.active_only.isChecked())
        self._search()

    def _update_buttons(self) -> None:
        profile_id = self.table.current_key()
        row = self.model.row(self.table.currentIndex().row()) if profile_id is not None else None
        active = bool(row) and row.get("status") == "active"
        writer = self.session.actor.can_write
        self.add_button.setEnabled(writer)
        self.edit_button.setEnabled(profile_id is not None)
        for b in (self.visit_button, self.agreement_button, self.leave_button):
            b.setEnabled(writer and active)
        self.report_button.setEnabled(writer and profile_id is not None)
        for b in (self.print_button, self.blank_button, self.register_button):
            b.setEnabled(profile_id is not None)

    def _name(self, profile: dict) -> str:
        return people.person_rows(self.session.database, [profile["person_id"]])[profile["person_id"]]["name"]

    # -- actions ---------------------------------------------------------------------------

    def open_profile_dialog(self, record: dict | None) -> None:
        open_profile(self.session, record, self, on_saved=self.profile_saved)

    def open_visit_dialog(self, person_id: str) -> None:
        open_visit(self.session, person_id, parent=self)

    def add_agreement(self) -> None:
        profile = self._selected()
        if profile is not None:
            open_agreement(self.session, profile, parent=self)

    def add_report(self) -> None:
        profile = self._selected()
        if profile is not None:
            open_report(self.session, profile["person_id"], parent=self)

    def leave_roll(self) -> None:
        profile = self._selected()
        if profile is None or profile["status"] != "active":
            return
        present(LeaveRollDialog(self.session, self._name(profile), child_rules.EXIT_REASONS,
                                lambda store, reason, day: children.leave_roll(store, profile, reason, day), self))

    def show_aged_out(self) -> None:
        waiting = children.aged_out(self.session.database, dt.date.today())
        if not waiting:
            return
        names = "、".join(w["name"] for w in waiting[:20]) + ("等" if len(waiting) > 20 else "")
        answer = QMessageBox.question(self, "已满退出年龄", f"以下儿童已满退出年龄：{names}\n\n"
                                      f"是否把这 {len(waiting)} 名儿童以“年满16周岁”移出在册名单？（档案保留）")
        if answer == QMessageBox.StandardButton.Yes:
            run_job(self, "正在移出名册", child_jobs.roll_off_aged_out, self.session.actor, dt.date.today(),
                    db_path=self.session.db_path, changes=self.session.changes)

    def print_latest_visit(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        visits = children.person_visits(self.session.database, profile["person_id"])
        if not visits:
            QMessageBox.information(self, "打印走访记录表", "该儿童还没有走访记录。可以打印空白走访表，入户时手填。")
            return
        self._print("正在生成走访记录表", child_jobs.visits, [visits[0]["id"]],
                    paths.print_path(self.session.data_dir, f"走访记录表-{self._name(profile)}"))

    def print_blank(self) -> None:
        profile = self._selected()
        if profile is not None:
            self._print("正在生成空白走访表", child_jobs.blank_visits, [profile["person_id"]],
                        paths.print_path(self.session.data_dir, f"空白走访记录表-{self._name(profile)}"))

    def print_register(self) -> None:
        profile = self._selected()
        if profile is not None:
            self._print("正在生成信息登记表", child_jobs.register, profile["person_id"],
                        paths.print_path(self.session.data_dir, f"留守儿童信息登记表-{self._name(profile)}"))

    def print_roster(self) -> None:
        village_id = self.filter_bar.village_id
        where = self.filter_bar.village.currentText() if village_id else "全镇"
        self._print("正在生成花名册", child_jobs.roster, village_id,
                    paths.print_path(self.session.data_dir, f"留守儿童花名册-{where}"))

    def _print(self, title: str, job: Callable[..., Path], *args: object) -> None:
        self.printed = None
        print_and_open(self, self.session, title, job, *args, on_done=self._printed)

    def _printed(self, path: Path) -> None:
        self.printed = path
