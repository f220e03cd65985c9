"""Helpers for UI tests: waiting for a list's query, reading what a list shows, and driving the
dialogs the app opens (without blocking: QDialog.open) as a person would."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox

from station_app.ui.models import ColumnTableModel, QueryTableModel

D = TypeVar("D", bound=QDialog)


def wait_for_list(qtbot, model: QueryTableModel) -> None:
    """Let the list's query (run in a worker thread) answer and be shown."""
    qtbot.waitUntil(lambda: not model.busy, timeout=10000)


def column_texts(model: ColumnTableModel, header: str) -> list[str]:
    """What the list shows in the column titled `header`, top to bottom."""
    column = [c.header for c in model.columns].index(header)
    return [model.index(row, column).data() or "" for row in range(model.rowCount())]


def _on_screen(kind: type[D]) -> list[D]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def shown(kind: type[D]) -> D:
    """The dialog of `kind` on screen now (exactly one)."""
    found = _on_screen(kind)
    assert len(found) == 1, f"{kind.__name__} on screen: {len(found)}"
    return found[0]


def wait_shown(qtbot, kind: type[D]) -> D:
    """The dialog of `kind` once it is on screen (opened when a worker's job has answered)."""
    qtbot.waitUntil(lambda: bool(_on_screen(kind)), timeout=10000)
    return shown(kind)


def press_and_wait(qtbot, dialog: QDialog, button: QAbstractButton | None = None) -> None:
    """Press the dialog's save button (or `button`) and wait until its write, run in a worker, is
    stored and the dialog accepted."""
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.mouseClick(button or dialog.save_button, Qt.MouseButton.LeftButton)


def press_refused(qtbot, dialog: QDialog, button: QAbstractButton | None = None) -> None:
    """Press the save button (or `button`) and wait for the write's answer when it is a refusal:
    the button comes back, the dialog is not accepted."""
    button = button or dialog.save_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(button.isEnabled, timeout=10000)
    assert dialog.result() != QDialog.DialogCode.Accepted


def when_modal(cls: type[D], action: Callable[[D], object]) -> None:
    """Run `action(dialog)` once a modal `cls` is up (exec() blocks the test until it closes)."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, cls):
            action(dialog)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)


def answer(qtbot, choice: str) -> str:
    """Press `choice` in the question on screen (ui.dialogs.ask); what the question said."""
    box = wait_shown(qtbot, QMessageBox)
    text = box.text()
    button = next(b for b in box.buttons() if b.text() == choice)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not _on_screen(QMessageBox), timeout=10000)
    return text


def no_question() -> bool:
    """No question (QMessageBox) is on screen."""
    return not _on_screen(QMessageBox)
