"""A service activity (服务台账的一条): what, when, where, and three lists below the form — the
registered people it served (found as on the people list), the staff who ran it (ticked from those
in post that day) and the volunteers who helped with their hours (ticked, hours typed beside).

Saved with all its people in one transaction (store.activities); a wrong hours entry is shown
beside the volunteer's name before anything is written. An activity recorded by mistake can be
deleted with its people.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.core.errors import ValidationError
from station_app.core.fields import format_hours
from station_app.core.validation import validate
from station_app.store import activities
from station_app.ui.dialogs import present
from station_app.ui.fieldform import ERROR_STYLE
from station_app.ui.ledger_dialogs import LedgerDialog
from station_app.ui.operations import run_write
from station_app.ui.person_picker import PersonPicker
from station_app.ui.roster_pickers import CheckList, staff_choices

DEFAULT_HOURS = "2"


class PeopleList(QWidget):
    """Registered people added one by one through the people search."""

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picker = PersonPicker(session, "输入姓名、拼音首字母或身份证号查找已登记的人员，选中后点“添加”")
        self.add_button = QPushButton(qta.icon("fa6s.plus"), "添加")
        self.remove_button = QPushButton(qta.icon("fa6s.minus"), "移除所选")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        self.chosen = QListWidget()
        self.add_button.clicked.connect(self.add_picked)
        self.picker.results.itemActivated.connect(lambda _item: self.add_picked())
        self.remove_button.clicked.connect(lambda: self.chosen.takeItem(self.chosen.currentRow()))
        left = QVBoxLayout()
        left.addWidget(self.picker)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addWidget(QLabel("已添加的服务对象："))
        right.addWidget(self.chosen, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)

    def add(self, person_id: str, name: str) -> None:
        if person_id in self.ids():
            return
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, person_id)
        self.chosen.addItem(item)

    def add_picked(self) -> None:
        item = self.picker.results.currentItem()
        if item is not None:
            self.add(item.data(Qt.ItemDataRole.UserRole), item.text().split("　")[0])

    def ids(self) -> list[str]:
        return [self.chosen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.chosen.count())]

    def set_read_only(self) -> None:
        self.picker.hide()
        self.add_button.hide()
        self.remove_button.hide()


class VolunteerHours(QTableWidget):
    """Volunteers registered on the day: tick who helped and type their hours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(("志愿者", "服务时长（小时）"))
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()

    def set_volunteers(self, rows: list[tuple[str, str]], hours: dict[str, str]) -> None:
        """(id, label) rows; those in `hours` (id -> hours as shown) ticked with their hours."""
        keep = {**hours, **self.values()}
        self.setRowCount(0)
        for record_id, text in rows:
            row = self.rowCount()
            self.insertRow(row)
            name = QTableWidgetItem(text)
            name.setData(Qt.ItemDataRole.UserRole, record_id)
            name.setFlags((name.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable)
            name.setCheckState(Qt.CheckState.Checked if record_id in keep else Qt.CheckState.Unchecked)
            self.setItem(row, 0, name)
            self.setItem(row, 1, QTableWidgetItem(keep.get(record_id, DEFAULT_HOURS)))

    def values(self) -> dict[str, str]:
        """The ticked volunteers: id -> hours as typed."""
        return {self.item(r, 0).data(Qt.ItemDataRole.UserRole): self.item(r, 1).text().strip()
                for r in range(self.rowCount()) if self.item(r, 0).checkState() == Qt.CheckState.Checked}

    def problems(self) -> list[str]:
        """What is wrong with the hours typed, one sentence per volunteer (the store's own rule)."""
        found = []
        for r in range(self.rowCount()):
            name = self.item(r, 0)
            if name.checkState() != Qt.CheckState.Checked:
                continue
            try:
                validate("volunteer_service", {"activity_id": "-", "volunteer_id": "-", "hours": self.item(r, 1).text()})
            except ValidationError as exc:
                found.append(f"{name.text()}：{exc.message}")
        return found

    def set_read_only(self) -> None:
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r in range(self.rowCount()):
            item = self.item(r, 0)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)


class ActivityDialog(LedgerDialog):
    """Record (record None) or correct a service activity with its people."""

    ENTITY = "service_activity"
    FIELDS = ("held_on", "kind", "title", "village_id", "place", "referred_to", "others_count", "others", "notes",
              "photos")
    TITLES = ("登记服务活动", "服务活动")
    SAVE = staticmethod(activities.save_activity)

    def build(self, layout: QVBoxLayout) -> None:
        self.people = PeopleList(self.session)
        self.staff = CheckList()
        self.volunteers = VolunteerHours()
        self.volunteer_error = QLabel()
        self.volunteer_error.setStyleSheet(ERROR_STYLE)
        self.volunteer_error.setWordWrap(True)
        self.volunteer_error.hide()
        volunteers = QWidget()
        box = QVBoxLayout(volunteers)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.volunteers)
        box.addWidget(self.volunteer_error)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.people, "服务对象（已登记人员）")
        self.tabs.addTab(self.staff, "工作人员")
        self.tabs.addTab(volunteers, "志愿者及服务时长")
        self.tabs.setMinimumHeight(190)
        layout.addWidget(self.tabs, 1)
        self.form.edited.connect(lambda name: self._offer() if name == "held_on" else None)
        self.delete_button = QPushButton(qta.icon("fa6s.trash-can"), "删除此活动")
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.ask_delete)

    def defaults(self) -> dict[str, Any]:
        return {"held_on": dt.date.today().isoformat(), "kind": "group"}

    def shown(self) -> None:
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        # after addButton, which shows what it adds: a new activity has nothing to delete yet
        self.delete_button.setVisible(self.writer and self.record is not None)
        linked = activities.activity_people(self.session.database, [self.record["id"]])[self.record["id"]] \
            if self.record else {"participants": [], "staff": [], "volunteers": []}
        self._volunteer_names = {v["id"]: v["name"] for v in linked["volunteers"]}
        for person in linked["participants"]:
            self.people.add(person["id"], person["name"])
        self._offer([s["id"] for s in linked["staff"]],
                    {v["id"]: format_hours(v["hours"]).replace(",", "") for v in linked["volunteers"]})
        if not self.writer:
            for part in (self.people, self.staff, self.volunteers):
                part.set_read_only()

    def _offer(self, staff: list[str] | None = None, hours: dict[str, str] | None = None) -> None:
        """Staff in post and volunteers registered on the activity's day."""
        day = self.typed_day()
        staff = staff if staff is not None else self.staff.ticked()
        self.staff.set_people(staff_choices(self.session.database, day, staff), staff)
        hours = hours if hours is not None else self.volunteers.values()
        rows = [(v["id"], v["name"] + (f"（{v['organisation']}）" if v.get("organisation") else ""))
                for v in activities.registered_on(self.session.database, day)]
        known = {i for i, _ in rows}
        gone = [(i, f"{self._volunteer_names.get(i, '')}（已退出）") for i in hours if i not in known]
        self.volunteers.set_volunteers(rows + gone, hours)

    def extra_args(self) -> tuple[Any, ...]:
        return self.people.ids(), self.staff.ticked(), self.volunteers.values()

    def save(self) -> None:
        problems = self.volunteers.problems()
        self.volunteer_error.setText("；".join(problems))
        self.volunteer_error.setVisible(bool(problems))
        if problems:
            self.tabs.setCurrentIndex(2)
            return
        super().save()

    def ask_delete(self) -> None:
        assert self.record is not None
        box = QMessageBox(QMessageBox.Icon.Question, "删除服务活动",
                          f"确定删除“{self.record['title']}”（{self.record['held_on']}）及其参与人员和志愿服务时长吗？"
                          "删除后，志愿者的服务时长和服务台账中都不再有这次活动。",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        present(box, on_finished=lambda _box, answer: self._delete() if answer == QMessageBox.StandardButton.Yes else None)

    def _delete(self) -> None:
        run_write(self, self.session, activities.delete_activity, self.record, busy=self.delete_button,
                  on_done=self._stored)
