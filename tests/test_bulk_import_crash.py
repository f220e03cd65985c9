"""A bulk import killed with SIGKILL midway through its transaction leaves all of its people or
none, and each person it left has its outbox change and its audit entry, the chain intact: killed
by itself inside the transaction, or from outside while its commit is being written to the WAL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from station_app.store import audit_log
from tests.helpers import count
from tests.sync_fixtures import ROOT

PEOPLE = 3000


def _command(database, db_key: bytes, tag: str, first: int, seed: str) -> list[str]:
    return [sys.executable, "-m", "tests.bulk_import_crash_worker", str(database.path), db_key.hex(), tag,
            str(PEOPLE), str(first), seed]


def _import(database, db_key: bytes, tag: str, first: int, seed: str) -> int:
    """Run the import in a subprocess (killing itself unless `seed` is 'finish'); its return code."""
    worker = subprocess.run(_command(database, db_key, tag, first, seed), cwd=ROOT, capture_output=True, timeout=600)
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


def _wal_after_truncating(database) -> Path:
    """The database's WAL, emptied: what a writer appends to it from now on is its size."""
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(f"{database.path}-wal")


def test_a_bulk_import_killed_from_outside_halfway_through_writing_its_commit_leaves_all_or_none(
        database, head, db_key):
    wal = _wal_after_truncating(database)
    assert _import(database, db_key, "整批", first=0, seed="finish") == 0
    whole = wal.stat().st_size  # what the import appends to the WAL, all of it written at its commit
    assert whole > 0
    wal = _wal_after_truncating(database)
    worker = subprocess.Popen(_command(database, db_key, "中途", first=200, seed="finish"), cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert worker.stdout.readline() == b"importing\n"
        deadline = time.monotonic() + 600
        # Half of the import's frames on disk: a write that committed part of it (say per 500
        # people) has committed some by now; one transaction has committed nothing, or all.
        while worker.poll() is None and wal.stat().st_size < whole // 2 and time.monotonic() < deadline:
            time.sleep(0.0002)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=60)
        worker.stdout.close()
    assert _left_behind(database, "中途") in ((0, 0, 0), (PEOPLE, PEOPLE, PEOPLE))
    assert audit_log.first_broken(database.conn) is None
