"""A push on the wire: built once from its changes, read once by the server, trusted only as signed.

The client assembles a push request from each change's canonical bytes (protocol.push_request)
and the server verifies a canonical envelope on the body's bytes as received (protocol.receive);
any other encoding of the same signed message is still verified on its canonical form.
"""

from __future__ import annotations

import json
import threading

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_app.core.errors import KnownError
from station_app.store import sync_state
from station_app.sync import client
from station_app.sync import protocol as p
from tests.helpers import count
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)
from tests.test_sync import _batches, a_village  # noqa: F401 (fixture)

KEY = p.KeyPair.generate()
texts = st.text(st.characters(codec="utf-8"), max_size=300)
payloads = st.dictionaries(st.sampled_from(["name", "备注", "address", "x\"y", "a\\b"]),
                           texts | st.integers(-2**53, 2**53) | st.none() | st.lists(texts, max_size=3), max_size=5)


@st.composite
def changes(draw) -> list[dict]:
    sizes = draw(st.lists(payloads, min_size=1, max_size=12))
    return [{"seq": i, "change_id": f"c{i}", "entity": "person", "record_id": f"r{i}", "op": "upsert", "base_rev": 0,
             "rev": 1, "payload": {"id": f"r{i}", "station_id": "s", "rev": 1, **extra}}
            for i, extra in enumerate(sizes, start=5)]


@settings(max_examples=60, deadline=None)
@given(changes(), st.integers(1, 4), st.integers(200, 3000))
def test_the_assembled_request_is_the_canonical_signed_request_of_the_first_batch(listed, size, max_bytes):
    raw, count = p.push_request("s", KEY.sign, 4, listed, size, max_bytes)
    envelope, body_bytes = p.receive(raw)
    assert raw == p.canonical(envelope)
    assert envelope["body"]["batch"] == p.batches(4, listed, size, max_bytes)[0]
    assert count == len(envelope["body"]["batch"]["changes"])
    assert p.verify(envelope, KEY.public["sign"], body_bytes) == envelope["body"]


@settings(max_examples=30, deadline=None)
@given(changes())
def test_an_assembled_audit_request_is_the_canonical_signed_request_of_the_first_part(entries):
    raw, count = p.audit_request("s", KEY.sign, 4, entries)
    envelope, body_bytes = p.receive(raw)
    assert raw == p.canonical(envelope) and envelope["body"]["kind"] == "audit"
    assert envelope["body"]["audit"] == p.audit_parts(4, entries)[0] and count == len(entries)
    assert p.verify(envelope, KEY.public["sign"], body_bytes) == envelope["body"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.builds(lambda head, tail: b'{"body":' + head + b',"signature":"' + tail + b'"}',
                                           st.binary(max_size=40), st.binary(min_size=86, max_size=90)))
def test_any_bytes_are_read_or_refused_with_a_protocol_error(raw):
    try:
        envelope, body_bytes = p.receive(raw)
    except p.ProtocolError:
        return
    if body_bytes is not None:
        assert envelope["body"] == json.loads(body_bytes)


def _signed_push(enrollment, batch) -> bytes:
    return p.canonical(p.request(enrollment.station_id, "push", enrollment.keys.sign, batch=batch))


def test_a_push_encoded_otherwise_is_verified_and_one_changed_on_the_way_is_refused(county, database, store,
                                                                                    a_village):
    enrollment = enrolled(county, database, "前甸镇")
    first, second = _batches(database, 50)[:2]
    # The same signed message with its keys reordered and spaced: verified on its canonical form.
    spaced = json.dumps(json.loads(_signed_push(enrollment, first)), indent=1, ensure_ascii=True).encode()
    reply = httpx.post(f"{county.url}/v1/push", content=spaced)
    assert reply.status_code == 200 and county.store.change_count(database.station_id) == 50
    # A canonical envelope whose body was changed after signing: refused, nothing applied.
    raw = _signed_push(enrollment, second)
    forged = raw.replace(b'"base_rev":0', b'"base_rev":1', 1)
    assert forged != raw and p.receive(forged)[1] is not None
    reply = httpx.post(f"{county.url}/v1/push", content=forged)
    assert reply.status_code == 401 and "签名" in reply.json()["error"]
    assert county.store.change_count(database.station_id) == 50
    client.sync(database)  # the station's own push then sends the rest, as assembled bytes
    assert county.store.change_count(database.station_id) == count(database, "outbox")
    assert sync_state.pending_changes(database, 10) == []


class _Server:
    """Answers pushes as the county would (every change applied), or with a gap. While it holds its
    k-th batch it waits until the client has looked for the k+1-th, or notes that it did not."""

    def __init__(self, gap: bool = False) -> None:
        self.gap, self.sent, self.built_meanwhile = gap, [], []
        self.built = 0  # how many times the client looked for a next batch
        self.changed = threading.Condition()

    def post(self, path: str, raw: bytes) -> dict:
        envelope, _ = p.receive(raw)
        self.sent.append(envelope["body"]["batch"])
        if self.gap:
            return {"status": "gap", "high_water": 0, "results": []}
        with self.changed:
            self.built_meanwhile.append(self.changed.wait_for(lambda: self.built > len(self.sent), 20))
        return {"status": "ok", "results": [{"change_id": c["change_id"], "seq": c["seq"], "status": p.APPLIED}
                                            for c in envelope["body"]["batch"]["changes"]]}


def _push(database, server: _Server, monkeypatch) -> client.Report:
    look = client._push_request

    def looked(*args):
        try:
            return look(*args)
        finally:
            with server.changed:
                server.built += 1
                server.changed.notify_all()
    monkeypatch.setattr(client, "_push_request", looked)
    enrollment = client.Enrollment("http://127.0.0.1:9", database.station_id, "前甸镇", KEY, {})
    report = client.Report()
    client.push(database, enrollment, server, report)
    return report


def test_the_next_batch_is_built_while_the_server_applies_one_and_each_is_sent_after_the_last_reply(
        database, a_village, monkeypatch):
    server = _Server()
    report = _push(database, server, monkeypatch)
    waiting = count(database, "outbox")
    assert len(server.sent) == -(-waiting // p.BATCH_SIZE) > 1
    assert server.built_meanwhile == [True] * len(server.sent)
    assert [b["after_seq"] for b in server.sent[1:]] == [b["changes"][-1]["seq"] for b in server.sent[:-1]]
    assert report.counts["applied"] == waiting and sync_state.pending_changes(database, 10) == []


def test_a_server_missing_earlier_changes_gets_no_later_batch_and_nothing_is_acknowledged(database, a_village,
                                                                                      monkeypatch):
    server = _Server(gap=True)
    with pytest.raises(KnownError, match="无法按顺序接收"):
        _push(database, server, monkeypatch)
    assert len(server.sent) == 1
    assert len(sync_state.pending_changes(database, 100_000)) == count(database, "outbox")
