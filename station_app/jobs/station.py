"""What every printed page and export names: the station, and the village a list is for."""

from __future__ import annotations

from station_app.store.records import RecordStore

WHOLE_TOWNSHIP = "全镇"


def station_name(store: RecordStore) -> str:
    return store.get("station", store.database.station_id or "")["name"]


def village_name(store: RecordStore, village_id: str | None, none: str = WHOLE_TOWNSHIP) -> str:
    """The village's name; `none` where there is no village (a list of the whole township, or a
    person registered without one)."""
    return store.get("village", village_id)["name"] if village_id else none
