"""Shared fixtures. Qt runs offscreen: tests never need a display."""

from __future__ import annotations

import gc
import json
import os
import tempfile

# Whatever a test makes Qt remember (QSettings) goes to a throw-away folder, never the real profile.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="station-tests-config-")
# Qt runs offscreen on a 1024×768 screen, the smallest a township PC still has: every window and
# dialog a test opens must fit it (tests/test_screen_fit.py walks them all).
SCREEN = (1024, 768)
_SCREEN_FILE = os.path.join(os.environ["XDG_CONFIG_HOME"], "screen.json")
with open(_SCREEN_FILE, "w", encoding="utf-8") as _out:
    json.dump({"screens": [{"name": "office-pc", "x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1],
                            "logicalDpi": 96, "dpr": 1}]}, _out)
if "configfile" not in os.environ.get("QT_QPA_PLATFORM", ""):
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN_FILE}"

import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from station_app.core import demo  # noqa: E402
from station_app.core.roles import Actor  # noqa: E402
from station_app.jobs import admin  # noqa: E402
from station_app.store import keyring  # noqa: E402
from station_app.store.database import StationDatabase, forget_keys  # noqa: E402
from station_app.store.records import RecordStore  # noqa: E402

HEAD_PASSWORD = "shegong-qiandian-26"
# Every test station wraps its key at least once: the shipped 64 MiB argon2 cost would add
# minutes to the suite. The cost is stored with each wrap, so unwrapping follows whatever made it.
keyring.KDF = keyring.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _forget_unlocked_keys():
    """Each test starts with no database unlocked in this process, as a fresh program does."""
    yield
    forget_keys()


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread():
    """As the app does (ui.garbage): no automatic collection, which could run on a job's worker
    thread and delete a widget there; the test's cycles are collected here, on the main thread."""
    gc.disable()
    yield
    gc.collect()


@pytest.fixture
def db_key() -> bytes:
    return keyring.new_key()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def database(data_dir: Path, db_key: bytes):
    db = StationDatabase.open(data_dir / "station.db", db_key)
    yield db
    db.close()


@pytest.fixture
def head(database: StationDatabase) -> Actor:
    """A station set up as on first run, logged in as its head."""
    return admin.initialise_station(database, demo.STATION, "head", "王站长", HEAD_PASSWORD)


@pytest.fixture
def store(database: StationDatabase, head: Actor) -> RecordStore:
    return RecordStore(database, head)


@pytest.fixture
def village(store: RecordStore) -> dict:
    return store.create("village", {"code": "210411101201", "name": "前甸村"})


@pytest.fixture
def demo_people(database: StationDatabase, head: Actor) -> dict[str, int]:
    return admin.load_demo(database, head, 300, today=dt.date(2026, 11, 1))
