"""The 同步 page and the status bar against a real county server: up, down, and with a conflict."""

from __future__ import annotations

import pytest
from station_app.store import sync_state
from station_app.ui.main_window import PAGES, MainWindow
from station_app.ui.operations import wait_for_jobs
from station_app.ui.sync_page import ConflictDialog
from tests.sync_fixtures import county, enrolled, postgres, stop  # noqa: F401 (fixtures)
from tests.test_ui_shell import said  # noqa: F401 (fixture)

pytest_plugins = ["tests.ui_fixtures"]


@pytest.fixture
def window(qtbot, session):
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    win.show_page([p.key for p in PAGES].index("sync"))
    yield win
    win.sync_runner.stop()
    wait_for_jobs()


def _synced(qtbot, window) -> None:
    page = window.page("sync")
    page.sync_now()
    qtbot.waitUntil(lambda: not window.sync_runner.running, timeout=20000)
    wait_for_jobs()


def test_unenrolled_station_says_so_and_offers_enrollment(window):
    page = window.page("sync")
    assert "未登记" in window.sync_label.text()
    assert not page.sync_button.isEnabled() and page.enroll_button.isVisibleTo(page)


def test_server_up_then_down_then_a_conflict(qtbot, window, session, county, village, said):
    enrolled(county, session.database, "前甸镇")
    page = window.page("sync")
    page.refresh()
    assert "条变更待同步" in window.sync_label.text() and page.sync_button.isEnabled()
    _synced(qtbot, window)
    assert window.sync_label.text().startswith("已同步") and "2e7d32" in window.sync_label.styleSheet()
    assert page.summary.text().startswith("已同步")
    assert page.history_model.rowCount() == 1 and page.history_model.row(0)["outcome"] == "成功"

    county.store.county_edit("village", village["id"], {"name": "前甸新村"}, "县民政局")
    session.store.update("village", village["id"], {"name": "前甸老村"}, 1)
    _synced(qtbot, window)
    assert "1 处冲突待处理" in window.sync_label.text()
    assert page.tabs.tabText(1) == "冲突（1）" and page.conflict_model.row(0)["what"] == "两边都改了：村（社区）名称"

    stop(county.process)
    session.store.update("village", village["id"], {"name": "前甸老村二"}, 2)
    _synced(qtbot, window)
    assert window.sync_label.text().startswith("离线（自 ") and "ef6c00" in window.sync_label.styleSheet()
    assert "无法连接" in page.history_model.row(0)["outcome"]
    assert said and "无法连接" in said[-1]  # a sync asked for by hand says why it failed

    dialog = ConflictDialog(session, page.conflict_model.row(0)["conflict"], page)
    dialog.choices["name"].setCurrentIndex(1)  # take the county's name
    with qtbot.waitSignal(dialog.accepted, timeout=10000):  # written in a worker
        dialog.save()
    assert session.store.get("village", village["id"])["name"] == "前甸新村"
    assert sync_state.open_conflicts(session.database) == []


def test_what_was_refused_either_way_is_listed_for_a_person(qtbot, window, session, county, village):
    from tests.test_sync_poison import _feed, _reference_record
    from station_app.sync import protocol as p

    enrolled(county, session.database, "前甸镇")
    bad = _reference_record("relief_tiers", {"tiers": [], "counted_members_max": 6,
                                             "cap_fen": {"emergency": 1, "expenditure": 1}}, "2020-01-01")
    _feed(county, None, p.feed_record("reference_value", bad, 0))
    with session.database.transaction() as conn:  # a change an older version let through: a code cut short
        conn.execute("UPDATE outbox SET payload = json_set(payload, '$.code', '2104') WHERE entity = 'village'")
    _synced(qtbot, window)
    page = window.page("sync")
    assert page.tabs.tabText(3) == "被拒绝（2）" and "2 条变更内容有误" in page.detail.text()
    rows = {page.rejected_model.row(i)["direction"]: page.rejected_model.row(i) for i in range(2)}
    assert rows["县里下发，本站未采用"]["record"] == "relief_tiers"
    assert "分档" in rows["县里下发，本站未采用"]["reason"]
    assert rows["本站上传，县里拒收"]["type"] == "村（社区）" and rows["本站上传，县里拒收"]["record"] == "前甸村"
    assert window.sync_label.text().startswith("已同步")
