"""Sync against a real county server process on 127.0.0.1: round trip, idempotency, trust, conflicts."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import subprocess
import sys

import httpx
import pytest

from station_app.core import county_roles
from station_app.core.entities import ENTITIES
from station_app.core.errors import KnownError
from station_app.store import reference_data, relief, sync_state
from station_app.store.records import RecordStore
from station_app.sync import client
from station_app.sync import protocol as p
from tests.helpers import count
from station_app.server.store import accounts
from station_app.server.store.storage import ServerStore
from tests.sync_fixtures import (  # noqa: F401 (fixtures)
    ROOT, TODAY, approver, county, enrolled, new_station, postgres, referred_case, start_server, stop)



@pytest.fixture
def a_village(database, demo_people) -> dict:
    return database.query("SELECT * FROM village ORDER BY code LIMIT 1")[0]


def local_records(database) -> dict[tuple[str, str], int]:
    """Every synced record of the station: (entity, id) -> rev."""
    out = {}
    for name in ENTITIES:
        for r in database.query(f"SELECT id, rev FROM {name} WHERE station_id = ?", [database.station_id]):
            out[(name, r["id"])] = r["rev"]
    return out


def server_records(county, station_id: str) -> dict[tuple[str, str], int]:
    return server_records_of(county.store, station_id)


def server_records_of(server: ServerStore, station_id: str) -> dict[tuple[str, str], int]:
    return {(r["entity"], r["record_id"]): r["rev"] for r in server.records(owner=station_id)}


def test_round_trip_records_up_decision_and_reference_data_down(county, database, store, a_village):
    enrolled(county, database, "前甸镇")
    case = referred_case(store, a_village)
    report = client.sync(database)
    assert server_records(county, database.station_id) == local_records(database)
    assert report.counts["applied"] == report.counts["sent"] > 300
    # The social-assistance records go up like the rest: the county sees statuses, checks and reports.
    assert {"assistance_status", "means_check", "rigid_expense", "intake_report"} <= {
        e for e, _ in server_records(county, database.station_id)}
    assert count(database, "outbox WHERE acked_at IS NULL") == 0

    [waiting] = county.store.waiting_cases()
    assert waiting["id"] == case["id"] and waiting["station_name"] == "前甸镇"
    county.store.decide(case["id"], True, 1_000_000, "同意，核减至1万元", approver("顺城区民政局张科长"), TODAY.isoformat())
    county.store.publish_reference("relief_tiers", reference_data.default("relief_tiers"), "2027-01-01",
                                   "2027年标准", approver("县民政局"))
    client.sync(database)

    decided = store.get("relief_case", case["id"])
    assert (decided["status"], decided["amount_approved"], decided["authority"]) == ("approved", 1_000_000, "county")
    last = relief.steps(database, case["id"])[-1]
    assert (last["action"], last["actor_name"]) == ("county_approve", "顺城区民政局张科长")
    [version] = [v for v in reference_data.versions(database, "relief_tiers") if v["effective_from"] == "2027-01-01"]
    assert version["updated_by"] == "县民政局"
    assert count(database, "outbox WHERE entity = 'reference_value'") == 0  # came down, does not go back up
    # The decision's step and case update go up like any station change, and the case stops waiting.
    client.sync(database)
    assert server_records(county, database.station_id) == local_records(database)
    assert county.store.waiting_cases() == []


def _batches(database, size: int) -> list[dict]:
    rows = sync_state.pending_changes(database, 10_000)
    return p.batches(0, [p.change_from_outbox(r) for r in rows], size)


def _push(county, enrollment, batch) -> dict:
    body = p.canonical(p.request(enrollment.station_id, "push", enrollment.keys.sign, batch=batch))
    reply = httpx.post(f"{county.url}/v1/push", content=body)
    return p.verify(reply.json(), enrollment.county["sign"])


def test_the_same_batch_twice_and_batches_out_of_order_apply_once(county, database, store, a_village):
    enrollment = enrolled(county, database, "前甸镇")
    first, second, third = _batches(database, 200)[:3]
    assert _push(county, enrollment, second)["status"] == "gap"  # ahead of what the server has: nothing applied
    assert county.store.records(owner=database.station_id) == []
    assert {r["status"] for r in _push(county, enrollment, first)["results"]} == {p.APPLIED}
    assert {r["status"] for r in _push(county, enrollment, first)["results"]} == {p.DUPLICATE}
    assert {r["status"] for r in _push(county, enrollment, second)["results"]} == {p.APPLIED}
    assert {r["status"] for r in _push(county, enrollment, second)["results"]} == {p.DUPLICATE}
    assert county.store.change_count(database.station_id) == 400
    client.sync(database)  # the client then sends all of it: the first 400 are duplicates
    assert county.store.change_count(database.station_id) == count(database, "outbox")
    assert server_records(county, database.station_id) == local_records(database)
    assert third["changes"][0]["seq"] == 401


def test_station_b_cannot_read_or_overwrite_a_and_strangers_are_refused(county, database, store, village, tmp_path):
    a = enrolled(county, database, "前甸镇")
    client.sync(database)
    other, other_head = new_station(tmp_path / "b", "章党镇", "210411102")
    b = enrolled(county, other, "章党镇")
    RecordStore(other, other_head).create("village", {"code": "210411102201", "name": "章党村"})
    client.sync(other)
    # B pulls: nothing of A's comes down; B cannot see A's records.
    assert count(other, "village") == 1 and count(other, "person") == 0
    # B tries to overwrite A's village, signed with its own key: rejected, A's record untouched.
    forged = {**village, "name": "被改", "rev": 2}
    change = {"seq": 99, "change_id": "forged-1", "entity": "village", "record_id": village["id"], "op": "upsert",
              "base_rev": 1, "rev": 2, "payload": forged}
    [answer] = _push(county, b, {"after_seq": 0, "changes": [change]})["results"]
    assert answer["status"] == p.REJECTED
    assert server_records(county, a.station_id)[("village", village["id"])] == 1
    # B claims to be A: its signature does not verify with A's key.
    body = p.canonical(p.request(a.station_id, "push", b.keys.sign, batch={"after_seq": 0, "changes": []}))
    assert httpx.post(f"{county.url}/v1/push", content=body).status_code == 401
    # An unknown station, and then a revoked one, are refused.
    stranger = p.KeyPair.generate()
    body = p.canonical(p.request("no-such-station", "pull", stranger.sign, cursor=0))
    assert httpx.post(f"{county.url}/v1/pull", content=body).status_code == 403
    county.store.revoke("章党镇")
    with pytest.raises(KnownError, match="撤销"):
        client.sync(other)
    other.close()


def test_an_enrollment_code_works_once(county, database, head, tmp_path):
    code = county.station_code("前甸镇")
    client.enroll(database, county.url, code)
    other, _ = new_station(tmp_path / "b", "章党镇", "210411102")
    with pytest.raises(KnownError, match="登记码无效"):
        client.enroll(other, county.url, code)
    other.close()


def test_the_escrow_copy_opens_the_database_key_at_the_county(county, database, head, db_key):
    enrolled(county, database, "前甸镇")
    from station_app.store.keyring import open_sealed

    assert open_sealed(p.unb64(county.store.escrow("前甸镇")), county.keys.pair.box) == db_key
    out = subprocess.run(county.command("unseal-escrow", "前甸镇"), cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == db_key.hex(), out.stderr


def test_a_field_changed_on_both_sides_is_kept_both_ways_and_flagged(county, database, store, village):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    county.store.county_edit("village", village["id"], {"name": "前甸新村"}, "县民政局")
    store.update("village", village["id"], {"name": "前甸老村"}, 1)
    report = client.sync(database)
    assert report.counts["conflict"] == 1
    [conflict] = sync_state.open_conflicts(database)
    assert conflict.fields == ["name"]
    assert conflict.mine["name"] == "前甸老村" and conflict.theirs["name"] == "前甸新村"
    assert store.get("village", village["id"])["name"] == "前甸老村"  # nothing overwritten
    [server_side] = county.store.records(entity_name="village")
    assert server_side["payload"]["name"] == "前甸新村"
    # The person keeps the station's name: a new change based on the county's revision, accepted.
    store.resolve_conflict(conflict, {"name": "前甸老村"})
    assert sync_state.open_conflicts(database) == []
    assert client.sync(database).counts["applied"] == 1
    [server_side] = county.store.records(entity_name="village")
    assert (server_side["payload"]["name"], server_side["rev"]) == ("前甸老村", 3)


def test_offline_is_told_and_nothing_is_lost(database, store, village, county):
    enrolled(county, database, "前甸镇")
    stop(county.process)
    with pytest.raises(client.Offline) as caught:
        client.sync(database)
    assert caught.value.message == "无法连接县民政局服务器（网络未连通，或服务器没有开机）"  # no English class name
    assert sync_state.get(database, sync_state.OFFLINE_SINCE) is not None
    assert count(database, "outbox WHERE acked_at IS NULL") == 2
    assert json.loads(json.dumps(sync_state.history(database)[0]["error"])).startswith("无法连接")


def test_the_county_decides_over_http_with_a_persons_token_and_by_command(county, database, store, a_village, tmp_path):
    enrolled(county, database, "前甸镇")
    first, second = referred_case(store, a_village, 131), referred_case(store, a_village, 158)
    client.sync(database)
    approver = accounts.create_user(county.store, "zhangkz", "县民政局张科长", county_roles.APPROVER, "county-pass-1",
                                    accounts.SERVER_CONSOLE)
    accounts.create_user(county.store, "zhaock", "赵只读", county_roles.READER, "county-pass-1", accounts.SERVER_CONSOLE)
    url = f"{county.url}/v1/county/relief"
    assert httpx.get(url).status_code == 403
    assert httpx.get(url, headers={"authorization": "Bearer wrong"}).status_code == 403
    token = {"authorization": f"Bearer {accounts.create_api_token(county.store, 'zhangkz', '脚本', approver)}"}
    reader = {"authorization": f"Bearer {accounts.create_api_token(county.store, 'zhaock', '脚本', approver)}"}
    assert [c["id"] for c in httpx.get(url, headers=token).json()["cases"]] == [first["id"], second["id"]]
    refused = httpx.post(f"{url}/{first['id']}/decision", headers=token,
                         json={"approved": False, "decided_on": TODAY.isoformat()})
    assert refused.status_code == 422 and "理由" in refused.json()["fields"]["reason"]
    not_allowed = httpx.post(f"{url}/{first['id']}/decision", headers=reader,
                             json={"approved": False, "reason": "不符合条件", "decided_on": TODAY.isoformat()})
    assert not_allowed.status_code == 403
    ok = httpx.post(f"{url}/{first['id']}/decision", headers=token,
                    json={"approved": False, "reason": "不符合条件", "decided_on": TODAY.isoformat()})
    assert ok.status_code == 200 and ok.json()["decided_by"] == "县民政局张科长"
    out = subprocess.run(county.command("waiting"), cwd=ROOT, capture_output=True, text=True)
    assert second["id"] in out.stdout and first["id"] not in out.stdout
    out = subprocess.run(county.command("decide", second["id"], "--approve", "--amount", "9000", "--user", "zhaock"),
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2 and "只能由审批账号办理" in out.stderr
    out = subprocess.run(county.command("decide", second["id"], "--approve", "--amount", "9000", "--user", "zhangkz"),
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    client.sync(database)
    assert store.get("relief_case", first["id"])["status"] == "rejected"
    assert (store.get("relief_case", second["id"])["status"], store.get("relief_case", second["id"])["amount_approved"]) \
        == ("approved", 900_000)
    assert relief.steps(database, second["id"])[-1]["actor_name"] == "县民政局张科长"


def test_enrollment_by_command_line(county, tmp_path):
    data = tmp_path / "station"
    env = {**os.environ, "STATION_PASSWORD": "shegong-qiandian-26"}
    run = functools.partial(subprocess.run, cwd=ROOT, capture_output=True, text=True, env=env)
    assert run([sys.executable, "main.py", "--data-dir", str(data), "init", "--name", "前甸镇社会工作服务站",
                "--township", "前甸镇", "--county", "顺城区", "--admin-code", "210411101", "--head-username", "head",
                "--head-name", "王站长"]).returncode == 0
    made = run(county.command("create-station", "前甸镇"))
    code = made.stdout.split("登记码：")[1].split()[0]
    fingerprint = made.stdout.split("指纹（登记时核对）：")[1].split()[0]
    out = run([sys.executable, "main.py", "--data-dir", str(data), "--user", "head", "sync", "enroll",
               "--server", county.url, "--code", code, "--fingerprint", fingerprint])
    assert out.returncode == 0, out.stderr
    out = run([sys.executable, "main.py", "--data-dir", str(data), "--user", "head", "sync", "run"])
    assert out.returncode == 0 and "县里新接收" in out.stdout, out.stderr
    listed = run(county.command("stations")).stdout
    assert "前甸镇\t已登记" in listed


def _self_signed(folder) -> tuple:
    """A certificate for 127.0.0.1, as a county would install on its server."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = p.utc_now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_over_tls_with_the_countys_certificate(database, store, village, tmp_path):
    folder = tmp_path / "tls-county"
    folder.mkdir()
    tls = _self_signed(folder)
    url, process = start_server(folder, tls)
    server = ServerStore(folder / "county.db")
    try:
        client.enroll(database, url, server.create_station("前甸镇"), ca_file=str(tls[0]))
        assert client.sync(database).counts["applied"] == 2
        assert server_records_of(server, database.station_id) == local_records(database)
        untrusting = client.HttpTransport(url)
        with pytest.raises(client.Offline, match="证书无法验证"):  # without the county's certificate: refused
            untrusting.get("/health")
        untrusting.close()
    finally:
        server.close()
        stop(process)


def test_a_county_correction_of_an_untouched_record_comes_down_audited_and_not_sent_back(county, database, store,
                                                                                      village):
    enrolled(county, database, "前甸镇")
    client.sync(database)
    county.store.county_edit("village", village["id"], {"name": "前甸新村"}, "县民政局")
    report = client.sync(database)
    assert report.counts["received"] == 1 and report.counts["sent"] == 0
    local = store.get("village", village["id"])
    assert (local["name"], local["rev"], local["updated_by"]) == ("前甸新村", 2, "县民政局")
    assert count(database, "outbox WHERE acked_at IS NULL") == 0 and sync_state.open_conflicts(database) == []
    [entry] = [h for h in store.history("village", village["id"]) if h["action"] == "sync_update"]
    assert entry["username"] == "county"
    client.sync(database)  # pulling again brings nothing new and changes nothing
    assert store.get("village", village["id"])["rev"] == 2


def test_health_and_the_protocol_description(county):
    assert httpx.get(f"{county.url}/health").json()["status"] == "ok"
    doc = httpx.get(f"{county.url}/openapi.json").json()
    assert {"/v1/enroll", "/v1/push", "/v1/pull"} <= set(doc["paths"])
    assert (county.folder / "logs" / "server.jsonl").read_text(encoding="utf-8").count('"path": "/health"') >= 1


def test_a_decision_on_a_case_withdrawn_meanwhile_waits_for_a_person(county, database, store, village):
    enrolled(county, database, "前甸镇")
    case = referred_case(store, village)
    client.sync(database)
    county.store.decide(case["id"], True, 1_120_000, "同意", approver(), TODAY.isoformat())
    relief.act(store, case["id"], "withdraw", case["rev"], reason="申请人已外出务工", today=TODAY)
    client.sync(database)
    assert store.get("relief_case", case["id"])["status"] == "withdrawn"  # the station's state stands
    [notice] = sync_state.open_conflicts(database)
    assert notice.kind == "decision" and "县级审批结果无法自动写入" in notice.message
    sync_state.dismiss_conflict(database, notice.id, "head")
    assert sync_state.open_conflicts(database) == []


def test_something_else_answering_at_the_address_is_an_error_not_offline(database, head, tmp_path):
    import http.server
    import threading

    class NotOurs(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            self.send_response(502)
            self.end_headers()
            self.wfile.write(b"<html>Bad Gateway</html>")

        def log_message(self, *_args):
            pass

    proxy = http.server.HTTPServer(("127.0.0.1", 0), NotOurs)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        with pytest.raises(KnownError, match="HTTP 502") as caught:
            client.enroll(database, f"http://127.0.0.1:{proxy.server_port}", "AAAA-BBBB-CCCC-DDDD")
        assert not isinstance(caught.value, client.Offline)
    finally:
        proxy.shutdown()
        proxy.server_close()  # its listening socket, else left for the garbage collector to warn about


@pytest.mark.parametrize(("error", "words"), [
    (httpx.ConnectTimeout("timed out"), "连接超时"),
    (httpx.ReadTimeout("timed out"), "长时间没有回应"),
    (httpx.RemoteProtocolError("Server disconnected without sending a response."), "中途断开"),
    (httpx.ConnectError("[Errno -2] Name or service not known"), "找不到服务器地址"),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "证书无法验证"),
    (httpx.ProxyError("407"), "代理"),
])
def test_every_network_failure_is_told_in_chinese(error, words):
    said = client.network_words(error)
    assert words in said and not re.search(r"[A-Za-z]", said)
