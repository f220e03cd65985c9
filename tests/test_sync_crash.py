"""A sync client killed with SIGKILL at random moments, then restarted: every record reaches the
server exactly once and the local outbox stays consistent."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

from station_app.core.jobs import JobState
from station_app.jobs import admin
from station_app.store import sync_state
from station_app.sync import client
from tests.helpers import count
from tests.sync_fixtures import ROOT, county, enrolled, postgres  # noqa: F401 (fixtures)
from tests.test_sync import local_records, server_records

KILLS = 12


def test_a_client_killed_at_random_points_ends_with_everything_on_the_server_once(county, database, store, demo_people,
                                                                                db_key):
    village = database.query("SELECT id FROM village LIMIT 1")[0]
    enrolled(county, database, "前甸镇")
    rng = random.Random(20261123)
    cut_off = []  # per kill: whether it left changes the server had not acknowledged
    for _ in range(KILLS):
        worker = subprocess.Popen([sys.executable, "-m", "tests.sync_crash_worker", str(database.path), db_key.hex(),
                                   village["id"]], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.3, 2.5))  # start-up takes a moment; then anywhere in a create or a push
        worker.send_signal(signal.SIGKILL)
        _out, err = worker.communicate()  # reads and closes its pipes
        assert worker.returncode == -signal.SIGKILL, err.decode()
        cut_off.append(count(database, "outbox WHERE acked_at IS NULL") > 0)
    assert any(cut_off)  # the kills landed in the middle of work, not only between sync runs

    final = client.sync(database)  # the restarted client finishes the job
    print("final sync after the kills:", final.counts, "duplicates answered:", database.scalar("SELECT SUM(duplicate) FROM sync_history"))
    assert server_records(county, database.station_id) == local_records(database)
    assert county.store.change_count(database.station_id) == count(database, "outbox")
    statuses = {r["ack_status"] for r in database.query("SELECT DISTINCT ack_status FROM outbox")}
    assert statuses <= {"applied", "duplicate"} and count(database, "outbox WHERE acked_at IS NULL") == 0
    assert count(database, "household") > 30 * 3
    assert admin.check_database(database, JobState()).ok
    assert sync_state.open_conflicts(database) == []
