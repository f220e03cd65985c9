"""A station whose PC is lost is rebuilt on a new PC from the county (issue 20): the same records,
its numbering continued, and the old PC refused by name."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from station_app.core.entities import ENTITIES  # noqa: E402
from station_app.core.errors import KnownError, ValidationError  # noqa: E402
from station_app.core.jobs import JobState  # noqa: E402
from station_app.core.passwords import PASSWORD_ENV  # noqa: E402
from station_app.jobs import admin  # noqa: E402
from station_app.jobs.accounts import log_in  # noqa: E402
from station_app.server.bundles import import_bundle  # noqa: E402
from station_app.server.store.station_rebuilds import rebuild_page  # noqa: E402
from station_app.server.store.storage import ServerStore, Station  # noqa: E402
from station_app.store import reference_data  # noqa: E402
from station_app.store.records import RecordStore  # noqa: E402
from station_app.sync import bundles, client, rebuild  # noqa: E402
from station_app.sync import protocol as p  # noqa: E402
from station_app.ui.first_start import FirstStartDialog  # noqa: E402
from station_app.ui.operations import wait_for_jobs  # noqa: E402
from station_app.ui.rebuild_dialog import RebuildDialog  # noqa: E402
from station_app.ui.recovery import RecoveryCodeDialog  # noqa: E402
from tests.sync_fixtures import ROOT, approver, county, enrolled, postgres  # noqa: E402, F401 (fixtures)
from tests.ui_helpers import wait_shown  # noqa: E402

NEW_HEAD = ("zhanzhang", "新站长", "xin-diannao-2026")
REBUILT = "在新电脑上从县服务器恢复"


def all_rows(database) -> dict[str, list[dict]]:
    """Every entity's rows, field by field; a JSON field as its value (the county keeps its keys sorted)."""
    return {name: [{k: _value(v) for k, v in row.items()} for row in database.query(f"SELECT * FROM {name} ORDER BY id")]
            for name in ENTITIES}


def _value(value):
    return json.loads(value) if isinstance(value, str) and value[:1] in ("[", "{") else value


@pytest.fixture
def lost(county, database, store, demo_people):
    """A demo station synced with the county (a county reference value among its records), then one
    more change that never reaches the county."""
    enrolled(county, database, "前甸镇")
    county.store.publish_reference("relief_tiers", reference_data.default("relief_tiers"), "2027-01-01",
                                   "2027年标准", approver("县民政局"))
    client.sync(database)
    synced = all_rows(database)
    high_water = int(database.scalar("SELECT MAX(seq) FROM outbox"))
    store.create("village", {"code": "210411101299", "name": "未同步村"})
    return synced, high_water


def test_a_lost_station_is_rebuilt_from_the_county_and_its_old_pc_refused(county, database, lost, tmp_path):
    synced, high_water = lost
    code = county.store.issue_rebuild_code("前甸镇")
    path = tmp_path / "new-pc" / "station.db"
    started = rebuild.start(path, county.url, code, NEW_HEAD)
    done = rebuild.resume(started.database)

    assert f"第 {high_water:,} 条" in done.summary() and "之后未同步的工作无法恢复" in done.summary()
    new = started.database
    assert new.station_id == database.station_id
    assert all_rows(new) == synced  # field by field, every entity, the unsynced village not among them
    assert admin.check_database(new, JobState()).ok
    assert not new.query("SELECT 1 FROM outbox")  # what came back is not sent up again
    new.close()

    # The new head logs in with the new password; the next change is numbered after the last the county has.
    new, head = log_in(path, NEW_HEAD[0], NEW_HEAD[2])
    RecordStore(new, head).create("village", {"code": "210411101298", "name": "新电脑村"})
    assert new.query("SELECT seq FROM outbox") == [{"seq": high_water + 1}]
    assert client.sync(new).counts[p.APPLIED] == 1
    new.close()

    with pytest.raises(KnownError, match=REBUILT):
        client.sync(database)
    stick = tmp_path / "usb"
    bundle, _ = bundles.export_bundle(database, stick)
    with pytest.raises(p.StationRebuilt, match=REBUILT):
        import_bundle(county.store, county.keys, bundle.read_bytes())


def test_a_rebuild_code_works_once_and_only_for_an_enrolled_station(county, database, lost, tmp_path):
    with pytest.raises(KnownError, match="已登记在用"):
        county.store.issue_rebuild_code("没有这个镇")
    code = county.store.issue_rebuild_code("前甸镇")
    rebuild.start(tmp_path / "a" / "station.db", county.url, code, NEW_HEAD).database.close()
    with pytest.raises(KnownError, match="登记码无效或已使用"):
        rebuild.start(tmp_path / "b" / "station.db", county.url, code, NEW_HEAD)
    assert not (tmp_path / "b" / "station.db").exists()  # nothing left behind


def test_the_old_pcs_push_answers_410_naming_the_rebuild(county, database, lost, tmp_path):
    enrollment = client.Enrollment.load(database)
    rebuild.start(tmp_path / "new" / "station.db", county.url, county.store.issue_rebuild_code("前甸镇"),
                  NEW_HEAD).database.close()
    body = p.request(enrollment.station_id, "pull", enrollment.keys.sign, cursor=0)
    answer = httpx.post(f"{county.url}/v1/pull", content=p.canonical(body))
    assert answer.status_code == 410 and REBUILT in answer.json()["error"]


@pytest.mark.parametrize("kill_after", [0.0, 0.3, 1.0])
def test_a_rebuild_killed_from_the_command_line_resumes_and_ends_identical(county, database, lost, tmp_path, kill_after):
    synced, high_water = lost
    out = subprocess.run(county.command("rebuild-code", "前甸镇"), cwd=ROOT, capture_output=True, text=True, check=True)
    code = re.search(r"恢复登记码[^：]*：(\S+)", out.stdout).group(1)
    env = {**os.environ, PASSWORD_ENV: NEW_HEAD[2]}
    command = [sys.executable, "main.py", "--data-dir", str(tmp_path / "new-pc"), "--user", NEW_HEAD[0], "sync",
               "rebuild", "--server", county.url, "--code", code, "--head-username", NEW_HEAD[0]]
    with subprocess.Popen(command, cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                          text=True) as first:
        assert "已在县服务器重新登记" in first.stdout.readline()  # enrolled: from here a kill only interrupts pages
        time.sleep(kill_after)
        first.send_signal(signal.SIGKILL)
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and f"最后一次成功同步：第 {high_water:,} 条" in again.stdout

    new, _head = log_in(tmp_path / "new-pc" / "station.db", NEW_HEAD[0], NEW_HEAD[2])
    assert all_rows(new) == synced and not new.query("SELECT 1 FROM outbox")
    assert admin.check_database(new, JobState()).ok
    new.close()


# -- the first-start window ------------------------------------------------------------------------


def open_rebuild(qtbot, data_dir) -> tuple[FirstStartDialog, RebuildDialog]:
    first = FirstStartDialog(data_dir)
    qtbot.addWidget(first)
    first.show()
    qtbot.mouseClick(first.rebuild_button, Qt.MouseButton.LeftButton)
    return first, wait_shown(qtbot, RebuildDialog)


def test_the_first_start_window_rebuilds_from_the_county_and_says_what_was_lost(qtbot, county, database, lost, tmp_path):
    synced, high_water = lost
    code = county.store.issue_rebuild_code("前甸镇")
    first, dialog = open_rebuild(qtbot, tmp_path / "new-pc")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)  # nothing filled in: said at the fields
    assert any(label.text() == "请填写恢复登记码" for label in dialog.findChildren(QLabel))
    assert not (tmp_path / "new-pc").exists()
    for name, value in (("server", county.url), ("code", code), ("username", NEW_HEAD[0]), ("name", NEW_HEAD[1]),
                        ("password", NEW_HEAD[2]), ("again", NEW_HEAD[2])):
        dialog.form.editor(name).setText(value)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "最后一次成功同步" in dialog.findings.text(), timeout=120000)
    shown = wait_shown(qtbot, RecoveryCodeDialog)
    assert f"第 {high_water:,} 条" in dialog.findings.text() and "之后未同步的工作无法恢复" in dialog.findings.text()
    shown.kept.setChecked(True)
    with qtbot.waitSignal(first.accepted, timeout=10000):
        qtbot.mouseClick(shown.close_button, Qt.MouseButton.LeftButton)
    assert first.restored and wait_for_jobs(10000)
    new, _head = log_in(tmp_path / "new-pc" / "station.db", NEW_HEAD[0], NEW_HEAD[2])
    assert all_rows(new) == synced
    new.close()


# -- the edge: any cursor a station sends ------------------------------------------------------------


@pytest.fixture(scope="module")
def county_store(tmp_path_factory):
    store = ServerStore(tmp_path_factory.mktemp("county") / "county.db")
    store.create_station("前甸镇")
    with store.transaction() as conn:
        conn.execute("UPDATE stations SET station_id = 's1', sign_public = 'k' WHERE name = '前甸镇'")
    yield store
    store.close()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=st.one_of(st.text(max_size=90), st.from_regex(p.REBUILD_CURSOR["pattern"], fullmatch=True)),
       limit=st.integers(-5, p.MAX_REBUILD + 5))
def test_any_rebuild_request_is_answered_with_a_page_or_refused_at_its_field(county_store, cursor, limit):
    station = Station("前甸镇", "s1", "k", "k", 0, 0, 0)
    request = p.request("s1", "rebuild", p.KeyPair.generate().sign, cursor=cursor, limit=limit)["body"]
    try:
        p.check(p.REBUILD, request)
    except ValidationError as exc:
        assert set(exc.errors) & {"cursor", "limit"}
        return
    page = p.check(p.REBUILD_PAGE, rebuild_page(county_store, station, cursor, limit))
    assert page["records"] == [] and (page["more"] or page["cursor"].startswith("station/"))
