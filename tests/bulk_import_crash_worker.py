"""Run as a subprocess by test_bulk_import_crash: imports a ledger of people in one bulk write and,
unless told to finish, kills itself with SIGKILL at a random point inside the write's transaction."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sys
from pathlib import Path

from station_app.core import ledger_import as rules
from station_app.core.roles import SYSTEM
from station_app.store import ledger_import
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore
from tests.helpers import id_number

TODAY = dt.date(2026, 11, 23)
MAPPING = {0: "name", 1: "id_number", 2: "notes"}


def ledger_rows(tag: str, people: int, first: int) -> list[tuple[int, list[str]]]:
    """Sheet rows (number, cells) of `people` valid people, their notes naming the batch; ID
    numbers differ from those of batches whose `first` is at least people / 40 apart."""
    return [(i + 2, [f"导入{i}", id_number(f"19{50 + i % 40}0101", first + i // 40), tag]) for i in range(people)]


def main(path: str, key_hex: str, tag: str, people: str, first: str, seed: str) -> None:
    database = StationDatabase.open(Path(path), bytes.fromhex(key_hex))
    checks = rules.check_rows(ledger_rows(tag, int(people), int(first)), MAPPING,
                              ledger_import.archive(database), TODAY)
    if seed != "finish":
        # SQLite calls this every few hundred instructions of a statement: once the bulk write's
        # transaction is open, the process dies at a random one of them, as if the power went.
        countdown = random.Random(int(seed)).randrange(1, 400)

        def tick() -> int:
            nonlocal countdown
            if database.conn.in_transaction:
                countdown -= 1
                if countdown == 0:
                    os.kill(os.getpid(), signal.SIGKILL)
            return 0

        database.conn.set_progress_handler(tick, 2000)
    print("importing", flush=True)
    ledger_import.import_rows(RecordStore(database, SYSTEM), checks)
    print("imported", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:7])
