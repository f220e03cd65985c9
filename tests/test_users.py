"""Users: argon2id hashes, roles enforced in the store, lock-out after repeated failures."""

import datetime as dt

import pytest

from station_app.core.errors import AuthError, PermissionDenied, ValidationError
from station_app.core.roles import Actor
from station_app.store import settings, users

PASSWORD = "shegong-qiandian-26"


def add_worker(database, head, username="liu", password="worker-pass1"):
    row = users.create_user(database, head, username, "刘晓梅", "worker", password)
    return Actor(row["id"], username, "刘晓梅", "worker")


def test_password_is_stored_as_argon2id_never_in_clear(database, head):
    stored = database.scalar("SELECT password_hash FROM users WHERE username = 'head'")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_correct_login_returns_the_actor_with_role(database, head):
    actor = users.authenticate(database, "head", PASSWORD)
    assert (actor.username, actor.role, actor.display_name) == ("head", "head", "王站长")


def test_wrong_password_and_unknown_user_get_the_same_message(database, head):
    for username in ("head", "nobody"):
        with pytest.raises(AuthError, match="^用户名或密码不正确$"):
            users.authenticate(database, username, "wrong-password")


def test_repeated_failures_lock_the_account_even_against_the_right_password(database, head):
    threshold = settings.get_int(database, settings.LOCKOUT_THRESHOLD)
    for _ in range(threshold - 1):
        with pytest.raises(AuthError, match="用户名或密码不正确"):
            users.authenticate(database, "head", "wrong-password")
    with pytest.raises(AuthError, match=f"连续输错{threshold}次，账号已锁定，请在 \\d\\d:\\d\\d 后再试"):
        users.authenticate(database, "head", "wrong-password")
    with pytest.raises(AuthError, match="账号已锁定，请在 .* 后再试"):
        users.authenticate(database, "head", PASSWORD)
    assert database.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'user_locked'") == 1


def test_lock_expires_after_the_configured_minutes(database, head):
    for _ in range(settings.get_int(database, settings.LOCKOUT_THRESHOLD)):
        with pytest.raises(AuthError):
            users.authenticate(database, "head", "wrong-password")
    past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)).isoformat()
    database.conn.execute("UPDATE users SET locked_until = ?", (past,))  # the clock moved on
    assert users.authenticate(database, "head", PASSWORD).username == "head"


def test_head_unlocks_by_resetting_and_the_user_must_change_it(database, head):
    worker = add_worker(database, head)
    for _ in range(settings.get_int(database, settings.LOCKOUT_THRESHOLD)):
        with pytest.raises(AuthError):
            users.authenticate(database, "liu", "wrong-password")
    users.reset_password(database, head, worker.user_id, "temporary-key-47")
    actor = users.authenticate(database, "liu", "temporary-key-47")
    assert users.must_change_password(database, actor)
    users.change_own_password(database, actor, "temporary-key-47", "my-own-pass9")
    assert not users.must_change_password(database, actor)
    assert users.authenticate(database, "liu", "my-own-pass9").role == "worker"


def test_only_the_head_manages_users(database, head):
    worker = add_worker(database, head)
    with pytest.raises(PermissionDenied, match="只有站长"):
        users.create_user(database, worker, "wang", "王", "worker", "worker-pass2")
    with pytest.raises(PermissionDenied):
        users.reset_password(database, worker, head.user_id, "new-pass-123")
    with pytest.raises(PermissionDenied):
        settings.set_int(database, worker, settings.IDLE_LOCK_MINUTES, 5)


def test_disabled_user_cannot_log_in(database, head):
    worker = add_worker(database, head)
    users.disable(database, head, worker.user_id)
    with pytest.raises(AuthError, match="已停用"):
        users.authenticate(database, "liu", "worker-pass1")
    with pytest.raises(AuthError, match="^用户名或密码不正确$"):  # a stranger learns nothing more
        users.authenticate(database, "liu", "guessing")
    with pytest.raises(PermissionDenied, match="不能停用自己"):
        users.disable(database, head, head.user_id)


def test_new_user_input_is_checked_with_messages_per_field(database, head):
    with pytest.raises(ValidationError) as caught:
        users.create_user(database, head, "head", "", "boss", "x")
    assert caught.value.errors == {"username": "该用户名已被使用", "display_name": "请填写姓名", "role": "请选择角色"}
    with pytest.raises(ValidationError, match="密码至少8位"):
        users.create_user(database, head, "new", "新人", "worker", "short")


def test_settings_are_range_checked(database, head):
    with pytest.raises(ValidationError, match="应在1到240之间"):
        settings.set_int(database, head, settings.IDLE_LOCK_MINUTES, 0)
    settings.set_int(database, head, settings.IDLE_LOCK_MINUTES, 3)
    assert settings.get_int(database, settings.IDLE_LOCK_MINUTES) == 3
