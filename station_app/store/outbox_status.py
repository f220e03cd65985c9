"""What waits in the outbox, for the 同步 page: read-only views of unacknowledged changes."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core.entities import ENTITIES
from station_app.store.database import StationDatabase


@dataclass(frozen=True)
class PendingSummary:
    count: int
    oldest_at: str | None  # created_at (UTC ISO) of the oldest waiting change


def pending_summary(database: StationDatabase) -> PendingSummary:
    count = int(database.scalar("SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL"))
    # seq follows time, so the first waiting seq is the oldest; the partial index finds it at once.
    oldest = database.scalar("SELECT created_at FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT 1")
    return PendingSummary(count, oldest)


def pending_seqs(database: StationDatabase) -> array[int]:
    """Sequence numbers of every waiting change, newest first, packed: a station that never synced
    has hundreds of thousands, which as a list of Python ints would hold five times the memory."""
    return array("q", (r[0] for r in database.conn.execute("SELECT seq FROM outbox WHERE acked_at IS NULL"
                                                           " ORDER BY seq DESC")))


def pending_rows(database: StationDatabase, seqs: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The list rows for `seqs`: what kind of record, which one (a name a person recognises), when."""
    if not seqs:
        return {}
    rows = database.query(
        f"""SELECT o.seq, o.entity, o.record_id, o.op, o.base_rev, o.created_at,
                   COALESCE(json_extract(o.payload, '$.name'), json_extract(o.payload, '$.head_name'),
                            (SELECT name FROM person WHERE id = json_extract(o.payload, '$.person_id')),
                            json_extract(o.payload, '$.caregiver_name'), json_extract(o.payload, '$.reason'))
                       AS record_label
            FROM outbox o WHERE o.seq IN ({', '.join('?' * len(seqs))})""",
        list(seqs),
    )
    for row in rows:
        spec = ENTITIES.get(row["entity"])
        row["entity_label"] = spec.label if spec else row["entity"]
        row["op_label"] = "删除" if row["op"] == "delete" else "新增" if row["base_rev"] == 0 else "修改"
    return {r["seq"]: r for r in rows}
