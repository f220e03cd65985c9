"""A real county server process on 127.0.0.1 (a free port), and enrolled stations, for the sync tests."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from station_app import admin
from station_app.core import demo
from station_app.core.roles import Actor
from station_app.server.keys import CountyKeys
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

    def station_code(self, name: str) -> str:
        return self.store.create_station(name)


def start_server(folder: Path, tls: tuple[Path, Path] | None = None) -> tuple[str, subprocess.Popen]:
    """The server as a subprocess on a free port of 127.0.0.1 (HTTPS with `tls` = (cert, key))."""
    port = free_port()
    extra = ["--certfile", str(tls[0]), "--keyfile", str(tls[1])] if tls else []
    process = subprocess.Popen(
        [sys.executable, "main.py", "--data-dir", str(folder / "unused"), "server", "--dir", str(folder), "run",
         "--host", "127.0.0.1", "--port", str(port), *extra],
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


@pytest.fixture
def county(tmp_path: Path):
    folder = tmp_path / "county"
    folder.mkdir()
    CountyKeys.load_or_create(folder)
    url, process = start_server(folder)
    store = ServerStore(folder / "county.db")
    yield County(url, folder, process, store, CountyKeys.load_or_create(folder))
    store.close()
    stop(process)


def new_station(folder: Path, name: str, admin_code: str) -> tuple[StationDatabase, Actor]:
    """Another station's database (the `database` fixture is station A)."""
    database = StationDatabase.open(folder / "station.db", keyring.new_key())
    head = admin.initialise_station(database, {**demo.STATION, "name": name, "admin_code": admin_code},
                                    "head", "站长", "secret123")
    return database, head


def enrolled(county: County, database: StationDatabase, name: str) -> client.Enrollment:
    return client.enroll(database, county.url, county.station_code(name))


def referred_case(store: RecordStore, village: dict, order: int = 131) -> dict:
    """A relief case above township authority, sent up to the county."""
    person = store.create("person", {"name": "李大山", "id_number": id_number("19540611", order),
                                     "village_id": village["id"]})
    case = relief.register(store, {"person_id": person["id"], "case_type": "emergency", "tier": 3, "household_size": 3,
                                   "reason": "夜间房屋失火，三间正房烧毁", "incident_place": "前甸村3组"}, TODAY)
    for code, kwargs in (("verify", {}), ("submit", {"amount": "11200", "reason": "冬季需另购取暖煤"}), ("refer", {})):
        case = relief.act(store, case["id"], code, case["rev"], today=TODAY, **kwargs)
    return case
