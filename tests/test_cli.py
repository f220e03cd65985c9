"""Scripted administration through main.py, as a station PC or a test would run it."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from station_app import paths
from station_app.core import demo, idnumber
from station_app.core.validation import validate
from station_app.jobs import accounts

ROOT = Path(__file__).resolve().parent.parent
INIT = ["init", "--name", "前甸镇社会工作服务站", "--township", "前甸镇", "--county", "顺城区", "--admin-code", "210411101",
        "--head-username", "head", "--head-name", "王站长", "--head-password", "shegong-qiandian-26"]


def run(*args, env=None):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "STATION_PASSWORD": "shegong-qiandian-26", **(env or {})})


def test_init_demo_check_backup(tmp_path):
    data = tmp_path / "station-data"
    init = run("--data-dir", str(data), *INIT)
    assert init.returncode == 0 and "恢复码" in init.stdout
    result = run("--data-dir", str(data), "--user", "head", "demo", "--people", "120")
    assert result.returncode == 0, result.stderr
    assert "person 120" in result.stdout
    check = run("--data-dir", str(data), "--user", "head", "check")
    assert check.returncode == 0 and "检查通过" in check.stdout
    backup = run("--data-dir", str(data), "--user", "head", "backup", "--to", str(tmp_path / "stick"))
    assert backup.returncode == 0
    copies = list((tmp_path / "stick").glob("station-*.db"))
    assert len(copies) == 1
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):  # encrypted, as the stick may get lost
        sqlite3.connect(copies[0]).execute("SELECT COUNT(*) FROM person")
    database, _head = accounts.log_in(copies[0], "head", "shegong-qiandian-26")  # its key ring travelled with it
    assert database.scalar("SELECT COUNT(*) FROM person") == 120
    assert database.integrity_check() == []
    database.close()


def test_a_wrong_password_opens_nothing(tmp_path):
    data = tmp_path / "station-data"
    assert run("--data-dir", str(data), *INIT).returncode == 0
    result = run("--data-dir", str(data), "--user", "head", "check", env={"STATION_PASSWORD": "wrong-password"})
    assert result.returncode == 2 and "用户名或密码不正确" in result.stderr


def test_data_dir_comes_from_the_environment_when_not_given(tmp_path):
    data = tmp_path / "from-env"
    assert run(*INIT, env={paths.DATA_DIR_ENV: str(data)}).returncode == 0
    assert (data / "station.db").exists()


def test_default_data_dir_is_the_per_user_application_folder(monkeypatch):
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    assert paths.data_dir().name == "Station"
    assert paths.data_dir("/tmp/elsewhere") == Path("/tmp/elsewhere")


def test_bad_input_gets_a_chinese_message_not_a_traceback(tmp_path):
    args = [*INIT]
    args[args.index("210411101")] = "99999"
    result = run("--data-dir", str(tmp_path), *args)
    assert result.returncode == 2
    assert "乡镇区划代码应为9位数字" in result.stderr and "Traceback" not in result.stderr


def test_initialising_twice_is_refused(tmp_path):
    assert run("--data-dir", str(tmp_path), *INIT).returncode == 0
    again = run("--data-dir", str(tmp_path), *INIT)
    assert again.returncode == 2 and "不能重复初始化" in again.stderr


def test_demo_people_are_valid_and_visits_span_the_past_year():
    today = dt.date(2026, 11, 1)
    chunks = list(demo.generate(demo.DemoPlan(people=400, seed=3, today=today)))
    people = [p for name, rows in chunks if name == "person" for p in rows]
    visits = [v for name, rows in chunks if name == "visit" for v in rows]
    assert len(people) == 400
    assert len({p["id_number"] for p in people}) == 400
    for p in people:
        info = idnumber.parse(p["id_number"], today)
        assert (info.gender, info.birth_date.isoformat()) == (p["gender"], p["birth_date"])
        validate("person", p, today)
    dates = sorted(v["visit_date"] for v in visits)
    assert dates[0] < (today - dt.timedelta(days=300)).isoformat() and dates[-1] <= today.isoformat()
    assert {name for name, rows in chunks if rows} >= {"village", "household", "person", "child_profile",
                                                      "agreement", "elder_profile", "visit"}
