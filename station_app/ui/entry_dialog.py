"""A short form written through the store in one go: the relief actions, the fund's entries, and
the records listed in panels (statuses, means checks, expenses) share it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QLabel, QMessageBox, QVBoxLayout, QWidget

from station_app.core.errors import KnownError, ValidationError
from station_app.store.records import RecordStore
from station_app.ui.fieldform import FieldForm
from station_app.ui.operations import run_write, show_error
from station_app.ui.session import Session


class EntryDialog(QDialog):
    """A short form written through the store in one go, off the UI thread: a hint, the fields,
    confirm and back. Every refusal is shown at its field (or, if it is about no field here, in a
    message); the dialog closes once the write is stored."""

    session: Session

    def __init__(self, entity_name: str, names: tuple[str, ...], title: str, hint: str, ok_text: str,
                 parent: QWidget | None = None, choices: dict[str, list[tuple[str, str]]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.names = names
        self.form = FieldForm(entity_name, names, columns=2 if len(names) > 6 else 1, choices=choices)
        label = QLabel(hint)
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("返回")
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.form)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        layout.addWidget(buttons)
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())
        self.form.editor(names[0]).setFocus()

    def write(self, values: dict[str, Any]) -> Callable[[RecordStore], Any]:
        """The store call that writes `values` (a partial of plain data: it runs in a worker)."""
        raise NotImplementedError

    def confirm(self) -> None:
        run_write(self, self.session, self.write(self.form.values()), busy=self.ok_button,
                  on_done=lambda _stored: self.accept(), on_refused=self._refused)

    def _refused(self, exc: KnownError) -> None:
        if not isinstance(exc, ValidationError):  # e.g. someone else worked the case meanwhile
            show_error(self, exc)
        elif not self.form.show_errors(exc.errors) or set(exc.errors) - set(self.names):
            QMessageBox.warning(self, "请检查填写的内容", exc.message)
