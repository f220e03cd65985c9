"""Log-in and log-out. The log-in form has no session yet, so its CSRF token is a cookie the form
must repeat (double submit); a wrong password counts towards the account's lock-out."""

from __future__ import annotations

import hmac

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from station_app.core.errors import AuthError
from station_app.server.console import web
from station_app.server.console.web import Ask, Console
from station_app.server.store import accounts


def _next(raw: str | None) -> str:
    """Where to go after logging in: a console page, never another site."""
    target = raw or ""
    return target if target.startswith(web.PREFIX + "/") and not target.startswith("//") else web.PREFIX + "/"


def _form(console: Console, request: Request, status: int = 200, message: str = "", username: str = "") -> Response:
    token = web.new_login_token()
    expired = request.query_params.get("expired") == "1"
    no_admin = not accounts.has_admin(console.store)
    response = web.render(console, request, "login.html", status, login_csrf=token, message=message,
                          username=username, expired=expired and not message, no_admin=no_admin,
                          next=_next(request.query_params.get("next")))
    web.set_cookie(response, request, web.LOGIN_COOKIE, token)
    return response


def endpoints(console: Console) -> tuple:
    async def show(request: Request) -> Response:
        if await run_in_threadpool(accounts.session, console.store, request.cookies.get(web.SESSION_COOKIE)):
            return RedirectResponse(_next(request.query_params.get("next")), status_code=303)
        return await run_in_threadpool(_form, console, request)

    async def submit(request: Request) -> Response:
        form = await request.form()
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        expected = request.cookies.get(web.LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(str(form.get("csrf", "")).encode(), expected.encode()):
            return await run_in_threadpool(_form, console, request, 403, "表单已失效，请重新输入用户名和密码后登录。", username)
        client = request.client.host if request.client else None
        try:
            token = await run_in_threadpool(accounts.log_in, console.store, username, password, client)
        except AuthError as exc:
            return await run_in_threadpool(_form, console, request, 401, exc.message, username)
        response = RedirectResponse(_next(str(form.get("next", ""))), status_code=303, headers=web.HEADERS)
        web.set_cookie(response, request, web.SESSION_COOKIE, token)
        response.delete_cookie(web.LOGIN_COOKIE, path=web.PREFIX)
        return response

    return show, submit


def log_out(ask: Ask) -> Response:
    accounts.end_session(ask.store, ask.request.cookies.get(web.SESSION_COOKIE, ""))
    response = RedirectResponse(web.PREFIX + "/login", status_code=303, headers=web.HEADERS)
    response.delete_cookie(web.SESSION_COOKIE, path=web.PREFIX)
    return response
