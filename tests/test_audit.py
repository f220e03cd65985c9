"""The audit log is tamper-evident: the check names the first row that no longer fits."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_app.core import audit
from station_app.core.jobs import JobState
from station_app.jobs import admin
from station_app.store import audit_log
from station_app.store.driver import sqlite
from tests.conftest import HEAD_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def make_history(store):
    person = store.create("person", {"name": "张三", "id_number": "11010519491231002X"})
    for i in range(5):
        person = store.update("person", person["id"], {"phone": f"1390413000{i}"}, person["rev"])
    return person


def tamper(database, sql):
    """What someone with the sqlite3 shell could do: drop the guard trigger, then edit."""
    database.conn.execute("DROP TRIGGER audit_log_no_update")
    database.conn.execute("DROP TRIGGER audit_log_no_delete")
    database.conn.execute(sql)


def test_intact_log_passes_the_check(database, store):
    make_history(store)
    report = admin.check_database(database, JobState())
    assert report.ok and report.audit_entries >= 8 and report.broken_audit_seq is None


def test_an_edited_entry_is_named(database, store):
    make_history(store)
    target = database.scalar("SELECT seq FROM audit_log WHERE action = 'update' ORDER BY seq LIMIT 1 OFFSET 2")
    tamper(database, f"UPDATE audit_log SET changes = '{{\"phone\":[null,\"110\"]}}' WHERE seq = {target}")
    report = admin.check_database(database, JobState())
    assert report.broken_audit_seq == target
    assert f"审计日志第 {target} 条" in report.problems[0]


def test_a_deleted_entry_breaks_the_chain_at_the_next_one(database, store):
    make_history(store)
    target = database.scalar("SELECT seq FROM audit_log WHERE action = 'update' ORDER BY seq LIMIT 1")
    tamper(database, f"DELETE FROM audit_log WHERE seq = {target}")
    assert audit_log.first_broken(database.conn) == target + 1


def test_a_rewritten_hash_is_caught_by_the_following_entry(database, store):
    make_history(store)
    target = database.scalar("SELECT seq FROM audit_log WHERE action = 'update' ORDER BY seq LIMIT 1")
    # Recomputing this row's own hash is not enough: the next row sealed the old one.
    row = database.query("SELECT * FROM audit_log WHERE seq = ?", [target])[0]
    row["changes"] = '{"phone":[null,"120"]}'
    from station_app.core.audit import entry_hash

    tamper(database, f"UPDATE audit_log SET changes = '{row['changes']}', hash = '{entry_hash(row['prev_hash'], row)}'"
                     f" WHERE seq = {target}")
    assert audit_log.first_broken(database.conn) == target + 1


def test_guard_triggers_stop_ordinary_edits(database, store):
    make_history(store)
    for sql in ("UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite.IntegrityError, match="append-only"):
            database.conn.execute(sql)


def test_check_command_exits_non_zero_and_names_the_row(data_dir, database, store):
    make_history(store)
    target = database.scalar("SELECT MAX(seq) FROM audit_log") - 1
    tamper(database, f"UPDATE audit_log SET username = 'someone' WHERE seq = {target}")
    result = subprocess.run([sys.executable, "main.py", "--data-dir", str(data_dir), "--user", "head", "check"],
                            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "STATION_PASSWORD": HEAD_PASSWORD})
    assert result.returncode == 1
    assert f"审计日志第 {target} 条" in result.stdout


def test_logins_and_user_changes_are_audited(database, store):
    from station_app.store import users

    users.authenticate(database, "head", "shegong-qiandian-26")
    actions = [r["action"] for r in database.query("SELECT action FROM audit_log ORDER BY seq")]
    assert actions[:2] == ["user_create", "create"] and actions[-1] == "login"


_VALUES = st.one_of(st.none(), st.text(), st.integers(), st.booleans(), st.floats(allow_nan=False),
                    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5)))


@settings(max_examples=300, deadline=None)
@given(before=st.one_of(st.none(), st.dictionaries(st.sampled_from(("a", "b", "c", '"', "名", "x")), _VALUES)),
       after=st.dictionaries(st.sampled_from(("a", "b", "c", '"', "名", "x")), _VALUES))
def test_an_entry_stores_the_changes_as_the_chain_has_always_sealed_them(before, after):
    """A bulk write's entries are written straight from the records; the text (and so every hash
    and every history read back) is the one the dict of changes encodes to."""
    fields = ("a", "b", "c", '"', "名")
    assert audit.changes_json(before, after, fields) == audit.to_json(audit.field_changes(before, after, fields))
