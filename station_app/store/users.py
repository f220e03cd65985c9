"""Station users: argon2id password hashes, roles, lock-out after repeated failures.

Users are local to the station PC (hashes never sync). Every change to a user and every login,
failed or not, is an audit entry. Role checks happen here, not only in the UI.

Each active user also has a copy of the database key wrapped under their password in the key ring
(store.keyring): adding a user or setting a password wraps it, a password change re-wraps only that
user's copy, and disabling a user deletes it. The ring is saved inside the database transaction,
just before it commits, so the two disagree only if the PC dies in between; for a user's own
password change the old copy is kept until the new password is confirmed in the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from station_app.core import passwords
from station_app.core.errors import AuthError, NotFound, PermissionDenied, ValidationError
from station_app.core.ids import new_id, now_iso
from station_app.core.roles import ROLE_LABELS, Actor
from station_app.core.text import clean
from station_app.store import audit_log, settings
from station_app.store.database import StationDatabase
from station_app.store.keyring import KeyRing, keys_path

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
_USER_COLUMNS = "id, username, display_name, role, active, must_change_password, failed_attempts, locked_until, created_at"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _clock(stamp: str) -> str:
    """A stored UTC time as the local wall-clock time people read (HH:MM)."""
    return dt.datetime.fromisoformat(stamp).astimezone().strftime("%H:%M")


def has_users(database: StationDatabase) -> bool:
    return bool(database.scalar("SELECT EXISTS (SELECT 1 FROM users)"))


def list_users(database: StationDatabase) -> list[dict[str, Any]]:
    """The station's users; `locked_until` also counts a lock-out from the log-in window (key ring)."""
    rows = database.query(f"SELECT {_USER_COLUMNS} FROM users ORDER BY created_at")
    ring, now = _ring(database), _utcnow()
    for row in rows:
        until = ring.locked_until(row["username"], now)
        if until is not None and (not row["locked_until"] or until.isoformat() > row["locked_until"]):
            row["locked_until"] = until.isoformat()
    return rows


def _get(database: StationDatabase, user_id: str) -> dict[str, Any]:
    rows = database.query(f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", [user_id])
    if not rows:
        raise NotFound("找不到该用户")
    return rows[0]


def _require_head(actor: Actor) -> None:
    if not actor.can_manage_users:
        raise PermissionDenied("只有站长可以管理用户账号。")


def create_user(database: StationDatabase, actor: Actor, username: str, display_name: str, role: str,
                password: str) -> dict[str, Any]:
    """Add a user. Only the head may, except for the very first user (created at set-up)."""
    if has_users(database):
        _require_head(actor)
    username, display_name = clean(username), clean(display_name, keep_punctuation=True)
    errors = {}
    if not username or not username.replace("_", "").replace(".", "").isalnum():
        errors["username"] = "用户名只能包含字母、数字、下划线或点，且不能为空"
    elif database.scalar("SELECT 1 FROM users WHERE username = ?", [username]):
        errors["username"] = "该用户名已被使用"
    if not display_name:
        errors["display_name"] = "请填写姓名"
    if role not in ROLE_LABELS:
        errors["role"] = "请选择角色"
    if errors:
        raise ValidationError(errors)
    passwords.check(password, names=(username, display_name))
    now = now_iso()
    user_id = new_id()
    with database.transaction() as conn:
        conn.execute(
            "INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, username, display_name, role, _hasher.hash(password), now, now),
        )
        audit_log.append(conn, actor, [audit_log.Event(
            "user_create", "users", user_id, changes={"username": username, "display_name": display_name, "role": role})])
        _wrap_key(database, username, password)
    return _get(database, user_id)


def _ring(database: StationDatabase) -> KeyRing:
    return KeyRing.load(keys_path(database.path))


def _wrap_key(database: StationDatabase, username: str, password: str, *, keep_previous: bool = False) -> None:
    ring = _ring(database)
    ring.set_user(username, password, database.require_key(), keep_previous=keep_previous)
    ring.save()


def has_key(database: StationDatabase, username: str) -> bool:
    """Whether `username` can open the database (disabled users and users from before the
    database was encrypted cannot until the head sets them a password)."""
    return username in _ring(database).usernames()


def authenticate(database: StationDatabase, username: str, password: str) -> Actor:
    """The actor for a correct login; AuthError (Chinese, safe to show) otherwise."""
    rows = database.query("SELECT * FROM users WHERE username = ?", [clean(username)])
    if not rows:
        with database.transaction() as conn:
            audit_log.append(conn, Actor("unknown", clean(username), "", ""), [audit_log.Event("login_failed")])
        raise AuthError("用户名或密码不正确")
    user = rows[0]
    actor = Actor(user["id"], user["username"], user["display_name"], user["role"])
    now = _utcnow()
    if user["locked_until"] and dt.datetime.fromisoformat(user["locked_until"]) > now:
        raise AuthError(f"密码错误次数过多，账号已锁定，请在 {_clock(user['locked_until'])} 后再试，或请站长解锁")
    try:
        _hasher.verify(user["password_hash"], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        _record_failure(database, actor, user["failed_attempts"] + 1, now)
        raise AuthError("用户名或密码不正确") from None
    # Only after the password: otherwise anyone could learn which usernames exist.
    if not user["active"]:
        raise AuthError("该账号已停用，请联系站长")
    with database.transaction() as conn:
        new_hash = _hasher.hash(password) if _hasher.check_needs_rehash(user["password_hash"]) else user["password_hash"]
        conn.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL, password_hash = ? WHERE id = ?",
                     (new_hash, user["id"]))
        audit_log.append(conn, actor, [audit_log.Event("login", "users", user["id"])])
    return actor


def note_failed_attempts(database: StationDatabase, actor: Actor, attempts: int) -> None:
    """Audit the wrong passwords typed for `actor` while the database was shut (counted in the key ring)."""
    if attempts:
        with database.transaction() as conn:
            audit_log.append(conn, actor, [audit_log.Event("login_failed", "users", actor.user_id,
                                                           changes={"attempts": attempts})])


def lockout_policy(database: StationDatabase) -> dict[str, int]:
    """The lock-out rule, for the key ring to apply while the database is shut."""
    return {"threshold": settings.get_int(database, settings.LOCKOUT_THRESHOLD),
            "minutes": settings.get_int(database, settings.LOCKOUT_MINUTES)}


def _record_failure(database: StationDatabase, actor: Actor, attempts: int, now: dt.datetime) -> None:
    threshold = settings.get_int(database, settings.LOCKOUT_THRESHOLD)
    locked_until = None
    if attempts >= threshold:
        locked_until = (now + dt.timedelta(minutes=settings.get_int(database, settings.LOCKOUT_MINUTES))).isoformat()
    with database.transaction() as conn:
        conn.execute("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?",
                     (0 if locked_until else attempts, locked_until, actor.user_id))
        events = [audit_log.Event("login_failed", "users", actor.user_id)]
        if locked_until:
            events.append(audit_log.Event("user_locked", "users", actor.user_id, changes={"locked_until": locked_until}))
        audit_log.append(conn, actor, events)
    if locked_until:
        raise AuthError(f"密码连续输错{threshold}次，账号已锁定，请在 {_clock(locked_until)} 后再试，或请站长解锁")


def disable(database: StationDatabase, actor: Actor, user_id: str) -> None:
    """The user can no longer log in: their copy of the database key is deleted."""
    _require_head(actor)
    if user_id == actor.user_id:
        raise PermissionDenied("不能停用自己的账号")
    user = _get(database, user_id)
    with _update_user(database, actor, user_id, "user_disable", "active = 0, failed_attempts = 0, locked_until = NULL", ()):
        ring = _ring(database)
        ring.remove_user(user["username"])
        ring.save()


def enable(database: StationDatabase, actor: Actor, user_id: str, temporary_password: str) -> None:
    """Re-enable a user with a temporary password (their old key copy was deleted on disabling)."""
    _require_head(actor)
    _check_for(database, user_id, temporary_password)
    with _update_user(database, actor, user_id, "user_enable", "active = 1", ()):
        _set_temporary_password(database, user_id, temporary_password)


def reset_password(database: StationDatabase, actor: Actor, user_id: str, new_password: str) -> None:
    """The head sets a temporary password; the user must change it at next login. Also unlocks.

    The old password stops opening the database at once (its key copy is replaced, not kept).
    """
    _require_head(actor)
    _check_for(database, user_id, new_password)
    with _update_user(database, actor, user_id, "password_reset", "", ()):
        _set_temporary_password(database, user_id, new_password)


def _check_for(database: StationDatabase, user_id: str, password: str) -> None:
    user = _get(database, user_id)
    passwords.check(password, names=(user["username"], user["display_name"]))


def _set_temporary_password(database: StationDatabase, user_id: str, password: str) -> None:
    database.conn.execute("UPDATE users SET password_hash = ?, must_change_password = 1, failed_attempts = 0,"
                          " locked_until = NULL WHERE id = ?", (_hasher.hash(password), user_id))
    _wrap_key(database, _get(database, user_id)["username"], password)


def change_own_password(database: StationDatabase, actor: Actor, old_password: str, new_password: str) -> None:
    try:
        authenticate(database, actor.username, old_password)
    except AuthError as exc:
        raise ValidationError({"old_password": exc.message}) from None
    passwords.check(new_password, names=(actor.username, actor.display_name), field="new_password")
    if old_password == new_password:
        raise ValidationError({"new_password": "新密码不能与原密码相同"})
    with _update_user(database, actor, actor.user_id, "password_change", "password_hash = ?, must_change_password = 0",
                      (_hasher.hash(new_password),)):
        _wrap_key(database, actor.username, new_password, keep_previous=True)
    _ring(database).confirm(actor.username, new_password)


def must_change_password(database: StationDatabase, actor: Actor) -> bool:
    return bool(_get(database, actor.user_id)["must_change_password"])


@contextlib.contextmanager
def _update_user(database: StationDatabase, actor: Actor, user_id: str, action: str, assignments: str,
                 params: tuple[Any, ...]) -> Iterator[None]:
    """One transaction changing a user and auditing it; the body (key ring work) runs last in it."""
    _get(database, user_id)
    with database.transaction() as conn:
        conn.execute(f"UPDATE users SET {assignments + ', ' if assignments else ''}updated_at = ? WHERE id = ?",
                     (*params, now_iso(), user_id))
        audit_log.append(conn, actor, [audit_log.Event(action, "users", user_id)])
        yield


def set_password_by_recovery(database: StationDatabase, head: Actor, new_password: str) -> None:
    """The recovery code was given: `head` gets `new_password`, enabled and unlocked."""
    passwords.check(new_password, names=(head.username, head.display_name), field="new_password")
    with _update_user(database, head, head.user_id, "recovery_used",
                      "password_hash = ?, active = 1, must_change_password = 0, failed_attempts = 0, locked_until = NULL",
                      (_hasher.hash(new_password),)):
        _wrap_key(database, head.username, new_password)


def first_head(database: StationDatabase, *, include_disabled: bool = False) -> Actor:
    """The earliest active head (or any head, for recovery)."""
    rows = database.query("SELECT id, username, display_name, role FROM users WHERE role = 'head'"
                          f"{'' if include_disabled else ' AND active = 1'} ORDER BY created_at LIMIT 1")
    if not rows:
        raise AuthError("还没有站长账号，请先初始化社工站（main.py init）")
    return Actor(rows[0]["id"], rows[0]["username"], rows[0]["display_name"], rows[0]["role"])
