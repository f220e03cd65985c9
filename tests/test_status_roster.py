"""The county's roster of assistance statuses, imported from Excel through the people ledger's import:
each line a status on a registered person or their household, problems named per row, nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from station_app.core import assistance, status_roster
from station_app.core import ledger_import as rules
from station_app.core.status_roster import ROSTER
from station_app.store import ledger_import, reference_data
from tests.helpers import count, id_number

pytest_plugins = ["tests.ui_fixtures"]
TODAY = dt.date(2026, 11, 23)
HEAD_ID, LONE_ID, STRANGER_ID = id_number("19600302", 131), id_number("19450708", 122), id_number("19700101", 151)


@pytest.fixture
def registered(store, village) -> None:
    household = store.create("household", {"village_id": village["id"], "head_name": "刘长海"})
    store.create("person", {"name": "刘长海", "id_number": HEAD_ID, "village_id": village["id"],
                            "household_id": household["id"], "relation_to_head": "head"})
    store.create("person", {"name": "何桂香", "id_number": LONE_ID, "village_id": village["id"]})


@pytest.fixture
def roster(tmp_path) -> object:
    book = Workbook()
    ws = book.active
    ws.title = "低保特困名册"
    ws.append(["前甸镇2026年城乡低保、特困供养对象名册"])
    ws.append(["序号", "户主姓名", "身份证号码", "保障类别", "分类施保类别", "享受起始时间", "有效期至", "证号", "审批机关"])
    ws.append([1, "刘长海", HEAD_ID, "低保", "A类", dt.datetime(2026, 1, 1), "2026-12-31", "顺低保2026001", "顺城区民政局"])
    ws.append([2, "何桂香", LONE_ID, "特困", None, "2025-07-01", None, "顺特困2025009", "顺城区民政局"])
    ws.append([3, "不在档", STRANGER_ID, "低保", None, "2026-01-01", None, None, None])
    ws.append([4, "何桂香", LONE_ID, "五保", None, "2026-01-01", None, None, None])
    ws.append([5, "何桂香", LONE_ID, "低收入", None, "2026-01-01", None, None, None])
    ws.append([6, "刘长海", HEAD_ID, "低保", None, "2026-13-01", None, None, None])
    path = tmp_path / "名册.xlsx"
    book.save(path)
    return path


def test_the_roster_imports_its_valid_lines_once_and_names_each_problem(database, store, registered, roster):
    (sheet,) = ledger_import.read_workbook(roster, kind=ROSTER)
    mapping = rules.suggest(sheet.headers, ROSTER.headers)
    assert set(mapping.values()) == {"name", "id_number", "kind", "level", "starts_on", "ends_on", "certificate_no",
                                     "issued_by"}
    checks = ledger_import.check_statuses(database, sheet, mapping, TODAY)
    problems = {c.number: c.problems[0] for c in checks if c.problems}
    assert "不在人员档案中" in problems[5]
    assert "五保" in problems[6] and "特困供养" in problems[6]
    assert "低收入家庭" in problems[7] and "按户登记" in problems[7]  # she has no household on record
    assert "起始日期" in problems[8]
    assert ledger_import.import_rows(store, checks, ROSTER) == 2
    household = database.query("SELECT household_id, kind, level FROM assistance_status WHERE person_id IS NULL")
    assert [(r["kind"], r["level"]) for r in household] == [("dibao", "A类")]  # 低保 is the household's
    assert database.scalar("SELECT kind FROM assistance_status WHERE person_id IS NOT NULL") == "tekun"

    again = ledger_import.check_statuses(database, sheet, mapping, TODAY)
    assert [c.status for c in again if not c.problems] == ["已在档案中，跳过"] * 2
    assert ledger_import.import_rows(store, again, ROSTER) == 0
    assert count(database, "assistance_status") == 2


_CELLS = st.one_of(st.none(), st.text(max_size=12), st.integers(-10**6, 10**18), st.floats(allow_nan=True),
                   st.dates(dt.date(1890, 1, 1), dt.date(2100, 1, 1)).map(lambda d: dt.datetime(d.year, d.month, d.day)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, min_size=0, max_size=9), max_size=6))
def test_any_cells_give_each_row_a_verdict_and_never_an_error(rows):
    holders = status_roster.Holders({HEAD_ID: ("p1", "h1")}, frozenset(), frozenset())
    mapping = dict(enumerate(status_roster.IMPORTABLE))
    kinds = reference_data.default(assistance.KINDS)
    checks = status_roster.check_rows(enumerate(rows, 3), mapping, holders, kinds, TODAY)
    for check in checks:
        assert bool(check.problems) != (check.record is not None or check.existing)
        assert check.record is None or check.record["kind"] in {k.code for k in assistance.kinds(kinds)}


def test_the_import_dialog_takes_the_roster_kind(qtbot, session, registered, roster):
    from station_app.ui.import_dialog import ImportDialog

    dialog = ImportDialog(session, kind=ROSTER)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "导入救助对象名册"
    dialog.load(roster)
    qtbot.waitUntil(lambda: bool(dialog.sheets), timeout=10000)
    dialog.check()
    qtbot.waitUntil(lambda: bool(dialog.checks), timeout=10000)
    assert dialog.import_button.text() == "导入 2 行(&I)"
