"""Importing people from an Excel ledger: suggestions, a row-by-row check, valid rows only, no duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from station_app.core import ledger_import as rules
from station_app.store import ledger_import
from tests.helpers import count, id_number

pytest_plugins = ["tests.ui_fixtures"]

TODAY = dt.date(2026, 11, 23)


def test_common_chinese_headers_are_suggested_once_each():
    headers = ["序号", "姓 名", "公民身份号码", "性别", "出生年月", "所属村（社区）", "家庭住址", "联系电话", "备注"]
    assert rules.suggest(headers) == {1: "name", 2: "id_number", 3: "gender", 4: "birth_date", 5: "village",
                                      6: "address", 7: "phone", 8: "notes"}


@pytest.fixture
def ledger(tmp_path, village) -> tuple:
    """A real-looking ledger: a title row, the headers, good rows and rows with planted problems."""
    book = Workbook()
    ws = book.active
    ws.title = "留守儿童台账"
    ws.append(["前甸镇农村留守儿童信息台账（2025年）"])
    ws.append(["序号", "姓名", "身份证号", "性别", "出生日期", "村", "联系电话", "备注"])
    good = [
        ("王小明", id_number("20150304", 131), "男", dt.datetime(2015, 3, 4), "前甸村", 13904101234, "父母在沈阳务工"),
        ("李小红", id_number("20160611", 142), "女", "2016.6.11", "前甸", "", ""),
        ("赵老太", None, "女", "1941-02-03", "前甸村", "024-57612345", "无身份证号，按姓名和生日识别"),
    ]
    bad = [
        ("错号码", id_number("20150304", 151)[:-1] + "0", "男", "2015-03-04", "前甸村", "", "校验位错"),
        ("外村人", id_number("20140101", 161), "男", "2014-01-01", "后山村", "", "村不存在"),
        ("日期错", None, "男", "2013-02-30", "前甸村", "", "没有2月30日"),
        ("王小明", id_number("20150304", 131), "男", "2015-03-04", "前甸村", "", "同一人登记两次"),
        ("数字号", 2.104111950010e17, "男", "1950-01-01", "前甸村", "", "身份证号被存成数字"),
    ]
    for n, row in enumerate(good + bad, 1):
        ws.append([n, *row])
    ws.append([None] * 8)  # a blank line at the end, as ledgers have
    path = tmp_path / "台账.xlsx"
    book.save(path)
    return path, len(good), len(bad)


def test_only_valid_rows_import_each_bad_row_says_why_and_a_second_import_adds_nothing(database, store, ledger,
                                                                                       tmp_path):
    path, good, bad = ledger
    (sheet,) = ledger_import.read_workbook(path)
    assert sheet.header_row == 2
    mapping = rules.suggest(sheet.headers)
    checks = ledger_import.check(database, sheet, mapping, TODAY)
    problems = {c.raw["name"]: c.problems for c in checks if c.problems}
    assert set(problems) == {"错号码", "外村人", "日期错", "王小明", "数字号"}
    assert "校验" in problems["错号码"][0] or "身份证号" in problems["错号码"][0]
    assert "后山村" in problems["外村人"][0]
    assert "这一天不存在" in problems["日期错"][0]
    assert "与第 3 行的身份证号相同" in problems["王小明"][0]
    assert "存成了数字" in problems["数字号"][0]
    assert rules.summary(checks) == f"共 {good + bad} 行：可以导入 {good} 行，已在档案中 0 行，有问题 {bad} 行"

    before = count(database, "person")
    assert ledger_import.import_rows(store, checks) == good
    assert count(database, "person") == before + good
    assert count(database, "outbox") >= good  # imported through the write path: they will sync
    imported = {r["name"]: r for r in database.query("SELECT * FROM person")}
    assert imported["王小明"]["birth_date"] == "2015-03-04" and imported["王小明"]["phone"] == "13904101234"
    assert imported["李小红"]["village_id"] == imported["王小明"]["village_id"] is not None

    again = ledger_import.check(database, sheet, mapping, TODAY)
    assert sum(c.existing for c in again) == good and ledger_import.import_rows(store, again) == 0
    assert count(database, "person") == before + good

    report = ledger_import.error_report(checks, mapping, tmp_path / "问题.xlsx")
    rows = list(load_workbook(report).active.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == [6, 7, 8, 9, 10]  # the sheet's own row numbers (title, headers, 3 good)
    assert all(r[1] for r in rows)


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(Exception, match="Excel"):
        ledger_import.read_workbook(path)


def test_the_import_dialog_maps_checks_and_imports_the_valid_rows(qtbot, session, village, ledger, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from station_app.ui.import_dialog import ImportDialog
    from tests.ui_helpers import column_texts

    path, good, bad = ledger
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a: None))
    dialog = ImportDialog(session)
    qtbot.addWidget(dialog)
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.check_button.isEnabled(), timeout=10000)
    assert dialog.chosen_mapping() == {1: "name", 2: "id_number", 3: "gender", 4: "birth_date", 5: "village",
                                       6: "phone", 7: "notes"}
    assert not dialog.import_button.isEnabled()  # nothing is written before the check
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.preview.rowCount() == good + bad, timeout=10000)
    assert dialog.import_button.text() == f"导入 {good} 行(&I)"
    assert column_texts(dialog.preview, "结果").count("有问题，不导入") == bad
    before = count(session.database, "person")
    dialog.import_button.click()
    qtbot.waitUntil(lambda: column_texts(dialog.preview, "结果").count("已在档案中，跳过") == good, timeout=10000)
    assert count(session.database, "person") == before + good
    assert not dialog.import_button.isEnabled()  # importing again would add nothing
