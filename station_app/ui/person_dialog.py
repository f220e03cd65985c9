"""Adding and editing a person, the way a worker at the counter fills it in.

A complete ID number fills in gender and birth date at once, and if that number is already
registered the dialog says so at the field and offers to open the existing person instead: a
person is one record across all programs, never one per program. The household list follows
the chosen village. Enter saves, Esc cancels; every problem is shown at its field in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import qtawesome as qta
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.core import idnumber
from station_app.core.errors import DuplicatePersonError, KnownError, StaleRecordError, ValidationError
from station_app.store import access_log, people
from station_app.store.records import RecordStore
from station_app.ui.dialogs import present
from station_app.ui.fieldform import FieldForm
from station_app.ui.history import history_table
from station_app.ui.operations import run_write, show_error
from station_app.ui.record_panels import StatusPanel
from station_app.ui.screen_fit import FitScroll
from station_app.ui.session import Session

# Reading order, two per row: what a worker copies off an ID card first.
FIELDS = ("name", "id_number", "gender", "birth_date", "ethnicity", "phone", "village_id", "household_id",
          "relation_to_head", "health", "address", "hukou_address", "disability", "notes")


def household_label(household: dict[str, Any]) -> str:
    address = household.get("address")
    return f"{household['head_name']}家（{address}）" if address else f"{household['head_name']}家"


class PersonDialog(QDialog):
    """Add (person_id None) or edit a person; accepted once saved (`saved_id`). Finished with
    `OPEN_EXISTING`, the worker chose to open the already registered `existing_id` instead."""

    OPEN_EXISTING = 2

    def __init__(self, session: Session, person_id: str | None = None, parent: QWidget | None = None, *,
                 village_id: str | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.person_id = person_id
        self.saved_id: str | None = None
        self.existing_id: str | None = None
        self._record: dict[str, Any] | None = session.store.get("person", person_id) if person_id else None
        if self._record is not None:
            access_log.viewed(session.database, session.actor, "person", self._record)  # a child's details
        self._villages = {v["id"]: v["name"] for v in people.villages(session.database)}
        writer = session.actor.can_write

        self.form = FieldForm("person", FIELDS, columns=2)
        self.form.set_ref_choices("village_id", self._villages.items())
        self.form.edited.connect(self._edited)
        self.duplicate_bar, self.duplicate_label, self.open_existing_button = self._make_duplicate_bar()

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.form)
        details_layout.addWidget(self.duplicate_bar)
        details_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(FitScroll(details), "基本信息")
        if person_id:
            self.tabs.addTab(StatusPanel(session, person_id=person_id), "救助保障身份")
            self.tabs.addTab(history_table(session, "person", person_id), "修改记录")

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setIcon(qta.icon("fa6s.floppy-disk"))
        self.save_button.setDefault(True)
        self.save_button.setVisible(writer)
        cancel = self.buttons.addButton("取消" if writer else "关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        note = QLabel("" if writer else "您的账号是只读权限，只能查看。")

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        bottom = QHBoxLayout()
        bottom.addWidget(note, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        name = self._record["name"] if self._record else ""
        self.setWindowTitle(f"人员信息 — {name}" if self._record else "新增人员")
        self._load(village_id)
        if not writer:
            self._read_only()
        self.resize(max(self.sizeHint().width(), 820), self.sizeHint().height())
        self.form.editor("name").setFocus()

    def _make_duplicate_bar(self) -> tuple[QFrame, QLabel, QPushButton]:
        bar = QFrame()
        bar.setStyleSheet("QFrame { background: #fff4e5; border-radius: 4px; }")
        icon = QLabel()
        icon.setPixmap(qta.icon("fa6s.triangle-exclamation", color="#e65100").pixmap(20, 20))
        label = QLabel()
        label.setWordWrap(True)
        button = QPushButton(qta.icon("fa6s.arrow-up-right-from-square"), "打开已登记的人员")
        button.setAutoDefault(False)  # Enter still means save, not this
        button.clicked.connect(self._open_existing)
        row = QHBoxLayout(bar)
        row.addWidget(icon)
        row.addWidget(label, 1)
        row.addWidget(button)
        bar.hide()
        return bar, label, button

    def _load(self, village_id: str | None) -> None:
        record = dict(self._record or {"village_id": village_id})
        self._fill_households(record.get("village_id"))
        self.form.set_values(record)
        if self._record and not self.session.actor.can_see_full_id:
            self._id_editor().setText(idnumber.mask(self._record["id_number"]))

    def _read_only(self) -> None:
        """Text stays black and selectable (greyed-out text is hard to read); lists are locked."""
        for name in FIELDS:
            editor = self.form.editor(name)
            if isinstance(editor, QLineEdit | QPlainTextEdit):
                editor.setReadOnly(True)
            else:
                editor.setEnabled(False)
        self.form.setStyleSheet("QComboBox:disabled, QCheckBox:disabled { color: palette(text); }")

    # -- reacting to what is typed ---------------------------------------------------------------

    def _id_editor(self) -> QLineEdit:
        editor = self.form.editor("id_number")
        assert isinstance(editor, QLineEdit)
        return editor

    def _edited(self, name: str) -> None:
        if name == "id_number":
            self._check_id_number()
        elif name == "village_id":
            self._fill_households(self.form.values()["village_id"])

    def _fill_households(self, village_id: str | None) -> None:
        households = people.households_in(self.session.database, village_id) if village_id else []
        self.form.set_ref_choices("household_id", [(h["id"], household_label(h)) for h in households],
                                  searchable=True)

    def _check_id_number(self) -> None:
        """A complete number: check it, fill in what it encodes, and look for the same person."""
        self._show_duplicate(None, "")
        number = idnumber.normalize(self._id_editor().text())
        if len(number) < 18:
            return
        try:
            info = idnumber.parse(number)
        except idnumber.InvalidIdNumber as exc:
            self._mark("id_number", str(exc))
            return
        gender = self.form.editor("gender")
        assert isinstance(gender, QComboBox)
        gender.setCurrentIndex(gender.findData(info.gender))
        birth = self.form.editor("birth_date")
        assert isinstance(birth, QLineEdit)
        birth.setText(info.birth_date.isoformat())
        existing = people.find_by_id_number(self.session.database, info.number)
        if existing is not None and existing["id"] != self.person_id:
            village = self._villages.get(existing["village_id"], "")
            where = f"（{village}，{existing['birth_date']} 出生）" if village else f"（{existing['birth_date']} 出生）"
            self._show_duplicate(existing["id"], f"这个身份证号已经登记为「{existing['name']}」{where}。"
                                                 "一个人只登记一次：请打开已登记的人员，在那里补充或修改。")

    def _show_duplicate(self, existing_id: str | None, message: str) -> None:
        self.existing_id = existing_id
        self.duplicate_label.setText(message)
        self.duplicate_bar.setVisible(existing_id is not None)
        if existing_id is not None:
            self._mark("id_number", "该身份证号已登记，请勿重复登记")

    def _mark(self, name: str, message: str) -> None:
        """Show one field's message, keep the others', and leave the cursor where it was."""
        focused = QApplication.focusWidget()
        errors = {n: self.form.error_text(n) for n in FIELDS}
        errors[name] = message
        self.form.show_errors(errors)
        if focused is not None:
            focused.setFocus()

    def _open_existing(self) -> None:
        if self.existing_id is not None:
            self.done(self.OPEN_EXISTING)

    # -- saving ----------------------------------------------------------------------------------

    def save(self) -> None:
        """Write through the store off the UI thread; on any refusal keep the dialog open with the
        reason shown."""
        values = self.form.values()
        write = (partial(RecordStore.create, entity_name="person", data=values) if self._record is None else
                 partial(RecordStore.update, entity_name="person", record_id=self._record["id"], changes=values,
                         base_rev=self._record["rev"]))
        run_write(self, self.session, write, busy=self.save_button, on_done=self._saved, on_refused=self._refused)

    def _saved(self, record: dict[str, Any]) -> None:
        self.saved_id = record["id"]
        self.accept()

    def _refused(self, exc: KnownError) -> None:
        if isinstance(exc, ValidationError):
            self.tabs.setCurrentIndex(0)
            if not self.form.show_errors(exc.errors) or set(exc.errors) - set(FIELDS):
                QMessageBox.warning(self, "请检查填写的内容", exc.message)
        elif isinstance(exc, DuplicatePersonError):
            self._show_duplicate(exc.existing_id, exc.message)
        elif isinstance(exc, StaleRecordError):
            QMessageBox.warning(self, "记录已被别人修改", exc.message)
        else:
            show_error(self, exc)


def open_person(session: Session, person_id: str | None, parent: QWidget | None = None, *,
                village_id: str | None = None, on_saved: Callable[[str], None] | None = None) -> PersonDialog:
    """Show the person dialog (a new person when `person_id` is None); `on_saved(person_id)` once
    saved. Choosing to open the person already registered with that ID number opens them instead."""
    def finished(dialog: PersonDialog, result: int) -> None:
        if result == PersonDialog.OPEN_EXISTING and dialog.existing_id is not None:
            open_person(session, dialog.existing_id, parent, on_saved=on_saved)
        elif result == PersonDialog.DialogCode.Accepted and on_saved is not None:
            on_saved(dialog.saved_id)

    return present(PersonDialog(session, person_id, parent, village_id=village_id), on_finished=finished)

