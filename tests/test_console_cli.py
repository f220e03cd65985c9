"""The county's first administrator and API tokens from the command line, and the console's session
cookie marked Secure when the server speaks HTTPS."""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import sys

import httpx

from station_app.core.county_roles import ADMIN
from station_app.server.store import accounts
from station_app.server.store.storage import ServerStore
from tests.sync_fixtures import ROOT, start_server, stop
from tests.test_sync import _self_signed


def county_command(folder, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "STATION_PASSWORD": password} if password else dict(os.environ)
    return subprocess.run([sys.executable, "main.py", "--data-dir", str(folder / "unused"), "server", "--dir",
                           str(folder), *args], cwd=ROOT, capture_output=True, text=True, env=env)


def test_the_first_administrator_and_an_api_token_are_made_on_the_command_line(tmp_path):
    made = county_command(tmp_path, "create-admin", "admin", "--name", "王管理", password="admin-pass-1")
    assert made.returncode == 0 and "已建立管理员账号“admin”" in made.stdout, made.stderr
    again = county_command(tmp_path, "create-admin", "admin", "--name", "王管理", password="admin-pass-1")
    assert again.returncode == 2 and "已被使用" in again.stderr
    weak = county_command(tmp_path, "create-admin", "admin2", "--name", "李", password="short")
    assert weak.returncode == 2 and "密码至少8位" in weak.stderr
    token = county_command(tmp_path, "create-token", "admin", "--label", "导出脚本")
    assert token.returncode == 0, token.stderr
    store = ServerStore(tmp_path / "county.db")
    try:
        assert [(u["username"], u["role"]) for u in accounts.users(store)] == [("admin", ADMIN)]
        printed = re.search(r"(st_\S+)", token.stdout)[1]
        assert accounts.token_actor(store, printed).display_name == "王管理"
        assert accounts.log_in(store, "admin", "admin-pass-1")
    finally:
        store.close()


def test_the_session_cookie_is_secure_over_https(tmp_path):
    tls = _self_signed(tmp_path)
    store = ServerStore(tmp_path / "county.db")
    accounts.create_user(store, "keyuan", "李科员", "clerk", "county-pass-1", accounts.SERVER_CONSOLE)
    url, server = start_server(tmp_path, tls)
    try:
        with httpx.Client(base_url=url, verify=ssl.create_default_context(cafile=str(tls[0]))) as http:
            form = http.get("/console/login")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
            answer = http.post("/console/login", data={"csrf": token, "username": "keyuan", "password": "county-pass-1"})
        cookie = answer.headers["set-cookie"]
        assert "station_console=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    finally:
        stop(server)
        store.close()
