"""List models: Qt's model contract, lazy paging, unreadable rows, store-side sorting, ID masking."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402

from station_app.core.idnumber import mask
from station_app.core.privacy import mask_phone  # noqa: E402
from station_app.jobs import admin  # noqa: E402
from station_app.store import people  # noqa: E402
from station_app.ui.models import (  # noqa: E402
    PLACEHOLDER_TEXT,
    Column,
    LazyTableModel,
    ListTableModel,
    PersonTableModel,
    age,
)
from station_app.ui.record_list import RecordTable  # noqa: E402
from tests.ui_helpers import column_texts, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]

pytestmark = pytest.mark.gui

COLUMNS = (Column("名称", "name", sort="name"), Column("序号", lambda r: r["n"] * 10, sample="99999"))


class CountingFetch:
    """An in-memory "store" that records every fetch, and can be told to fail."""

    def __init__(self, count: int, broken_keys: frozenset[int] = frozenset(), missing: frozenset[int] = frozenset()):
        self.rows = {k: {"name": f"第{k}行", "n": k} for k in range(count)}
        self.calls: list[list[int]] = []
        self.broken_keys, self.missing = broken_keys, missing

    def __call__(self, keys):
        self.calls.append(list(keys))
        if self.broken_keys & set(keys):
            raise RuntimeError("database disk image is malformed")
        return {k: self.rows[k] for k in keys if k not in self.missing}

    @property
    def fetched(self) -> int:
        return sum(len(c) for c in self.calls)


def click_header(qtbot, view: RecordTable, section: int) -> None:
    header = view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(section) + 10, header.height() // 2))


def lazy_model(fetch: CountingFetch, **kw) -> LazyTableModel:
    model = LazyTableModel(COLUMNS, fetch, **kw)
    model.reset(sorted(fetch.rows))
    return model


def test_lazy_model_keeps_the_qt_model_contract(qtmodeltester):
    model = lazy_model(CountingFetch(1000, missing=frozenset({5})), page_size=50)
    qtmodeltester.check(model, force_py=True)


def test_list_model_keeps_the_qt_model_contract(qtmodeltester):
    qtmodeltester.check(ListTableModel(COLUMNS, [{"id": 1, "name": "甲", "n": 1}, {"id": 2, "name": "乙", "n": 2}]),
                        force_py=True)


def test_person_model_keeps_the_qt_model_contract(qtbot, qtmodeltester, session, demo_people):
    model = PersonTableModel(session.database, session.actor)
    model.search()
    wait_for_list(qtbot, model)
    assert model.rowCount() == 300
    qtmodeltester.check(model, force_py=True)


def test_scrolling_5000_people_fetches_only_the_pages_shown(qtbot, database, head):
    admin.load_demo(database, head, 5000, today=dt.date(2026, 11, 1))
    calls: list[int] = []

    def fetch(keys):
        calls.append(len(keys))
        return people.person_rows(database, keys)

    model = LazyTableModel((Column("姓名", "name"), Column("村", "village_name")), fetch, page_size=200, max_pages=5)
    model.reset(people.person_ids(database, people.PersonFilter()))
    view = RecordTable()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qtbot.waitUntil(lambda: len(calls) > 0)  # the first screen is painted
    assert model.rowCount() == 5000
    assert calls == [200]  # the first screen: one page, not 5,000 rows

    bar = view.verticalScrollBar()
    for value in range(0, bar.maximum() + 1, bar.pageStep()):  # page down through everything
        bar.setValue(value)
        view.viewport().repaint()  # paint at once, as the screen would
    bar.setValue(bar.maximum())
    view.viewport().repaint()
    assert len(calls) == 25 and set(calls) == {200}  # every page once, each in one query
    assert model.index(4999, 0).data()
    # Only a few pages are kept: scrolling back to the top reads the first page again.
    bar.setValue(0)
    view.viewport().repaint()
    assert len(calls) == 26


def test_a_row_that_cannot_be_read_is_greyed_out_not_fatal(qtbot, caplog):
    fetch = CountingFetch(450, broken_keys=frozenset({420}), missing=frozenset({7}))
    model = lazy_model(fetch, page_size=200)
    assert model.index(0, 0).data() == "第0行"
    gone = model.index(7, 0)
    assert gone.data() == PLACEHOLDER_TEXT  # deleted since the list was made
    assert not gone.flags() & Qt.ItemFlag.ItemIsEnabled
    broken = model.index(430, 1)
    assert broken.data() == ""  # the whole failed page is placeholders …
    assert model.index(430, 0).data() == PLACEHOLDER_TEXT
    assert not broken.flags() & Qt.ItemFlag.ItemIsSelectable
    assert model.index(199, 1).data() == "1990"  # … and the pages around it are fine
    assert "could not fetch" in caplog.text


def test_flags_never_fetch_a_row(qtbot):
    """Selecting everything (Ctrl+A) asks for flags of every row: that must not read them all."""
    fetch = CountingFetch(5000)
    model = lazy_model(fetch)
    for row in range(model.rowCount()):
        model.flags(model.index(row, 0))
    assert fetch.calls == []


def test_sorting_asks_the_sorter_and_selection_follows_the_record(qtbot):
    fetch = CountingFetch(10)
    asked = []
    model = LazyTableModel(COLUMNS, fetch, lambda sort, desc: (asked.append((sort, desc)),
                                                                model.reorder(sorted(fetch.rows, reverse=desc))))
    model.reset(sorted(fetch.rows))
    view = RecordTable()
    qtbot.addWidget(view)
    view.setModel(model)
    view.select_row(2)
    view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert asked == [("name", True)]
    assert model.index(0, 0).data() == "第9行"
    assert view.current_key() == 2 and view.currentIndex().row() == 7
    # A column the store cannot sort by changes nothing, and the indicator stays where it was.
    view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    assert asked == [("name", True)]
    assert view.horizontalHeader().sortIndicatorSection() == 0


def test_header_click_sorts_people_by_age_in_sql(qtbot, session, demo_people):
    model = PersonTableModel(session.database, session.actor, today=dt.date(2026, 11, 1))
    view = RecordTable()
    qtbot.addWidget(view)
    view.setModel(model)
    model.search()
    wait_for_list(qtbot, model)
    view.select_row(0)
    first = view.current_key()
    age_section = [c.header for c in model.columns].index("年龄")
    click_header(qtbot, view, age_section)
    wait_for_list(qtbot, model)
    ages = [int(a) for a in column_texts(model, "年龄")]
    assert ages == sorted(ages) and ages[0] < ages[-1]
    assert view.current_key() == first  # the selected person stays selected
    click_header(qtbot, view, age_section)
    wait_for_list(qtbot, model)
    assert [int(a) for a in column_texts(model, "年龄")] == sorted(ages, reverse=True)


def test_ids_and_phones_are_masked_unless_allowed_and_asked_for(qtbot, session, viewer_session, demo_people):
    for current, may_see in ((session, True), (viewer_session, False)):
        model = PersonTableModel(current.database, current.actor)
        model.search()
        wait_for_list(qtbot, model)
        row = next(i for i in range(model.rowCount()) if model.row(i)["phone"])
        number, phone = model.row(row)["id_number"], model.row(row)["phone"]
        id_cell, phone_cell = (model.index(row, c) for c in model.masked_columns)
        assert id_cell.data() == mask(number) != number
        assert phone_cell.data() == mask_phone(phone) != phone
        model.set_show_full_ids(True)
        assert id_cell.data() == (number if may_see else mask(number))
        assert phone_cell.data() == (phone if may_see else mask_phone(phone))


def test_only_the_newest_search_is_shown(qtbot, session, demo_people):
    model = PersonTableModel(session.database, session.actor)
    model.search("zs")
    model.search("王")
    wait_for_list(qtbot, model)
    names = column_texts(model, "姓名")
    assert names and all("王" in n for n in names)


@pytest.mark.parametrize(("born", "today", "expected"), [
    ("2000-03-05", dt.date(2026, 3, 4), 25),
    ("2000-03-05", dt.date(2026, 3, 5), 26),
    ("2004-02-29", dt.date(2026, 2, 28), 21),
    (None, dt.date(2026, 1, 1), None),
])
def test_age_counts_whole_years(born, today, expected):
    assert age(born, today) == expected
