"""The narrow, read-only view of the database that entity checks get (core.behaviour.Storage).

Checks run inside the write's transaction, so they see every record the same transaction wrote
before them (a step written just before its case moves on) and nothing of anyone else's
unfinished work. Table and column names come from the entity declarations, never from a check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from station_app.core.entities import entity
from station_app.core.errors import PermissionDenied
from station_app.core.roles import Actor
from station_app.store import reference_data
from station_app.store.database import StationDatabase
from station_app.store.record_rows import decode


class StoreView:
    def __init__(self, database: StationDatabase, actor: Actor, today: dt.date) -> None:
        self._database = database
        self._actor = actor
        self._today = today

    @property
    def actor(self) -> Actor:
        return self._actor

    @property
    def today(self) -> dt.date:
        return self._today

    def get(self, entity_name: str, record_id: str) -> dict[str, Any] | None:
        spec = entity(entity_name)
        rows = self._database.query(f"SELECT * FROM {spec.name} WHERE id = ? AND deleted = 0", [record_id])
        return decode(spec, rows[0]) if rows else None

    def living(self, entity_name: str, field_name: str, values: Iterable[Any]) -> list[dict[str, Any]]:
        spec = entity(entity_name)
        column = spec.field(field_name).name
        found = self._database.query_in(f"SELECT * FROM {spec.name} WHERE deleted = 0 AND {column} IN ({{}})"
                                        " ORDER BY rowid", list(values))
        return [decode(spec, r) for r in found]

    def sums(self, entity_name: str, amount_field: str, by: str) -> dict[str, int]:
        return sums(self._database, entity_name, amount_field, by)

    def reference(self, keys: Sequence[str], on: dt.date) -> dict[str, Any]:
        return reference_data.values(self._database, keys, on)

    def highest(self, entity_name: str, field_name: str, prefix: str) -> str | None:
        spec = entity(entity_name)
        column = spec.field(field_name).name
        # The range keeps the index usable where LIKE would not be (and needs no escaping).
        return self._database.scalar(f"SELECT MAX({column}) FROM {spec.name} WHERE {column} >= ? AND {column} < ?",
                                     [prefix, prefix + "\uffff"])

    def station(self) -> dict[str, Any]:
        station = self.get("station", self._database.station_id or "")
        if station is None:
            raise PermissionDenied("尚未完成社工站初始设置，不能登记数据。")
        return station


def sums(database: StationDatabase, entity_name: str, amount_field: str, by: str) -> dict[str, int]:
    """Totals of `amount_field` over the living records of `entity_name`, per value of `by`."""
    spec = entity(entity_name)
    amount, key = spec.field(amount_field).name, spec.field(by).name
    return {k: int(total) for k, total in database.conn.execute(
        f"SELECT {key}, COALESCE(SUM({amount}), 0) FROM {spec.name} WHERE deleted = 0 GROUP BY {key}")}
