"""账号 and 审计日志 (管理员): county accounts and their roles, passwords, API tokens for scripts, and
the audit log of who did and saw what."""

from __future__ import annotations

from starlette.responses import Response

from station_app.core.county_roles import ROLES
from station_app.core.errors import ValidationError
from station_app.server.console.web import Ask
from station_app.server.store import accounts, audit


def index(ask: Ask, errors: dict[str, str] | None = None, status: int = 200, token: str | None = None,
          done: str = "") -> Response:
    return ask.render("accounts.html", status, section="/accounts", users=accounts.users(ask.store),
                      tokens=accounts.api_tokens(ask.store), role_choices=ROLES, errors=errors or {},
                      form=dict(ask.form) if errors else {}, token=token, done=done)


def create(ask: Ask) -> Response:
    try:
        made = accounts.create_user(ask.store, ask.value("username"), ask.value("display_name"), ask.value("role"),
                                    ask.value("password"), ask.actor)
    except ValidationError as exc:
        return index(ask, exc.errors, 422)
    return index(ask, done=f"已建立账号“{made.username}”（{made.role_label}）")


def change(ask: Ask) -> Response:
    """Reset a password, or disable or enable an account."""
    username, what = ask.param("username"), ask.value("what")
    try:
        if what == "password":
            accounts.set_password(ask.store, username, ask.value("password"), ask.actor)
        else:
            accounts.set_disabled(ask.store, username, what == "disable", ask.actor)
    except ValidationError as exc:
        return index(ask, {f"{username}.{k}": v for k, v in exc.errors.items()}, 422)
    labels = {"password": "已重设密码", "disable": "已停用", "enable": "已启用"}
    return index(ask, done=f"“{username}”{labels.get(what, '已更改')}")


def create_token(ask: Ask) -> Response:
    token = accounts.create_api_token(ask.store, ask.value("username"), ask.value("label"), ask.actor)
    return index(ask, token=token)


def revoke_token(ask: Ask) -> Response:
    accounts.revoke_api_token(ask.store, ask.value("token"), ask.actor)
    return index(ask, done="已撤销API令牌")


def audit_log(ask: Ask) -> Response:
    who = ask.value("username") or None
    return ask.render("audit.html", section="/audit", entries=audit.entries(ask.store, 500, who), who=who or "",
                      users=accounts.users(ask.store))
