"""Records whose business dates the county was never sent, sent once through the write path.

Migration 10 filled the dates in from what the records held, beside the write path, so nothing went
into the outbox; migration 17 marks each record whose latest change in the outbox carries other
dates than it now holds. The first log-in of someone who may write sends each marked record once,
clearing its mark in the same transaction: the outbox then delivers it exactly once, as any change.
"""

from __future__ import annotations

from station_app.core.errors import NotFound
from station_app.store.records import RecordStore

# The fields migration 10 filled in, per entity: what the audit entry of a resend names as set.
BACKFILLED = {"child_profile": ("entered_on", "exited_on"), "elder_profile": ("entered_on", "exited_on"),
              "relief_case": ("approved_on",)}


def resend_pending(store: RecordStore) -> int:
    """Send every marked record once (RecordStore.resend); how many were sent."""
    pending = store.database.query("SELECT entity, record_id FROM resend_pending ORDER BY entity, record_id")
    sent = 0
    for mark in pending:
        with store.database.transaction() as conn:
            try:
                store.resend(mark["entity"], mark["record_id"], BACKFILLED[mark["entity"]])
                sent += 1
            except NotFound:  # deleted since: its tombstone went out with the dates it held
                pass
            conn.execute("DELETE FROM resend_pending WHERE entity = ? AND record_id = ?",
                         [mark["entity"], mark["record_id"]])
    return sent
