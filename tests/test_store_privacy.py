"""Personal numbers and personal files: a viewer reads masked numbers from the store itself, may not
carry the database away in a backup, and every file the station writes is its user's alone."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from station_app.jobs import admin, exports, people
from station_app.core.errors import PermissionDenied
from station_app.core.jobs import JobState
from station_app.core.roles import VIEWER, Actor
from station_app.store import backups, monthly_report
from station_app.store.keyring import keys_path
from station_app.store.private_files import keep_private_by_default
from station_app.store.records import RecordStore
from tests.helpers import id_number

ROOT = Path(__file__).resolve().parent.parent
NUMBER = id_number("19500304", 131)
VIEWER_ACTOR = Actor("v", "viewer", "县里检查", VIEWER)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def elder(store, village) -> dict:
    person = store.create("person", {"name": "李大山", "id_number": NUMBER, "phone": "13904101234",
                                     "village_id": village["id"]})
    store.create("elder_profile", {"person_id": person["id"], "categories": ["alone"], "status": "active",
                                   "contacts": [{"name": "李明", "relation": "儿子", "phone": "13800001111"}]})
    return person


def test_a_viewer_reads_masked_numbers_from_the_store(database, store, elder):
    seen = RecordStore(database, VIEWER_ACTOR).get("person", elder["id"])
    assert (seen["id_number"], seen["phone"], seen["name"]) == ("2104**********" + NUMBER[-4:], "139****1234", "李大山")
    profile_id = database.scalar("SELECT id FROM elder_profile")
    contacts = RecordStore(database, VIEWER_ACTOR).get("elder_profile", profile_id)["contacts"]
    assert contacts == [{"name": "李明", "relation": "儿子", "phone": "138****1111"}]
    assert store.get("person", elder["id"])["id_number"] == NUMBER  # staff see the number in full


def test_a_viewer_may_not_make_a_backup(database, head, tmp_path):
    with pytest.raises(PermissionDenied, match="只读账号不能备份"):
        admin.backup(database, JobState(), VIEWER_ACTOR, tmp_path / "usb")
    assert not (tmp_path / "usb").exists()
    assert admin.backup(database, JobState(), head, tmp_path / "usb").exists()


def test_the_database_its_journal_keys_backups_and_reports_are_private(database, head, store, elder, tmp_path):
    path = database.path
    assert {name: mode(path.with_name(name)) for name in ("station.db", "station.db-wal", "station.db-shm",
                                                            "station.keys")} == dict.fromkeys(
        ("station.db", "station.db-wal", "station.db-shm", "station.keys"), 0o600)
    copy = admin.backup(database, JobState(), head, tmp_path / "usb")
    automatic = backups.automatic_backup(database)
    report = monthly_report.write_xlsx(database, "前甸镇", "2026-11",
                                       monthly_report.figures(database, "2026-11"), tmp_path / "report.xlsx")
    card = people.person_cards(database, JobState(), head, [elder["id"]], tmp_path / "card.pdf")
    made = [copy, keys_path(copy), automatic, keys_path(automatic), report, card]
    assert [mode(p) for p in made] == [0o600] * len(made)


def test_a_database_an_older_version_left_readable_is_made_private_when_opened(database, head):
    path = database.path
    database.close()
    os.chmod(path, 0o644)
    reopened = type(database).open(path, database.key)
    try:
        assert mode(path) == 0o600
    finally:
        reopened.close()


def test_the_program_writes_exports_privately(database, head, tmp_path):
    table = exports.ListExport("人员", ["姓名"], [["李大山"]])
    old = os.umask(0o022)
    try:
        keep_private_by_default()  # what main.py does first
        out = exports.export_list(database, JobState(), head, table, tmp_path / "exports" / "people.xlsx",
                                  "数据核对", False)
    finally:
        os.umask(old)
    assert (mode(out), mode(out.parent)) == (0o600, 0o700)


@pytest.mark.slow
def test_the_command_line_keeps_the_data_folder_private(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "STATION_PASSWORD": "shegong-qiandian-26"}
    run = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data)]
    subprocess.run([*run, "init", "--name", "前甸镇社会工作服务站", "--township", "前甸镇", "--county", "顺城区",
                    "--admin-code", "210411101", "--head-username", "head", "--head-name", "王站长"],
                   check=True, env=env, capture_output=True)
    subprocess.run([*run, "--user", "head", "backup"], check=True, env=env, capture_output=True)
    made = [p for p in data.rglob("*") if p.is_file()]
    assert {p.name for p in made} >= {"station.db", "station.keys", "station.log"}
    assert any(p.parent.name == "backups" and p.suffix == ".db" for p in made)
    assert {p.relative_to(data).as_posix(): mode(p) for p in made} == {
        p.relative_to(data).as_posix(): 0o600 for p in made}


def test_partial_files_a_killed_backup_left_are_cleaned_up(database, head):
    folder = backups.backups_dir(database.path.parent)
    folder.mkdir(parents=True, exist_ok=True)
    left = [folder / "auto-20261101-080000.db.partial", folder / "auto-20261101-080000.keys.partial"]
    for path in left:
        path.write_bytes(b"half a backup")
        old = (dt.datetime.now() - dt.timedelta(hours=3)).timestamp()
        os.utime(path, (old, old))
    running = folder / "station-now.db.partial"  # another backup writing right now: left alone
    running.write_bytes(b"being written")
    backups.automatic_backup(database)
    assert [p.exists() for p in (*left, running)] == [False, False, True]
