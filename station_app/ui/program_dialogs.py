"""What the visiting programs' editors (children, the elderly) share: the dialog frame with
保存/取消 and Ctrl+Enter, read-only forms for a viewer, the person picker for a new profile, the
one-line person summary, and the visit dialog that proposes the next-due date from the county's
rule as the worker types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import qtawesome as qta
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from station_app.core.entities import entity
from station_app.core.errors import KnownError, StaleRecordError, ValidationError
from station_app.core.fields import FieldError, parse_date
from station_app.store import people
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore
from station_app.ui.dialogs import present
from station_app.ui.fieldform import ERROR_STYLE, FieldForm
from station_app.ui.models import age
from station_app.ui.operations import run_write, show_error
from station_app.ui.person_picker import PersonPicker
from station_app.ui.screen_fit import FitScroll
from station_app.ui.session import Session

def person_summary(database: StationDatabase, person_id: str) -> str:
    """One line about the person: name, gender, age, village, address, phone."""
    row = people.person_rows(database, [person_id])[person_id]
    gender = entity("person").field("gender").choice_label(row["gender"])
    parts = [f"<b>{row['name']}</b>", gender, f"{age(row['birth_date'])}岁", row.get("village_name"),
             row.get("address"), row.get("phone")]
    return "　".join(str(p) for p in parts if p)


def present_editor(dialog: RecordDialog, on_saved: Callable[[dict[str, Any]], None] | None = None) -> RecordDialog:
    """Show an editor; `on_saved(record)` once it saved."""
    return present(dialog, (lambda d: on_saved(d.saved)) if on_saved is not None else None)


class RecordDialog(QDialog):
    """保存/取消 (关闭 for a viewer); Ctrl+Enter saves from anywhere. A save runs off the UI thread
    (`write`); the dialog closes with `saved` set once it is stored, or stays open with the reason."""

    session: Session
    saved: dict[str, Any] | None = None

    def _buttons(self, writer: bool, saves: bool = True) -> QHBoxLayout:
        """保存 and 取消; a dialog that saves in steps of its own (`saves` False) has 关闭 only."""
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setIcon(qta.icon("fa6s.floppy-disk"))
        self.save_button.setDefault(True)
        self.save_button.setVisible(writer and saves)
        self.save_button.setToolTip("保存（Ctrl+Enter）")
        cancel = self.buttons.addButton("取消" if writer and saves else "关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save_button.click)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("" if writer else "您的账号是只读权限，只能查看。"), 1)
        bottom.addWidget(self.buttons)
        return bottom

    def save(self) -> None:
        raise NotImplementedError

    def write(self, write: Callable[..., dict[str, Any]], *args: Any, refused: Callable[[KnownError], None]) -> None:
        """Run `write(store, *args)` in a worker; accept with what it stored, or `refused(error)`."""
        run_write(self, self.session, write, *args, busy=self.save_button, on_done=self._stored, on_refused=refused)

    def _stored(self, record: dict[str, Any]) -> None:
        self.saved = record
        self.accept()

    def _person_section(self, layout: QVBoxLayout, session: Session, person_id: str | None,
                        picker: Callable[[Session], PersonPicker], who: str) -> None:
        """For a new profile, the picker to find the registered person (`who`: 儿童, 老年人);
        for an existing one, the person's summary line. Sets `picker`, `person_id`."""
        self.picker: PersonPicker | None = None
        if person_id is None:
            self.picker = picker(session)
            self.person_error = QLabel()
            self.person_error.setStyleSheet(ERROR_STYLE)
            self.person_error.hide()
            layout.addWidget(QLabel(f"{who}（须先在“人员档案”中登记）<span style='color:#c62828'>*</span>"))
            layout.addWidget(self.picker)
            layout.addWidget(self.person_error)
        else:
            layout.addWidget(QLabel(person_summary(session.database, person_id)))
        self.person_id = person_id

    def _take_person(self, values: dict[str, Any], who: str) -> bool:
        """For a new profile, put the chosen person into `values`; False (and say so) if none is."""
        if self.picker is None:
            return True
        chosen = self.picker.person_id
        if chosen is None:
            self.person_error.setText(f"请先查找并选中一位已登记的{who}")
            self.person_error.show()
            return False
        values["person_id"] = chosen
        return True

    def _person_refused(self, exc: KnownError) -> dict[str, str]:
        """The store's field errors, the person's shown under the picker."""
        errors = exc.errors if isinstance(exc, ValidationError) else {}
        if self.picker is not None and "person_id" in errors:
            self.person_error.setText(errors["person_id"])
            self.person_error.show()
        return errors

    @staticmethod
    def _read_only(form: FieldForm, names: Sequence[str]) -> None:
        for name in names:
            editor = form.editor(name)
            if isinstance(editor, QLineEdit | QPlainTextEdit):
                editor.setReadOnly(True)
            else:
                editor.setEnabled(False)
        form.setStyleSheet("QComboBox:disabled, QCheckBox:disabled { color: palette(text); }")

    def _refused(self, form: FieldForm, shown: Sequence[str], exc: KnownError) -> None:
        """Show why the store said no: at the form's fields (the dialog shows the other names in
        `shown` itself), and in a message for anything no field shows."""
        if isinstance(exc, ValidationError):
            form.show_errors(exc.errors)
            rest = [message for name, message in exc.errors.items() if name not in shown]
            if rest:
                QMessageBox.warning(self, "请检查填写的内容", "；".join(rest))
        elif isinstance(exc, StaleRecordError):
            QMessageBox.warning(self, "记录已被别人修改", exc.message)
        else:
            show_error(self, exc)


class VisitDialogBase(RecordDialog):
    """Record (record None) or correct a visit to `person_id`. A program says which fields it
    asks, what the profile line shows, what its rule proposes, and the store call that saves it."""

    FIELDS: ClassVar[tuple[str, ...]] = ()
    DUE_INPUTS: ClassVar[tuple[str, ...]] = ("visit_date", "next_due")  # fields the proposal reads
    DEFAULTS: ClassVar[dict[str, Any]] = {}
    LEFT_OUT: ClassVar[dict[str, tuple[str, ...]]] = {}  # choices of the other program only
    TITLES: ClassVar[tuple[str, str]] = ("登记走访", "修改走访记录")

    def __init__(self, session: Session, person_id: str, record: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.person_id = person_id
        self.record = record
        self._due_typed = record is not None  # a stored date is the worker's: never replaced unasked
        writer = session.actor.can_write
        self.form = FieldForm("visit", self.FIELDS, columns=2)
        for name, codes in self.LEFT_OUT.items():
            combo = self.form.editor(name)
            assert isinstance(combo, QComboBox)
            for code in codes:
                combo.removeItem(combo.findData(code))
        self.due_hint = QLabel()
        self.due_hint.setStyleSheet("color: #555555;")
        self.due_hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(person_summary(session.database, person_id)))
        layout.addWidget(QLabel(self.profile_line()))
        layout.addWidget(FitScroll(self.form))
        layout.addWidget(self.due_hint)
        layout.addLayout(self._buttons(writer))
        self.form.set_values(dict(record or {"visit_date": dt.date.today().isoformat(),
                                             "visitor": session.actor.display_name, **self.DEFAULTS}))
        self.form.edited.connect(self._edited)
        if not writer:
            self._read_only(self.form, self.FIELDS)
        self._propose_due()
        self.setWindowTitle(self.TITLES[1] if record else self.TITLES[0])
        self.resize(max(self.sizeHint().width(), 900), self.sizeHint().height())
        self.form.editor("visit_date").setFocus()

    def profile_line(self) -> str:
        raise NotImplementedError

    def proposal(self, values: dict[str, Any], day: dt.date) -> tuple[dt.date, str]:
        """(the next-due date the rule gives for what is typed, the hint that explains it)"""
        raise NotImplementedError

    @staticmethod
    def store_visit(store: RecordStore, values: dict[str, Any], record: dict[str, Any] | None) -> dict[str, Any]:
        """The program's write: the visit as stored (runs in a worker)."""
        raise NotImplementedError

    def _edited(self, name: str) -> None:
        if name == "next_due":
            self._due_typed = bool(self.form.values()["next_due"].strip())
        if name in self.DUE_INPUTS:
            self._propose_due()

    def _propose_due(self) -> None:
        """The rule's next-due date for what is typed so far, filled in unless the worker chose one."""
        values = self.form.values()
        try:
            day = parse_date(values["visit_date"])
        except FieldError:
            self.due_hint.setText("")
            return
        proposed, hint = self.proposal(values, day)
        self.due_hint.setText(hint)
        if not self._due_typed:
            editor = self.form.editor("next_due")
            assert isinstance(editor, QLineEdit)
            editor.setText(proposed.isoformat())

    def save(self) -> None:
        values = {**self.form.values(), "person_id": self.person_id}
        self.write(self.store_visit, values, self.record, refused=lambda exc: self._refused(self.form, self.FIELDS, exc))
