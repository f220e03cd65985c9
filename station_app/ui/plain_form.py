"""Small forms that are not records (passwords, user accounts), with errors at each field.

`FieldForm` builds editors from entity declarations; these forms have no entity, but a person
should meet the same behaviour: a red message right under the field that needs fixing, cleared
as soon as they type there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.core.errors import ValidationError
from station_app.ui.changes import Changes
from station_app.ui.fieldform import ERROR_STYLE
from station_app.ui.operations import Job, run_job, show_error
from station_app.ui.screen_fit import grow


def wrapped_label(text: str = "") -> QLabel:
    """Text that wraps to the window's width (an introduction, what a check found)."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def note_label(text: str) -> QLabel:
    """Guidance in grey beside or under a form, wrapped to the form's width."""
    note = wrapped_label(text)
    note.setStyleSheet("color: #555555;")
    return note


class PlainForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(1, 1)
        self._editors: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}

    def add_line(self, name: str, label: str, *, password: bool = False, placeholder: str = "",
                 max_length: int = 60) -> QLineEdit:
        editor = QLineEdit()
        editor.setMaxLength(max_length)
        editor.setPlaceholderText(placeholder)
        if password:
            editor.setEchoMode(QLineEdit.EchoMode.Password)
        editor.textEdited.connect(lambda _t: self._set_error(name, ""))
        self._add(name, label, editor)
        return editor

    def add_choice(self, name: str, label: str, choices: Sequence[tuple[str, str]]) -> QComboBox:
        editor = QComboBox()
        for code, text in choices:
            editor.addItem(text, code)
        editor.currentIndexChanged.connect(lambda _i: self._set_error(name, ""))
        self._add(name, label, editor)
        return editor

    def add_note(self, text: str) -> QLabel:
        """A line of guidance under the fields (e.g. the password rules)."""
        note = note_label(text)
        self._grid.addWidget(note, self._grid.rowCount(), 1)
        return note

    def _add(self, name: str, label: str, editor: QWidget) -> None:
        row = self._grid.rowCount()
        caption = QLabel(label)
        caption.setBuddy(editor)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        editor.setObjectName(name)
        self._grid.addWidget(caption, row, 0)
        self._grid.addWidget(editor, row, 1)
        self._grid.addWidget(error, row + 1, 1)
        self._editors[name] = editor
        self._errors[name] = error

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def values(self) -> dict[str, Any]:
        return {name: e.currentData() if isinstance(e, QComboBox) else e.text()  # type: ignore[attr-defined]
                for name, e in self._editors.items()}

    def show_errors(self, errors: dict[str, str]) -> bool:
        """Show each message at its field and focus the first; False if none was for this form."""
        first = None
        for name in self._editors:
            self._set_error(name, errors.get(name, ""))
            if errors.get(name) and first is None:
                first = self._editors[name]
        grow(self)  # the messages take room: the window grows rather than squeeze the fields
        if first is not None:
            first.setFocus()
        return first is not None

    def error_text(self, name: str) -> str:
        label = self._errors[name]
        return "" if label.isHidden() else label.text()

    def _set_error(self, name: str, message: str) -> None:
        self._errors[name].setText(message)
        self._errors[name].setVisible(bool(message))
        editor = self._editors[name]
        if isinstance(editor, QLineEdit):
            editor.setStyleSheet("border: 1px solid #c62828;" if message else "")


class FormDialog(QDialog):
    """A PlainForm with 确定/取消 whose 确定 runs a store call off the UI thread (password hashing
    takes ~0.1 s). Its ValidationError comes back to the fields; the dialog closes on success only.
    What the call wrote is announced on `changes` (the session's), when given."""

    def __init__(self, title: str, db_path: Path | None, parent: QWidget | None = None, intro: str = "",
                 changes: Changes | None = None) -> None:
        super().__init__(parent)
        self._db_path, self._changes = db_path, changes
        self.answer: Any = None  # what the job returned, once accepted
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # callers read `answer` when it is accepted
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.form = PlainForm()
        layout.addWidget(self.form)
        self.ok_button = button("确定", self.submit, default=True)
        layout.addLayout(button_row(self, self.ok_button))

    def submit(self) -> None:
        raise NotImplementedError

    def passwords_match(self, password: str, confirm: str) -> bool:
        values = self.form.values()
        if values[password] != values[confirm]:
            self.form.show_errors({confirm: "两次输入的密码不一致"})
            return False
        return True

    def run(self, title: str, job: Job, *args: Any) -> None:
        """Run `job(database, state, *args)` in a worker (`job(state, *args)` without a db_path);
        keep its answer and accept when it succeeds."""
        self.ok_button.setEnabled(False)
        run_job(self, title, job, *args, db_path=self._db_path, changes=self._changes, show_progress=False,
                on_done=self._succeeded, on_error=self._failed)

    def _succeeded(self, answer: Any) -> None:
        self.answer = answer
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError) and self.form.show_errors(exc.errors):
            return
        show_error(self, exc)


def button(text: str, on_click: Callable[[], object], *, default: bool = False) -> QPushButton:
    pushed = QPushButton(text)
    pushed.setDefault(default)
    pushed.clicked.connect(on_click)
    return pushed


def button_row(dialog: QDialog, *buttons: QPushButton) -> QHBoxLayout:
    """`buttons` at the right of a row, then 取消, which rejects `dialog`."""
    row = QHBoxLayout()
    row.addStretch(1)
    for pushed in (*buttons, button("取消", dialog.reject)):
        row.addWidget(pushed)
    return row


def ok_cancel(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """The dialog's two buttons in Chinese: `ok_text` runs `on_ok` (which accepts when it may), 取消 rejects."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons
