"""The station ledger's editors: a person of the network (with their training record), a training
session (with who attended), a volunteer (with their service and the 志愿服务证明).

Each is a form built from the entity's declaration, saved off the UI thread through the store's
write path (a session and its attendance in one transaction), every problem shown at its field in
Chinese; Ctrl+Enter saves, Esc cancels, a viewer sees them read-only. `LedgerDialog` is what they
share, with the activity and care-agreement editors (ui.activity_dialog, ui.care_dialogs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

import qtawesome as qta
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app import paths
from station_app.core.fields import FieldError, format_hours, parse_date
from station_app.jobs import ledger as ledger_jobs
from station_app.store import activities, network, people
from station_app.ui.child_dialogs import print_and_open
from station_app.ui.fieldform import FieldForm
from station_app.ui.models import Column, ListTableModel
from station_app.ui.program_dialogs import RecordDialog, present_editor
from station_app.ui.record_list import RecordTable
from station_app.ui.roster_pickers import CheckList, staff_choices
from station_app.ui.screen_fit import FitScroll
from station_app.ui.session import Session

DIALOG_WIDTH = 860  # wide enough for two columns of fields, narrow enough for a 1024×768 screen


def table_of(columns: tuple[Column, ...], rows: list[dict[str, Any]], lines: int = 6) -> RecordTable:
    """A short read-only list of a record's own records (a person's trainings, their service)."""
    table = RecordTable()
    table.setModel(ListTableModel(columns, rows, parent=table))
    table.setFixedHeight(int(table.verticalHeader().defaultSectionSize() * (lines + 1.3)))
    return table


class LedgerDialog(RecordDialog):
    """Create (record None) or edit a ledger record: its form, whatever the kind adds below it
    (`build`), and the store call that saves it with what the kind adds (`SAVE`, `extra_args`)."""

    ENTITY: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[str, ...]] = ()
    TITLES: ClassVar[tuple[str, str]] = ("", "")
    SAVE: ClassVar[Callable[..., dict[str, Any]]]

    def __init__(self, session: Session, record: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.record = record
        self.writer = session.actor.can_write
        self.form = FieldForm(self.ENTITY, self.FIELDS, columns=2)
        if "village_id" in self.FIELDS:
            self.form.set_ref_choices("village_id", [(v["id"], v["name"]) for v in people.villages(session.database)])
        layout = QVBoxLayout(self)
        layout.addWidget(FitScroll(self.form))  # with an error under every field it scrolls, not squeezes
        self.build(layout)
        layout.addLayout(self._buttons(self.writer))
        self.form.set_values(dict(record or self.defaults()))
        self.shown()
        if not self.writer:
            self._read_only(self.form, self.FIELDS)
        self.setWindowTitle(self.TITLES[record is not None])
        self.resize(max(self.sizeHint().width(), DIALOG_WIDTH), self.sizeHint().height())
        self.form.editor(self.FIELDS[0]).setFocus()

    def build(self, layout: QVBoxLayout) -> None:
        """Add what the kind shows below its form."""

    def defaults(self) -> dict[str, Any]:
        return {}

    def shown(self) -> None:
        """Once the record's values are in the form."""

    def extra_args(self) -> tuple[Any, ...]:
        """What the kind saves besides the form's values (its links)."""
        return ()

    def typed_day(self) -> dt.date:
        """The day the record is about, as typed (today while it is not a date yet)."""
        try:
            return parse_date(self.form.values()["held_on"])
        except FieldError:
            return dt.date.today()

    def save(self) -> None:
        self.write(type(self).SAVE, self.form.values(), self.record, *self.extra_args(),
                   refused=lambda exc: self._refused(self.form, self.FIELDS, exc))


# -- the people of the network -------------------------------------------------------------------

_TRAINING_COLUMNS = (
    Column("培训日期", "held_on", sample="2026-11-23"),
    Column("培训主题", "topic", sample="儿童关爱保护政策与强制报告制度"),
    Column("学时", lambda r: format_hours(r["hours"]), sample="12.5"),
    Column("主办单位", "organiser", sample="顺城区民政局"),
)


class StaffDialog(LedgerDialog):
    """A person of the network; an existing one shows the training sessions they attended."""

    ENTITY = "staff"
    FIELDS = ("name", "role", "village_id", "phone", "entered_on", "status", "exited_on", "exit_reason", "notes")
    TITLES = ("新增工作人员", "工作人员")
    SAVE = staticmethod(network.save_staff)

    def build(self, layout: QVBoxLayout) -> None:
        if self.record is None:
            return
        trainings = network.staff_trainings(self.session.database, self.record["id"])
        layout.addWidget(QLabel(f"<b>培训记录</b>（共 {len(trainings)} 次，"
                                f"{format_hours(sum(t['hours'] for t in trainings))} 学时）"))
        self.trainings = table_of(_TRAINING_COLUMNS, trainings)
        layout.addWidget(self.trainings)

    def defaults(self) -> dict[str, Any]:
        # In post from today unless the worker types the day of the appointment.
        return {"role": "child_director", "status": "active", "entered_on": dt.date.today().isoformat()}


class TrainingDialog(LedgerDialog):
    """A training session and its attendance: everyone in post on the day, ticked if they came."""

    ENTITY = "training"
    FIELDS = ("held_on", "topic", "hours", "organiser", "place", "roles", "notes")
    TITLES = ("登记培训", "培训")
    SAVE = staticmethod(network.save_training)

    def build(self, layout: QVBoxLayout) -> None:
        self.attendance = CheckList()
        self.attendance.setMinimumHeight(160)
        self.count = QLabel()
        self.attendance.changed.connect(self._count)
        everyone = QPushButton("全部签到")
        nobody = QPushButton("全部取消")
        for button, on in ((everyone, True), (nobody, False)):
            button.setAutoDefault(False)
            button.setEnabled(self.writer)
            button.clicked.connect(lambda _c=False, state=on: self.attendance.tick_all(state))
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>签到</b>（培训当天在岗的人员，勾选参加培训的）"))
        bar.addStretch(1)
        bar.addWidget(self.count)
        bar.addWidget(everyone)
        bar.addWidget(nobody)
        layout.addLayout(bar)
        layout.addWidget(self.attendance, 1)
        self.form.edited.connect(lambda name: self._offer() if name == "held_on" else None)

    def defaults(self) -> dict[str, Any]:
        return {"held_on": dt.date.today().isoformat(), "roles": ["child_director", "child_supervisor"]}

    def shown(self) -> None:
        came = network.attendee_ids(self.session.database, self.record["id"]) if self.record else []
        self._offer(came)
        if not self.writer:
            self.attendance.set_read_only()

    def _offer(self, ticked: list[str] | None = None) -> None:
        """Who was in post on the session's day."""
        ticked = ticked if ticked is not None else self.attendance.ticked()
        self.attendance.set_people(staff_choices(self.session.database, self.typed_day(), ticked), ticked)

    def _count(self) -> None:
        self.count.setText(f"已签到 {len(self.attendance.ticked())} 人")

    def extra_args(self) -> tuple[Any, ...]:
        return (self.attendance.ticked(),)


# -- volunteers ----------------------------------------------------------------------------------

_SERVICE_COLUMNS = (
    Column("日期", "held_on", sample="2026-11-23"),
    Column("活动", "title", sample="入户为独居老人理发、打扫卫生"),
    Column("服务时长（小时）", lambda r: format_hours(r["hours"]), sample="12.5"),
)


class VolunteerDialog(LedgerDialog):
    """A volunteer; an existing one shows their service, the hours of each year, and prints the
    志愿服务证明 of the year chosen."""

    ENTITY = "volunteer"
    FIELDS = ("name", "gender", "id_number", "phone", "village_id", "organisation", "skills", "entered_on", "status",
              "exited_on", "exit_reason", "notes")
    TITLES = ("登记志愿者", "志愿者")
    SAVE = staticmethod(activities.save_volunteer)

    def build(self, layout: QVBoxLayout) -> None:
        if self.record is None:
            return
        database = self.session.database
        by_year = activities.hours_by_year(database, self.record["id"])
        totals = "；".join(f"{year}年 {format_hours(tenths)} 小时" for year, tenths in sorted(by_year.items(), reverse=True))
        layout.addWidget(QLabel(f"<b>志愿服务记录</b>　{totals or '尚无服务记录'}"))
        layout.addWidget(table_of(_SERVICE_COLUMNS, list(reversed(activities.services(database, self.record["id"])))))
        self.year = QComboBox()
        this_year = dt.date.today().year
        for year in sorted(set(by_year) | {this_year}, reverse=True):
            self.year.addItem(f"{year}年", year)
        self.certificate_button = QPushButton(qta.icon("fa6s.award"), "打印志愿服务证明")
        self.certificate_button.setAutoDefault(False)
        self.certificate_button.clicked.connect(self.print_certificate)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.year)
        bar.addWidget(self.certificate_button)
        layout.addLayout(bar)

    def defaults(self) -> dict[str, Any]:
        return {"status": "active", "entered_on": dt.date.today().isoformat()}

    def print_certificate(self) -> None:
        assert self.record is not None
        year = self.year.currentData()
        print_and_open(self, self.session, "正在生成志愿服务证明", ledger_jobs.volunteer_certificate,
                       self.record["id"], year,
                       paths.print_path(self.session.data_dir, f"志愿服务证明-{self.record['name']}-{year}"))


def open_ledger_record(session: Session, kind: type[LedgerDialog], record_id: str | None,
                       parent: QWidget | None = None,
                       on_saved: Callable[[dict[str, Any]], None] | None = None) -> LedgerDialog:
    """Show the editor of `kind` for the record (a new one when `record_id` is None)."""
    record = session.store.get(kind.ENTITY, record_id) if record_id else None
    return present_editor(kind(session, record, parent), on_saved)
