"""The county server: an ASGI app (Starlette) serving the sync protocol, run on uvicorn.

Station endpoints take a request signed by the station (protocol.request) and answer with a reply
signed by the county's key, which the station pinned at enrollment. County endpoints (waiting relief
cases, decisions) take a county person's API token (store.accounts), so every decision names them;
people use the county console (server.console) mounted in the same app. Blocking database work
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
from station_app.server.store import accounts
from station_app.server.store.storage import Refused, ServerStore, Station
from station_app.sync import protocol as p

log = logging.getLogger("station.server")


@dataclass
class Server:
    store: ServerStore
    keys: CountyKeys

    def signed(self, body: dict[str, Any], status: int = 200) -> JSONResponse:
        return JSONResponse(p.sign(body, self.keys.pair.sign), status_code=status)


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


async def _station_request(server: Server, request: Request, kind: str) -> tuple[Station, dict[str, Any]]:
    try:
        envelope = json.loads(await request.body())
        station_id = envelope["body"]["station_id"]
    except (ValueError, KeyError, TypeError):
        raise p.ProtocolError("请求格式不正确") from None
    station = await run_in_threadpool(server.store.station, station_id)
    body = p.verify(envelope, station.sign_public)
    if body.get("kind") != kind:
        raise p.ProtocolError("请求类型不符")
    p.check_fresh(body)
    return station, body


Handler = Callable[[Server, Request], Awaitable[Response]]


def _logged(handler: Handler, server: Server) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        try:
            response = await handler(server, request)
        except (Refused, PermissionDenied) as exc:
            response = _error(403, exc.message)
        except ValidationError as exc:
            response = JSONResponse({"error": exc.message, "fields": exc.errors}, status_code=422)
        except p.ProtocolError as exc:
            response = _error(400 if "格式" in exc.message else 401, exc.message)
        except KnownError as exc:
            response = _error(409, exc.message)
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
    try:
        body = json.loads(await request.body())
        args = (body["code"], body["station_id"], body["sign_public"], body["box_public"], body.get("escrow"))
    except (ValueError, KeyError, TypeError):
        raise p.ProtocolError("登记请求格式不正确") from None
    name = await run_in_threadpool(server.store.enroll, *args)
    return server.signed({"name": name, "station_id": body["station_id"], "county": server.keys.pair.public})


async def push(server: Server, request: Request) -> Response:
    station, body = await _station_request(server, request, "push")
    answer = await run_in_threadpool(server.store.push, station, p.check_batch(body.get("batch")))
    log.info(json.dumps({"event": "push", "station": station.name, "changes": len(answer["results"]),
                         "status": answer["status"]}, ensure_ascii=False))
    return server.signed(answer)


async def pull(server: Server, request: Request) -> Response:
    station, body = await _station_request(server, request, "pull")
    return server.signed(await run_in_threadpool(server.store.pull, station, int(body.get("cursor", 0)),
                                                 int(body.get("limit", 1000)), body.get("app")))


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
    actor = await _api_actor(server, request)
    try:
        body = json.loads(await request.body())
        args = (request.path_params["case_id"], bool(body["approved"]), body.get("amount"), body.get("reason"), actor,
                body.get("decided_on") or dt.date.today().isoformat())
    except (ValueError, KeyError, TypeError):
        raise p.ProtocolError("审批请求格式不正确") from None
    client = request.client.host if request.client else None
    return JSONResponse(await run_in_threadpool(server.store.decide, *args, client))


DIR_ENV, DATABASE_ENV = "STATION_SERVER_DIR", "STATION_SERVER_DATABASE_URL"


def from_environment() -> Starlette:
    """The app in a uvicorn worker process: its folder and database from the environment `server run` set."""
    from station_app.server import logs

    folder = Path(os.environ[DIR_ENV])
    logs.setup(folder)
    return create_app(folder, os.environ.get(DATABASE_ENV))


def create_app(data_dir: Path, database_url: str | None = None) -> Starlette:
    """The app for the server whose keys live in `data_dir`, and its records there too (SQLite) or
    in the database at `database_url`."""
    from station_app.server import config

    server = Server(ServerStore(config.database(data_dir, database_url), config.backups(data_dir)),
                    CountyKeys.load_or_create(data_dir))
    routes = [
        Route("/health", _logged(health, server), methods=["GET"]),
        Route("/openapi.json", _logged(openapi_doc, server), methods=["GET"]),
        Route("/v1/enroll", _logged(enroll, server), methods=["POST"]),
        Route("/v1/push", _logged(push, server), methods=["POST"]),
        Route("/v1/pull", _logged(pull, server), methods=["POST"]),
        Route("/v1/county/relief", _logged(waiting_cases, server), methods=["GET"]),
        Route("/v1/county/relief/{case_id}/decision", _logged(decide, server), methods=["POST"]),
    ]
    app = Starlette(routes=[*routes, *console.routes(server.store, server.keys)],
                    exception_handlers={HTTPException: _http_error, Exception: _server_error})
    app.state.server = server
    return app
