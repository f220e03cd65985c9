"""Who may open the station's database, as plain functions: logging in (the key ring unwraps the
database key with the user's password), the recovery code, the users the head manages and the
security settings (idle lock, lock-out).

The command line, the log-in window and the settings page call the same functions; like every job
they take plain inputs (and a `JobState` where the UI runs them in a worker) and touch no Qt.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping
from pathlib import Path

from station_app.core import passwords
from station_app.core.errors import AuthError, PermissionDenied
from station_app.core.jobs import JobState
from station_app.core.roles import HEAD, Actor
from station_app.paths import backups_dir
from station_app.store import audit_log, encryption, resend, settings, users
from station_app.store.database import StationDatabase
from station_app.store.driver import is_plaintext
from station_app.store.keyring import KeyRing, keys_path
from station_app.store.records import RecordStore


def log_in(path: Path, username: str, password: str, *, backup_dir: Path | None = None,
           check: bool = False) -> tuple[StationDatabase, Actor]:
    """Open the encrypted database at `path` with a user's password: (database, who logged in).

    The password unwraps the user's copy of the key (AuthError if it does not); the user table
    then has its say (disabled, locked out, audited log-in) as for any log-in.
    """
    ring = KeyRing.load(keys_path(path))
    now = dt.datetime.now(dt.timezone.utc)
    if (until := ring.locked_until(username, now)) is not None:
        raise AuthError(f"密码错误次数过多，账号已锁定，请在 {until.astimezone():%H:%M} 后再试，或请站长解锁")
    try:
        key = ring.unlock(username, password)
    except AuthError:
        if username in ring.usernames():
            locked = ring.record_failure(username, now)
            ring.save()
            if locked is not None:
                raise AuthError(f"密码连续输错{ring.policy['threshold']}次，账号已锁定，请在 {locked.astimezone():%H:%M}"
                                " 后再试，或请站长解锁") from None
        raise
    database = StationDatabase.open(path, key, backup_dir=backup_dir, check=check)
    try:
        actor = users.authenticate(database, username, password)
        users.note_failed_attempts(database, actor, ring.take_failures(username))
        if actor.can_write:  # a one-time step after an upgrade, in the name of who logged in
            resend.resend_pending(RecordStore(database, actor))
    except BaseException:
        database.close()
        raise
    ring.policy = users.lockout_policy(database)
    ring.save()
    ring.confirm(username, password)  # finishes a password change a crash interrupted
    return database, actor


def issue_recovery_code(database: StationDatabase, state: JobState, actor: Actor) -> str:
    """A new recovery code (the previous one stops working), for the head to print and lock away."""
    if actor.role != HEAD:
        raise PermissionDenied("只有站长可以生成恢复码。")
    ring = KeyRing.load(keys_path(database.path))
    with database.transaction() as conn:
        code = ring.set_recovery(database.require_key())
        audit_log.append(conn, actor, [audit_log.Event("recovery_code_issued")])
        ring.save()
    return code


def recover(path: Path, code: str, new_password: str, *, backup_dir: Path | None = None) -> tuple[StationDatabase, Actor]:
    """Open the database with the recovery code and give the station's head a new password.

    For when the head's password is forgotten (or every head left): the earliest head account is
    re-enabled, unlocked and given `new_password`; the event is audited.
    """
    passwords.check(new_password, field="new_password")  # before the slow unlock; the head's own names after
    key = KeyRing.load(keys_path(path)).unlock_with_recovery(code)
    database = StationDatabase.open(path, key, backup_dir=backup_dir, check=False)
    try:
        head = users.first_head(database, include_disabled=True)
        users.set_password_by_recovery(database, head, new_password)
    except BaseException:
        database.close()
        raise
    return database, head


def log_in_converting(state: JobState, path: Path, username: str, password: str) -> tuple[Actor, str | None]:
    """The log-in window's log-in: (who logged in, the new recovery code if the database was left
    unencrypted by an older version and this log-in converted it). The database is opened and
    closed here to check the password; the caller opens its own connection with the key now known."""
    if is_plaintext(path):
        state.report(0, 0, "正在加密数据库…")
        return encryption.convert(path, backups_dir(path.parent), username, password)
    database, actor = log_in(path, username, password, backup_dir=backups_dir(path.parent))
    database.close()
    return actor, None


def reset_head_password(state: JobState, path: Path, code: str, new_password: str) -> Actor:
    """忘记密码: the recovery code opens the database and gives the head `new_password`."""
    database, head = recover(path, code, new_password, backup_dir=backups_dir(path.parent))
    database.close()
    return head


def print_recovery_sheet(state: JobState, code: str, station_name: str) -> Path:
    """The page with the recovery code, to print and lock away: written to a private temporary
    folder, never beside the database it opens (the preview deletes it once printed)."""
    from station_app.forms.recovery_sheet import render_recovery_sheet  # reportlab: only when printing

    out = Path(tempfile.mkdtemp(prefix="station-")) / "恢复码.pdf"
    render_recovery_sheet(code, station_name, out, printed_at=dt.datetime.now())
    return out


def change_own_password(database: StationDatabase, state: JobState, actor: Actor, old: str, new: str) -> None:
    users.change_own_password(database, actor, old, new)


def create_user(database: StationDatabase, state: JobState, actor: Actor, values: Mapping[str, str]) -> None:
    """A new station user from the head's form (username, display_name, role, password)."""
    users.create_user(database, actor, values["username"], values["display_name"], values["role"], values["password"])


def set_temporary_password(database: StationDatabase, state: JobState, actor: Actor, user_id: str, password: str,
                           enable: bool) -> None:
    """A temporary password after a forgotten one, or to re-enable a disabled account."""
    (users.enable if enable else users.reset_password)(database, actor, user_id, password)


def disable_user(database: StationDatabase, state: JobState, actor: Actor, user_id: str) -> None:
    users.disable(database, actor, user_id)


def save_security_settings(database: StationDatabase, state: JobState, actor: Actor, values: Mapping[str, int]) -> None:
    """The head's idle-lock and lock-out settings, by key; unchanged ones are not written."""
    with database.transaction():
        for setting in settings.ALL:
            if values[setting.key] != settings.get_int(database, setting):
                settings.set_int(database, actor, setting, values[setting.key])
