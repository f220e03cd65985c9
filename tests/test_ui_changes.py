"""Saving as a worker notices it: the window never freezes while the database is busy, a refusal
the worker can act on is told calmly, and every page that shows what was saved follows by itself
(at once if it is a list or on screen, when next shown otherwise)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc  # noqa: E402
import logging  # noqa: E402
import weakref  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QDialog, QWidget  # noqa: E402

from station_app.core.errors import KnownError  # noqa: E402
from station_app.store import audit_log, children, people  # noqa: E402
from station_app.store.database import StationDatabase  # noqa: E402
from station_app.store.records import RecordStore  # noqa: E402
from station_app.ui.child_page import ChildPage  # noqa: E402
from station_app.ui.garbage import UiThreadCollector  # noqa: E402
from station_app.ui.leave_roll_dialog import LeaveRollDialog  # noqa: E402
from station_app.ui.main_window import PAGES, MainWindow  # noqa: E402
from station_app.ui.person_dialog import PersonDialog  # noqa: E402
from tests.test_ui_shell import window  # noqa: E402, F401 (fixture: the main window on screen)
from tests.ui_helpers import column_texts, press_refused, shown, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]
pytestmark = pytest.mark.gui


def fill_in(dialog: PersonDialog, name: str) -> None:
    dialog.form.set_values({**dialog.form.values(), "name": name, "gender": "M", "birth_date": "1958-03-01"})


def new_person(qtbot, session, name: str) -> PersonDialog:
    dialog = PersonDialog(session)
    qtbot.addWidget(dialog)
    fill_in(dialog, name)
    return dialog


def test_a_save_waiting_on_a_busy_database_leaves_the_window_responsive(qtbot, session):
    other = StationDatabase.open(session.db_path, check=False)  # another writer: a sync, a backup, a second PC
    other.conn.execute("BEGIN IMMEDIATE")
    try:
        dialog = new_person(qtbot, session, "赵大")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        # The click has returned while the write lock is taken: the save waits in a worker, the
        # window goes on (its event loop answers), and nothing is saved twice meanwhile.
        assert not dialog.save_button.isEnabled() and dialog.result() != QDialog.DialogCode.Accepted
        ticked: list[bool] = []
        QTimer.singleShot(0, lambda: ticked.append(True))
        qtbot.waitUntil(lambda: bool(ticked), timeout=1000)
    finally:
        other.conn.execute("ROLLBACK")  # the other writer is done
        other.close()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    assert people.person_rows(session.database, [dialog.saved_id])[dialog.saved_id]["name"] == "赵大"


def test_a_known_error_from_a_save_is_told_calmly_never_as_a_crash(qtbot, session, village, monkeypatch, caplog):
    child = session.store.create("person", {"name": "周小", "gender": "F", "birth_date": "2016-05-01",
                                            "village_id": village["id"]})
    children.save_profile(session.store, {"person_id": child["id"], "status": "active", "category": "left_behind"})
    page = ChildPage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    page.table.select_row(0)

    def busy(store: RecordStore, profile: dict, reason: str, day: str) -> dict:
        raise KnownError("数据库正被另一程序使用，请稍后再试。")

    monkeypatch.setattr(children, "leave_roll", busy)
    with caplog.at_level(logging.ERROR):
        page.leave_button.click()
        dialog = shown(LeaveRollDialog)
        press_refused(qtbot, dialog, dialog.ok_button)
    assert dialog.error.text() == "数据库正被另一程序使用，请稍后再试。" and dialog.isVisible()
    assert not [r for r in caplog.records if "unexpected error" in r.getMessage()]  # no crash dialog


def visit(window: MainWindow, key: str) -> QWidget:
    """Go to the page `key` (Ctrl+1…) and return it."""
    window.show_page([p.key for p in PAGES].index(key))
    page = window.page(key)
    assert page is not None
    return page


def test_a_save_is_announced_and_every_page_showing_it_follows(qtbot, session, village, window):
    stats = visit(window, "stats")
    qtbot.waitUntil(lambda: stats.figures is not None, timeout=10000)
    assert stats.figures.people_total == 0
    page = visit(window, "people")
    wait_for_list(qtbot, page.model)

    page.add_button.click()
    dialog = shown(PersonDialog)
    fill_in(dialog, "孙三")
    with qtbot.waitSignal(session.changes.changed, timeout=10000) as announced:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert announced.args == [frozenset({"person"})]  # what the write touched, read from its audit entries
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名") == ["孙三"]
    assert page.table.current_key() is not None  # the person just added is selected

    figures = stats.figures  # the figures, off screen, wait to be shown before they count again
    visit(window, "stats")
    qtbot.waitUntil(lambda: stats.figures is not figures and stats.figures is not None, timeout=10000)
    assert stats.figures.people_total == 1


def test_a_save_after_restoring_an_older_backup_is_announced_too(qtbot, session, database):
    with database.transaction() as conn:  # as after restoring a backup older than the last sync
        audit_log.hold_back(conn)
    dialog = new_person(qtbot, session, "孙四")
    with qtbot.waitSignal(session.changes.changed, timeout=10000) as announced:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert announced.args == [frozenset({"person"})]  # its audit entry waits for the county's history


def test_cycles_are_collected_on_the_ui_thread(qtbot):
    collector = UiThreadCollector(interval_ms=10)
    try:
        class Node:
            pass

        first, second = Node(), Node()
        first.other, second.other = second, first  # a cycle: only the collector frees it
        gone = weakref.ref(first)
        del first, second
        garbage = [[] for _ in range(gc.get_threshold()[0] + 1)]  # enough allocations to make a collection due
        qtbot.waitUntil(lambda: gone() is None, timeout=5000)
        del garbage
    finally:
        collector.stop()
        gc.disable()  # as the test fixtures keep it


def test_a_list_reads_again_each_time_it_is_shown(qtbot, session, village, window):
    """What is due and late moves with the clock, and another program may write: a list shown
    again is read again, as it always was."""
    page = visit(window, "people")
    wait_for_list(qtbot, page.model)
    visit(window, "settings")
    session.store.create("person", {"name": "吴四", "gender": "F", "birth_date": "1961-07-01"})  # not announced
    visit(window, "people")
    qtbot.waitUntil(lambda: column_texts(page.model, "姓名") == ["吴四"], timeout=10000)
