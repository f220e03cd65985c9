"""Schemathesis against the county server's own OpenAPI description, on a real server process on
127.0.0.1: requests that fit the description and requests that break it, each sent as they come
and again signed by an enrolled station (fresh time, new nonce) or with the county's token, so the
checks behind the signature are reached too. No answer may be a 5xx. Bounded by example count."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from station_app.core.ids import new_id
from station_app.server.store.storage import ServerStore
from station_app.sync import protocol as p
from tests.sync_fixtures import api_token, start_server, stop

EXAMPLES = 40  # per operation and way of sending; about 1,500 requests in all


@dataclass
class Fuzzed:
    url: str
    station_id: str
    keys: p.KeyPair
    token: str


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-county")
    url, process = start_server(folder)
    store = ServerStore(folder / "county.db")
    keys, station_id = p.KeyPair.generate(), new_id()
    body = p.request(station_id, "enroll", keys.sign, code=store.create_station("前甸镇"), escrow=None,
                     sign_public=keys.public["sign"], box_public=keys.public["box"])
    assert httpx.post(f"{url}/v1/enroll", content=p.canonical(body)).status_code == 200
    yield Fuzzed(url, station_id, keys, api_token(store))
    store.close()
    stop(process)


def _whole(value):
    """JSON Schema counts 2.0 as an integer; the protocol wants integers written as integers (as the
    station's client writes them), so signed requests get them that way and reach the checks behind."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    return [_whole(v) for v in value] if isinstance(value, list) else value


def _as_station(case, fuzzed: Fuzzed) -> None:
    """Make a generated request one the station could have sent: its id, now, a new nonce, a batch's
    changes new, in order after what the server has and agreeing with their records (so the records'
    own validation is reached), signed."""
    case.body = _whole(case.body)
    if isinstance(case.body, dict) and isinstance(case.body.get("body"), dict):
        body = {**case.body["body"], "station_id": fuzzed.station_id, "sent_at": p.iso(p.utc_now()),
                "nonce": secrets.token_hex(8)}
        batch = body.get("batch")
        if isinstance(batch, dict) and isinstance(batch.get("changes"), list):
            batch["after_seq"] = 0
            for seq, change in enumerate(batch["changes"], 1):
                if isinstance(change, dict):
                    change.update(seq=seq, change_id=secrets.token_hex(8))
                    if isinstance(change.get("payload"), dict):
                        change["payload"].update(id=change.get("record_id"), rev=change.get("rev"),
                                                 station_id=fuzzed.station_id)
        if case.path == "/v1/enroll":  # signed by the key it registers, as a new station would
            body["station_id"] = new_id()
            fresh = p.KeyPair.generate()
            body.update(sign_public=fresh.public["sign"], box_public=fresh.public["box"])
            case.body = p.sign(body, fresh.sign)
        else:
            case.body = p.sign(body, fuzzed.keys.sign)
    case.headers = {**(case.headers or {}), "authorization": f"Bearer {fuzzed.token}"}


def _operations(url: str) -> list:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("credentials", [False, True], ids=["as-sent", "signed"])
def test_no_request_gets_a_5xx(fuzzed, mode, credentials):
    failures: list[str] = []
    for operation in _operations(fuzzed.url):
        if mode is GenerationMode.NEGATIVE and not (list(operation.body) or list(operation.path_parameters)):
            continue  # nothing to send wrong
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def send(case) -> None:
            if credentials:
                _as_station(case, fuzzed)
            response = case.call(base_url=fuzzed.url, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path} {json.dumps(case.body, ensure_ascii=False)[:300]}"
                                f" -> {response.status_code} {response.text[:200]}")

        send()
    assert not failures, "\n".join(failures[:5])
    assert httpx.get(f"{fuzzed.url}/health").status_code == 200
