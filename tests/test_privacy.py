"""Personal data in use: masked exports with a stated purpose, and the access log of sensitive views."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from PySide6.QtGui import QDesktopServices  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402

from station_app.core.errors import PermissionDenied, ValidationError  # noqa: E402
from station_app.core.idnumber import mask  # noqa: E402
from station_app.core.jobs import JobState  # noqa: E402
from station_app.core.privacy import mask_phone  # noqa: E402
from station_app.jobs import exports  # noqa: E402
from station_app.store import access_log, audit_log  # noqa: E402
from station_app.ui.export_dialog import ExportDialog  # noqa: E402
from station_app.ui.people_page import PeoplePage  # noqa: E402
from station_app.ui.person_dialog import PersonDialog  # noqa: E402
from station_app.ui.relief_dialog import ReliefCaseDialog  # noqa: E402
from tests.ui_helpers import shown, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]

ID = "11010519491231002X"
PHONE = "13912345678"


@pytest.fixture
def zhang_san(session, demo_people) -> dict:
    return session.store.create("person", {"name": "张三", "id_number": ID, "phone": PHONE})


def table(rows=(("张三", mask(ID), mask_phone(PHONE)),)) -> exports.ListExport:
    return exports.ListExport("人员名单", ("姓名", "身份证号", "联系电话"), [list(r) for r in rows])


def test_an_export_is_marked_as_personal_data_with_its_purpose_and_logged(database, head, tmp_path):
    out = exports.export_list(database, JobState(), head, table(), tmp_path / "名单.xlsx", "入户走访名单", False)
    book = load_workbook(out)
    sheet = book.active
    banner = sheet["A1"].value
    assert "含个人信息" in banner and "入户走访名单" in banner and "王站长" in banner and "已遮挡" in banner
    assert [c.value for c in sheet[2]] == ["姓名", "身份证号", "联系电话"]
    assert [c.value for c in sheet[3]] == ["张三", "1101**********002X", "139****5678"]
    assert "含个人信息" in book.properties.keywords and "入户走访名单" in book.properties.keywords
    logged = access_log.entries(database, head)
    assert len(logged) == 1 and "入户走访名单" in logged[0]["what"] and "1行" in logged[0]["what"]


def test_an_export_needs_a_purpose_and_full_numbers_need_the_head(database, head, tmp_path):
    from tests.test_users import add_worker

    with pytest.raises(ValidationError, match="导出用途"):
        exports.export_list(database, JobState(), head, table(), tmp_path / "x.xlsx", "  ", False)
    worker = add_worker(database, head)
    with pytest.raises(PermissionDenied, match="只有站长"):
        exports.export_list(database, JobState(), worker, table(), tmp_path / "x.xlsx", "数据核对", True)
    assert not (tmp_path / "x.xlsx").exists()
    assert access_log.entries(database, head) == []


def test_only_the_head_reads_the_access_log(database, head):
    from tests.test_users import add_worker

    with pytest.raises(PermissionDenied):
        access_log.entries(database, add_worker(database, head))


def answer_export_dialog(purpose: str, full: bool = False) -> None:
    """The export dialog on screen: state the purpose (and full numbers or not), confirm."""
    dialog = shown(ExportDialog)
    dialog.purpose.setCurrentText(purpose)
    dialog.full_values.setChecked(full)
    dialog._accept()


def test_the_people_list_exports_as_shown_masked_unless_the_head_asks(qtbot, session, zhang_san, tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: said.append(a[2]) or QMessageBox.StandardButton.No))
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: pytest.fail("opened")))
    page = PeoplePage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    page.filter_bar.search.setText("张三")
    qtbot.waitUntil(lambda: not page.model.busy and page.model.rowCount() == 1, timeout=10000)

    for name, full in (("masked.xlsx", False), ("full.xlsx", True)):
        target = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, t=target: (str(t), "")))
        page.export()
        answer_export_dialog("上报县民政局", full)
        qtbot.waitUntil(lambda: target.exists() and len(said) == (2 if full else 1), timeout=10000)
        rows = list(load_workbook(target).active.iter_rows(min_row=3, values_only=True))
        assert len(rows) == 1 and rows[0][0] == "张三"
        values = set(rows[0])
        assert (ID in values and PHONE in values) == full
        assert (mask(ID) in values and mask_phone(PHONE) in values) == (not full)
    logged = access_log.entries(session.database, session.actor)
    assert ["含完整" in e["what"] for e in logged] == [True, False]  # newest first


def test_a_viewer_is_not_offered_full_numbers(qtbot, viewer_session, zhang_san):
    dialog = ExportDialog(viewer_session, "人员名单", 1, has_masked=True)
    qtbot.addWidget(dialog)
    assert dialog.full_values.isHidden()


def test_opening_a_childs_details_is_logged_but_an_adults_is_not(qtbot, session, demo_people):
    today = dt.date.today()
    child = session.store.create("person", {"name": "李小花", "gender": "F",
                                            "birth_date": today.replace(year=today.year - 9).isoformat()})
    adult = session.store.create("person", {"name": "李大山", "gender": "M", "birth_date": "1960-05-01"})
    for person in (child, adult):
        dialog = PersonDialog(session, person["id"])
        qtbot.addWidget(dialog)
    logged = access_log.entries(session.database, session.actor)
    assert [(e["entity"], e["record_id"]) for e in logged] == [("person", child["id"])]
    assert session.store.history("person", child["id"])[-1]["action"] != "view"  # history shows changes only
    assert audit_log.first_broken(session.database.conn) is None


def test_opening_a_relief_case_is_logged(qtbot, session, demo_people):
    case_id = session.database.scalar("SELECT id FROM relief_case LIMIT 1")
    dialog = ReliefCaseDialog(session, case_id)
    qtbot.addWidget(dialog)
    logged = access_log.entries(session.database, session.actor)
    assert [(e["entity"], e["record_id"], e["what"]) for e in logged] == [("relief_case", case_id, "查看临时救助案件")]


def test_relief_forms_mask_id_and_phone_unless_full_values_are_asked_for(session, demo_people):
    from station_app.forms.relief_application import form_values
    from station_app.store import relief

    case_id = session.database.scalar(
        "SELECT c.id FROM relief_case c JOIN person p ON p.id = c.person_id WHERE p.phone IS NOT NULL LIMIT 1")
    details = relief.case_details(session.store, case_id)
    masked, full = form_values(details, False), form_values(details, True)
    assert full["phone"] == details.person["phone"] and masked["phone"] == mask_phone(details.person["phone"])
    assert full["id_number"] == details.person["id_number"] and masked["id_number"] == mask(details.person["id_number"])
