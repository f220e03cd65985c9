"""The county server: an ASGI app (Starlette) serving the sync protocol, run on uvicorn.

Station endpoints take a request signed by the station (protocol.request) and answer with a reply
signed by the county's key, which the station pinned at enrollment. County endpoints (waiting relief
cases, decisions) take a county person's API token (store.accounts), so every decision names them;
people use the county console (server.console) mounted in the same app. Everything a client sends
is checked at this edge against the protocol's schemas, read only up to the endpoint's size limit,
and refused with a Chinese message and a status chosen by the error's type. Blocking database work
runs in the thread pool, never on the event loop. Every request is logged as one JSON line (who,
what, how many, how long).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from station_app.core.county_roles import CountyActor
from station_app.core.errors import KnownError, PermissionDenied, ValidationError
from station_app.server import console, openapi
from station_app.server.keys import CountyKeys
from station_app.server.store import accounts, station_audit, station_rebuilds
from station_app.server.store.storage import Refused, ServerStore, Station
from station_app.sync import protocol as p

log = logging.getLogger("station.server")


@dataclass
class Server:
    store: ServerStore
    keys: CountyKeys

    def signed(self, body: dict[str, Any], status: int = 200) -> Response:
        """The reply signed in its canonical form, which is also what is sent: encoded once, and the
        station verifies it on the bytes it receives (protocol.receive)."""
        return Response(p.signed_bytes(p.canonical(body), self.keys.pair.sign), status_code=status,
                        media_type="application/json")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


_HTTP_MESSAGES = {404: "没有这个地址", 405: "这个地址不接受这种请求"}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such path, wrong method) in Chinese: a page in the console, JSON elsewhere."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = _HTTP_MESSAGES.get(status, "请求无法完成")
    if request.url.path.startswith(console.PREFIX):
        return console.plain_page(message, status)
    return _error(status, message)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error", exc_info=exc)
    message = "服务器内部错误，已记入服务器日志，请联系县民政局技术人员"
    if request.url.path.startswith(console.PREFIX):
        return console.plain_page(message, 500)
    return _error(500, message)


# Which HTTP status an error type answers with, most specific first (types, never message text).
STATUS_OF = ((p.TooLarge, 413), (p.StationRebuilt, 410), (Refused, 403), (PermissionDenied, 403), (ValidationError, 422),
             (p.NotAuthentic, 401), (p.ProtocolError, 400), (KnownError, 409))


def _refusal(exc: KnownError) -> JSONResponse:
    status = next(code for kind, code in STATUS_OF if isinstance(exc, kind))
    body: dict[str, Any] = {"error": exc.message}
    if isinstance(exc, ValidationError):
        body["fields"] = exc.errors
    return JSONResponse(body, status_code=status)


async def read_body(request: Request, kind: str) -> bytes:
    """The request's body, read only up to the endpoint's limit: a body declared longer is refused
    before a byte of it is read, and one streamed without a length as soon as it passes the limit."""
    limit = p.MAX_BODY[kind]
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit():
        raise p.ProtocolError("请求长度（Content-Length）不正确")
    if int(declared) > limit:
        raise p.TooLarge(f"请求内容过大：最多 {limit // 1024:,} KB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise p.TooLarge(f"请求内容过大：最多 {limit // 1024:,} KB")
    return bytes(body)


async def read_json(request: Request, kind: str) -> Any:
    """The request's JSON (read_body's limits)."""
    return p.parse(await read_body(request, kind))


async def _station_request(server: Server, request: Request, kind: str, body_schema: dict[str, Any],
                           spend_nonce: bool = True) -> tuple[Station, dict[str, Any]]:
    """A station's signed request: well formed, from an enrolled station, signed by it, fresh, and
    not seen before (unless `spend_nonce` is False: the caller spends it in its own transaction)."""
    envelope, body_bytes = p.receive(await read_body(request, kind))
    body = p.check(p.signed(body_schema), envelope)["body"]
    station = await run_in_threadpool(server.store.station, body["station_id"])
    await run_in_threadpool(station_rebuilds.signed_by, server.store, station,
                            lambda key: p.verify(envelope, key, body_bytes))
    sent_at = p.check_fresh(body)
    if spend_nonce:
        await run_in_threadpool(server.store.spend_nonce, station.station_id, body["nonce"], sent_at)
    return station, body


def _nonce(body: dict[str, Any]) -> tuple[str, dt.datetime]:
    """The nonce of a request `_station_request` let through unspent, and its time (checked fresh
    there), for the store to spend in the transaction that does the request's work."""
    return body["nonce"], p.check_fresh(body)


Handler = Callable[[Server, Request], Awaitable[Response]]


def _logged(handler: Handler, server: Server) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        try:
            response = await handler(server, request)
        except KnownError as exc:
            response = _refusal(exc)
        entry = {"path": request.url.path, "status": response.status_code,
                 "ms": round((time.perf_counter() - started) * 1000, 1),
                 "client": request.client.host if request.client else None}
        if response.status_code >= 400:
            entry["error"] = json.loads(bytes(response.body)).get("error")
        log.info(json.dumps(entry, ensure_ascii=False))
        return response
    return endpoint


async def health(server: Server, request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": p.VERSION, "county_sign": server.keys.pair.public["sign"],
                         "county_box": server.keys.pair.public["box"]})


async def openapi_doc(server: Server, request: Request) -> Response:
    return JSONResponse(openapi.document())


async def enroll(server: Server, request: Request) -> Response:
    """Bind a station to its keys with the county's one-time code. Everything is checked before the
    code is spent: the body's types, the station id (a UUID, so no reserved name such as "county"),
    both keys, and the signature by the signing key being registered (the station holds it)."""
    envelope = p.check(p.signed(p.ENROLL), await read_json(request, "enroll"))
    body = envelope["body"]
    p.check_public_keys(body)
    p.verify(envelope, body["sign_public"])
    p.check_fresh(body)
    name, station_id = await run_in_threadpool(server.store.enroll, body["code"], body["station_id"],
                                               body["sign_public"], body["box_public"], body.get("escrow"))
    return server.signed({"name": name, "station_id": station_id, "county": server.keys.pair.public})


async def push(server: Server, request: Request) -> Response:
    station, body = await _station_request(server, request, "push", p.PUSH_FRAME, spend_nonce=False)
    answer = await run_in_threadpool(server.store.push, station, p.check_batch(body["batch"]), *_nonce(body))
    log.info(json.dumps({"event": "push", "station": station.name, "changes": len(answer["results"]),
                         "status": answer["status"]}, ensure_ascii=False))
    return server.signed(answer)


async def pull(server: Server, request: Request) -> Response:
    station, body = await _station_request(server, request, "pull", p.PULL)
    if body.get("rejected"):
        await run_in_threadpool(server.store.note_rejections, station, body["rejected"])
    return server.signed(await run_in_threadpool(server.store.pull, station, body["cursor"],
                                                 body.get("limit", p.MAX_PULL), body.get("app")))


async def rebuild(server: Server, request: Request) -> Response:
    """A page of what a station rebuilt on a new PC pulls back (store.station_rebuilds)."""
    station, body = await _station_request(server, request, "rebuild", p.REBUILD)
    return server.signed(await run_in_threadpool(station_rebuilds.rebuild_page, server.store, station, body["cursor"],
                                                 body.get("limit", p.MAX_REBUILD)))


async def audit_push(server: Server, request: Request) -> Response:
    """A run of the station's audit log (store.station_audit): kept if it continues the chain held."""
    station, body = await _station_request(server, request, "audit", p.AUDIT, spend_nonce=False)
    return server.signed(await run_in_threadpool(station_audit.receive_online, server.store, station, body["audit"],
                                                 *_nonce(body)))


async def audit_history(server: Server, request: Request) -> Response:
    """A page of the audit log the county holds for the station, for its rebuild on a new PC."""
    station, body = await _station_request(server, request, "audit_history", p.AUDIT_HISTORY)
    return server.signed(await run_in_threadpool(station_audit.history_page, server.store, station, body["after"],
                                                 body.get("limit", p.MAX_AUDIT)))


async def _api_actor(server: Server, request: Request) -> CountyActor:
    """The county person whose API token the request carries."""
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    actor = await run_in_threadpool(accounts.token_actor, server.store, given) if given else None
    if actor is None:
        raise Refused("需要县级账号的API令牌（在县级管理平台“账号”页或用 main.py server create-token 建立）")
    return actor


async def waiting_cases(server: Server, request: Request) -> Response:
    await _api_actor(server, request)
    return JSONResponse({"cases": await run_in_threadpool(server.store.waiting_cases)})


async def decide(server: Server, request: Request) -> Response:
    """A decision by the API token's person: the body's types checked here, the decision's rules
    (a reason to refuse, an amount to approve, a day that has come) by the store."""
    actor = await _api_actor(server, request)
    body = p.check(p.DECISION_REQUEST, await read_json(request, "decision"))
    client = request.client.host if request.client else None
    return JSONResponse(await run_in_threadpool(
        server.store.decide, request.path_params["case_id"], body["approved"], body.get("amount"), body.get("reason"),
        actor, body.get("decided_on") or dt.date.today().isoformat(), client))


DIR_ENV, DATABASE_ENV = "STATION_SERVER_DIR", "STATION_SERVER_DATABASE_URL"


def from_environment() -> Starlette:
    """The app in a uvicorn worker process: its folder and database from the environment `server run`
    set (the database's key file too: server.config.KEY_FILE_ENV)."""
    from station_app.server import logs

    folder = Path(os.environ[DIR_ENV])
    logs.setup(folder)
    # The pinyin dictionaries (core.search, for the read tables' search keys) load in a few tenths of
    # a second: at start-up, not in the first station's push.
    import pypinyin  # noqa: F401
    return create_app(folder, os.environ.get(DATABASE_ENV))


def create_app(data_dir: Path, database_url: str | None = None, key_file: Path | None = None) -> Starlette:
    """The app for the server whose keys live in `data_dir`, and its records there too (SQLite,
    encrypted with the key in `key_file`) or in the database at `database_url`."""
    server = Server(ServerStore.in_folder(data_dir, database_url, key_file), CountyKeys.load_or_create(data_dir))
    routes = [
        Route("/health", _logged(health, server), methods=["GET"]),
        Route("/openapi.json", _logged(openapi_doc, server), methods=["GET"]),
        Route("/v1/enroll", _logged(enroll, server), methods=["POST"]),
        Route("/v1/push", _logged(push, server), methods=["POST"]),
        Route("/v1/pull", _logged(pull, server), methods=["POST"]),
        Route("/v1/rebuild", _logged(rebuild, server), methods=["POST"]),
        Route("/v1/audit", _logged(audit_push, server), methods=["POST"]),
        Route("/v1/audit/history", _logged(audit_history, server), methods=["POST"]),
        Route("/v1/county/relief", _logged(waiting_cases, server), methods=["GET"]),
        Route("/v1/county/relief/{case_id}/decision", _logged(decide, server), methods=["POST"]),
    ]
    app = Starlette(routes=[*routes, *console.routes(server.store, server.keys)],
                    exception_handlers={HTTPException: _http_error, Exception: _server_error})
    app.state.server = server
    return app
