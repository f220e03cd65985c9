"""A station rebuilt on a new PC from the county: what it pulls back, page by page, and the refusal
of its old PC.

The pages carry every record the county owns, then every record the station owns in the order the
station first sent them, each at the revision the server holds, keyed by a cursor naming the last
record sent, so a rebuild cut off anywhere asks again from there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from station_app.server.store.storage import ServerStore, Station
from station_app.sync import protocol as p

T = TypeVar("T")
COUNTY, STATION = "county", "station"  # the two parts of a rebuild, the county's records first
# The station's records in the order it first sent them (a parent before its children, a ledger's
# entries in the order they were made: the balance never dips below zero on the way), each at the
# revision the server holds now; the cursor is the seq of that first change.
_FIRST_CHANGES = (
    "SELECT c.entity, c.seq AS position, r.payload FROM changes c"
    " JOIN records r ON r.entity = c.entity AND r.record_id = c.record_id"
    " WHERE c.station_id = ? AND c.seq > ? AND c.status = 'applied' AND NOT EXISTS (SELECT 1 FROM changes e"
    " WHERE e.record_id = c.record_id AND e.station_id = c.station_id AND e.status = 'applied' AND e.seq < c.seq)"
    " ORDER BY c.seq LIMIT ?")


def signed_by(store: ServerStore, station: Station, check: Callable[[str], T]) -> T:
    """`check(station's signing key)`; when that signature fails but a key the station had before a
    rebuild passes, the old PC is refused by name (StationRebuilt) rather than as a forgery."""
    try:
        return check(station.sign_public)
    except p.NotAuthentic:
        for row in store.read("SELECT old_sign_public, rebuilt_at FROM station_rebuilds WHERE station_id = ?"
                              " ORDER BY id DESC", (station.station_id,)):
            try:
                check(row["old_sign_public"])
            except p.NotAuthentic:
                continue
            when = row["rebuilt_at"][:16].replace("T", " ")
            raise p.StationRebuilt(f"该社工站已于 {when} 在新电脑上从县服务器恢复，旧电脑上的数据不再接收"
                                   "（旧电脑上未同步的工作请抄录后在新电脑上重新录入）") from None
        raise


def rebuild_page(store: ServerStore, station: Station, cursor: str, limit: int) -> dict[str, Any]:
    """The records after `cursor` (at most `limit`), the cursor after them, and where the station's
    sync stood: its last acknowledged change (high_water) and when, and the feed it had applied."""
    phase, _, after = cursor.partition("/") if cursor else (COUNTY, "/", "")
    if phase == COUNTY:
        rows = store.read("SELECT entity, record_id AS position, payload FROM records WHERE owner = ?"
                          " AND record_id > ? ORDER BY record_id LIMIT ?", (p.COUNTY, after, limit + 1))
        more, rows = len(rows) > limit, rows[:limit]
        cursor = f"{COUNTY}/{rows[-1]['position']}" if more else f"{STATION}/0"
        more = True  # the station's own records follow
    else:
        rows = store.read(_FIRST_CHANGES, (station.station_id, int(after), limit + 1))
        more, rows = len(rows) > limit, rows[:limit]
        cursor = f"{STATION}/{rows[-1]['position']}" if rows else cursor
    state = store.read("SELECT high_water, last_seen_at, feed_cursor FROM stations WHERE station_id = ?",
                       (station.station_id,))[0]
    return {"records": [{"entity": r["entity"], "payload": json.loads(r["payload"])} for r in rows],
            "cursor": cursor, "more": more, **state}
