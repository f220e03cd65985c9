"""A rebuild page costs the same wherever it falls in the station's history: each record's first
change is looked up by record, not by reading every earlier change of the station (which made the
later pages of a 10,000-person station run past the client's timeout)."""

from __future__ import annotations

from station_app.server.store import station_rebuilds
from station_app.server.store.storage import ServerStore


def test_the_first_change_of_each_record_is_found_by_record_id(tmp_path):
    store = ServerStore(tmp_path / "county.db")
    try:
        plan = [r["detail"] for r in store.read("EXPLAIN QUERY PLAN " + station_rebuilds._FIRST_CHANGES,
                                                ("s1", 0, 2001))]
    finally:
        store.close()
    looked_up = [d for d in plan if d.startswith("SEARCH e ")]
    assert looked_up and all("record_id=?" in d for d in looked_up), plan
