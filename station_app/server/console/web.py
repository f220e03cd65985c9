"""The console's plumbing, in one place: who is asking (the session), CSRF on every form, the role
check, errors as Chinese pages, and rendering.

A page handler is a plain function `handler(ask) -> Response`. `page()` wraps it into a Starlette
endpoint that checks the session cookie, refuses a POST whose CSRF token does not match the
session's, checks the permission the route needs, then runs the handler in the thread pool (it
reads the database; the event loop stays free for the stations' sync requests). Sessions, CSRF
tokens and lock-out counters live in the database, so any worker process serves any request.
"""

from __future__ import annotations

import datetime as dt
import hmac
import html
import secrets
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from station_app.core import county_roles
from station_app.core.county_roles import CountyActor
from station_app.core.errors import KnownError, NotFound, PermissionDenied
from station_app.core.fields import format_money
from station_app.core.idnumber import mask as mask_id
from station_app.core.privacy import mask_phone
from station_app.server.keys import CountyKeys
from station_app.server.store import accounts
from station_app.server.store.storage import ServerStore

PREFIX = "/console"
SESSION_COOKIE = "station_console"
LOGIN_COOKIE = "station_console_login"  # the log-in form's CSRF token (double submit: no session yet)
HERE = Path(__file__).resolve().parent
# Personal data: never cached, never framed, nothing loaded from anywhere but this server.
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "same-origin",
           "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"}
NAV = (("首页", "/", None), ("待县审批", "/relief", None), ("统计", "/figures", None), ("查询", "/search", None),
       ("参数下发", "/rules", None), ("站点管理", "/stations", None), ("冲突", "/conflicts", None),
       ("账号", "/accounts", county_roles.ACCOUNTS), ("审计日志", "/audit", county_roles.ACCOUNTS))


def _local_time(stamp: str | None) -> str:
    """A stored UTC time as the wall-clock time people at the county read."""
    if not stamp:
        return ""
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.trim_blocks, env.lstrip_blocks = True, True
    env.filters.update(money=lambda fen: format_money(fen) if fen is not None else "",
                       mask_id=lambda v: mask_id(v) if v else "", mask_phone=lambda v: mask_phone(v) if v else "",
                       local=_local_time, todate=dt.date.fromisoformat)
    env.globals.update(prefix=PREFIX, nav=NAV, roles=county_roles)
    return templates


@dataclass
class Console:
    store: ServerStore
    keys: CountyKeys
    templates: Jinja2Templates = field(default_factory=_templates)


@dataclass
class Ask:
    """One request as a handler sees it: who, what they sent, and how to answer."""

    console: Console
    request: Request
    actor: CountyActor
    csrf: str
    form: FormData | Mapping[str, Any]

    @property
    def store(self) -> ServerStore:
        return self.console.store

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query_params

    @property
    def client(self) -> str | None:
        return self.request.client.host if self.request.client else None

    def param(self, name: str) -> str:
        return self.request.path_params[name]

    def value(self, name: str, default: str = "") -> str:
        """A form field, else the query parameter, as text."""
        raw = self.form.get(name) if name in self.form else self.query.get(name)
        return str(raw).strip() if isinstance(raw, str) else default

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        return render(self.console, self.request, template, status, actor=self.actor, csrf=self.csrf, **context)

    def redirect(self, path: str) -> Response:
        return RedirectResponse(PREFIX + path, status_code=303, headers=HEADERS)


def render(console: Console, request: Request, template: str, status: int = 200, **context: Any) -> Response:
    response = console.templates.TemplateResponse(request, template, context, status_code=status)
    response.headers.update(HEADERS)
    return response


Handler = Callable[[Ask], Response]


def page(console: Console, handler: Handler, permission: str | None = None) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        session = await run_in_threadpool(accounts.session, console.store, token)
        if session is None:
            return _to_login(request, expired=bool(token))
        form: FormData | Mapping[str, Any] = {}
        if request.method == "POST":
            form = await request.form()
            if not hmac.compare_digest(str(form.get("csrf", "")).encode(), session.csrf_token.encode()):
                return _refusal(console, request, session, 403, "表单已失效（缺少或不符的安全令牌）。请回到页面刷新后重新提交。")
        ask = Ask(console, request, session.actor, session.csrf_token, form)
        try:
            if permission:
                session.actor.require(permission)
            return await run_in_threadpool(handler, ask)
        except PermissionDenied as exc:
            return _refusal(console, request, session, 403, exc.message)
        except NotFound as exc:
            return _refusal(console, request, session, 404, exc.message)
        except KnownError as exc:
            return _refusal(console, request, session, 409, exc.message)
    return endpoint


def plain_page(message: str, status: int) -> Response:
    """A refusal without a session (no such page, a server error): a short Chinese page of its own."""
    body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>无法完成</title>'
            f'<link rel="stylesheet" href="{PREFIX}/static/console.css"><main><section class="panel">'
            f'<h1>无法完成</h1><p class="error">{html.escape(message)}</p><p><a href="{PREFIX}/">回到首页</a></p>'
            f"</section></main></html>")
    return HTMLResponse(body, status, headers=HEADERS)


def _refusal(console: Console, request: Request, session: accounts.Session, status: int, message: str) -> Response:
    return render(console, request, "error.html", status, actor=session.actor, csrf=session.csrf_token,
                  message=message)


def _to_login(request: Request, expired: bool) -> Response:
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = {"next": back if request.method == "GET" else PREFIX + "/"}
    if expired:
        query["expired"] = "1"
    response = RedirectResponse(f"{PREFIX}/login?{urllib.parse.urlencode(query)}", status_code=303, headers=HEADERS)
    if expired:
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


def set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    """HttpOnly, SameSite=Strict, Secure over TLS; no expiry: the server ends idle sessions."""
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def quote(text: str) -> str:
    """A station's name (Chinese) as one path segment."""
    return urllib.parse.quote(text, safe="")


def attachment(file_name: str, inline: bool = False) -> str:
    """A Content-Disposition for a Chinese file name (RFC 6266: an ASCII fallback, then UTF-8)."""
    quoted = urllib.parse.quote(file_name)
    fallback = "download" + Path(file_name).suffix
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"


def new_login_token() -> str:
    return secrets.token_urlsafe(24)
