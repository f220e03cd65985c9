"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from stdnum.cn import ric

from station_app.core.roles import COUNTY_SYNC
from station_app.store import migrations
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore


def count(database: StationDatabase, table: str) -> int:
    return int(database.scalar(f"SELECT COUNT(*) FROM {table}"))


def id_number(birth: str, order: int, region: str = "210411") -> str:
    """A valid GB 11643 number for birth date "YYYYMMDD" and a 3-digit order (odd: male)."""
    body = f"{region}{birth}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def county(store: RecordStore) -> RecordStore:
    """The same database as the county's feed writes it (what sync applies)."""
    return RecordStore(store.database, COUNTY_SYNC, today=store._today)


def version_before(name: str) -> int:
    """The schema version just before the migration db/NNNN_`name`.sql (numbers change at merges)."""
    return next(m.version for m in migrations.available() if m.path.name.endswith(f"_{name}.sql")) - 1
