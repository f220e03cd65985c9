"""The console on PostgreSQL with several worker processes (`server run --workers 2`): a session made
by one worker is honoured, and ended, by every worker (nothing of it lives in a worker's memory)."""

from __future__ import annotations

import re

import httpx

from station_app.core.county_roles import CLERK
from station_app.server.keys import CountyKeys
from station_app.server.store import accounts
from station_app.server.store.storage import ServerStore
from tests.sync_fixtures import new_postgres_database, postgres, start_server, stop  # noqa: F401 (fixture)


def test_sessions_and_csrf_tokens_hold_across_worker_processes(postgres, tmp_path):
    url = new_postgres_database(postgres)
    store = ServerStore(url)
    accounts.create_user(store, "keyuan", "李科员", CLERK, "county-pass-1", accounts.SERVER_CONSOLE)
    CountyKeys.load_or_create(tmp_path)
    base, server = start_server(tmp_path, database_url=url, workers=2)
    try:
        login = httpx.get(f"{base}/console/login")
        token = re.search(r'name="csrf" value="([^"]+)"', login.text)[1]
        answer = httpx.post(f"{base}/console/login", cookies=login.cookies,
                            data={"csrf": token, "username": "keyuan", "password": "county-pass-1"})
        session = {"station_console": answer.cookies["station_console"]}
        # Each request on a new connection: the kernel hands them to either worker.
        pages = [httpx.get(f"{base}/console/relief", cookies=session) for _ in range(30)]
        assert {p.status_code for p in pages} == {200}
        csrf = re.search(r'name="csrf" value="([^"]+)"', pages[-1].text)[1]
        out = httpx.post(f"{base}/console/logout", cookies=session, data={"csrf": csrf})
        assert out.status_code == 303 and out.headers["location"].endswith("/console/login")
        after = [httpx.get(f"{base}/console/relief", cookies=session) for _ in range(10)]
        assert {p.status_code for p in after} == {303}
        started = re.findall(r"Started server process \[(\d+)\]", (tmp_path / "logs" / "server.jsonl").read_text())
        assert len(set(started)) == 2
    finally:
        stop(server)
        store.close()
