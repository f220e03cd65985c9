"""Showing a dialog without a nested event loop: the one way the app opens its dialogs.

`present` shows a dialog window-modal with `QDialog.open()`, sized to fit the screen
(ui.screen_fit), and returns at once; what happens
after (refreshing is the change signal's job) runs when the dialog is answered. The caller never
blocks in `exec()`, so a test drives a dialog as a person would — find it on screen, fill it in,
press its button — with nothing patched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from station_app.ui.screen_fit import fit

D = TypeVar("D", bound=QDialog)


class _Answer(QObject):
    """Calls back when its dialog is answered, once, then lets go of the callbacks: a callback may
    hold the last reference to the dialog's parent, which must not be deleted from inside the
    deletion of its own child. A child of the dialog, so it goes with it."""

    def __init__(self, dialog: QDialog, on_accepted: Callable[[QDialog], None] | None,
                 on_finished: Callable[[QDialog, int], None] | None) -> None:
        super().__init__(dialog)
        self._dialog: QDialog | None = dialog
        self._on_accepted, self._on_finished = on_accepted, on_finished
        dialog.finished.connect(self.finished)

    @Slot(int)
    def finished(self, result: int) -> None:
        dialog, on_accepted, on_finished = self._dialog, self._on_accepted, self._on_finished
        self._dialog = self._on_accepted = self._on_finished = None
        if on_accepted is not None and result == QDialog.DialogCode.Accepted:
            on_accepted(dialog)
        if on_finished is not None:
            on_finished(dialog, result)


def present(dialog: D, on_accepted: Callable[[D], None] | None = None, *,
            on_finished: Callable[[D, int], None] | None = None) -> D:
    """Show `dialog`; `on_accepted(dialog)` runs when it is accepted, `on_finished(dialog, result)`
    whatever the answer. The dialog deletes itself once closed, so they read what they need from
    it then."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_accepted is not None or on_finished is not None:
        _Answer(dialog, on_accepted, on_finished)  # type: ignore[arg-type]
    fit(dialog)  # never larger than the screen it opens on, however large it would like to be
    dialog.open()
    return dialog


def ask(parent: QWidget, title: str, text: str, yes: str, on_yes: Callable[[], None], *, no: str = "返回") -> QMessageBox:
    """A question before something that cannot be undone, shown by `present`: `yes` (the default,
    so Enter confirms) runs `on_yes()`; `no` or Esc goes back and does nothing."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.setEscapeButton(box.addButton(no, QMessageBox.ButtonRole.RejectRole))
    box.setDefaultButton(confirm)

    def answered(dialog: QMessageBox, _result: int) -> None:
        if dialog.clickedButton() is confirm:
            on_yes()

    return present(box, on_finished=answered)
