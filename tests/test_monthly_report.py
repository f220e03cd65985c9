"""The monthly report: every figure equals a count made here from the records by their business dates,
and lists them (tests/test_figures.py follows a known history month by month)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from station_app.core.entities import FUND_OUTFLOWS
from station_app.jobs import admin
from station_app.store import children, elder_rounds, monthly_report
from tests.ui_helpers import wait_shown

pytest_plugins = ["tests.ui_fixtures"]

# The month just ended: the demo's people came onto the rolls over the past two years.
TODAY = dt.date.today()
MONTH = monthly_report.previous_month(TODAY)
FIRST = f"{MONTH}-01"
LAST = (TODAY.replace(day=1) - dt.timedelta(days=1)).isoformat()


@pytest.fixture
def report(database, head):
    admin.load_demo(database, head, 400, seed=3, today=TODAY)
    return {f.label: f for f in monthly_report.figures(database, MONTH)}


def rows(database, sql, *params):
    return database.query(sql, list(params))


def test_children_figures_match_the_records(database, report):
    profiles = [p for p in rows(database, "SELECT * FROM child_profile WHERE deleted = 0")
                if p["entered_on"] <= LAST and (p["exited_on"] is None or p["exited_on"] > LAST)]
    left = {p["id"] for p in profiles if p["category"] == "left_behind"}
    assert set(report["在册农村留守儿童"].ids) == left and report["在册农村留守儿童"].value == len(left)
    assert report["在册困境儿童"].value == sum(p["category"] == "in_difficulty" for p in profiles)
    agreements = rows(database, "SELECT * FROM agreement WHERE deleted = 0")
    # Who needs an agreement: left behind, or in fact nobody brings the child up (事实无人抚养).
    need = {p["id"] for p in profiles if p["category"] == "left_behind" or p["sub_type"] == "unsupported"}
    signed = {a["child_profile_id"] for a in agreements if a["child_profile_id"] in need
              and a["signed_date"] and a["signed_date"] <= LAST and (a["expiry_date"] is None or a["expiry_date"] >= LAST)}
    rate = report["委托照护协议签订率（需签订协议的儿童）"]
    assert (set(rate.ids), rate.value, rate.of) == (signed, len(signed), len(need))
    assert rate.of == children.child_figures(database, dt.date.fromisoformat(LAST))["agreements_needed"]
    visits = [v for v in rows(database, "SELECT * FROM visit WHERE deleted = 0 AND program = 'child'")
              if FIRST <= v["visit_date"] <= LAST]
    assert report["本月走访儿童"].value == len(visits) > 0
    covered = report["本月走访覆盖在册儿童"]
    assert covered.of == len(profiles) and covered.value == len({v["person_id"] for v in visits}
                                                                 & {p["person_id"] for p in profiles})


def test_elder_figures_match_the_month_roster(database, report):
    roster = elder_rounds.month_roster(database, None, MONTH)
    assert report["探访名单在册老人"].value == len(roster) > 0
    on_roster = [e for e in rows(database, "SELECT * FROM elder_profile WHERE deleted = 0")
                 if e["entered_on"] <= LAST and (e["exited_on"] is None or e["exited_on"] > LAST)]
    assert {r["person_id"] for r in roster} == {e["person_id"] for e in on_roster}
    done = report["本月探访完成（按应访次数计）"]
    assert done.of == sum(r["required"] for r in roster)
    assert done.value == sum(min(len(r["visit_dates"]), r["required"]) for r in roster)
    assert report["本月未按要求探访的老人"].value == sum(len(r["visit_dates"]) < r["required"] for r in roster)


def test_relief_and_fund_figures_match_the_ledger(database, report):
    cases = rows(database, "SELECT * FROM relief_case WHERE deleted = 0")

    def within(day):
        return day is not None and FIRST <= day <= LAST

    for code, label in (("emergency", "急难型"), ("expenditure", "支出型")):
        applied = [c for c in cases if c["case_type"] == code and within(c["applied_on"])]
        assert report[f"受理{label}救助"].value == len(applied)
        money = sum(c["advance_amount"] for c in cases if c["case_type"] == code and within(c["advance_on"])) + \
            sum(c["amount_paid"] for c in cases if c["case_type"] == code and within(c["paid_on"]))
        assert report[f"支出{label}救助金（含先行救助）"].value == money
    assert report["其中：先行救助"].value == sum(c["advance_amount"] for c in cases if within(c["advance_on"]))
    assert report["审批同意救助"].value == sum(within(c["approved_on"]) for c in cases)
    helped = {c["household_id"] for c in cases if within(c["advance_on"]) or within(c["paid_on"])}
    assert report["获得救助金的家庭"].value == len(helped) and report["获得救助金的家庭"].unit == "户"
    entries = rows(database, "SELECT * FROM reserve_fund_entry WHERE deleted = 0")

    def balance(until):
        return sum(-e["amount"] if e["kind"] in FUND_OUTFLOWS else e["amount"] for e in entries if e["entry_date"] <= until)

    assert report["期初余额"].value == balance((dt.date.fromisoformat(FIRST) - dt.timedelta(days=1)).isoformat())
    assert report["期末余额"].value == balance(LAST)
    assert (report["期初余额"].value + report["本月拨入、归还和调增"].value
            - report["本月先行救助支出和调减"].value) == report["期末余额"].value


def test_each_figure_lists_its_records_and_the_excel_has_a_sheet_each(database, report, tmp_path):
    figure = report["在册农村留守儿童"]
    headers, listed = monthly_report.records(database, figure)
    assert headers[0] == "姓名" and len(listed) == figure.value
    assert all("*" in row[1] for row in listed if row[1])  # ID numbers masked
    found = list(report.values())
    out = monthly_report.write_xlsx(database, "前甸镇社会工作服务站", MONTH, found, tmp_path / "月报.xlsx")
    book = load_workbook(out)
    assert len(book.sheetnames) == 1 + len(found)
    summary = list(book["月报"].iter_rows(min_row=3, values_only=True))
    assert [r[2] for r in summary] == [f.label for f in found]
    n = [f.label for f in found].index("在册农村留守儿童") + 1
    assert book[f"明细{n}"].max_row == 2 + figure.value


def test_the_report_month_defaults_to_the_month_just_ended():
    assert monthly_report.previous_month(dt.date(2026, 1, 5)) == "2025-12"


def test_the_report_dialog_shows_the_figures_lists_records_and_prints(qtbot, session, report, monkeypatch):
    from station_app.ui import monthly_report_dialog, print_preview
    from station_app.ui.monthly_report_dialog import MonthlyReportDialog, RecordsDialog

    printed = []
    monkeypatch.setattr(print_preview, "show_printed", lambda _parent, pdf: printed.append(pdf))
    next_month = dt.date.fromisoformat(LAST) + dt.timedelta(days=5)  # early next month: this one has just ended
    dialog = MonthlyReportDialog(session, today=next_month)
    qtbot.addWidget(dialog)
    assert dialog.chosen_month == MONTH
    qtbot.waitUntil(lambda: dialog.model.rowCount() == len(report), timeout=10000)
    dialog.table.opened.emit("在册农村留守儿童")
    assert wait_shown(qtbot, RecordsDialog).model.rowCount() == report["在册农村留守儿童"].value
    dialog.print_button.click()
    qtbot.waitUntil(lambda: bool(printed), timeout=10000)
    assert "社工站工作月报" in PdfReader(printed[0]).pages[0].extract_text()
    assert monthly_report_dialog.months_before(dt.date(2026, 1, 15), 3) == ["2026-01", "2025-12", "2025-11"]
