"""Station administration as plain functions: set-up, demo data, checks, backups and restoring.

The command line (`main.py init|demo|check|backup`) and the UI both call these; none of them
touches Qt, so they run the same in a terminal, a worker thread or a test. (Log-in, passwords,
users and the recovery code are in `jobs.accounts`.)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station_app.core.errors import KnownError
from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.core.validation import validate
from station_app.jobs.accounts import issue_recovery_code
from station_app.store import audit_log, backups, demo_replay, restoring, users
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
        actor = _create_head(database, head_username, head_display_name, head_password)
        RecordStore(database, actor).create("station", station)
        ring = KeyRing.load(keys_path(database.path))
        ring.label = values["name"]
        ring.save()
    return actor


def set_up_station(database: StationDatabase, state: JobState, station: Mapping[str, Any], head_username: str,
                   head_display_name: str, head_password: str) -> tuple[Actor, str]:
    """First run from the wizard or `main.py init`: the station, its head and the recovery code to
    show once, together or not at all. (the head, the code)"""
    with database.transaction():
        head = initialise_station(database, station, head_username, head_display_name, head_password)
        return head, issue_recovery_code(database, state, head)


def set_up_for_rebuild(database: StationDatabase, state: JobState, head_username: str, head_display_name: str,
                       head_password: str) -> tuple[Actor, str]:
    """An empty database's head and recovery code, before its records come back from the county
    (sync.rebuild): no station record of its own, the county's is the one that counts."""
    with database.transaction():
        head = _create_head(database, head_username, head_display_name, head_password)
        return head, issue_recovery_code(database, state, head)


def _create_head(database: StationDatabase, username: str, display_name: str, password: str) -> Actor:
    head = users.create_user(database, Actor("setup", "setup", "初始设置", "head"), username, display_name, "head",
                             password)
    return Actor(head["id"], head["username"], head["display_name"], head["role"])


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


def check_database(database: StationDatabase, state: JobState) -> CheckReport:
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


def quick_check(database: StationDatabase, state: JobState) -> list[str]:
    """The start-up check: SQLite's quick check, problems in Chinese ([] when sound)."""
    return database.quick_check()


def backup(database: StationDatabase, state: JobState, actor: Actor, destination: Path | None = None) -> Path:
    """A consistent copy of the live database, made by `actor` (staff only: see store.backups)."""
    return backups.backup_by_hand(database, actor, destination)


def automatic_backup(database: StationDatabase, state: JobState) -> Path | None:
    """Today's automatic copy unless there is one (old copies thinned out); the new copy or None."""
    return backups.automatic_backup(database, state)


def inspect_backup(database: StationDatabase, state: JobState, backup_file: Path) -> restoring.BackupInfo:
    """What a person checks before restoring `backup_file`: whose data, how old, how much."""
    return restoring.inspect(backup_file, database.require_key(), database.station_id)


def restore(state: JobState, path: Path, key: bytes, backup_file: Path) -> Path:
    """Put `backup_file` in place of the database at `path`; returns the copy kept of the data it
    replaced. Run with nothing else holding the database open."""
    return restoring.restore(StationDatabase.open(path, key, check=False), backup_file)
