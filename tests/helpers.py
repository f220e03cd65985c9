"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from station_app.store.database import StationDatabase


def count(database: StationDatabase, table: str) -> int:
    return int(database.scalar(f"SELECT COUNT(*) FROM {table}"))
