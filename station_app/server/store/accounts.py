"""County console accounts: argon2id passwords, lock-out, sessions, API tokens and the audit log.

Everything lives in the database, nothing in a worker's memory, so any of several server processes
serves any request: a session is a random token whose SHA-256 is a row (with its CSRF token and
when it was last used), a failed log-in is a counter on the account. Tokens are stored hashed, so a
copy of the database opens no session. Every decision and every sensitive view is an audit row
naming the person (store.audit), in the same transaction as what it records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from station_app.core import passwords
from station_app.core.county_roles import ROLE_LABELS, CountyActor
from station_app.core.errors import AuthError, KnownError, NotFound, ValidationError
from station_app.core.ids import new_id, now_iso
from station_app.core.text import clean
from station_app.server.store.audit import SERVER_CONSOLE, audit
from station_app.server.store.storage import ServerStore

MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCK_MINUTES = 15
IDLE_MINUTES = 30  # a session unused this long has ended: the next page asks for the password again
_TOUCH_SECONDS = 60  # a session's last use is written at most this often (one write per page otherwise)
_hasher = PasswordHasher()  # argon2id, the library's recommended cost
_NOBODY = _hasher.hash(secrets.token_hex(16))  # verified against for unknown names: the same time taken


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _actor(row: dict[str, Any]) -> CountyActor:
    return CountyActor(row["id"], row["username"], row["display_name"], row["role"])


@dataclass(frozen=True)
class Session:
    actor: CountyActor
    csrf_token: str


# -- accounts -----------------------------------------------------------------------------------

def create_user(store: ServerStore, username: str, display_name: str, role: str, password: str,
                by: CountyActor) -> CountyActor:
    username, display_name = clean(username).lower(), clean(display_name)
    errors = {}
    if not username or not username.isascii() or not username.replace("_", "").replace(".", "").isalnum():
        errors["username"] = "用户名请用英文字母、数字（可含 . 和 _）"
    if not display_name:
        errors["display_name"] = "请填写姓名（审批记录和审批表上显示）"
    if role not in ROLE_LABELS:
        errors["role"] = "请选择角色"
    try:
        passwords.check(password, names=(username, display_name))
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    actor = CountyActor(new_id(), username, display_name, role)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM county_users WHERE username = ?", (username,)).fetchone():
            raise ValidationError({"username": f"用户名“{username}”已被使用"})
        conn.execute("INSERT INTO county_users (id, username, display_name, role, password_hash, created_at, created_by)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (actor.user_id, username, display_name, role, _hasher.hash(password), now_iso(), by.display_name))
        audit(conn, by, "建立账号", username, f"{display_name}（{ROLE_LABELS[role]}）")
    return actor


def users(store: ServerStore) -> list[dict[str, Any]]:
    rows = store.read("SELECT id, username, display_name, role, failed_logins, locked_until, disabled_at, created_at,"
                      " created_by FROM county_users ORDER BY created_at")
    return [{**r, "role_label": ROLE_LABELS.get(r["role"], r["role"])} for r in rows]


def has_admin(store: ServerStore) -> bool:
    return bool(store.read("SELECT 1 FROM county_users WHERE role = 'admin' AND disabled_at IS NULL LIMIT 1"))


def user(store: ServerStore, username: str) -> CountyActor:
    rows = store.read("SELECT * FROM county_users WHERE username = ? AND disabled_at IS NULL",
                      (clean(username).lower(),))
    if not rows:
        raise NotFound(f"没有可用的县级账号“{username}”")
    return _actor(rows[0])


def set_password(store: ServerStore, username: str, password: str, by: CountyActor) -> None:
    passwords.check(password, names=(username,))
    with store.transaction() as conn:
        if conn.execute("UPDATE county_users SET password_hash = ?, failed_logins = 0, locked_until = NULL"
                        " WHERE username = ?", (_hasher.hash(password), username)).rowcount != 1:
            raise NotFound(f"没有县级账号“{username}”")
        audit(conn, by, "重设密码", username)


def set_disabled(store: ServerStore, username: str, disabled: bool, by: CountyActor) -> None:
    """Disable (or enable again) an account; disabling ends its sessions and API tokens at once."""
    if disabled and username == by.username:
        raise KnownError("不能停用自己正在使用的账号")
    with store.transaction() as conn:
        row = conn.execute("SELECT id FROM county_users WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise NotFound(f"没有县级账号“{username}”")
        conn.execute("UPDATE county_users SET disabled_at = ? WHERE id = ?", (now_iso() if disabled else None, row["id"]))
        if disabled:
            conn.execute("DELETE FROM county_sessions WHERE user_id = ?", (row["id"],))
            conn.execute("UPDATE county_api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                         (now_iso(), row["id"]))
        audit(conn, by, "停用账号" if disabled else "启用账号", username)


# -- log-in and sessions ------------------------------------------------------------------------

def log_in(store: ServerStore, username: str, password: str, client: str | None = None) -> str:
    """A new session's token for the right password; AuthError (Chinese) otherwise. Each wrong
    password counts (and is audited); the `MAX_FAILURES`-th locks the account for `LOCK_MINUTES`."""
    username = clean(username).lower()
    rows = store.read("SELECT * FROM county_users WHERE username = ?", (username,))
    row = rows[0] if rows else None
    right = _verify(row["password_hash"] if row else _NOBODY, password) and row is not None
    if row is None or row["disabled_at"]:
        raise AuthError("用户名或密码不正确")
    now = _now()
    if row["locked_until"] and _moment(row["locked_until"]) > now:
        raise AuthError(f"密码错误次数过多，账号已锁定，请{LOCK_MINUTES}分钟后再试，或请管理员重设密码")
    if not right:
        raise AuthError(_count_failure(store, row, now, client))
    token = secrets.token_urlsafe(32)
    with store.transaction() as conn:
        stamp = now_iso()
        conn.execute("UPDATE county_users SET failed_logins = 0, locked_until = NULL WHERE id = ?", (row["id"],))
        conn.execute("INSERT INTO county_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at)"
                     " VALUES (?, ?, ?, ?, ?)", (_hash_token(token), row["id"], secrets.token_urlsafe(24), stamp, stamp))
        audit(conn, _actor(row), "登录", None, None, client)
    return token


def _count_failure(store: ServerStore, row: dict[str, Any], now: dt.datetime, client: str | None) -> str:
    """Count a wrong password (committed: the refusal must not roll it back); the message to show."""
    with store.transaction() as conn:
        failures = conn.execute("UPDATE county_users SET failed_logins = failed_logins + 1 WHERE id = ?"
                                " RETURNING failed_logins", (row["id"],)).fetchone()["failed_logins"]
        locked = failures >= MAX_FAILURES
        if locked:
            conn.execute("UPDATE county_users SET failed_logins = 0, locked_until = ? WHERE id = ?",
                         ((now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat(), row["id"]))
        audit(conn, _actor(row), "登录失败", None, "账号已锁定" if locked else f"连续第{failures}次密码错误", client)
    if locked:
        return f"密码错误次数过多，账号已锁定{LOCK_MINUTES}分钟"
    return f"用户名或密码不正确（再错 {MAX_FAILURES - failures} 次账号将被锁定）"


def _moment(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def session(store: ServerStore, token: str | None) -> Session | None:
    """The session of `token` if it is still live (used within `IDLE_MINUTES`), else None."""
    if not token:
        return None
    key = _hash_token(token)
    rows = store.read("SELECT s.csrf_token, s.last_seen_at, u.* FROM county_sessions s JOIN county_users u"
                      " ON u.id = s.user_id WHERE s.token_hash = ? AND u.disabled_at IS NULL", (key,))
    if not rows:
        return None
    last = _moment(rows[0]["last_seen_at"])
    now = _now()
    if now - last > dt.timedelta(minutes=IDLE_MINUTES):
        end_session(store, token)
        return None
    if now - last > dt.timedelta(seconds=_TOUCH_SECONDS):
        with store.transaction() as conn:
            conn.execute("UPDATE county_sessions SET last_seen_at = ? WHERE token_hash = ?", (now_iso(), key))
    return Session(_actor(rows[0]), rows[0]["csrf_token"])


def end_session(store: ServerStore, token: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM county_sessions WHERE token_hash = ?", (_hash_token(token),))


# -- API tokens for scripts ---------------------------------------------------------------------

def create_api_token(store: ServerStore, username: str, label: str, by: CountyActor) -> str:
    """A bearer token that acts as `username` (shown once; only its hash is kept)."""
    owner = user(store, username)
    token = "st_" + secrets.token_urlsafe(32)
    with store.transaction() as conn:
        conn.execute("INSERT INTO county_api_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
                     (_hash_token(token), owner.user_id, clean(label) or "脚本", now_iso()))
        audit(conn, by, "建立API令牌", username, label)
    return token


def api_tokens(store: ServerStore) -> list[dict[str, Any]]:
    return store.read("SELECT t.token_hash, t.label, t.created_at, t.last_used_at, t.revoked_at, u.username,"
                      " u.display_name FROM county_api_tokens t JOIN county_users u ON u.id = t.user_id"
                      " ORDER BY t.created_at DESC")


def revoke_api_token(store: ServerStore, token_hash: str, by: CountyActor) -> None:
    with store.transaction() as conn:
        if conn.execute("UPDATE county_api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                        (now_iso(), token_hash)).rowcount != 1:
            raise NotFound("没有这个有效的API令牌")
        audit(conn, by, "撤销API令牌", token_hash[:12])


def token_actor(store: ServerStore, token: str) -> CountyActor | None:
    """The person a bearer token acts for, if it is live."""
    key = _hash_token(token)
    rows = store.read("SELECT u.* FROM county_api_tokens t JOIN county_users u ON u.id = t.user_id"
                      " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL", (key,))
    if not rows:
        return None
    with store.transaction() as conn:
        conn.execute("UPDATE county_api_tokens SET last_used_at = ? WHERE token_hash = ?", (now_iso(), key))
    return _actor(rows[0])
