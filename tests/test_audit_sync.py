"""The station's audit log at the county (issue 20, point 2): sent once with every sync, online or by
USB bundle, refused as tampering when it no longer continues the chain the county holds, and taken
back verbatim by a station rebuilt on a new PC, whose new entries then continue it."""

from __future__ import annotations

import json
import secrets
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.core import audit
from station_app.core.errors import KnownError, ValidationError
from station_app.core.jobs import JobState
from station_app.jobs import admin
from station_app.jobs.accounts import log_in
from station_app.server.bundles import import_bundle
from station_app.server.store import county_stations, station_audit
from station_app.server.store.storage import ServerStore
from station_app.store import audit_log, sync_state
from station_app.store.records import RecordStore
from station_app.sync import bundles, client, rebuild
from station_app.sync import protocol as p
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)

NEW_HEAD = ("zhanzhang", "新站长", "xin-diannao-2026")


def entries(database) -> list[dict]:
    return audit_log.entries_after(database.conn, 0, 10**9)


def held(store: ServerStore, station_id: str) -> list[dict]:
    """The station's log as the county holds it, in the station's own form."""
    return [{k: r[k] for k in p.AUDIT_KEYS} for r in store.read(
        "SELECT * FROM station_audit WHERE station_id = ? ORDER BY seq", (station_id,))]


def reseal(database, seq: int, changes: str) -> None:
    """What someone covering their tracks does: edit entry `seq` and recompute every hash after it."""
    with database.transaction() as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        rows = audit_log.entries_after(conn, seq - 1, 10**9)
        prev = rows[0]["prev_hash"]
        rows[0]["changes"] = changes
        for row in rows:
            row["prev_hash"], row["hash"] = prev, audit.entry_hash(prev, row)
            prev = row["hash"]
            conn.execute("UPDATE audit_log SET changes = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                         (row["changes"], row["prev_hash"], row["hash"], row["seq"]))


def cut_after(post, path: str, calls: int):
    """HttpTransport.post that goes offline after `calls` requests to `path`."""
    made = []

    def cut(self, to: str, body):
        if to == path:
            if len(made) == calls:
                raise client.Offline("网络断开")
            made.append(to)
        return post(self, to, body)
    return cut


def test_a_rebuilt_station_takes_back_its_synced_audit_history_entry_by_entry(county, database, store, demo_people,
                                                                              tmp_path, monkeypatch):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    synced = entries(database)
    assert held(county.store, database.station_id) == synced  # the county holds it all, verbatim
    lost = store.create("village", {"code": "210411101299", "name": "未同步村"})

    path = tmp_path / "new-pc" / "station.db"
    started = rebuild.start(path, county.url, county.store.issue_rebuild_code("前甸镇"), NEW_HEAD)
    with monkeypatch.context() as patch:  # the network goes after the first page of the history
        patch.setattr(client.HttpTransport, "post", cut_after(client.HttpTransport.post, "/v1/audit/history", 1))
        with pytest.raises(client.Offline):
            rebuild.resume(started.database)
    assert len(entries(started.database)) == p.MAX_AUDIT  # that page is kept, the rest resumes after it
    done = rebuild.resume(started.database)
    restored = entries(started.database)
    assert restored[: len(synced)] == synced  # original seqs and hashes
    checkpoint = restored[len(synced)]
    assert checkpoint["action"] == audit_log.RESTORED
    assert json.loads(checkpoint["changes"])["restored_through"] == len(synced)
    assert any(e["action"] == "user_create" for e in restored[len(synced) + 1:])
    assert not any(e["record_id"] == lost["id"] for e in restored)  # never synced: lost, and said so
    assert f"操作日志恢复到第 {len(synced):,} 条" in done.summary() and "之后未同步的操作记录无法恢复" in done.summary()
    assert admin.check_database(started.database, JobState()).ok
    started.database.close()

    new, head = log_in(path, NEW_HEAD[0], NEW_HEAD[2])
    RecordStore(new, head).create("village", {"code": "210411101298", "name": "新电脑村"})
    client.sync(new)  # the new PC's entries continue the chain the county holds
    assert held(county.store, new.station_id) == entries(new)
    assert not station_audit.refusals(county.store, new.station_id)
    new.close()


def test_each_audit_entry_reaches_the_county_once(county, database, store, village):
    enrolled(county, database, "前甸镇")
    assert client.sync(database).counts[client.AUDIT] == len(entries(database))
    assert client.sync(database).counts[client.AUDIT] == 0  # nothing new: nothing sent
    before = len(entries(database))
    store.create("village", {"code": "210411101202", "name": "后甸村"})
    assert client.sync(database).counts[client.AUDIT] == len(entries(database)) - before
    # An acknowledgement lost on the way: everything is sent again, checked, and kept once.
    with database.transaction() as conn:
        sync_state.put(conn, audit_log.SENT, 0)
    client.sync(database)
    assert held(county.store, database.station_id) == entries(database)


def test_an_audit_log_edited_after_it_was_synced_is_refused_as_tampering(county, database, store, village):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    count = len(entries(database))
    reseal(database, 2, '{"name":[null,"改过的名字"]}')  # the chain verifies again on the PC itself
    store.create("village", {"code": "210411101202", "name": "后甸村"})
    with pytest.raises(KnownError, match="拒收了本站的操作日志"):
        client.sync(database)
    assert len(held(county.store, database.station_id)) == count
    [refusal] = station_audit.refusals(county.store, database.station_id)
    assert "接不上" in refusal["reason"] and refusal["via"] == "online"
    assert any(e["kind"] == station_audit.REFUSED_EVENT for e in county_stations.events(county.store, "前甸镇"))
    # Sent again from the start, the rewound entry itself is named.
    with database.transaction() as conn:
        sync_state.put(conn, audit_log.SENT, 0)
    with pytest.raises(KnownError, match="第 2 条与县里已收到的不同"):
        client.sync(database)


def test_a_tampered_audit_entry_in_a_bundle_is_refused_and_its_records_still_arrive(county, database, store, village,
                                                                                     tmp_path):
    enrolled(county, database, "前甸镇")
    with database.transaction() as conn:  # an entry edited in place, its hash left as it was
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET username = 'someone' WHERE seq = 3")
    path, sent = bundles.export_bundle(database, tmp_path / "usb")
    imported = import_bundle(county.store, county.keys, path.read_bytes())
    assert imported.counts[p.APPLIED] == sent
    assert held(county.store, database.station_id) == []
    [refusal] = station_audit.refusals(county.store, database.station_id)
    assert "第 3 条" in refusal["reason"] and refusal["via"] == "bundle"
    returned = tmp_path / "usb" / "return.stbundle"
    returned.write_bytes(imported.return_bundle)
    with pytest.raises(KnownError, match="拒收了本站的操作日志"):
        bundles.import_return(database, returned)
    assert not database.query("SELECT 1 FROM outbox WHERE acked_at IS NULL")  # the records' answers were taken


def test_a_bundle_carries_the_audit_log_once_and_its_return_acknowledges_it(county, database, store, village, tmp_path):
    enrolled(county, database, "前甸镇")
    path, _ = bundles.export_bundle(database, tmp_path / "usb")
    imported = import_bundle(county.store, county.keys, path.read_bytes())
    returned = tmp_path / "usb" / "return.stbundle"
    returned.write_bytes(imported.return_bundle)
    bundles.import_return(database, returned)
    assert held(county.store, database.station_id) == entries(database)
    assert client.sync(database).counts[client.AUDIT] == 0


# -- the wire form, fuzzed ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lone_station():
    """A county store with one enrolled station, in-process, for many generated runs."""
    store = ServerStore(Path(tempfile.mkdtemp(prefix="audit-fuzz-")) / "county.db")
    keys = p.KeyPair.generate()
    code = store.create_station("后甸镇")
    store.enroll(code, "0190a0b0-0000-7000-8000-000000000001", keys.public["sign"], keys.public["box"], None)
    yield store, store.station("0190a0b0-0000-7000-8000-000000000001")
    store.close()


def chain(n: int, after: tuple[int, str] = (0, audit.GENESIS)) -> list[dict]:
    """`n` well-formed entries continuing a chain whose last entry is `after` (its seq and hash)."""
    out, prev = [], after[1]
    for seq in range(after[0] + 1, after[0] + n + 1):
        entry = {"seq": seq, "at": "2026-12-01T08:00:00.000Z", "user_id": "u1", "username": "wang",
                 "action": "update", "entity": "person", "record_id": f"r{seq}", "change_id": None,
                 "changes": '{"name":[null,"张三"]}'}
        entry["prev_hash"], entry["hash"] = prev, audit.entry_hash(prev, entry)
        prev = entry["hash"]
        out.append(entry)
    return out


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=70),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=20)


def _receive(store: ServerStore, station, part) -> dict | None:
    """The county's answer to a run, or None when its shape is refused at the edge (HTTP 422)."""
    try:
        p.check(p.AUDIT["properties"]["audit"], part)
    except ValidationError:
        return None
    return _online(store, station, part)


def _online(store: ServerStore, station, part) -> dict:
    """The county's answer to a run as a fresh request (its own nonce) brings it."""
    return station_audit.receive_online(store, station, part, secrets.token_hex(8), p.utc_now())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=JSON, edits=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(p.AUDIT_KEYS), JSON), max_size=3),
       cut=st.integers(0, 6))
def test_garbage_in_the_audit_part_is_refused_and_the_county_log_stays_a_chain(lone_station, garbage, edits, cut):
    store, station = lone_station
    before = held(store, station.station_id)
    answer = _receive(store, station, garbage)
    assert answer is None or answer["status"] in (p.AUDIT_OK, p.AUDIT_REFUSED, p.AUDIT_GAP)
    entries_ = chain(6)[:cut] + chain(6)[cut + 1:]  # one entry left out (or none, past the end)
    for index, key, value in edits:
        if index < len(entries_):
            entries_[index] = {**entries_[index], key: value}
    answer = _receive(store, station, {"after_seq": 0, "entries": entries_})
    after = held(store, station.station_id)
    assert audit.first_broken(after) is None  # whatever came, the county's copy is one intact chain
    if answer is not None and answer["status"] == p.AUDIT_OK:
        assert after[: len(before)] == before and after == chain(len(after))
    elif answer is not None:
        assert answer["status"] in (p.AUDIT_REFUSED, p.AUDIT_GAP) and after == before


def test_a_resent_entry_must_still_hash_to_what_it_says(lone_station):
    store, station = lone_station
    assert _online(store, station, {"after_seq": 0, "entries": chain(6)})["through"] == 6
    forged = chain(6)
    forged[1] = {**forged[1], "username": "someone"}  # its hash kept: the county holds that hash
    answer = _online(store, station, {"after_seq": 0, "entries": forged})
    assert answer["status"] == p.AUDIT_REFUSED and "第 2 条接不上" in answer["reason"]
    assert held(store, station.station_id) == chain(6)
