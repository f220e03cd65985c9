"""Finding the registered person a new profile or relief application is for.

The picker searches as the worker types, by what finds people on the people list (name, pinyin
initials, ID number), and lists the best matches under the box; a single match is chosen at once,
Enter or ↓ goes to the list. A program's picker offers only people whose age fits it and marks
those already on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QLineEdit, QVBoxLayout, QWidget

from station_app.core.idnumber import mask
from station_app.store import people
from station_app.ui.fieldform import ERROR_STYLE
from station_app.ui.models import age
from station_app.ui.session import Session

PICK_LIMIT = 30
NOT_FOUND = "人员档案中没有找到，请先在“人员档案”中登记"


class PersonPicker(QWidget):
    """`chosen` fires when the selected person changes; `person_id` is None until one is."""

    chosen = Signal()

    def __init__(self, session: Session, placeholder: str, *, fits: Callable[[int], bool] | None = None,
                 mark: Callable[[dict[str, Any]], str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._fits, self._mark = fits, mark
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.results = QListWidget()
        self.results.setFixedHeight(int(self.fontMetrics().height() * 4.5))
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.error)
        self.search.textChanged.connect(self.find)
        self.search.returnPressed.connect(self._to_results)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search, self._to_results, Qt.ShortcutContext.WidgetShortcut)
        self.results.currentRowChanged.connect(lambda _row: self.chosen.emit())

    @property
    def person_id(self) -> str | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def find(self) -> None:
        """List the people matching what is typed (who fit, at most PICK_LIMIT)."""
        text = self.search.text().strip()
        self.results.clear()
        if not text:
            self.set_error("")
            return
        database = self.session.database
        # A program's age rule drops some of the matches: look further to still offer a full list.
        ids = people.person_ids(database, people.PersonFilter(text=text), limit=PICK_LIMIT * (10 if self._fits else 1))
        rows = people.person_rows(database, ids)
        fitting = [pid for pid in ids if self._fits is None or self._fits(age(rows[pid]["birth_date"]) or 0)]
        for pid in fitting[:PICK_LIMIT]:
            self.results.addItem(self._item(pid, rows[pid]))
        if self.results.count() == 1:
            self.results.setCurrentRow(0)
        self.set_error("" if fitting else NOT_FOUND)

    def select(self, person: dict[str, Any]) -> None:
        """Find and choose `person` (an application that starts from a referral)."""
        self.search.setText(person["id_number"] or person["name"])
        for row in range(self.results.count()):
            if self.results.item(row).data(Qt.ItemDataRole.UserRole) == person["id"]:
                self.results.setCurrentRow(row)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _item(self, person_id: str, row: dict[str, Any]) -> QListWidgetItem:
        years = age(row["birth_date"])
        parts = [row["name"], f"{years}岁" if years is not None else "", row.get("village_name") or "未填村",
                 mask(row["id_number"]) or "无身份证号"]
        item = QListWidgetItem("　".join(p for p in parts if p) + (self._mark(row) if self._mark else ""))
        item.setData(Qt.ItemDataRole.UserRole, person_id)
        return item

    def _to_results(self) -> None:
        if self.results.count():
            self.results.setCurrentRow(max(self.results.currentRow(), 0))
            self.results.setFocus()
