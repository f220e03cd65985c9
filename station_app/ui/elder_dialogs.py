"""The elderly rounds' editors: the elder profile (with its emergency contacts in calling order)
and the visit record.

Both write through `store.elder_rounds` (the store's single write path underneath), show every
problem at its field in Chinese, save with Enter (Ctrl+Enter inside a text box) and cancel with
Esc. A viewer sees the same dialogs read-only. The visit dialog proposes the next-due date from
the county's rule for the date, hazards and "seen in person" typed so far, until the worker types
a date of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import qtawesome as qta
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app import paths
from station_app.core import elder_rules
from station_app.core.entities import entity
from station_app.core.errors import KnownError
from station_app.core.fields import FieldError, parse_date
from station_app.jobs import elders
from station_app.store import elder_rounds, people
from station_app.ui import print_preview
from station_app.ui.changes import FollowsChanges
from station_app.ui.fieldform import ERROR_STYLE, FieldForm
from station_app.ui.history import history_table
from station_app.ui.models import Column, ListTableModel, field_text
from station_app.ui.operations import run_job, show_error
from station_app.ui.person_picker import PersonPicker
from station_app.ui.program_dialogs import RecordDialog, VisitDialogBase, present_editor
from station_app.ui.record_list import RecordTable
from station_app.ui.screen_fit import FitScroll
from station_app.ui.session import Session

PROFILE_FIELDS = ("categories", "risk_level", "living_arrangement", "ability_level", "benefits", "status",
                  "entered_on", "exited_on", "health_note", "dependants", "risk_reason", "exit_reason", "notes")
VISIT_FIELDS = ("visit_date", "visitor", "method", "seen_in_person", "mental_state", "next_due", "hazards",
                "living_conditions", "health_note", "findings", "needs", "services", "referral", "referral_note",
                "follow_up")
_VISIT = entity("visit")


class ContactsEditor(QWidget):
    """Emergency contacts as a small table, top row called first; rows move up and down."""

    HEADERS = ("姓名", "关系", "电话")
    KEYS = ("name", "relation", "phone")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(True)  # the row number is the calling order
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setFixedHeight(int(self.fontMetrics().height() * 5.5))
        self.add_button = QPushButton(qta.icon("fa6s.plus"), "添加联系人")
        self.remove_button = QPushButton(qta.icon("fa6s.minus"), "删除")
        self.up_button = QPushButton(qta.icon("fa6s.arrow-up"), "先打")
        self.down_button = QPushButton(qta.icon("fa6s.arrow-down"), "后打")
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self._remove)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        buttons = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.table, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.table.itemChanged.connect(lambda _item: self.set_error(""))

    def add_row(self, contact: dict[str, str] | None = None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, key in enumerate(self.KEYS):
            self.table.setItem(row, column, QTableWidgetItem((contact or {}).get(key) or ""))
        if contact is None:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(self.table.item(row, 0))

    def values(self) -> list[dict[str, str]]:
        """The contacts as shown, including a cell still being typed in (Ctrl+Enter saves at once)."""
        editing = QApplication.focusWidget()
        if editing is not None and self.table.isAncestorOf(editing):
            self.table.commitData(editing)
        return [{key: (self.table.item(r, c).text() if self.table.item(r, c) else "").strip()
                 for c, key in enumerate(self.KEYS)} for r in range(self.table.rowCount())]

    def set_values(self, contacts: Sequence[dict[str, str]] | None) -> None:
        self.table.setRowCount(0)
        for contact in contacts or []:
            self.add_row(contact)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_read_only(self) -> None:
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.hide()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _move(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        contacts = self.values()
        contacts[row], contacts[target] = contacts[target], contacts[row]
        self.set_values(contacts)
        self.table.setCurrentCell(target, 0)


def _elder_picker(session: Session) -> PersonPicker:
    return PersonPicker(session, f"输入姓名、拼音首字母或身份证号查找已登记的{elder_rules.ELDER_AGE}岁及以上人员",
                        fits=elder_rules.is_elder, mark=lambda row: "（已在探访名单）" if row["is_elder"] else "")


class ElderProfileDialog(FollowsChanges, RecordDialog):
    """Add (record None: pick the person first) or edit an elder profile; a visit corrected from
    its list shows there once stored."""

    CONCERNS = frozenset({"visit"})

    def __init__(self, session: Session, record: dict[str, Any] | None = None, parent: QWidget | None = None, *,
                 person_id: str | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.record = record
        writer = session.actor.can_write
        person_id = record["person_id"] if record else person_id
        details = QWidget()
        layout = QVBoxLayout(details)
        self._person_section(layout, session, person_id, _elder_picker, "老年人")
        self.form = FieldForm("elder_profile", PROFILE_FIELDS, columns=2)
        layout.addWidget(self.form)
        layout.addWidget(QLabel("紧急联系人（第1位最先联系）"))
        self.contacts = ContactsEditor()
        layout.addWidget(self.contacts)
        self.tabs = QTabWidget()
        self.tabs.addTab(FitScroll(details), "档案")
        if record is not None:
            self.visits = _visit_table(session, record["person_id"])
            self.visits.opened.connect(self._open_visit)
            self.tabs.addTab(self.visits, "探访记录")
            self.tabs.addTab(history_table(session, "elder_profile", record["id"]), "修改记录")
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        outer.addLayout(self._buttons(writer))

        # On the roster from today unless the worker types the day it began; leaving it, likewise.
        self.form.set_values(dict(record or {"status": "active", "entered_on": dt.date.today().isoformat()}))
        self.contacts.set_values((record or {}).get("contacts"))
        if not writer:
            self._read_only(self.form, PROFILE_FIELDS)
            self.contacts.set_read_only()
        name = people.person_rows(session.database, [person_id])[person_id]["name"] if person_id else ""
        self.setWindowTitle(f"老年人档案 — {name}" if record else "新建老年人档案")
        self.resize(max(self.sizeHint().width(), 900), self.sizeHint().height())
        (self.picker.search if self.picker else self.form.editor("risk_level")).setFocus()
        if record is not None:
            self.follow_changes(session.changes)

    def refresh(self) -> None:
        assert self.record is not None
        model = self.visits.model()
        assert isinstance(model, ListTableModel)
        model.set_rows(elder_rounds.person_visits(self.session.database, self.record["person_id"]))

    def _open_visit(self, visit_id: str) -> None:
        """Open a past visit (to read it, or to correct it)."""
        assert self.record is not None
        open_visit(self.session, self.record["person_id"], self.session.store.get("visit", visit_id), self)

    def save(self) -> None:
        values = {**self.form.values(), "contacts": self.contacts.values()}
        if self._take_person(values, "人员"):
            self.write(elder_rounds.save_profile, values, self.record, refused=self._profile_refused)

    def _profile_refused(self, exc: KnownError) -> None:
        self.tabs.setCurrentIndex(0)
        self.contacts.set_error(self._person_refused(exc).get("contacts", ""))
        self._refused(self.form, (*PROFILE_FIELDS, "contacts", "person_id"), exc)


VISIT_COLUMNS = (
    Column("探访日期", "visit_date", sample="2026-11-23"),
    Column("探访人", "visitor", sample="欧阳晓明"),
    Column("方式", lambda r: field_text(_VISIT.field("method"), r["method"]), sample="入户"),
    Column("见到本人", lambda r: "是" if r["seen_in_person"] else "否", sample="见到本人"),
    Column("安全隐患", lambda r: field_text(_VISIT.field("hazards"), r["hazards"]), sample="取暖/煤炉、燃气"),
    Column("转介", lambda r: field_text(_VISIT.field("referral"), r["referral"]), sample="临时救助"),
    Column("下次探访", "next_due", sample="2026-11-23"),
)


def _visit_table(session: Session, person_id: str) -> RecordTable:
    table = RecordTable()
    table.setModel(ListTableModel(VISIT_COLUMNS, elder_rounds.person_visits(session.database, person_id),
                                  parent=table))
    return table


class VisitDialog(VisitDialogBase):
    """Record (record None) or correct an elder visit to `person_id`."""

    FIELDS = VISIT_FIELDS
    DUE_INPUTS = ("visit_date", "hazards", "seen_in_person", "method", "next_due")
    DEFAULTS = {"method": "home", "seen_in_person": True}
    LEFT_OUT = {"method": ("school",)}  # the children's visits only
    TITLES = ("登记探访", "修改探访记录")

    def profile_line(self) -> str:
        profile = elder_rounds.profile_of(self.session.database, self.person_id) or {}
        spec = entity("elder_profile")
        contacts = profile.get("contacts") or []
        first = f"　先联系：{contacts[0]['name']} {contacts[0]['phone']}" if contacts else ""
        return (f"类别：{field_text(spec.field('categories'), profile.get('categories')) or '未填'}"
                f"　风险：{field_text(spec.field('risk_level'), profile.get('risk_level')) or '未评'}{first}")

    def proposal(self, values: dict[str, Any], day: dt.date) -> tuple[dt.date, str]:
        proposed = elder_rounds.suggested_next_due(self.session.database, self.person_id, day, values["hazards"],
                                                   values["seen_in_person"])
        reasons = elder_rules.follow_up_reasons(values["hazards"], values["seen_in_person"])
        why = {"hazard": "发现安全隐患", "not_seen": "未见到本人"}
        follow = f"（{'、'.join(why[r] for r in reasons)}：需跟进，跟进前一直列在待办提醒中）" if reasons else ""
        return proposed, f"按县里规定的探访频次，下次探访应在 {proposed.isoformat()} 前{follow}"

    store_visit = staticmethod(elder_rounds.save_visit)


def open_profile(session: Session, record: dict[str, Any] | None, parent: QWidget | None = None, *,
                 person_id: str | None = None, on_saved: Callable[[dict[str, Any]], None] | None = None) -> QDialog:
    """Show the profile editor (a new profile when `record` is None); `on_saved(profile)` once saved."""
    return present_editor(ElderProfileDialog(session, record, parent, person_id=person_id), on_saved)


def open_visit(session: Session, person_id: str, record: dict[str, Any] | None = None,
               parent: QWidget | None = None) -> QDialog:
    """Show the visit editor. A new referral to temporary relief is offered straight away as a
    pre-filled application (it also waits on the relief page)."""
    def saved(visit: dict[str, Any]) -> None:
        if (visit.get("referral") == elder_rules.RELIEF_REFERRAL
                and (record is None or record.get("referral") != elder_rules.RELIEF_REFERRAL)
                and QMessageBox.question(parent, "转介临时救助", "本次探访转介临时救助。现在就登记临时救助申请吗？"
                                         "（也可以稍后在“临时救助 → 探访转介”中登记。）") == QMessageBox.StandardButton.Yes):
            from station_app.ui.relief_dialog import open_case

            open_case(session, None, parent, referral=visit)

    return present_editor(VisitDialog(session, person_id, record, parent), saved)


class RoundDialog(QDialog):
    """Plan a round: pick a village and a day, see who is due there by then, print the route sheet.
    `printed` holds the PDF's path once the sheet is written."""

    def __init__(self, session: Session, village_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.printed: Any = None
        self.setWindowTitle("安排探访路线")
        self.village = QComboBox()
        for village in people.villages(session.database):
            self.village.addItem(village["name"], village["id"])
        self.village.setCurrentIndex(max(self.village.findData(village_id), 0))
        self.day = QLineEdit(dt.date.today().isoformat())
        self.day.setPlaceholderText("如 2026-11-25")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.count = QLabel()
        self.names = QLabel()
        self.names.setWordWrap(True)
        self.print_button = QPushButton(qta.icon("fa6s.print"), "打印路线单")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_sheet)
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        grid = QGridLayout()
        village_label, day_label = QLabel("村（社区）"), QLabel("探访日期")
        village_label.setBuddy(self.village)
        day_label.setBuddy(self.day)
        grid.addWidget(village_label, 0, 0)
        grid.addWidget(self.village, 0, 1)
        grid.addWidget(day_label, 1, 0)
        grid.addWidget(self.day, 1, 1)
        grid.addWidget(self.error, 2, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.count)
        layout.addWidget(self.names)
        layout.addLayout(buttons)
        self.village.currentIndexChanged.connect(self._preview)
        self.day.textEdited.connect(self._preview)
        self.setMinimumWidth(520)
        self._preview()

    def _chosen_day(self) -> dt.date | None:
        try:
            day = parse_date(self.day.text())
        except FieldError as exc:
            self.error.setText(str(exc))
            return None
        self.error.setText("")
        return day

    def _preview(self) -> None:
        day, village_id = self._chosen_day(), self.village.currentData()
        if day is None or village_id is None:
            self.count.setText("")
            self.names.setText("")
            self.print_button.setEnabled(False)
            return
        stops = elder_rounds.route_rows(self.session.database, village_id, day)
        self.count.setText(f"到 {day.isoformat()} 为止，{self.village.currentText()} 应探访 {len(stops)} 人（逾期的在前）")
        self.names.setText("、".join(s["name"] for s in stops))
        self.print_button.setEnabled(True)

    def print_sheet(self) -> None:
        day, village_id = self._chosen_day(), self.village.currentData()
        if day is None or village_id is None:
            return
        out = paths.print_path(self.session.data_dir, f"探访路线单-{self.village.currentText()}-{day}")
        self.print_button.setEnabled(False)
        run_job(self, "正在生成探访路线单", elders.route_sheet, self.session.actor, village_id, day, out,
                db_path=self.session.db_path, on_done=self._printed,
                on_error=lambda exc: (self.print_button.setEnabled(True), show_error(self, exc)))

    def _printed(self, path: Any) -> None:
        self.printed = path
        self.print_button.setEnabled(True)
        print_preview.show_printed(self, path)
