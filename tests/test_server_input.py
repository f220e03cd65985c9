"""The county server against hostile input, on a real server process on 127.0.0.1: every refusal is
a 4xx with a Chinese message (never a 5xx), enrollment checks everything before the code is spent,
replays are refused, and bodies of 100 MB are refused with the server's memory flat."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import threading

import httpx
import pytest

from station_app.core.errors import ValidationError
from station_app.store import reference_data
from station_app.sync import client
from station_app.sync import protocol as p
from tests.sync_fixtures import TODAY, api_token, approver, county, enrolled, postgres, referred_case  # noqa: F401 (fixtures)

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _refused(response: httpx.Response, status: int | None = None) -> dict:
    """The answer is a refusal a person can read: 4xx (or exactly `status`), a Chinese message."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert status is None or response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert CHINESE.search(body["error"]), body
    return body


def _post(county, path: str, body, **headers) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return httpx.post(f"{county.url}{path}", content=content, headers={"content-type": "application/json", **headers})


def _signed(enrollment: client.Enrollment, kind: str, **fields) -> dict:
    return p.request(enrollment.station_id, kind, enrollment.keys.sign, **fields)


def _resigned(enrollment: client.Enrollment, body: dict) -> dict:
    return p.sign(body, enrollment.keys.sign)


# -- county decisions --------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "field"), [
    ({"approved": "false"}, "approved"), ({"amount": 0}, "amount"), ({"amount": 10**12}, "amount"),
    ({"amount": "9000"}, "amount"), ({"decided_on": "2999-01-01"}, "decided_on"),
    ({"decided_on": "2026-13-45"}, "decided_on"), ({"decided_by": ["张科长"]}, "decided_by"),
    ({"surprise": 1}, "surprise")])
def test_a_decision_body_is_validated_and_the_field_named(county, database, store, village, change, field):
    enrolled(county, database, "前甸镇")
    case = referred_case(store, village)
    client.sync(database)
    token = {"authorization": f"Bearer {api_token(county.store)}"}  # an 审批 account's: the decision is theirs
    body = {"approved": True, "amount": 900_000, "decided_on": TODAY.isoformat(), **change}
    answer = _refused(_post(county, f"/v1/county/relief/{case['id']}/decision", body, **token), 422)
    assert list(answer["fields"]) == [field] and CHINESE.search(answer["fields"][field])
    assert county.store.waiting_cases()[0]["id"] == case["id"]  # nothing decided


# -- enrollment -------------------------------------------------------------------------------------

def _enroll_body(code: str, keys: p.KeyPair, station_id: str, **override) -> dict:
    fields = {"code": code, "sign_public": keys.public["sign"], "box_public": keys.public["box"], "escrow": None,
              **override}
    return p.request(station_id, "enroll", keys.sign, **fields)


@pytest.mark.parametrize(("attempt", "why"), [
    ("county", "body.station_id"), ("not base64", "body.sign_public"), ("short key", "body.box_public"),
    ("low-order box key", "box_public"), ("foreign signature", "签名校验失败"), ("code as a number", "body.code")])
def test_a_refused_enrollment_leaves_the_code_usable(county, database, head, attempt, why):
    code = county.station_code("前甸镇")
    keys, station_id = p.KeyPair.generate(), database.station_id
    body = {"county": lambda: _enroll_body(code, keys, p.COUNTY),
            "not base64": lambda: _enroll_body(code, keys, station_id, sign_public="这不是公钥" * 10),
            "short key": lambda: _enroll_body(code, keys, station_id, box_public=p.b64(bytes(30))),
            "low-order box key": lambda: _enroll_body(code, keys, station_id, box_public=p.b64(bytes(32))),
            "foreign signature": lambda: _enroll_body(code, keys, station_id,
                                                      sign_public=p.KeyPair.generate().public["sign"]),
            "code as a number": lambda: _enroll_body(12345678, keys, station_id)}[attempt]()
    answer = _refused(_post(county, "/v1/enroll", body))
    assert why in answer.get("fields", {}) or why in answer["error"], answer  # refused for that reason
    assert [s["station_id"] for s in county.store.stations()] == [None]
    enrollment = client.enroll(database, county.url, code)  # the code still works
    assert enrollment.name == "前甸镇"


def test_a_station_cannot_write_the_countys_records(county, database, store, village):
    """Not even one that an earlier version let enroll as "county"."""
    enrollment = enrolled(county, database, "前甸镇")
    with county.store.transaction() as conn:
        conn.execute("UPDATE stations SET station_id = ? WHERE name = '前甸镇'", (p.COUNTY,))
    enrollment = client.Enrollment(enrollment.server_url, p.COUNTY, enrollment.name, enrollment.keys,
                                   enrollment.county)
    published = county.store.publish_reference("relief_repeat", {"warn_within_days": 90}, TODAY.isoformat(), "",
                                               approver())
    forged = {**published, "value": {"warn_within_days": 1}, "rev": 2}
    change = {"seq": 99, "change_id": "forged-county", "entity": "reference_value", "record_id": published["id"],
              "op": "upsert", "base_rev": 1, "rev": 2, "payload": forged}
    reply = p.verify(_post(county, "/v1/push", _signed(enrollment, "push", batch={"after_seq": 0, "changes": [change]}))
                     .json(), enrollment.county["sign"])
    assert reply["results"][0]["status"] == p.REJECTED
    [kept] = county.store.records(entity_name="reference_value")
    assert kept["payload"]["value"] == {"warn_within_days": 90} and kept["owner"] == p.COUNTY


def test_publishing_a_malformed_reference_version_is_refused_at_the_field(county):
    tiers = reference_data.default("relief_tiers")
    tiers["cap_fen"]["emergency"] = -1
    with pytest.raises(ValidationError) as refused:
        county.store.publish_reference("relief_tiers", tiers, "2027-01-01", "", approver())
    assert "急难型" in refused.value.errors["value"]
    assert county.store.records(entity_name="reference_value") == []


# -- replay and strict types ------------------------------------------------------------------------

@pytest.mark.parametrize("path, kind, fields", [
    ("/v1/pull", "pull", {"cursor": 0}),
    # A push and an audit run spend their nonce in the transaction that applies them.
    ("/v1/push", "push", {"batch": {"after_seq": 0, "changes": []}}),
    ("/v1/audit", "audit", {"audit": {"after_seq": 0, "entries": []}})])
def test_a_signed_request_replayed_inside_the_window_is_refused(county, database, head, path, kind, fields):
    enrollment = enrolled(county, database, "前甸镇")
    request = _signed(enrollment, kind, **fields)
    assert _post(county, path, request).status_code == 200
    assert "重放" in _refused(_post(county, path, request), 401)["error"]


def _deep(depth: int) -> bytes:
    return b'{"body": ' + b"[" * depth + b"]" * depth + b', "signature": "x"}'


HOSTILE = {
    "station_id as a list": lambda e: _resigned(e, {**_signed(e, "pull", cursor=0)["body"], "station_id": [e.station_id]}),
    "station_id as an object": lambda e: _resigned(e, {**_signed(e, "pull", cursor=0)["body"], "station_id": {}}),
    "nonce as a list": lambda e: _resigned(e, {**_signed(e, "pull", cursor=0)["body"], "nonce": ["a"]}),
    "JSON nested 100k deep": lambda e: _deep(100_000),
    "a change with a seq of 2**70": lambda e: _signed(e, "push", batch={"after_seq": 0, "changes": [
        {"seq": 2**70, "change_id": "c1"}]}),
    "a seq of 2**70": lambda e: _signed(e, "push", batch={"after_seq": 2**70, "changes": []}),
    "a cursor of -1": lambda e: _signed(e, "pull", cursor=-1),
    "a limit of 10**30": lambda e: _signed(e, "pull", cursor=0, limit=10**30),
    "a sent_at without a time zone": lambda e: _resigned(e, {**_signed(e, "pull", cursor=0)["body"],
                                                             "sent_at": dt.datetime.now().isoformat()}),
    "a batch that is a string": lambda e: _signed(e, "push", batch="全部"),
    "changes as an object": lambda e: _signed(e, "push", batch={"after_seq": 0, "changes": {}}),
    "a signature as a number": lambda e: {**_signed(e, "pull", cursor=0), "signature": 7},
    "not JSON": lambda e: b"\xff\xfe{",
    "NaN for a cursor": lambda e: json.dumps(_signed(e, "pull", cursor=0)).replace('"cursor": 0', '"cursor": NaN').encode(),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize("path", ["/v1/push", "/v1/pull"])
def test_hostile_input_gets_a_chinese_4xx_never_a_5xx(county, database, head, case, path):
    enrollment = enrolled(county, database, "前甸镇")
    _refused(_post(county, path, HOSTILE[case](enrollment)))
    assert httpx.get(f"{county.url}/health").status_code == 200


def test_a_bad_change_inside_a_good_batch_is_rejected_alone(county, database, store, village):
    """A rev of 2**70 (HTTP 500 before) in one change of a batch: that change is rejected, the rest applies."""
    enrollment = enrolled(county, database, "前甸镇")
    good = {"seq": 2, "change_id": "good", "entity": "village", "record_id": village["id"], "op": "upsert",
            "base_rev": 0, "rev": 1, "payload": village}
    bad = {"seq": 1, "change_id": "bad", "entity": "village", "record_id": "v-bad", "op": "upsert", "base_rev": 0,
           "rev": 2**70, "payload": {"id": "v-bad", "station_id": database.station_id, "rev": 2**70}}
    reply = p.verify(_post(county, "/v1/push", _signed(enrollment, "push", batch={"after_seq": 0, "changes": [bad, good]}))
                     .json(), enrollment.county["sign"])
    assert [r["status"] for r in reply["results"]] == [p.REJECTED, p.APPLIED]
    assert "版本号" in reply["results"][0]["reason"]


# -- size ---------------------------------------------------------------------------------------------

def _rss_peak_kib(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _send_100_mb(port: int, chunked: bool) -> bytes:
    """POST 100 MB to /v1/push without authentication, declared or streamed in chunks; the answer."""
    size, block = 100 * 1024 * 1024, b"x" * (1024 * 1024)
    head = ("POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + ("Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {size}\r\n\r\n")).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for _ in range(size // len(block)):
                sock.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
        except OSError:
            pass  # the server answered and closed before taking it all: that is the point
        sock.settimeout(10)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
        return answer


@pytest.mark.slow
def test_four_unauthenticated_100_mb_bodies_are_refused_with_memory_flat(county):
    if county.database_url:
        pytest.skip("the limit is the app's, whatever the database: once is enough")
    port = int(county.url.rsplit(":", 1)[1])
    httpx.get(f"{county.url}/health")
    before = _rss_peak_kib(county.process.pid)
    answers: list[bytes] = []
    threads = [threading.Thread(target=lambda c=c: answers.append(_send_100_mb(port, c))) for c in (False, True) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    grown_mib = (_rss_peak_kib(county.process.pid) - before) / 1024
    assert len(answers) == 4 and all(a.startswith(b"HTTP/1.1 413") for a in answers), [a[:40] for a in answers]
    assert grown_mib < 48, f"the server grew by {grown_mib:.0f} MiB for 400 MB refused"
    assert httpx.get(f"{county.url}/health").status_code == 200
