"""Read-only lists of the visiting programs: children and elderly people on the rounds.

Each list shows a program record with the person it is about, found by the same search as the
people list; for the visiting programs the latest visit and the next-due date stand beside it,
red when the visit is overdue. A double click opens the person. (Each program gets its own
editor later; these lists are already the worker's overview of what exists.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from station_app.core.entities import entity
from station_app.core.idnumber import mask
from station_app.store import people, program_queries
from station_app.store.database import StationDatabase
from station_app.ui.models import Column, QueryTableModel, Row, age_column, choice_text, field_text
from station_app.ui.person_dialog import open_person
from station_app.ui.record_list import ListPage
from station_app.ui.session import Session

NOT_VISITED = "尚未走访"


def _field(entity_name: str, name: str) -> Callable[[Row], str]:
    f = entity(entity_name).field(name)
    return lambda row: field_text(f, row.get(name))


def _visit_columns(today: dt.date | None) -> tuple[Column, ...]:
    """When the next visit is due, then the last one: what a worker goes down the list for."""
    def overdue(row: Row) -> bool:
        if row.get("status") != "active":
            return False
        due = row.get("next_due")
        return due is None or due <= (today or dt.date.today()).isoformat()

    def next_due(row: Row) -> str:
        return (row.get("next_due") or "") if row.get("status") == "active" else ""

    return (
        Column("下次走访", next_due, sort="next_due", sample="2026-11-23", warn=overdue),
        Column("最近走访", lambda r: r.get("last_visit") or NOT_VISITED, sort="last_visit", sample="2026-11-23",
               warn=lambda r: r.get("status") == "active" and not r.get("last_visit")),
    )


def _lead_columns(today: dt.date | None, entity_name: str) -> tuple[Column, ...]:
    """Who, where, the visit dates and the risk, first: they fit beside each other on a 1024-pixel
    screen; the rest follows, for a wider screen or a scroll."""
    return (
        Column("姓名", "name", sort="name", sample="欧阳晓明明"),
        age_column(today),
        Column("村（社区）", "village_name", sort="village", sample="南口前村村村"),
        *_visit_columns(today),
        Column("风险等级", choice_text(entity_name, "risk_level"), sort="risk_level", sample="风险",
               warn=lambda r: r.get("risk_level") == "high"),
    )


def _status(entity_name: str, header: str = "状态") -> Column:
    return Column(header, choice_text(entity_name, "status"), sort="status", sample="已退出")


GENDER = Column("性别", choice_text("person", "gender"), sample="男")
# Masked as lists show it; in full only in an export whose purpose needs it.
ID_NUMBER = Column("身份证号", lambda r: mask(r.get("id_number")), sample="2104**********123X", full="id_number")


def child_columns(today: dt.date | None = None, after_lead: tuple[Column, ...] = ()) -> tuple[Column, ...]:
    """The children's list; `after_lead`: columns the children's page shows right after the lead."""
    return (*_lead_columns(today, "child_profile"), *after_lead,
            Column("儿童类别", choice_text("child_profile", "category"), sort="category", sample="农村留守儿童"),
            _status("child_profile"),
            Column("监护人", "guardian_name", sample="欧阳晓明明"),
            GENDER)


def elder_columns(today: dt.date | None = None) -> tuple[Column, ...]:
    return (*_lead_columns(today, "elder_profile"),
            Column("老年人类别", _field("elder_profile", "categories"), sample="独居、失能/半失能"),
            Column("自理能力", choice_text("elder_profile", "ability_level"), sort="ability_level", sample="半失能"),
            _status("elder_profile"),
            GENDER)


@dataclass(frozen=True)
class ProgramView:
    columns: Callable[[dt.date | None], tuple[Column, ...]]
    count_text: str


VIEWS = {
    "child": ProgramView(child_columns, "共 {n} 名儿童"),
    "elder": ProgramView(elder_columns, "共 {n} 名老年人"),
}


def _find_records(database: StationDatabase, sort: str, descending: bool, *, program: str, text: str,
                  village_id: str | None) -> list[str]:
    flt = people.PersonFilter(text, village_id, sort or "name", descending)
    return program_queries.program_ids(database, program, flt)


class ProgramTableModel(QueryTableModel):
    """One program's records with their people, queried off the UI thread."""

    def __init__(self, database: StationDatabase, program: str, *, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(VIEWS[program].columns(today),
                         lambda keys: program_queries.program_rows(database, program, keys),
                         partial(_find_records, program=program), database.path, parent=parent)


class FilterHolder:
    """The filters the next query runs with; replaced whole, so a worker reads one consistent set."""

    def __init__(self, current: Any) -> None:
        self.current = current


class ProfileListPage(ListPage):
    """What the children's and the elderly pages share: the selected profile, opening or creating
    one, recording a visit for someone still on the roll; each says which dialogs do the work. The
    lists re-read through the change signal; a profile just created is then selected."""

    PROFILE_ENTITY = ""
    VISIT_TITLE = ""
    OFF_ROLL_MESSAGE = ""  # why a visit cannot be recorded for someone who left the roll

    def open_profile_dialog(self, record: dict[str, Any] | None) -> None:
        """Show the profile dialog (a new profile when `record` is None); `profile_saved` after."""
        raise NotImplementedError

    def open_visit_dialog(self, person_id: str) -> None:
        raise NotImplementedError

    def profile_saved(self, profile: dict[str, Any]) -> None:
        self.show_record(profile["id"])

    def _connect_actions(self) -> None:
        """Wire what both pages have: the list, the add/open/visit buttons and the three prints."""
        self.table.opened.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.add_button.clicked.connect(lambda: self.open_profile_dialog(None))
        self.edit_button.clicked.connect(lambda: self._open(self.table.current_key()))
        self.visit_button.clicked.connect(self.record_visit)
        self.print_button.clicked.connect(self.print_latest_visit)
        self.blank_button.clicked.connect(self.print_blank)
        self.roster_button.clicked.connect(self.print_roster)

    def _update_buttons(self) -> None:
        raise NotImplementedError

    def print_latest_visit(self) -> None:
        raise NotImplementedError

    def print_blank(self) -> None:
        raise NotImplementedError

    def print_roster(self) -> None:
        raise NotImplementedError

    def _selected(self) -> dict[str, Any] | None:
        key = self.table.current_key()
        return self.session.store.get(self.PROFILE_ENTITY, key) if key is not None else None

    def _open(self, profile_id: str | None) -> None:
        if profile_id is not None:
            self.open_profile_dialog(self.session.store.get(self.PROFILE_ENTITY, profile_id))

    def record_visit(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        if profile["status"] != "active":
            QMessageBox.information(self, self.VISIT_TITLE, self.OFF_ROLL_MESSAGE)
            return
        self.open_visit_dialog(profile["person_id"])


class ProgramListPage(ListPage):
    """The list of one program ('child' or 'elder'); double click opens the person.
    (Relief cases have their own page, ui.relief_page.)"""

    def __init__(self, session: Session, program: str, parent: QWidget | None = None) -> None:
        super().__init__(session, ProgramTableModel(session.database, program), VIEWS[program].count_text, parent)
        self.program = program
        self.CONCERNS = frozenset({"person", "village", f"{program}_profile", "visit"})
        self.table.opened.connect(self._open)
        self.refresh()

    def _open(self, record_id: str) -> None:
        position = self.model.position(record_id)
        row = self.model.row(position) if position is not None else None
        if row is not None:
            open_person(self.session, row["person_id"], self)
