"""Station administration as plain functions: set-up, demo data, checks, backups.

The command line (`main.py init|demo|check|backup`) and the UI both call these; none of them
touches Qt, so they run the same in a terminal, a worker thread or a test.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station_app.core import passwords
from station_app.core.errors import AuthError, KnownError, PermissionDenied
from station_app.core.jobs import JobState
from station_app.core.roles import HEAD, Actor
from station_app.core.validation import validate
from station_app.store import audit_log, backups, demo_replay, users
from station_app.store.database import StationDatabase
from station_app.store.keyring import KeyRing, keys_path
from station_app.store.records import RecordStore


def initialise_station(database: StationDatabase, station: Mapping[str, Any], head_username: str,
                       head_display_name: str, head_password: str) -> Actor:
    """First run: the station record and its head user, together or not at all."""
    if database.station_id is not None:
        raise KnownError("本数据库已完成社工站初始设置，不能重复初始化。")
    values = validate("station", station)  # report the station's mistakes before asking about the password
    with database.transaction():
        head = users.create_user(database, Actor("setup", "setup", "初始设置", "head"),
                                 head_username, head_display_name, "head", head_password)
        actor = Actor(head["id"], head["username"], head["display_name"], head["role"])
        RecordStore(database, actor).create("station", station)
        ring = KeyRing.load(keys_path(database.path))
        ring.label = values["name"]
        ring.save()
    return actor


def discard_new_database(path: Path) -> None:
    """Remove a database whose first-run set-up did not finish (it holds nothing but the schema)."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), keys_path(path)):
        leftover.unlink(missing_ok=True)


def adopt_new_database(scratch: Path, final: Path) -> Path:
    """Move a finished first-run database and its key ring from `scratch` to `final` (key ring
    first: a database never sits at `final` without the ring that opens it)."""
    os.replace(keys_path(scratch), keys_path(final))
    for suffix in ("-wal", "-shm"):
        leftover = scratch.with_name(scratch.name + suffix)
        if leftover.exists():
            os.replace(leftover, final.with_name(final.name + suffix))
    os.replace(scratch, final)
    return final


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
    except BaseException:
        database.close()
        raise
    ring.policy = users.lockout_policy(database)
    ring.save()
    ring.confirm(username, password)  # finishes a password change a crash interrupted
    return database, actor


def issue_recovery_code(database: StationDatabase, actor: Actor) -> str:
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


def load_demo(database: StationDatabase, actor: Actor, people: int, *, seed: int = 1,
              today: dt.date | None = None, state: JobState | None = None) -> dict[str, int]:
    """Add `people` demo people with households, profiles and visits, in one transaction.

    Cancelling (through `state`) rolls everything back. Returns how many of each record type.
    """
    from station_app.core import demo  # large; only demo data needs it

    state = state or JobState()
    store = RecordStore(database, actor)
    counts: dict[str, int] = {}
    plan = demo.DemoPlan(people=people, seed=seed, today=today or dt.date.today())
    with database.transaction():
        for entity_name, records in demo.generate(plan):
            if records:
                demo_replay.write(store, entity_name, records)
                counts[entity_name] = counts.get(entity_name, 0) + len(records)
            state.report(counts.get("person", 0), people, f"正在生成演示数据：{counts.get('person', 0)} / {people} 人")
    return counts


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    audit_entries: int = 0
    broken_audit_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(database: StationDatabase) -> CheckReport:
    """Everything `main.py check` verifies: SQLite's integrity, foreign keys, the audit chain."""
    report = CheckReport(problems=database.integrity_check())
    if not keys_path(database.path).exists():
        report.problems.append(f"找不到密钥文件 {keys_path(database.path).name}：请立即从备份中恢复它，否则下次无法打开数据库")
    report.audit_entries = audit_log.count(database.conn)
    report.broken_audit_seq = audit_log.first_broken(database.conn)
    if report.broken_audit_seq is not None:
        report.problems.append(
            f"审计日志第 {report.broken_audit_seq} 条与哈希链不符：该条或其前一条记录已被改动、删除或插入"
        )
    return report


def backup(database: StationDatabase, actor: Actor, destination: Path | None = None) -> Path:
    """A consistent copy of the live database, made by `actor` (staff only: see store.backups)."""
    return backups.backup_by_hand(database, actor, destination)
