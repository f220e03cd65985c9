"""A real county server process on 127.0.0.1 (a free port), and enrolled stations, for the sync tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from station_app.core import county_roles, demo
from station_app.core.county_roles import CountyActor
from station_app.core.roles import Actor
from station_app.jobs import admin
from station_app.server.keys import CountyKeys
from station_app.server.store import accounts
from station_app.server.store.storage import ServerStore
from station_app.store import keyring, relief
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore
from station_app.sync import client
from tests.helpers import id_number

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date.today()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class County:
    url: str
    folder: Path
    process: subprocess.Popen
    store: ServerStore
    keys: CountyKeys
    database_url: str | None = None

    def station_code(self, name: str) -> str:
        return self.store.create_station(name)

    def command(self, *args: str) -> list[str]:
        """A county command line against this server's folder and database."""
        database = ["--database-url", self.database_url] if self.database_url else []
        return [sys.executable, "main.py", "server", "--dir", str(self.folder), *database, *args]


def start_server(folder: Path, tls: tuple[Path, Path] | None = None,
                 database_url: str | None = None, workers: int = 1) -> tuple[str, subprocess.Popen]:
    """The server as a subprocess on a free port of 127.0.0.1 (HTTPS with `tls` = (cert, key))."""
    port = free_port()
    extra = ["--certfile", str(tls[0]), "--keyfile", str(tls[1])] if tls else []
    extra += ["--workers", str(workers)] if workers > 1 else []
    database = ["--database-url", database_url] if database_url else []
    process = subprocess.Popen(
        [sys.executable, "main.py", "--data-dir", str(folder / "unused"), "server", "--dir", str(folder), *database,
         "run", "--host", "127.0.0.1", "--port", str(port), *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # its log: folder/logs/server.jsonl
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    verify = ssl.create_default_context(cafile=str(tls[0])) if tls else True
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1, verify=verify).status_code == 200:
                return url, process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else (Path(shutil.which("initdb")).parent if shutil.which("initdb") else None)


@contextlib.contextmanager
def running_postgres(settings: dict[str, str] | None = None) -> Iterator[str]:
    """A throw-away PostgreSQL server on 127.0.0.1 (Debian's packages): its base URL, to which a
    user adds a database of their own. Run as the `postgres` user when we are root (PostgreSQL
    refuses root). `settings`: server settings (e.g. shared_buffers) other than the defaults."""
    bindir = _postgres_bin()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL is not installed (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="sync-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(base / "data"), "-U", "station", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(base / "data"), "-w", "-l", str(base / "log"),
                    "-o", f"-p {port} -h 127.0.0.1 -k {base}" + "".join(f" -c {k}={v}" for k, v in (settings or {}).items()),
                    "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://station@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """One PostgreSQL server for the whole test run (skipped where it is not installed)."""
    try:
        with running_postgres() as url:
            yield url
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


def new_postgres_database(base_url: str) -> str:
    import psycopg

    name = f"county_{secrets.token_hex(6)}"
    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base_url}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def county(request, tmp_path: Path):
    """A county server process, once on SQLite and once on PostgreSQL."""
    folder = tmp_path / "county"
    folder.mkdir()
    database_url = new_postgres_database(request.getfixturevalue("postgres")) \
        if request.param == "postgresql" else None
    CountyKeys.load_or_create(folder)
    url, process = start_server(folder, database_url=database_url)
    store = ServerStore(database_url or folder / "county.db")
    yield County(url, folder, process, store, CountyKeys.load_or_create(folder), database_url)
    store.close()
    stop(process)


def new_station(folder: Path, name: str, admin_code: str) -> tuple[StationDatabase, Actor]:
    """Another station's database (the `database` fixture is station A)."""
    database = StationDatabase.open(folder / "station.db", keyring.new_key())
    head = admin.initialise_station(database, {**demo.STATION, "name": name, "admin_code": admin_code},
                                    "head", "站长", "shegong-qiandian-26")
    return database, head


def enrolled(county: County, database: StationDatabase, name: str) -> client.Enrollment:
    return client.enroll(database, county.url, county.station_code(name))


def approver(name: str = "县民政局") -> CountyActor:
    """A county person who may decide relief cases (the console's 审批 role)."""
    return CountyActor("approver", "approver", name, county_roles.APPROVER)


def api_token(store: ServerStore, role: str = county_roles.APPROVER, username: str = "zhangkz") -> str:
    """A county person's API token as a script holds it: an 审批 account's unless `role` says otherwise."""
    accounts.create_user(store, username, "县民政局张科长", role, "county-pass-1", accounts.SERVER_CONSOLE)
    return accounts.create_api_token(store, username, "脚本", accounts.SERVER_CONSOLE)


def referred_case(store: RecordStore, village: dict, order: int = 131) -> dict:
    """A relief case above township authority, sent up to the county."""
    person = store.create("person", {"name": "李大山", "id_number": id_number("19540611", order),
                                     "village_id": village["id"]})
    case = relief.register(store, {"person_id": person["id"], "case_type": "emergency", "tier": 3, "household_size": 3,
                                   "reason": "夜间房屋失火，三间正房烧毁", "incident_place": "前甸村3组"}, TODAY)
    for code, kwargs in (("verify", {}), ("submit", {"amount": "11200", "reason": "冬季需另购取暖煤"}), ("refer", {})):
        case = relief.act(store, case["id"], code, case["rev"], today=TODAY, **kwargs)
    return case
