"""Submitted monthly reports (上报): frozen with their records, a correction is the next version with
its reason, the month shows 未上报 / 已上报 / 已更正, and the county keeps every version."""

from __future__ import annotations

import pytest

from station_app.core import report_versions as rules
from station_app.core.errors import PermissionDenied, ValidationError
from station_app.core.roles import WORKER, Actor
from station_app.store import monthly_report, report_versions
from station_app.store.records import RecordStore
from station_app.sync import client
from tests.figure_history import D, build
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)

pytest_plugins = ["tests.ui_fixtures"]
MONTH = "2026-10"
FIGURE = [{"key": "x", "section": "留守儿童和困境儿童", "label": "在册农村留守儿童", "value": 1, "unit": "人", "of": None}]


@pytest.fixture
def history(database, head, monkeypatch):
    found = build(database, head, monkeypatch, until=D(2026, 11, 1))
    found.on(D(2026, 11, 1))
    return found


def correct_october(history) -> None:
    """乙 in fact left on 11-02, not 10-05: she was on October's roll after all."""
    history.on(D(2026, 11, 3))
    history.update("乙", {"exited_on": "2026-11-02"})


def test_a_submitted_month_is_frozen_with_its_records_and_corrected_by_a_new_version(history, database):
    store = history.store
    assert report_versions.state(database, MONTH) == rules.NOT_SUBMITTED
    first = report_versions.submit(store, MONTH)
    assert (first["version"], first["submitted_by"], report_versions.state(database, MONTH)) == (1, "王站长", "已上报")
    frozen = report_versions.latest(database, MONTH)
    now = monthly_report.figures(database, MONTH)
    assert [(f.key, f.value, f.of, f.ids) for f in frozen.figures] == [(f.key, f.value, f.of, f.ids) for f in now]
    records = {f.key: f.ids for f in frozen.figures}
    assert first["digest"] == rules.digest(MONTH, 1, [f.summary() for f in now], records)
    with pytest.raises(ValidationError, match="无需更正"):  # nothing changed: nothing to correct
        report_versions.submit(store, MONTH, "再报一次")

    correct_october(history)
    assert report_versions.changed(monthly_report.figures(database, MONTH), frozen) == [
        "children.left_behind", "children.agreements", "children.visited"]
    with pytest.raises(ValidationError, match="更正原因"):
        report_versions.submit(history.store, MONTH)
    second = report_versions.submit(history.store, MONTH, "乙的退出日期核实为11月2日")
    assert (second["version"], second["reason"], report_versions.state(database, MONTH)) == \
        (2, "乙的退出日期核实为11月2日", "已更正")
    assert report_versions.latest(database, MONTH).figures[0].value == 3  # 甲, 乙, 丁 on October's roll
    # Version 1 stays as it was submitted.
    assert [v["version"] for v in report_versions.versions(database, MONTH)] == [1, 2]
    with pytest.raises(PermissionDenied, match="只能新增"):
        history.store.update("report_version", first["id"], {"reason": "改"}, first["rev"])


def test_only_the_head_submits_and_only_a_month_that_has_ended(history, database):
    worker = RecordStore(database, Actor("w1", "liu", "刘晓梅", WORKER), today=D(2026, 11, 1))
    with pytest.raises(PermissionDenied, match="只有站长"):
        report_versions.submit(worker, MONTH)
    with pytest.raises(ValidationError, match="已经结束"):
        report_versions.submit(history.store, "2026-11")
    assert report_versions.versions(database, MONTH) == []
    with pytest.raises(ValidationError, match="第1版"):  # versions go 1, 2, 3 … whoever writes them
        history.store.create("report_version", {"month": MONTH, "version": 2, "figures": FIGURE, "reason": "跳号",
                                                "submitted_by": "王站长", "submitted_at": "2026-11-01 10:00",
                                                "digest": "0" * 64})


@pytest.mark.parametrize(("figures", "where"), [
    ([{"key": "x"}], "缺少「项目」"), ([{**FIGURE[0], "value": "12"}], "数值」应为整数"), (["在册 12 人"], "第1项」应为"),
    ([{**FIGURE[0], "of": 1.5}], "总数」应为整数")])
def test_a_version_whose_figures_the_county_could_not_read_is_refused(history, figures, where):
    """The county reads every version it receives figure by figure: the shape is the entity's rule,
    checked by the station's write path and again by the server on receipt (protocol.change_problem)."""
    with pytest.raises(ValidationError, match=where) as refused:
        history.store.create("report_version", {"month": MONTH, "version": 1, "figures": figures,
                                                "submitted_by": "王站长", "submitted_at": "2026-11-01 10:00",
                                                "digest": "0" * 64})
    assert list(refused.value.errors) == ["figures"]
    with pytest.raises(ValidationError, match="统计的记录"):
        history.store.create("report_figure", {"report_version_id": history.village["id"], "key": "x",
                                               "entity": "person", "ids": [{"id": 1}]})


def test_the_county_receives_each_version_once(county, history, database):
    enrolled(county, database, "前甸镇")
    report_versions.submit(history.store, MONTH)
    client.sync(database)
    client.sync(database)  # nothing new: nothing sent twice

    def at_county(entity_name):
        return [r["payload"] for r in county.store.records(owner=database.station_id, entity_name=entity_name)]

    [v1] = at_county("report_version")
    assert (v1["month"], v1["version"]) == (MONTH, 1)
    assert {f["report_version_id"] for f in at_county("report_figure")} == {v1["id"]}
    correct_october(history)
    report_versions.submit(history.store, MONTH, "乙的退出日期核实为11月2日")
    client.sync(database)
    versions = sorted(at_county("report_version"), key=lambda v: v["version"])
    assert [(v["version"], v["reason"]) for v in versions] == [(1, None), (2, "乙的退出日期核实为11月2日")]
    figures = at_county("report_figure")
    assert len(figures) == 2 * len(v1["figures"])
    roll = {f["report_version_id"]: f["ids"] for f in figures if f["key"] == "children.left_behind"}
    assert len(roll[versions[0]["id"]]) == 2 and len(roll[versions[1]["id"]]) == 3
    # What the county holds is what the station froze: the digest checks out there.
    v2 = versions[1]
    records = {f["key"]: f["ids"] for f in figures if f["report_version_id"] == v2["id"]}
    assert rules.digest(MONTH, 2, v2["figures"], records) == v2["digest"]


def test_the_dialog_shows_the_state_and_submits(qtbot, session, history, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from station_app.ui.monthly_report_dialog import MonthlyReportDialog

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog = MonthlyReportDialog(session, today=D(2026, 11, 2))
    qtbot.addWidget(dialog)
    assert dialog.chosen_month == MONTH
    qtbot.waitUntil(lambda: dialog.shown is not None, timeout=10000)
    assert "未上报" in dialog.state.text() and dialog.submit_button.isEnabled()
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: dialog.shown is not None and dialog.shown.submitted is not None, timeout=10000)
    assert "已上报" in dialog.state.text() and "第1版" in dialog.state.text()
    assert not dialog.submit_button.isEnabled()  # the same numbers: nothing to correct
    column = [c.header for c in dialog.model.columns].index("已上报")
    assert dialog.model.index(0, column).data() == dialog.figures[0].text

    correct_october(history)
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("乙的退出日期核实为11月2日", True))
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.submit_button.isEnabled(), timeout=10000)
    assert "当前数字与已上报的不同" in dialog.state.text() and dialog.submit_button.text().startswith("上报更正")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: dialog.shown is not None and "已更正" in dialog.state.text(), timeout=10000)
