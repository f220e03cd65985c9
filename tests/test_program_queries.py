"""Program lists: which records they hold, search and filters, latest visit and next-due, speed
(the query plans), and the list pages a worker sees."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from station_app.core import search  # noqa: E402
from station_app.core.errors import PermissionDenied  # noqa: E402
from station_app.core.roles import APPROVER, Actor  # noqa: E402
from station_app.store import people, program_queries, relief  # noqa: E402
from station_app.store.people import PersonFilter  # noqa: E402
from station_app.store.records import RecordStore  # noqa: E402
from station_app.store.program_queries import program_ids, program_rows  # noqa: E402
from station_app.ui import program_pages  # noqa: E402
from station_app.ui.program_pages import ProgramListPage  # noqa: E402
from tests.ui_helpers import column_texts, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]


def rows_of(database, program, flt: PersonFilter | None = None):
    ids = program_ids(database, program, flt or PersonFilter())
    rows = program_rows(database, program, ids)
    return [rows[i] for i in ids]


def test_a_program_list_holds_its_living_records_with_their_people(database, demo_people):
    children = rows_of(database, "child")
    assert len(children) == demo_people["child_profile"]
    assert all(r["name"] and r["village_name"] and r["birth_date"] for r in children)
    assert len(rows_of(database, "elder")) == demo_people["elder_profile"]
    names = [people.person_rows(database, [r["person_id"]])[r["person_id"]]["name"] for r in children[:5]]
    assert names == [r["name"] for r in children[:5]]


def test_the_latest_visit_and_the_next_due_date_it_set(database, store, demo_people):
    child = rows_of(database, "child")[0]
    visits = database.query("SELECT visit_date, next_due FROM visit WHERE person_id = ? AND program = 'child'"
                            " AND deleted = 0 ORDER BY visit_date DESC", [child["person_id"]])
    assert (child["last_visit"], child["next_due"]) == (visits[0]["visit_date"], visits[0]["next_due"])
    # An elder visit to the same person is another program's: it changes nothing here.
    store.create("visit", {"program": "elder", "person_id": child["person_id"], "visit_date": "2026-10-31",
                           "visitor": "刘晓梅", "method": "home", "next_due": "2026-11-30"})
    again = program_rows(database, "child", [child["id"]])[child["id"]]
    assert (again["last_visit"], again["next_due"]) == (child["last_visit"], child["next_due"])


def test_search_and_village_filter_use_the_people_search(database, demo_people):
    child = rows_of(database, "child")[0]
    initials = min((k for k in search.person_keys(child["name"], None) if k.startswith(search.PINYIN)), key=len)[2:]
    found = rows_of(database, "child", PersonFilter(text=initials))
    assert child["id"] in [r["id"] for r in found]
    assert len(found) < demo_people["child_profile"]
    assert rows_of(database, "child", PersonFilter(text="没有这个人")) == []
    village = rows_of(database, "child", PersonFilter(village_id=child["village_id"]))
    assert village and {r["village_name"] for r in village} == {child["village_name"]}


def test_deleted_people_and_records_leave_the_list(database, store, demo_people):
    first, second = rows_of(database, "elder")[:2]
    store.delete("elder_profile", first["id"], first["rev"])
    person = store.get("person", second["person_id"])
    with pytest.raises(PermissionDenied, match="仍被其他记录引用"):  # the store never orphans a profile
        store.delete("person", person["id"], person["rev"])
    # A person's tombstone can still arrive from elsewhere (sync); the list must not show them then.
    database.conn.execute("UPDATE person SET deleted = 1 WHERE id = ?", (person["id"],))
    remaining = {r["id"] for r in rows_of(database, "elder")}
    assert first["id"] not in remaining and second["id"] not in remaining


@pytest.mark.parametrize("key", ["next_due", "last_visit", "birth_date", "village_name"])
def test_lists_sort_in_sql_both_ways(database, demo_people, key):
    sort = "village" if key == "village_name" else key
    up = [r[key] or "" for r in rows_of(database, "elder", PersonFilter(sort=sort))]
    assert up == sorted(up) and up[0] != up[-1]
    down = [r[key] or "" for r in rows_of(database, "elder", PersonFilter(sort=sort, descending=True))]
    assert down == sorted(up, reverse=True)


def test_relief_cases_are_listed(database, store, demo_people):
    person = people.person_rows(database, people.person_ids(database, PersonFilter()))
    applicant = next(iter(person.values()))
    case = relief.register(store, {"person_id": applicant["id"], "case_type": "emergency", "reason": "火灾", "tier": 1,
                                   "household_size": 1, "applied_on": "2026-10-30", "standard_area": "urban"})
    approver = RecordStore(database, Actor("a1", "li", "李副镇长", APPROVER))
    for who, code, amount in ((store, "verify", None), (store, "submit", "710"), (approver, "approve", "710")):
        case = relief.act(who, case["id"], code, case["rev"], amount=amount)
    listed = {r["id"]: r for r in rows_of(database, "relief")}  # the demo has relief cases of its own
    assert len(listed) == demo_people["relief_case"] + 1
    row = listed[case["id"]]
    assert (row["name"], row["amount_approved"]) == (applicant["name"], 71000)


@pytest.mark.parametrize(("flt", "matching", "expected"), [
    (PersonFilter(), None, ["SCAN r", "SEARCH p USING"]),  # not every person in name order
    (PersonFilter(sort="next_due"), None, ["SCAN r", "INDEX visit_latest"]),  # covering: reads no visit rows
    (PersonFilter(text="zs", sort="village"), ["x"], ["SEARCH r USING INDEX elder_profile_person"]),
])
def test_query_plans_walk_the_records_and_the_visit_index(database, flt, matching, expected):
    """At 100,000 people (10,000 elders) these plans answer in 25-60 ms; walking all people by
    name order instead took three times as long (measured while writing program_queries)."""
    sql, params = program_queries._ids_sql("elder", flt, matching)
    plan = " | ".join(r[3] for r in database.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert all(step in plan for step in expected), plan
    assert "person_sort" not in plan


# -- the pages ----------------------------------------------------------------------------------


@pytest.mark.gui
def test_the_child_list_shows_visits_and_finds_by_search(qtbot, session, demo_people, monkeypatch):
    page = ProgramListPage(session, "child")
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    assert page.model.rowCount() == demo_people["child_profile"]
    assert page.filter_bar.count.text() == f"共 {demo_people['child_profile']} 名儿童"
    assert all(column_texts(page.model, "最近走访"))
    assert "在册" in set(column_texts(page.model, "状态")) <= {"在册", "已退出"}
    first = page.model.row(0)
    page.filter_bar.search.setText(first["name"])
    qtbot.waitUntil(lambda: page.model.rowCount() < demo_people["child_profile"])
    wait_for_list(qtbot, page.model)
    assert first["name"] in column_texts(page.model, "姓名")

    opened = []
    monkeypatch.setattr(program_pages, "open_person", lambda _s, person_id, *_a: opened.append(person_id))
    page.table.opened.emit(first["id"])
    assert opened == [first["person_id"]]


@pytest.mark.gui
def test_overdue_visits_and_high_risk_show_in_red(qtbot, session, store, demo_people):
    page = ProgramListPage(session, "elder")
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    headers = [c.header for c in page.model.columns]
    for row in range(page.model.rowCount()):
        record = page.model.row(row)
        due_colour = page.model.index(row, headers.index("下次走访")).data(Qt.ItemDataRole.ForegroundRole)
        overdue = (record["next_due"] or "") <= dt.date.today().isoformat()
        assert (due_colour is not None) == (overdue and record["status"] == "active")  # left the rounds: not due
        risk_colour = page.model.index(row, headers.index("风险等级")).data(Qt.ItemDataRole.ForegroundRole)
        assert (risk_colour is not None) == (record["risk_level"] == "high")
