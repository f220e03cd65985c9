"""A bulk import killed with SIGKILL midway through its transaction leaves all of its people or
none, and each person it left has its outbox change and its audit entry, the chain intact."""

from __future__ import annotations

import signal
import subprocess
import sys

from station_app.store import audit_log
from tests.helpers import count
from tests.sync_fixtures import ROOT

PEOPLE = 3000


def _import(database, db_key: bytes, tag: str, first: int, seed: str) -> int:
    """Run the import in a subprocess (killing itself unless `seed` is 'finish'); its return code."""
    worker = subprocess.run([sys.executable, "-m", "tests.bulk_import_crash_worker", str(database.path),
                             db_key.hex(), tag, str(PEOPLE), str(first), seed],
                            cwd=ROOT, capture_output=True, timeout=600)
    assert b"importing" in worker.stdout, worker.stderr.decode()
    return worker.returncode


def _left_behind(database, tag: str) -> tuple[int, int, int]:
    """The batch's people, their outbox changes and their audit entries."""
    people = f"(SELECT id FROM person WHERE notes = '{tag}')"
    return (count(database, f"person WHERE notes = '{tag}'"),
            count(database, f"outbox WHERE entity = 'person' AND record_id IN {people}"),
            count(database, f"audit_log WHERE entity = 'person' AND action = 'create' AND record_id IN {people}"))


def test_a_bulk_import_killed_midway_leaves_all_or_none_of_its_people_with_outbox_and_audit(database, head, db_key):
    for run, seed in enumerate(("1", "2", "3")):
        tag = f"批次{run}"
        assert _import(database, db_key, tag, first=run * 100, seed=seed) == -signal.SIGKILL
        assert _left_behind(database, tag) == (0, 0, 0)  # killed inside the transaction: nothing of it
    assert _import(database, db_key, "批次3", first=300, seed="finish") == 0
    assert _left_behind(database, "批次3") == (PEOPLE, PEOPLE, PEOPLE)
    assert audit_log.first_broken(database.conn) is None
    assert count(database, "person") == PEOPLE
