"""移出在册名单: why and on which day a person leaves a roll (the day defaults to today).

The day is a business date the monthly figures count by, so it is asked for, not assumed: a worker
often records a departure days after it happened. The store checks both (a reason is required, the
day is not later than today nor before the person came onto the roll) and its messages are shown
at the field; the dialog stays open until the save succeeds or the worker cancels. The save runs off the UI
thread and is announced on the session's change signal like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from station_app.core.errors import KnownError, ValidationError
from station_app.store.records import RecordStore
from station_app.ui.fieldform import ERROR_STYLE
from station_app.ui.operations import run_write
from station_app.ui.plain_form import ok_cancel
from station_app.ui.session import Session

Leave = Callable[[RecordStore, str, str], Any]  # (store, reason, day as typed) -> the saved record


class LeaveRollDialog(QDialog):
    def __init__(self, session: Session, name: str, reasons: Sequence[str], leave: Leave,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("移出在册名单")
        self._session, self._leave = session, leave
        self.saved: Any = None
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(list(reasons))
        self.day = QLineEdit(dt.date.today().isoformat())
        self.day.setPlaceholderText("如 2024-03-05")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = ok_cancel(self, "移出", self.accept)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout(self)
        form.addRow(QLabel(f"{name}：档案保留，可随时查询"))
        form.addRow("退出原因", self.reason)
        form.addRow("退出日期", self.day)
        form.addRow(self.error)
        form.addRow(buttons)

    def accept(self) -> None:
        self.error.hide()
        run_write(self, self._session, self._leave, self.reason.currentText(), self.day.text(), busy=self.ok_button,
                  on_done=self._saved, on_refused=self._refused)

    def _saved(self, record: Any) -> None:
        self.saved = record
        super().accept()

    def _refused(self, exc: KnownError) -> None:
        self.error.setText("；".join(exc.errors.values()) if isinstance(exc, ValidationError) else exc.message)
        self.error.show()
