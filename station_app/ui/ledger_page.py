"""站务台账: the station's own ledger, one tab each (Alt+1…Alt+5) — the people of the network (儿童主任,
儿童督导员, 社工, 协理员, 网格员), training sessions with attendance, service activities (the 服务台账,
printed for a period), volunteers with their hours (the 志愿服务证明), and care agreements for
dispersed 特困 people with their care visits.

Every tab is a list like the people list: found while typing, filtered by village where the
records have one, sorted by a header click, exported with Ctrl+E; Ctrl+N adds, Enter opens. The
rates the county asks about (training participation per role this year, the care agreements'
signing rates against the plans' targets) stand above their lists, counted by the same functions
as the 统计 page and the 月报.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, ClassVar

import qtawesome as qta
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from station_app import paths
from station_app.core.fields import format_hours, format_money
from station_app.core.reports import Figure
from station_app.jobs import ledger as ledger_jobs
from station_app.store import activities, care, ledger_figures, network
from station_app.ui.activity_dialog import ActivityDialog
from station_app.ui.care_dialogs import open_care_agreement, open_care_visit
from station_app.ui.child_dialogs import print_and_open
from station_app.ui.elder_page import action_button
from station_app.ui.ledger_dialogs import LedgerDialog, StaffDialog, TrainingDialog, VolunteerDialog, open_ledger_record
from station_app.ui.models import Column, QueryTableModel, Row, age_column, choice_text
from station_app.ui.record_list import ListPage
from station_app.ui.relief_page import ask_period
from station_app.ui.session import Session

Fetch = Callable[[Sequence[str]], dict[str, dict[str, Any]]]


def rate_text(figure: Figure, target: int | None = None) -> str:
    """"18/20（90%）", red when under the target."""
    rate = f"{figure.value / figure.of:.0%}" if figure.of else "—"
    text = f"{figure.value}/{figure.of}（{rate}）"
    short = figure.of and target is not None and figure.value * 100 < figure.of * target
    return f"<span style='color:#c62828'>{text}</span>" if short else text


class LedgerList(ListPage):
    """One tab: a list of one kind of ledger record, with 新增 (Ctrl+N) and 查看/编辑 (Enter)."""

    KIND: ClassVar[type[LedgerDialog]]
    NEW_TEXT: ClassVar[str] = "新增"
    CONCERNS: ClassVar[frozenset[str]] = frozenset()
    SEARCH_HINT: ClassVar[str] = ""  # what the search box finds, when not people

    def __init__(self, session: Session, columns: Sequence[Column], fetch: Fetch, find: Callable[..., list[str]],
                 count_text: str, parent: QWidget | None = None) -> None:
        super().__init__(session, QueryTableModel(columns, fetch, find, session.db_path), count_text, parent)
        if self.SEARCH_HINT:
            self.filter_bar.search.setPlaceholderText(self.SEARCH_HINT)
        self.new_button = action_button("fa6s.plus", self.NEW_TEXT, QKeySequence.StandardKey.New)
        self.open_button = action_button("fa6s.pen-to-square", "查看/编辑", tip="查看或编辑所选记录（Enter 或双击）")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.actions = QHBoxLayout()
        self.actions.addWidget(self.new_button)
        self.actions.addWidget(self.open_button)
        self.actions.addStretch(1)
        self.body.insertLayout(1, self.actions)
        self.body.insertWidget(2, self.summary)
        self.table.opened.connect(self.open_record)
        self.new_button.clicked.connect(lambda: self.open_record(None))
        self.open_button.clicked.connect(lambda: self.open_record(self.table.current_key()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.loaded.connect(self.summarise)

    def open_record(self, record_id: str | None) -> None:
        open_ledger_record(self.session, self.KIND, record_id, self, on_saved=lambda r: self.show_record(r["id"]))

    def summarise(self) -> None:
        """The figures shown above the list (none by default)."""

    def chosen(self) -> bool:
        return self.table.current_key() is not None

    def _update_buttons(self) -> None:
        self.new_button.setEnabled(self.session.actor.can_write)
        self.open_button.setEnabled(self.chosen())


# -- the people of the network -------------------------------------------------------------------


class StaffList(LedgerList):
    KIND = StaffDialog
    NEW_TEXT = "新增人员"
    SEARCH_HINT = "搜索：姓名、拼音首字母（如 zs）"
    CONCERNS = frozenset({"staff", "training", "training_attendance", "village"})
    export_name = "工作人员名单"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        columns = (
            Column("姓名", "name", sort="name", sample="欧阳晓明明"),
            Column("岗位", choice_text("staff", "role"), sort="role", sample="儿童督导员"),
            Column("村（社区）", "village_name", sort="village", sample="南口前村村村"),
            Column("联系电话", "phone", sample="13912345678"),
            Column("任职日期", "entered_on", sort="entered_on", sample="2026-11-23"),
            Column("状态", choice_text("staff", "status"), sort="status", sample="已离任"),
            Column("本年参训（次）", "trainings", sample="本年参训（次）", align_right=True,
                   warn=lambda r: r["status"] == "active" and not r["trainings"]),
        )
        database = session.database
        super().__init__(session, columns, lambda keys: network.staff_rows(database, keys), network.staff_ids,
                         "共 {n} 人", parent)
        self.summary.setText("村（社区）儿童主任、协理员、网格员请选所在村；离任的人员请登记离任日期，不要删除，"
                             "以便培训记录和各月统计保持不变。")
        self.refresh()


class TrainingList(LedgerList):
    KIND = TrainingDialog
    NEW_TEXT = "登记培训"
    SEARCH_HINT = "搜索：培训主题、主办单位或地点"
    CONCERNS = frozenset({"staff", "training", "training_attendance"})
    export_name = "培训记录"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        columns = (
            Column("培训日期", "held_on", sort="held_on", sort_reversed=True, sample="2026-11-23"),
            Column("培训主题", "topic", sort="topic", sample="儿童关爱保护政策与强制报告制度培训"),
            Column("学时", lambda r: format_hours(r["hours"]), sort="hours", sample="12.5", align_right=True),
            Column("主办单位", "organiser", sample="顺城区民政局"),
            Column("地点", "place", sample="镇政府三楼会议室"),
            Column("参训人数", "attended", sample="参训人数", align_right=True),
        )
        database = session.database
        super().__init__(session, columns, lambda keys: network.training_rows(database, keys), network.training_ids,
                         "共 {n} 次", parent)
        self.filter_bar.village.hide()  # a session belongs to no village
        self.refresh()

    def summarise(self) -> None:
        today = dt.date.today()
        database = self.session.database
        target = ledger_figures.targets(database, today)["ledger.training"]
        parts = [f"{f.label.split('培训')[0]} {rate_text(f, target)}"
                 for f in ledger_figures.training_rates(database, today) if f.of]
        self.summary.setText(f"<b>{today.year}年培训参与率</b>（在岗人员中本年参加过培训的，目标{target}%）："
                             + ("　".join(parts) if parts else "尚未登记在岗人员"))


# -- service activities ----------------------------------------------------------------------------


class ActivityList(LedgerList):
    KIND = ActivityDialog
    NEW_TEXT = "登记活动"
    SEARCH_HINT = "搜索：活动名称、地点或活动情况"
    CONCERNS = frozenset({"service_activity", "activity_participant", "activity_staff", "volunteer_service",
                          "village"})
    export_name = "服务台账"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        columns = (
            Column("活动日期", "held_on", sort="held_on", sort_reversed=True, sample="2026-11-23"),
            Column("类型", choice_text("service_activity", "kind"), sort="kind", sample="小组活动"),
            Column("活动名称（服务内容）", "title", sort="title", sample="入户为独居老人理发、打扫卫生"),
            Column("村（社区）", "village_name", sort="village", sample="南口前村村"),
            Column("参与人数", "participants_total", sample="参与人数", align_right=True),
            Column("工作人员", "staff_count", sample="工作人员", align_right=True),
            Column("志愿者", "volunteer_count", sample="志愿者", align_right=True),
            Column("志愿服务时长", lambda r: format_hours(r["volunteer_hours"]), sample="志愿服务时长", align_right=True),
        )
        database = session.database
        super().__init__(session, columns, lambda keys: activities.activity_rows(database, keys),
                         activities.activity_ids, "共 {n} 次", parent)
        self.print_button = action_button("fa6s.print", "打印服务台账…", QKeySequence.StandardKey.Print,
                                          "打印一段时间内的全部服务活动")
        self.print_button.clicked.connect(self.print_ledger)
        self.actions.addWidget(self.print_button)
        self.refresh()

    def print_ledger(self) -> None:
        ask_period(self, "打印服务台账", dt.date.today(), self._print)

    def _print(self, first: dt.date, last: dt.date) -> None:
        print_and_open(self, self.session, "正在生成服务台账", ledger_jobs.service_ledger, first, last,
                       paths.print_path(self.session.data_dir, f"服务台账-{first:%Y%m%d}-{last:%Y%m%d}"))


# -- volunteers ----------------------------------------------------------------------------------


class VolunteerList(LedgerList):
    KIND = VolunteerDialog
    NEW_TEXT = "登记志愿者"
    SEARCH_HINT = "搜索：姓名、拼音首字母（如 zs）或身份证号后几位"
    CONCERNS = frozenset({"volunteer", "volunteer_service", "service_activity", "village"})
    export_name = "志愿者名单"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        columns = (
            Column("姓名", "name", sort="name", sample="欧阳晓明明"),
            Column("性别", choice_text("volunteer", "gender"), sample="男"),
            Column("村（社区）", "village_name", sort="village", sample="南口前村村村"),
            Column("所属志愿服务组织", "organisation", sample="前甸镇巾帼志愿服务队"),
            Column("本年服务时长（小时）", lambda r: format_hours(r["year_hours"]), sample="本年服务时长（小时）",
                   align_right=True),
            Column("累计服务时长（小时）", lambda r: format_hours(r["total_hours"]), sample="累计服务时长（小时）",
                   align_right=True),
            Column("状态", choice_text("volunteer", "status"), sort="status", sample="已退出"),
        )
        database = session.database
        super().__init__(session, columns, lambda keys: activities.volunteer_rows(database, keys),
                         activities.volunteer_ids, "共 {n} 人", parent)
        self.summary.setText("志愿服务时长随服务活动登记：在“服务活动”中勾选参加的志愿者并填写时长。"
                             "打开志愿者可查看历年时长、打印志愿服务证明。")
        self.refresh()


# -- care agreements -------------------------------------------------------------------------------


def _care_status(today: dt.date, warn_days: Callable[[], int]) -> Column:
    def status(row: Row) -> str:
        return care.STATUS_LABELS[care.status(row, today, warn_days())]

    return Column("状态", status, sample="将到期", warn=lambda r: status(r) != "有效")


class CareList(LedgerList):
    NEW_TEXT = "新增协议"
    CONCERNS = frozenset({"care_agreement", "visit", "elder_profile", "person", "village", "reference_value"})
    export_name = "照料服务协议"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        today = dt.date.today()
        self._warn_days = 30
        columns = (
            Column("被照料人", "name", sort="name", sample="欧阳晓明"),
            age_column(today),
            Column("村（社区）", "village_name", sort="village", sample="南口前村"),
            Column("照料人", "carer_name", sample="欧阳晓明"),
            Column("月照料费（元）", lambda r: format_money(r["fee"]), sample="1,234.00", align_right=True),
            Column("签订日期", lambda r: r["signed_on"] or "待签字", sort="signed_on", sample="2026-11-23"),
            Column("到期日期", lambda r: r["expires_on"] or "长期", sort="expires_on", sample="2026-11-23"),
            _care_status(today, lambda: self._warn_days),
            Column("最近照料探访", lambda r: r["last_visit"] or "尚未探访", sample="2026-11-23"),
        )
        database = session.database
        super().__init__(session, columns, lambda keys: care.agreement_rows(database, keys), care.agreement_ids,
                         "共 {n} 份", parent)
        self.visit_button = action_button("fa6s.clipboard-check", "登记照料探访", "Ctrl+R")
        self.print_button = action_button("fa6s.print", "打印协议书", QKeySequence.StandardKey.Print)
        self.visit_button.clicked.connect(self.record_visit)
        self.print_button.clicked.connect(self.print_agreement)
        self.actions.addWidget(self.visit_button)
        self.actions.addWidget(self.print_button)
        self.refresh()

    def open_record(self, record_id: str | None) -> None:
        open_care_agreement(self.session, record_id, self)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.visit_button.setEnabled(self.session.actor.can_write and self.chosen())
        self.print_button.setEnabled(self.chosen())

    def _row(self) -> Row | None:
        return self.model.row(self.table.currentIndex().row()) if self.chosen() else None

    def record_visit(self) -> None:
        row = self._row()
        if row is not None:
            open_care_visit(self.session, row["person_id"], parent=self)

    def print_agreement(self) -> None:
        row = self._row()
        if row is not None:
            print_and_open(self, self.session, "正在生成照料服务协议书", ledger_jobs.care_agreement, row["id"],
                           paths.print_path(self.session.data_dir, f"照料服务协议书-{row['name']}"))

    def summarise(self) -> None:
        today = dt.date.today()
        database = self.session.database
        self._warn_days = int(care.rules(database, today).get("care_warn_days", 30))
        targets = ledger_figures.targets(database, today)
        parts = [f"{f.label.removesuffix('照料服务协议签订率')} {rate_text(f, targets[f.key])}（目标{targets[f.key]}%）"
                 for f in ledger_figures.care_rates(database, today)]
        self.summary.setText("<b>照料服务协议签订率</b>（老年人探访名单在册人员中，协议在有效期内的）：" + "　".join(parts))


class LedgerPage(QWidget):
    """The five lists of the station's own ledger, one tab each (Alt+1…Alt+5)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = StaffList(session)
        self.trainings = TrainingList(session)
        self.activities = ActivityList(session)
        self.volunteers = VolunteerList(session)
        self.care = CareList(session)
        self.tabs = QTabWidget()
        for number, (page, icon, text) in enumerate((
                (self.staff, "fa6s.people-group", "工作人员"), (self.trainings, "fa6s.chalkboard-user", "培训"),
                (self.activities, "fa6s.book", "服务活动"), (self.volunteers, "fa6s.hand-holding-heart", "志愿者"),
                (self.care, "fa6s.house-user", "特困照料协议")), start=1):
            self.tabs.addTab(page, qta.icon(icon), text)
            QShortcut(QKeySequence(f"Alt+{number}"), self, partial(self.tabs.setCurrentIndex, number - 1))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.setFocusProxy(self.staff)
