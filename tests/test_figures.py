"""Figures the county can trust: each month as worked out by hand from a known history, the same on
a re-run after later exits, changes and deletions (a corrected date moves its record and is named),
and the same on every screen and paper that shows it."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from pypdf import PdfReader

from station_app.core.jobs import JobState
from station_app.store import monthly_report, statistics
from tests.figure_history import D, build

# The station ledger of this history: no staff, training, activities or care agreements yet; its
# two elders live alone (赵) and empty-nest (钱), so both count for the 80 % signing rate.
NO_LEDGER = {**{f"ledger.training.{role}": (0, 0) for role in
                ("child_director", "child_supervisor", "social_worker", "assistant", "grid_worker")},
             "ledger.care.tekun": (0, 0), "ledger.care.alone": (0, 2), "ledger.activities": 0,
             "ledger.volunteer_hours": 0,
             # nor any intake report (主动发现): tests/test_intake.py counts those
             "intake.received": 0, "intake.on_time": (0, 0),
             # nor any assistance status, a line for each kind and holder of the county's list:
             # tests/test_status_figures.py counts those
             **{f"assistance.{line}": 0 for line in (
                 "dibao.household", "dibao.person", "tekun.person", "low_income.household", "monitoring.household",
                 "orphan.person", "unsupported_child.person", "disability.person", "disability_subsidy.person",
                 "medical_aid.person")}}
EXPECTED = {
    "2026-09": {
        "children.left_behind": 3, "children.in_difficulty": 1, "children.agreements": (1, 4),
        "children.visits": 2, "children.visited": (2, 4),
        "elders.roster": 2, "elders.visits": 3, "elders.done": (3, 5), "elders.missed": 1,
        "relief.applied.emergency": 1, "relief.applied.expenditure": 0, "relief.approved": 1,
        "relief.money.emergency": 142000, "relief.money.expenditure": 0, "relief.advances": 50000,
        "relief.households": 1,
        "fund.opening": 1000000, "fund.in": 0, "fund.out": 50000, "fund.closing": 950000, **NO_LEDGER,
    },
    "2026-10": {
        "children.left_behind": 2, "children.in_difficulty": 1, "children.agreements": (1, 3),
        "children.visits": 1, "children.visited": (1, 3),
        "elders.roster": 2, "elders.visits": 2, "elders.done": (2, 5), "elders.missed": 1,
        "relief.applied.emergency": 0, "relief.applied.expenditure": 1, "relief.approved": 1,
        "relief.money.emergency": 0, "relief.money.expenditure": 142000, "relief.advances": 0,
        "relief.households": 1,
        "fund.opening": 950000, "fund.in": 50000, "fund.out": 0, "fund.closing": 1000000, **NO_LEDGER,
    },
}
# 丁's 纳入日期 corrected from 9-10 to 10-12 after September: she leaves September's roll.
CORRECTED_SEPTEMBER = {"children.left_behind": 2, "children.agreements": (1, 3), "children.visited": (2, 3)}


def values(found: list[monthly_report.Figure]) -> dict[str, object]:
    return {f.key: f.value if f.of is None else (f.value, f.of) for f in found}


def test_each_month_counts_as_worked_out_by_hand(database, head, monkeypatch):
    history = build(database, head, monkeypatch, until=D(2026, 11, 1))
    history.on(D(2026, 11, 1))
    for month, expected in EXPECTED.items():
        found = monthly_report.figures(database, month)
        assert values(found) == expected, month
        assert not any(f.corrected for f in found) and monthly_report.correction_notes(database, month) == []


def test_a_rerun_after_later_work_gives_the_same_figures_but_the_correction_named(database, head, monkeypatch):
    history = build(database, head, monkeypatch, until=D(2026, 11, 5))
    history.on(D(2026, 11, 5))
    october = monthly_report.figures(database, "2026-10")
    # 乙 left, 甲 became 困境儿童, 钱's risk fell, 丁's visit was deleted — all after October ended.
    assert values(october) == EXPECTED["2026-10"] and not any(f.corrected for f in october)
    september = monthly_report.figures(database, "2026-09")
    assert values(september) == {**EXPECTED["2026-09"], **CORRECTED_SEPTEMBER}
    assert {f.section for f in september if f.corrected} == {monthly_report.CHILDREN}
    assert all(f.text.endswith("（含更正）") for f in september if f.corrected)
    [note] = monthly_report.correction_notes(database, "2026-09")
    assert "丁" in note and "纳入日期由 2026-09-10 更正为 2026-10-12" in note and "2026-11-03" in note
    # The records behind a figure are the ones it counted, as they were: 甲 still 留守 in October.
    left_behind = next(f for f in october if f.key == "children.left_behind")
    headers, rows = monthly_report.records(database, left_behind)
    assert sorted(r[0] for r in rows) == ["丁", "甲"]


def test_the_statistics_page_the_pdf_and_the_excel_give_the_reports_numbers(database, head, monkeypatch, tmp_path):
    from station_app.jobs import reports

    history = build(database, head, monkeypatch, until=D(2026, 11, 5))
    history.on(D(2026, 11, 5))
    month, last = "2026-10", D(2026, 10, 31)
    report = {f.key: f for f in monthly_report.figures(database, month)}
    page = statistics.station_figures(database, today=last)
    assert dict(page.children_by_category) == {"农村留守儿童": report["children.left_behind"].value,
                                               "困境儿童": report["children.in_difficulty"].value}
    i = page.months.index(month)
    assert page.visits_by_month["留守儿童"][i] == report["children.visits"].value
    assert page.visits_by_month["老年人探访"][i] == report["elders.visits"].value
    assert page.relief.cases_by_month["支出型"][i] == report["relief.applied.expenditure"].value
    assert page.relief.yuan_by_month["支出型"][i] * 100 == report["relief.money.expenditure"].value
    assert page.relief.fund_by_month["拨入与归还"][i] * 100 == report["fund.in"].value
    assert page.elder_rounds["people"] == report["elders.roster"].value
    assert (page.elder_rounds["visits_done"], page.elder_rounds["visits_required"]) == \
        (report["elders.done"].value, report["elders.done"].of)
    assert (page.children["agreements_signed"], page.children["agreements_needed"]) == \
        (report["children.agreements"].value, report["children.agreements"].of)
    assert page.children["visited_month"] == report["children.visited"].value

    pdf = reports.print_report(database, JobState(), head, month, tmp_path / "月报.pdf")
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace(" ", "")
    book = load_workbook(reports.export_xlsx(database, JobState(), head, month, tmp_path / "月报.xlsx"))
    summary = {r[2]: r[3] for r in book["月报"].iter_rows(min_row=3, values_only=True) if r[2]}
    for figure in report.values():
        assert figure.text.replace(" ", "") in text, figure.label
        assert summary[figure.label] == figure.text


def test_a_deleted_record_leaves_the_figures_from_the_day_it_was_deleted(database, head, monkeypatch):
    history = build(database, head, monkeypatch, until=D(2026, 11, 5))
    history.on(D(2026, 11, 5))
    assert len(statistics.visits_by_month(database, ["2026-10", "2026-11"])["留守儿童"]) == 2
    assert statistics.visits_by_month(database, ["2026-10"])["留守儿童"] == [1]
    # As of today the deleted visit is gone: a November 15 visit of 丁 would be counted, that one not.
    history.visit("丁", "2026-11-05")
    assert statistics.visits_by_month(database, ["2026-11"])["留守儿童"] == [1]


def test_roll_dates_are_checked_at_the_field(database, head, monkeypatch):
    import pytest

    from station_app.core.errors import ValidationError

    history = build(database, head, monkeypatch, until=D(2026, 8, 5))
    store = history.on(D(2026, 8, 20))
    profile = history.profiles["甲"]
    with pytest.raises(ValidationError) as early:
        store.update("child_profile", profile["id"], {"status": "exited", "exit_reason": "父母返乡",
                                                      "exited_on": "2026-08-01"}, profile["rev"])
    assert early.value.errors == {"exited_on": "退出日期不能早于纳入日期"}
    with pytest.raises(ValidationError) as future:
        store.update("child_profile", profile["id"], {"entered_on": "2026-08-21"}, profile["rev"])
    assert "不能晚于今天" in future.value.errors["entered_on"]
    left = store.update("child_profile", profile["id"], {"status": "exited", "exit_reason": "父母返乡"},
                        profile["rev"])
    assert left["exited_on"] == dt.date(2026, 8, 20).isoformat()  # today, unless given


def test_an_agreement_shortened_to_a_months_last_day_still_held_that_day(database, head, monkeypatch):
    """An agreement's 到期日期 is its last day in force: shortening 甲's to September 30 after
    the fact leaves September as it was (no correction to name) and takes October's agreement away."""
    history = build(database, head, monkeypatch, until=D(2026, 11, 5))
    store = history.on(D(2026, 11, 6))
    [agreement] = database.query("SELECT id, rev FROM agreement WHERE deleted = 0")
    store.update("agreement", agreement["id"], {"expiry_date": "2026-09-30"}, agreement["rev"])
    september = values(monthly_report.figures(database, "2026-09"))
    assert september["children.agreements"] == CORRECTED_SEPTEMBER["children.agreements"]  # 丁's own correction
    assert not any("到期日期" in note for note in monthly_report.correction_notes(database, "2026-09"))
    october = {f.key: f for f in monthly_report.figures(database, "2026-10")}
    assert (october["children.agreements"].value, october["children.agreements"].of) == (0, 3)
    assert october["children.agreements"].corrected
    [note] = monthly_report.correction_notes(database, "2026-10")
    assert "到期日期由 2027-08-04 更正为 2026-09-30" in note
