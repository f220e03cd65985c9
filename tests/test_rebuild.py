"""A station whose PC is lost is rebuilt on a new PC from the county (issue 20): the same records,
its numbering continued, and the old PC refused by name."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

from station_app.core.entities import ENTITIES
from station_app.core.errors import KnownError
from station_app.core.jobs import JobState
from station_app.jobs import admin
from station_app.jobs.accounts import log_in
from station_app.server.bundles import import_bundle
from station_app.store import reference_data
from station_app.store.records import RecordStore
from station_app.sync import bundles, client, rebuild
from station_app.sync import protocol as p
from station_app.core.passwords import PASSWORD_ENV
from tests.sync_fixtures import ROOT, approver, county, enrolled, postgres  # noqa: F401 (fixtures)

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
