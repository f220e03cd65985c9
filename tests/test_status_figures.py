"""Assistance statuses (低保, 特困 …) counted as the county reads them: held at the end of the month by
their business dates, people as people and households as households, the same on a re-run after
later work (a corrected date moves its status and is named), the same on paper, in Excel and in the
submitted report; and an elder's 特困 for the care-agreement rate is what a dated status says."""

from __future__ import annotations

from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from station_app.core.jobs import JobState
from station_app.core.ledger import is_tekun
from station_app.store import monthly_report, report_versions, statistics
from station_app.store import figures as fig
from tests.figure_history import D, History

SEPTEMBER = {"dibao.household": 1, "dibao.person": 2, "tekun.person": 1, "disability.person": 1}
# 李's 低保 ended on 10-20; 郑's runs to 10-31 and holds on its last day; 周's 特困 began on 10-25;
# 孙家 renewed its 低保 on 10-01 while the old certificate ran: still one household.
OCTOBER = {"dibao.household": 1, "dibao.person": 1, "tekun.person": 2, "disability.person": 1}
# 周's start corrected on 11-03 to 11-02: she leaves October. Later work moves nothing: 吴's
# certificate deleted, 郑's end put back to 11-30 (she held on 10-31 either way), 钱's 特困 ended.
OCTOBER_CORRECTED = {**OCTOBER, "tekun.person": 1}


def status(h: History, holder: dict[str, Any], kind: str, starts: str, ends: str | None = None,
           certificate: str = "") -> dict[str, Any]:
    assert h.store is not None
    whose = "household_id" if "head_name" in holder else "person_id"
    return h.store.create("assistance_status", {whose: holder["id"], "kind": kind, "starts_on": starts,
                                                "ends_on": ends, "certificate_no": certificate or None,
                                                "issued_by": "顺城区民政局"})


def held(database, month: str) -> dict[str, int]:
    """The month's status lines that are not zero: "kind.subject" -> count."""
    return {f.key.removeprefix("assistance."): f.value for f in monthly_report.figures(database, month)
            if f.key.startswith("assistance.") and f.value}


@pytest.fixture
def history(database, head, monkeypatch) -> History:
    """The statuses of one village from August to the 11-03 corrections (see the expectations above)."""
    h = History(database, head, monkeypatch)
    store = h.on(D(2026, 8, 5))
    h.village = store.create("village", {"code": "210411101201", "name": "前甸村"})
    sun = store.create("household", {"village_id": h.village["id"], "head_name": "孙大山"})
    h.person("孙大山", "1950-06-11", 131, sun)
    h.person("孙二嫂", "1952-03-04", 122, sun)
    h.people["孙家"] = sun
    for name, serial in (("李", 141), ("郑", 152), ("吴", 163)):
        h.person(name, "1961-01-0" + str(serial % 9 + 1), serial)
    # Elders on the rounds: 赵 ticked 特困 with no status on record; 钱 and 周 have dated ones.
    h.elder("赵", "2026-08-05", ["alone"], "low")
    h.elder("钱", "2026-08-05", ["alone"], "low")
    h.elder("周", "2026-08-05", ["alone"], "low")
    for name, ticked in (("赵", ["tekun"]), ("钱", []), ("周", ["tekun"])):
        profile = h.profiles[name]
        h.profiles[name] = store.update("elder_profile", profile["id"], {"benefits": ticked}, profile["rev"])
    h.cases["孙家 2026"] = status(h, sun, "dibao", "2026-01-01", "2026-12-31", "顺低保2026017")
    h.cases["李"] = status(h, h.people["李"], "dibao", "2026-03-01", "2026-12-31")  # 单人保
    h.cases["郑"] = status(h, h.people["郑"], "dibao", "2026-05-01", "2026-10-31")
    h.cases["吴"] = status(h, h.people["吴"], "disability", "2019-04-02")
    h.on(D(2026, 9, 1))
    h.cases["钱"] = status(h, h.people["钱"], "tekun", "2026-09-01", certificate="顺特困2026003")
    h.on(D(2026, 10, 1))
    h.cases["孙家 2027"] = status(h, sun, "dibao", "2026-10-01", "2027-09-30", "顺低保2027002")
    store = h.on(D(2026, 10, 20))
    li = h.cases["李"]
    h.cases["李"] = store.update("assistance_status", li["id"], {"ends_on": "2026-10-20"}, li["rev"])  # 停保
    h.on(D(2026, 10, 25))
    h.cases["周"] = status(h, h.people["周"], "tekun", "2026-10-25")
    return h


def later_work(h: History) -> None:
    store = h.on(D(2026, 11, 3))
    for name, changes in (("周", {"starts_on": "2026-11-02"}), ("郑", {"ends_on": "2026-11-30"}),
                          ("钱", {"ends_on": "2026-11-03"})):
        record = h.cases[name]
        h.cases[name] = store.update("assistance_status", record["id"], changes, record["rev"])
    store.delete("assistance_status", h.cases["吴"]["id"], h.cases["吴"]["rev"])


def test_each_month_counts_statuses_held_at_its_end_people_and_households_apart(history, database):
    history.on(D(2026, 11, 1))
    assert held(database, "2026-09") == SEPTEMBER
    assert held(database, "2026-10") == OCTOBER
    found = monthly_report.figures(database, "2026-10")
    october = {f.key: f for f in found}
    assert october["assistance.dibao.household"].text == "1 户"  # households as households
    assert october["assistance.tekun.person"].text == "2 人"
    assert (october["assistance.dibao.household"].label, october["assistance.dibao.person"].label) == \
        ("月末低保（家庭）", "月末低保（个人）")
    assert october["assistance.orphan.person"].value == 0  # every line of the county's list, even empty
    # The records behind a line: one status per holder, the certificate in force (the renewal).
    headers, rows = monthly_report.records(database, october["assistance.dibao.household"])
    assert rows == [["孙大山家", "", "", "2026-10-01", "2027-09-30", "顺低保2027002"]]
    assert headers[0] == "姓名（家庭）"
    assert not any(f.corrected for f in found) and monthly_report.correction_notes(database, "2026-10") == []


def test_a_rerun_after_later_work_moves_only_the_corrected_start_and_names_it(history, database):
    later_work(history)
    history.on(D(2026, 11, 5))
    assert held(database, "2026-09") == SEPTEMBER
    assert held(database, "2026-10") == OCTOBER_CORRECTED
    [correction] = fig.corrections(database, D(2026, 10, 1), D(2026, 10, 31))
    assert (correction.entity, correction.field, correction.old, correction.new) == \
        ("assistance_status", "starts_on", "2026-10-25", "2026-11-02")
    [note] = monthly_report.correction_notes(database, "2026-10")
    assert note.startswith("周（救助保障身份）起始日期由 2026-10-25 更正为 2026-11-02")
    october = monthly_report.figures(database, "2026-10")
    assert {f.section for f in october if f.corrected} == {monthly_report.STATUSES}
    assert next(f for f in october if f.key == "assistance.tekun.person").text == "1 人（含更正）"
    # 吴's certificate, deleted after October, is still behind October's line.
    disability = next(f for f in october if f.key == "assistance.disability.person")
    assert disability.ids == (history.cases["吴"]["id"],)


def test_the_statistics_page_the_pdf_the_excel_and_the_submitted_report_give_the_same_lines(history, database, head,
                                                                                             tmp_path):
    from station_app.jobs import reports

    later_work(history)
    store = history.on(D(2026, 11, 5))
    month = "2026-10"
    lines = [f for f in monthly_report.figures(database, month) if f.key.startswith("assistance.")]
    pdf = reports.print_report(database, JobState(), head, month, tmp_path / "月报.pdf")
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace(" ", "").replace("\n", "")
    book = load_workbook(reports.export_xlsx(database, JobState(), head, month, tmp_path / "月报.xlsx"))
    summary = {r[2]: r[3] for r in book["月报"].iter_rows(min_row=3, values_only=True) if r[2]}
    for figure in lines:
        assert f"{figure.label}{figure.text}".replace(" ", "") in text, figure.label
        assert summary[figure.label] == figure.text
    assert any("周（救助保障身份）起始日期" in (r[2] or "") for r in book["月报"].iter_rows(values_only=True))
    page = statistics.station_figures(database, today=D(2026, 10, 31))  # the 统计 page on the month's last day
    assert {f.key: (f.value, f.unit, f.ids) for f in page.statuses} == {f.key: (f.value, f.unit, f.ids) for f in lines}
    assert [f.label for f in page.statuses] == [f.label.removeprefix("月末") for f in lines]
    report_versions.submit(store, month)
    frozen = {f.key: (f.value, f.unit, f.ids) for f in report_versions.latest(database, month).figures}
    assert {f.key: (f.value, f.unit, f.ids) for f in lines} == {k: v for k, v in frozen.items()
                                                                 if k.startswith("assistance.")}


def test_an_elders_tekun_is_the_dated_status_where_one_is_recorded(history, database):
    later_work(history)
    history.on(D(2026, 11, 5))

    def tekun(day) -> list[str]:
        roster = fig.benefits_held(fig.statuses(database, day), day, fig.elders_on_roster(database, day))
        names = {history.people[n]["id"]: n for n in ("赵", "钱", "周")}
        return sorted(names[r["person_id"]] for r in roster if is_tekun(r))

    # 赵: ticked, no status on record. 钱: not ticked, 特困 from 9-01 to 11-03. 周: ticked, but her
    # status (begun 11-02, as corrected) decides.
    assert tekun(D(2026, 8, 31)) == ["赵"]
    assert tekun(D(2026, 10, 31)) == ["赵", "钱"]
    assert tekun(D(2026, 11, 5)) == ["周", "赵"]
    # A household's 低保 is counted on the household's line; a member's ticks stay the worker's.
    sun = history.people["孙大山"]["id"]
    day = D(2026, 10, 31)
    assert fig.benefits_held(fig.statuses(database, day), day, [{"person_id": sun, "benefits": ["gaoling"]}]) == \
        [{"person_id": sun, "benefits": ["gaoling"]}]
    # The care-agreement rate counts 特困 elders the same way: in August only 赵 (周 ticked it, but
    # her status says not yet).
    august = {f.key: f for f in monthly_report.figures(database, "2026-08")}
    assert august["ledger.care.tekun"].of == 1
