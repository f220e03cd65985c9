"""Choosing people of the station's rosters in a form: a list to tick (who attended a training,
which staff ran an activity) and the village child director a child's form names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem, QWidget

from station_app.core.ledger import ROLE_LABELS
from station_app.store import network
from station_app.store.database import StationDatabase
from station_app.ui.fieldform import FieldForm


def staff_label(row: Mapping[str, Any]) -> str:
    """"张丽（儿童主任·前甸村）"."""
    where = "·".join(x for x in (ROLE_LABELS.get(row.get("role") or "", ""), row.get("village_name")) if x)
    return f"{row['name']}（{where}）" if where else row["name"]


class CheckList(QListWidget):
    """People to tick, in the order given; `changed` fires when a tick changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def set_people(self, rows: Iterable[tuple[str, str]], ticked: Iterable[str]) -> None:
        """(id, label) rows, those in `ticked` ticked; what was ticked before stays ticked."""
        keep = set(ticked) | set(self.ticked())
        self.blockSignals(True)
        self.clear()
        for record_id, text in rows:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if record_id in keep else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)
        self.changed.emit()

    def ticked(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def tick_all(self, on: bool) -> None:
        for i in range(self.count()):
            self.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def set_read_only(self) -> None:
        for i in range(self.count()):
            item = self.item(i)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)


def staff_choices(database: StationDatabase, day: dt.date, keep: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Staff in post on `day`, plus those in `keep` who may have left since (a record names them)."""
    rows = network.in_post(database, day)
    known = {r["id"] for r in rows}
    gone = [(i, f"{r['name']}（已离任）") for i, r in network.staff_names(database, keep).items() if i not in known]
    return [(r["id"], staff_label(r)) for r in rows] + gone


def offer_directors(form: FieldForm, name: str, database: StationDatabase, village_id: str | None,
                    chosen: str | None) -> None:
    """Fill the form's child-director field from the roster, the child's village first, and choose
    `chosen` (a stored choice, kept even if that director has left since)."""
    today = dt.date.today()
    rows = [(r["id"], staff_label(r)) for r in network.child_directors(database, today, village_id)]
    if chosen and chosen not in {i for i, _ in rows}:
        rows += [(i, f"{r['name']}（已离任）") for i, r in network.staff_names(database, [chosen]).items()]
    form.set_ref_choices(name, rows)
    combo = form.editor(name)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(max(combo.findData(chosen), 0))


def director_in_post(database: StationDatabase, village_id: str | None) -> str | None:
    """The id of the child director in post today in the village (a new form's default)."""
    found = network.director_of(database, village_id, dt.date.today())
    return found["id"] if found else None
