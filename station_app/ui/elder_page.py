"""老年人探访: everyone on the elderly rounds, found by the people search and filtered by village,
category, risk and "overdue only"; from here a worker opens or creates a profile, records a
visit and prints the visit record form (blank or filled) or the village's monthly roster.

Shortcuts: Ctrl+N new profile, Enter edit, Ctrl+R record a visit, Ctrl+P print the latest visit's
record form, Ctrl+F search.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import qtawesome as qta
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from station_app import paths
from station_app.core.entities import ELDER_CATEGORIES, RISK_LEVELS
from station_app.jobs import elders
from station_app.store import elder_rounds, people, program_queries, statistics
from station_app.store.database import StationDatabase
from station_app.ui import print_preview
from station_app.ui.elder_dialogs import open_profile, open_visit
from station_app.ui.flow_layout import FlowLayout
from station_app.ui.models import Column, QueryTableModel
from station_app.ui.operations import run_job
from station_app.ui.program_pages import ID_NUMBER, FilterHolder, ProfileListPage, elder_columns
from station_app.ui.session import Session

READ_ONLY_TIP = "只读账号不能新建档案或登记探访"


@dataclass(frozen=True)
class ElderFilters:
    category: str | None = None
    risk: str | None = None
    overdue: bool = False


def _find_elders(database: StationDatabase, sort: str, descending: bool, *, text: str, village_id: str | None,
                 holder: FilterHolder) -> list[str]:
    filters = holder.current
    flt = people.PersonFilter(text, village_id, sort or "name", descending)
    return elder_rounds.elder_ids(database, flt, category=filters.category, risk=filters.risk,
                                  overdue_on=dt.date.today() if filters.overdue else None)


def _columns() -> tuple[Column, ...]:
    return (*elder_columns(), ID_NUMBER)


def action_button(icon: str, text: str, shortcut: str | QKeySequence | None = None, tip: str = "") -> QPushButton:
    button = QPushButton(qta.icon(icon), text)
    if shortcut is not None:
        sequence = QKeySequence(shortcut)
        button.setShortcut(sequence)
        tip = f"{tip or text}（{sequence.toString(QKeySequence.SequenceFormat.NativeText)}）"
    button.setToolTip(tip or text)
    return button


class ElderPage(ProfileListPage):
    CONCERNS = frozenset({"elder_profile", "visit", "person", "village", "reference_value"})
    PROFILE_ENTITY = "elder_profile"
    VISIT_TITLE = "登记探访"
    OFF_ROLL_MESSAGE = "此人已退出探访名单。如需恢复探访，请先在档案中把状态改为“在册”。"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        self.filters = FilterHolder(ElderFilters())
        database = session.database
        model = QueryTableModel(_columns(), lambda keys: program_queries.program_rows(database, "elder", keys),
                                partial(_find_elders, holder=self.filters), session.db_path)
        super().__init__(session, model, "共 {n} 名老年人", parent)
        self.printed: Path | None = None
        self.category = QComboBox()
        self.category.addItem("全部类别", None)
        for code, label in ELDER_CATEGORIES:
            self.category.addItem(label, code)
        self.risk = QComboBox()
        self.risk.addItem("全部风险等级", None)
        for code, label in RISK_LEVELS:
            self.risk.addItem(f"{label}风险", code)
        self.overdue = QCheckBox("只看逾期")
        self.month = QComboBox()
        for month in reversed(statistics.last_months(dt.date.today())):
            self.month.addItem(f"{month[:4]}年{int(month[5:])}月", month)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("类别"))
        filters.addWidget(self.category)
        filters.addWidget(QLabel("风险"))
        filters.addWidget(self.risk)
        filters.addWidget(self.overdue)
        filters.addStretch(1)
        self.body.insertLayout(1, filters)

        writer = session.actor.can_write
        self.add_button = action_button("fa6s.user-plus", "新建档案", QKeySequence.StandardKey.New)
        self.edit_button = action_button("fa6s.pen-to-square", "查看/编辑档案", tip="查看或编辑所选档案（Enter 或双击）")
        self.visit_button = action_button("fa6s.clipboard-check", "登记探访", "Ctrl+R")
        self.print_button = action_button("fa6s.print", "打印探访记录表", QKeySequence.StandardKey.Print,
                                    "打印所选老人最近一次探访的记录表")
        self.blank_button = action_button("fa6s.file", "打印空白记录表", tip="打印所选老人的空白探访记录表，入户时手填")
        self.roster_button = action_button("fa6s.table-list", "打印月度花名册",
                                     tip="打印所选村（社区）（或全镇）所选月份的探访花名册")
        if not writer:
            for button in (self.add_button, self.visit_button):
                button.setToolTip(READ_ONLY_TIP)
        actions = FlowLayout()
        for button in (self.add_button, self.edit_button, self.visit_button, self.print_button, self.blank_button):
            actions.addWidget(button)
        actions.add_stretch()
        actions.addWidget(self.month)
        actions.addWidget(self.roster_button)
        self.body.insertLayout(1, actions)

        self.category.currentIndexChanged.connect(self._filters_changed)
        self.risk.currentIndexChanged.connect(self._filters_changed)
        self.overdue.toggled.connect(self._filters_changed)
        self._connect_actions()
        self.refresh()

    def _filters_changed(self) -> None:
        self.filters.current = ElderFilters(self.category.currentData(), self.risk.currentData(),
                                            self.overdue.isChecked())
        self._search()

    def _update_buttons(self) -> None:
        chosen = self.table.current_key() is not None
        writer = self.session.actor.can_write
        self.add_button.setEnabled(writer)
        self.edit_button.setEnabled(chosen)
        self.visit_button.setEnabled(writer and chosen)
        self.print_button.setEnabled(chosen)
        self.blank_button.setEnabled(chosen)

    def open_profile_dialog(self, record: dict | None) -> None:
        open_profile(self.session, record, self, on_saved=self.profile_saved)

    def open_visit_dialog(self, person_id: str) -> None:
        open_visit(self.session, person_id, parent=self)

    def print_latest_visit(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        visits = elder_rounds.person_visits(self.session.database, profile["person_id"])
        if not visits:
            QMessageBox.information(self, "打印探访记录表", "此人还没有探访记录。可以打印空白记录表，入户时手填。")
            return
        name = self.model.row(self.table.currentIndex().row())["name"]
        self._print("正在生成探访记录表", elders.visit_records, [visits[0]["id"]],
                    paths.print_path(self.session.data_dir, f"探访记录表-{name}"))

    def print_blank(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        name = self.model.row(self.table.currentIndex().row())["name"]
        self._print("正在生成空白记录表", elders.blank_visit_records, [profile["person_id"]],
                    paths.print_path(self.session.data_dir, f"空白探访记录表-{name}"))

    def print_roster(self) -> None:
        village_id = self.filter_bar.village_id
        month = self.month.currentData()
        where = self.filter_bar.village.currentText() if village_id else "全镇"
        self._print("正在生成探访花名册", elders.visit_roster, village_id, month,
                    paths.print_path(self.session.data_dir, f"月度探访花名册-{where}-{month}"))

    def _print(self, title: str, job: Callable[..., Path], *args: object) -> None:
        """Run one of jobs.elders' jobs as this user, then open the PDF it wrote."""
        self.printed = None
        run_job(self, title, job, self.session.actor, *args, db_path=self.session.db_path, on_done=self._printed)

    def _printed(self, path: Path) -> None:
        self.printed = path
        print_preview.show_printed(self, path)
