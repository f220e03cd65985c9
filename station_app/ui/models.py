"""Table models for every list: columns declared once, rows fetched lazily a page at a time.

A list holds only the ordered keys of its records (ids from a store query: cheap even for
100,000 people). `LazyTableModel` fetches the rows the view actually paints, a page at a time,
and keeps a bounded number of them, so scrolling a whole township never loads it all (the shape
of Anki's browser model). A row that cannot be read is shown greyed out instead of breaking the
list. Sorting asks the store for the keys again in the new order: the database sorts, not Python.
`QueryTableModel` runs those key queries off the UI thread, so typing never waits for them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from station_app.core import fields as fk
from station_app.core.dates import age
from station_app.core.entities import PROGRAMS, entity
from station_app.core.fields import Field, format_hours, format_money
from station_app.core.idnumber import mask
from station_app.core.privacy import MASKED_KINDS, mask_phone, mask_value
from station_app.core.roles import Actor
from station_app.store import people
from station_app.store.database import StationDatabase
from station_app.ui.operations import run_job, show_error

log = logging.getLogger(__name__)

Row = Mapping[str, Any]
Key = Hashable
Index = QModelIndex | QPersistentModelIndex

# The key (record id) of the row an index points at, for views that act on a record.
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
PLACEHOLDER_TEXT = "（无法读取）"
WARN_COLOR = QColor("#c62828")
# Asked for once per cell per paint: built once, not per call.
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_TEXT_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole})


@dataclass(frozen=True)
class Column:
    """One column: its header, and where its text comes from (a row key or a formatter)."""

    header: str
    value: str | Callable[[Row], Any]
    sort: str | None = None  # the store's sort key a header click asks for; None: not sortable
    sort_reversed: bool = False  # e.g. age ascending is birth date descending
    sample: str = ""  # typical widest text: views size columns from it without reading rows
    align_right: bool = False
    warn: Callable[[Row], bool] | None = None  # show this cell in red (high risk, overdue)
    # For a masked column (ID or phone number): the full value, for an export whose purpose needs it.
    full: str | Callable[[Row], Any] | None = None

    def text(self, row: Row, *, full: bool = False) -> str:
        source = self.full if full and self.full is not None else self.value
        value = row.get(source) if isinstance(source, str) else source(row)
        return "" if value is None else str(value)


class ColumnTableModel(QAbstractTableModel):
    """What every list model shares: columns, headers, cell text, greyed-out unreadable rows."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)

    # Subclasses say how many rows there are, which key each has, and how to get one.
    def row_key(self, row: int) -> Key:
        raise NotImplementedError

    def row(self, row: int) -> Row | None:
        """The row's data, or None if it could not be read."""
        raise NotImplementedError

    def _known_unreadable(self, row: int) -> bool:
        """True only for a row already found unreadable (flags must not trigger a fetch)."""
        return False

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == KEY_ROLE:
            return self.row_key(index.row())
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.align_right else _LEFT
        if role not in _TEXT_ROLES:
            return None
        row = self.row(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return PLACEHOLDER_TEXT if index.column() == 0 else ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return "这一行读取失败（记录可能刚被删除）。请刷新列表；如果一直这样，请运行数据检查。"
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return WARN_COLOR if column.warn is not None and column.warn(row) else None
        return column.text(row) or None  # the tooltip shows a cell's text in full where it is cut off

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._known_unreadable(index.row()):
            return Qt.ItemFlag.ItemNeverHasChildren
        return _ROW_FLAGS

    def column_changed(self, column: int) -> None:
        """Repaint one column (e.g. after a display toggle) without re-reading anything."""
        if self.rowCount():
            self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))


Fetch = Callable[[Sequence[Key]], Mapping[Key, Row]]
Sorter = Callable[[str, bool], None]


class LazyTableModel(ColumnTableModel):
    """An ordered list of keys whose rows are fetched through `fetch` a page at a time.

    `fetch(keys)` returns {key: row} for the keys it could read; a key missing from the answer
    (deleted since the list was made) or a fetch that raises leaves those rows greyed out.
    At most `max_pages` pages of rows are kept; the least recently painted go first.
    When a header is clicked, `sorter(sort_key, descending)` asks the store for the keys in the
    new order and hands them to `reorder` (at once, or later from a worker thread's answer).
    """

    def __init__(self, columns: Sequence[Column], fetch: Fetch, sorter: Sorter | None = None, *,
                 page_size: int = 200, max_pages: int = 20, parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self._fetch = fetch
        self._sorter = sorter
        self._page_size = page_size
        self._capacity = page_size * max_pages
        self._keys: Sequence[Key] = []
        self._rows: OrderedDict[Key, Row | None] = OrderedDict()
        self._positions: dict[Key, int] | None = None
        self.sort_section: int | None = next((i for i, c in enumerate(self.columns) if c.sort), None)
        self.sort_order = Qt.SortOrder.AscendingOrder

    # -- the list --------------------------------------------------------------------------

    @property
    def keys(self) -> Sequence[Key]:
        return self._keys

    def reset(self, keys: Sequence[Key]) -> None:
        """Show these keys, in this order; every cached row is dropped (it may have changed). The
        sequence is kept as given, not copied: a finder's answer of 100,000 keys is held once."""
        self.beginResetModel()
        self._keys = keys
        self._rows.clear()
        self._positions = None
        self.endResetModel()

    def position(self, key: Key) -> int | None:
        """The row showing `key`, or None if it is not in the list."""
        if self._positions is None:
            self._positions = {k: i for i, k in enumerate(self._keys)}
        return self._positions.get(key)

    @property
    def sort_spec(self) -> tuple[str, bool]:
        """(the store's sort key, descending) the list is in now, for the next query."""
        column = self.columns[self.sort_section] if self.sort_section is not None else None
        if column is None or column.sort is None:
            return "", False
        descending = (self.sort_order == Qt.SortOrder.DescendingOrder) != column.sort_reversed
        return column.sort, descending

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._keys)

    def row_key(self, row: int) -> Key:
        return self._keys[row]

    # -- rows, fetched on demand ------------------------------------------------------------

    def row(self, row: int) -> Row | None:
        key = self._keys[row]
        if key not in self._rows:
            self._load_page(row // self._page_size)
        self._rows.move_to_end(key)
        return self._rows[key]

    def _known_unreadable(self, row: int) -> bool:
        key = self._keys[row]
        return key in self._rows and self._rows[key] is None

    def _load_page(self, page: int) -> None:
        wanted = [k for k in self._keys[page * self._page_size:(page + 1) * self._page_size] if k not in self._rows]
        try:
            found = self._fetch(wanted)
        except Exception:  # a broken row must not take the whole list down with it
            log.exception("could not fetch %d list rows", len(wanted))
            found = {}
        for key in wanted:
            self._rows[key] = found.get(key)
        while len(self._rows) > max(self._capacity, len(wanted)):
            self._rows.popitem(last=False)

    # -- sorting, done by the store ---------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the sorter for the keys in the order of `column`; it answers through `reorder`."""
        if self._sorter is None or not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        self.sort_section, self.sort_order = column, order
        self._sorter(*self.sort_spec)

    def reorder(self, keys: Sequence[Key]) -> None:
        """Show the same records in a new order; selections follow their records. (If the records
        themselves changed meanwhile, this is a reset.)"""
        keys = list(keys)
        if len(keys) != len(self._keys) or set(keys) != set(self._keys):
            self.reset(keys)
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved = [self._keys[i.row()] for i in persistent]
        self._keys = keys
        self._positions = None
        for old, key in zip(persistent, moved):
            self.changePersistentIndex(old, self.index(self.position(key), old.column()))
        self.layoutChanged.emit()


# Finds the keys of a list: (database, sort key, descending, text=…, village_id=…) -> keys.
Finder = Callable[..., Sequence[Key]]


def _run_finder(database: StationDatabase, _state: Any, finder: Finder, sort: str, descending: bool) -> Sequence[Key]:
    return finder(database, sort, descending)


class QueryTableModel(LazyTableModel):
    """A lazy list filtered by typed text and village, its keys found off the UI thread.

    Listing or re-sorting 100,000 people can take a few hundred milliseconds; typing and
    scrolling must not wait for it. Only the newest query's answer is shown: an answer to
    something typed a moment ago that arrives late is dropped. `loaded` fires when one is shown.
    """

    loaded = Signal()

    def __init__(self, columns: Sequence[Column], fetch: Fetch, find: Finder, db_path: Path, *,
                 page_size: int = 200, parent: QObject | None = None) -> None:
        super().__init__(columns, fetch, lambda _sort, _descending: self._run(reorder=True),
                         page_size=page_size, parent=parent)
        self._find = find
        self._db_path = db_path
        self._query: Finder | None = None
        self._generation = 0
        self._answered = 0

    @property
    def busy(self) -> bool:
        """A query is under way: what is shown is about to change."""
        return self._answered != self._generation

    def search(self, text: str = "", village_id: str | None = None) -> None:
        """List what matches the typed text in the village, in the current sort order."""
        self._query = partial(self._find, text=text, village_id=village_id)
        self.requery()

    def requery(self) -> None:
        """Run the query again (the records changed)."""
        self._run(reorder=False)

    def _run(self, *, reorder: bool) -> None:
        if self._query is None:
            return
        self._generation += 1
        generation = self._generation
        run_job(None, "正在查询", _run_finder, self._query, *self.sort_spec, db_path=self._db_path,
                show_progress=False, on_done=lambda keys: self._answer(generation, keys, reorder),
                on_error=lambda exc: self._failed(generation, exc))

    def _current(self, generation: int) -> bool:
        """This answer is to the newest query, and the list is still open to show it."""
        return generation == self._generation and shiboken6.isValid(self)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if self._current(generation):
            self._answered = generation
            show_error(None, exc)

    def _answer(self, generation: int, keys: Sequence[Key], reorder: bool) -> None:
        if not self._current(generation):
            return
        self._answered = generation
        if reorder:
            self.reorder(keys)
        else:
            self.reset(keys)
        self.loaded.emit()


class ListTableModel(ColumnTableModel):
    """A short list already in memory (a household's members, a record's history)."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Row] = (), *, key: str = "id",
                 parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self._key = key
        self._data: list[Row] = list(rows)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._data = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._data)

    def row_key(self, row: int) -> Key:
        return self._data[row].get(self._key)

    def row(self, row: int) -> Row | None:
        return self._data[row]


# -- formatters shared by the lists ----------------------------------------------------------


def choice_text(entity_name: str, field_name: str) -> Callable[[Row], str]:
    """A formatter that shows a choice field's Chinese label instead of its stored code."""
    spec = entity(entity_name).field(field_name)
    return lambda row: spec.choice_label(row.get(field_name))


def field_text(f: Field, value: Any, *, full_id: bool = False) -> str:
    """A stored value as a person reads it: labels for codes, 是/否, yuan, masked ID and phone numbers.
    References are ids and need a look-up; callers that can name them do so first."""
    if value is None or value == "" or value == []:
        return ""
    if f.kind == fk.CHOICE:
        return f.choice_label(value)
    if f.kind == fk.MULTI:
        return "、".join(f.choice_label(code) for code in value)
    if f.kind == fk.BOOL:
        return "是" if value else "否"
    if f.kind == fk.MONEY:
        return f"{format_money(value)} 元"
    if f.kind == fk.HOURS:
        return f"{format_hours(value)} 小时"
    if f.kind in MASKED_KINDS and not full_id:
        return mask_value(f.kind, value)
    if f.kind == fk.JSON and isinstance(value, list):  # e.g. contacts: one "name relation phone" each
        return "；".join(" ".join(str(v) for v in item.values() if isinstance(v, str)) if isinstance(item, dict)
                        else str(item) for item in value)
    return str(value)


def age_column(today: dt.date | None = None) -> Column:
    return Column("年龄", lambda row: age(row.get("birth_date"), today), sort="birth_date", sort_reversed=True,
                  sample="100", align_right=True)


_PROGRAM_LABELS = dict(PROGRAMS)


class PersonTableModel(QueryTableModel):
    """The people list: everyone matching a search, ID numbers masked by default.

    Full ID numbers show only for an actor who may see them, and only after `set_show_full_ids`
    turned them on: a list on screen is easily read over a shoulder.
    """

    def __init__(self, database: StationDatabase, actor: Actor, *, page_size: int = 200,
                 today: dt.date | None = None, parent: QObject | None = None) -> None:
        self._actor = actor
        self._full_ids = False
        columns = (
            Column("姓名", "name", sort="name", sample="欧阳晓明明"),
            Column("性别", choice_text("person", "gender"), sort="gender", sample="男"),
            age_column(today),
            Column("身份证号", self._id_text, sample="21041119501231123X", full="id_number"),
            Column("村（社区）", "village_name", sort="village", sample="南口前村村村"),
            Column("户主", "household_head", sample="欧阳晓明明"),
            Column("联系电话", self._phone_text, sample="024-57612345", full="phone"),
            Column("项目", self._programs, sample="留守儿童 / 老年人探访"),
        )
        super().__init__(columns, lambda keys: people.person_rows(database, keys), _find_people, database.path,
                         page_size=page_size, parent=parent)
        self.masked_columns = [i for i, c in enumerate(columns) if c.full is not None]

    @property
    def full_ids_shown(self) -> bool:
        return self._full_ids and self._actor.can_see_full_id

    def set_show_full_ids(self, on: bool) -> None:
        """Show full ID and phone numbers (for an actor who may see them) instead of masked ones."""
        self._full_ids = on
        for column in self.masked_columns:
            self.column_changed(column)

    def _id_text(self, row: Row) -> str:
        number = row.get("id_number")
        return (number or "") if self.full_ids_shown else mask(number)

    def _phone_text(self, row: Row) -> str:
        phone = row.get("phone")
        return (phone or "") if self.full_ids_shown else mask_phone(phone)

    @staticmethod
    def _programs(row: Row) -> str:
        flags = (("child", row.get("is_child")), ("elder", row.get("is_elder")))
        return " / ".join(_PROGRAM_LABELS[code] for code, on in flags if on)


def _find_people(database: StationDatabase, sort: str, descending: bool, *, text: str,
                 village_id: str | None) -> list[str]:
    return people.person_ids(database, people.PersonFilter(text, village_id, sort or "name", descending))
