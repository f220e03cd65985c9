"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from stdnum.cn import ric

from station_app.store.database import StationDatabase


def count(database: StationDatabase, table: str) -> int:
    return int(database.scalar(f"SELECT COUNT(*) FROM {table}"))


def id_number(birth: str, order: int, region: str = "210411") -> str:
    """A valid GB 11643 number for birth date "YYYYMMDD" and a 3-digit order (odd: male)."""
    body = f"{region}{birth}{order:03d}"
    return body + ric.calc_check_digit(body + "0")
