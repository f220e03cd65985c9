"""Fixtures for UI tests, loaded with `pytest_plugins = ["tests.ui_fixtures"]`: sessions as a head
and as a viewer. Each waits for list queries still running in worker threads before the database
is closed, so no job outlives its test.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from station_app.core.roles import Actor  # noqa: E402
from station_app.store import users  # noqa: E402
from station_app.store.database import StationDatabase  # noqa: E402
from station_app.ui.operations import wait_for_jobs  # noqa: E402
from station_app.ui.session import Session  # noqa: E402

VIEWER_PASSWORD = "county-check-55"


@pytest.fixture
def session(data_dir: Path, database: StationDatabase, head: Actor) -> Iterator[Session]:
    yield Session(data_dir, database, head)
    assert wait_for_jobs(10000)


@pytest.fixture
def viewer_session(data_dir: Path, database: StationDatabase, head: Actor) -> Iterator[Session]:
    user = users.create_user(database, head, "inspector", "县里检查", "viewer", VIEWER_PASSWORD)
    yield Session(data_dir, database, Actor(user["id"], user["username"], user["display_name"], user["role"]))
    assert wait_for_jobs(10000)
