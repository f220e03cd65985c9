"""The station's audit log, up to the county and back (issue 20).

With every sync (online or by USB bundle) the station sends the entries after the last one the county
acknowledged holding, a run at a time, each run a signed request; the county keeps them only if they
continue the hash chain it holds for the station (store.station_audit), so an entry edited, removed or
rewound after it was sent is refused there and shown as tampering. The acknowledged seq moves only
from the county's answer: a run cut off is sent again, and the county stores nothing twice.

A station rebuilt from the county takes that history back first, page by page (resumable: the next page
starts after the last entry restored), into its own log with the original seqs and hashes. Entries the
new PC writes before that (its head account, its recovery code) are held back meanwhile and join the
chain after a checkpoint entry (audit_log.RESTORED) naming how far the restored history reaches, so
`check` verifies one chain and the county sees the new PC's entries continue the one it holds. Entries
the old PC never synced are lost; the rebuild's summary says up to which entry the history came back.

A backup restored whose log ends before what the county holds (store.restoring holds its new entries
back) takes the missing history back the same way at its next sync, or from a USB bundle's return
bundle; otherwise its new entries would reuse seqs the county holds and be refused as tampering.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from station_app.core.errors import KnownError
from station_app.core.jobs import JobState
from station_app.core.roles import COUNTY_SYNC
from station_app.store import audit_log, sync_state
from station_app.store.database import StationDatabase
from station_app.sync import protocol as p

if TYPE_CHECKING:  # the client sends the log with each sync, so it imports this module
    from station_app.sync.client import Enrollment, HttpTransport

RESTORED = "audit_restored"  # sync_state, JSON: how far a rebuild's history reached (seq, time)


def send(database: StationDatabase, enrollment: Enrollment, transport: HttpTransport) -> int:
    """Send every entry the county does not hold yet; how many went. KnownError if it refused a run."""
    sent = 0
    while entries := audit_log.entries_after(database.conn, after := sync_state.get_int(database, audit_log.SENT),
                                             p.MAX_AUDIT):
        request, count = p.audit_request(enrollment.station_id, enrollment.keys.sign, after, entries)
        take_answer(database, transport.post("/v1/audit", request))
        sent += count
    return sent


def bundled(database: StationDatabase, enrollment: Enrollment) -> list[dict[str, Any]]:
    """The signed runs of every entry the county does not hold yet, for a USB bundle."""
    after = sync_state.get_int(database, audit_log.SENT)
    return [p.request(enrollment.station_id, "audit", enrollment.keys.sign, audit=part)
            for part in p.audit_parts(after, audit_log.entries_after(database.conn, after, 1_000_000_000))]


def take_answer(database: StationDatabase, answer: Mapping[str, Any]) -> None:
    """Move the acknowledged seq to where the county says it holds the log (back, after a gap: the
    rest is sent again); a refusal is the station's to see, with the county's reason."""
    p.check(p.AUDIT_ANSWER, answer)
    with database.transaction() as conn:
        sync_state.put(conn, audit_log.SENT, answer["through"])
    if answer["status"] == p.AUDIT_REFUSED:
        raise KnownError(f"县民政局服务器拒收了本站的操作日志：{answer.get('reason') or ''}。"
                         "本机的操作日志可能被改动过，请联系县民政局核查")


# -- a rebuild --------------------------------------------------------------------------------------

def hold_back(database: StationDatabase) -> None:
    """From now until `restore` ends, new entries wait: the county's history goes first in the chain."""
    with database.transaction() as conn:
        audit_log.hold_back(conn)


def restore(database: StationDatabase, enrollment: Enrollment, transport: HttpTransport,
            state: JobState | None = None) -> None:
    """Take the station's history back from the county, from the last entry restored to the end, then
    let the held-back entries follow it. Does nothing once done."""
    state = state or JobState()
    while (request := history_request(database, enrollment)) is not None:
        after = request["body"]["after"]
        page = take_page(database, transport.post("/v1/audit/history", request))
        state.report(after + len(page["entries"]), page["through"], f"已取回 {after + len(page['entries']):,} 条操作日志")


def history_request(database: StationDatabase, enrollment: Enrollment) -> dict[str, Any] | None:
    """While entries are held back, the signed request for the county's history after the log's end
    (online, or in a USB bundle for its return bundle to answer); None otherwise."""
    if sync_state.get(database, audit_log.HELD_BACK) is None:
        return None
    return p.request(enrollment.station_id, "audit_history", enrollment.keys.sign, after=audit_log.tip(database.conn)[0])


def take_page(database: StationDatabase, page: Any) -> dict[str, Any]:
    """Put a page of the county's history at the end of the log; after the last page, the checkpoint
    and the held-back entries follow it. Entries already restored (a return bundle after an online
    sync did it) are skipped, and once nothing is held back a page changes nothing. Returns the page."""
    page = p.check(p.AUDIT_PAGE, page)
    if sync_state.get(database, audit_log.HELD_BACK) is None:
        return page
    with database.transaction() as conn:
        audit_log.restore(conn, [e for e in page["entries"] if e["seq"] > audit_log.tip(conn)[0]])
        if not page["more"]:
            through = audit_log.release_held_back(conn, COUNTY_SYNC)
            sync_state.put(conn, audit_log.SENT, through)
            sync_state.put(conn, RESTORED, json.dumps({"through": through, "last_at": page["last_at"]}))
    return page


def restored(database: StationDatabase) -> tuple[int, str | None]:
    """How far a finished rebuild's audit history reached: (last entry, its time); (0, None) if none."""
    done = json.loads(sync_state.get(database, RESTORED) or '{"through": 0, "last_at": null}')
    return int(done["through"]), done["last_at"]
