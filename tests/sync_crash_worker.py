"""Run as a subprocess by test_sync_crash: registers households and syncs, over and over, until killed."""

from __future__ import annotations

import sys
from pathlib import Path

from station_app.core.roles import SYSTEM
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore
from station_app.sync import client
from station_app.sync import protocol as p


def main(path: str, key_hex: str, village_id: str) -> None:
    p.BATCH_SIZE = 40  # many small batches: more places for the kill to land
    database = StationDatabase.open(Path(path), bytes.fromhex(key_hex))
    store = RecordStore(database, SYSTEM)
    n = 0
    while True:
        n += 1
        store.create_many("household", [{"village_id": village_id, "head_name": f"户主{n}-{i}"} for i in range(120)])
        client.sync(database)
        print(n, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
