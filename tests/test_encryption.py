"""The database encrypted at rest: keys per user, recovery code, escrow, conversion of old files."""

from __future__ import annotations

import json
import sqlite3

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from station_app.core.errors import AuthError, KnownError
from station_app.core.jobs import JobState
from station_app.jobs import accounts, admin
from station_app.store import audit_log, encryption, keyring, migrations, users
from station_app.store.database import PlaintextDatabaseError, StationDatabase, forget_keys
from station_app.store.driver import is_plaintext
from station_app.store.keyring import KeyRing, keys_path
from tests.conftest import HEAD_PASSWORD
from tests.test_users import add_worker


def unreadable_without_key(path) -> bool:
    try:
        sqlite3.connect(path).execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        return "not a database" in str(exc)
    return False


def reopen(database: StationDatabase, username: str, password: str):
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    forget_keys()  # as a freshly started program: only the password can open it
    return accounts.log_in(database.path, username, password)


SECRET_NOTE = "监护人长期外出务工，孩子由年迈的奶奶照看，需要重点关注"


def test_the_database_and_its_backups_are_noise_without_a_key(database, head, store, demo_people, tmp_path):
    store.create("person", {"name": "李小花", "gender": "F", "birth_date": "2017-03-01", "notes": SECRET_NOTE})
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = database.path.read_bytes()
    assert unreadable_without_key(database.path)
    assert SECRET_NOTE.encode() not in raw and b"CREATE TABLE" not in raw
    control = tmp_path / "plain.db"  # the same data unencrypted does show the note: the check can fail
    database.conn.execute("ATTACH DATABASE ? AS plain KEY ''", [str(control)])
    database.conn.execute("SELECT sqlcipher_export('plain')")
    database.conn.execute("DETACH DATABASE plain")
    assert SECRET_NOTE.encode() in control.read_bytes()
    copy = admin.backup(database, JobState(), head, tmp_path / "usb")
    assert unreadable_without_key(copy)
    assert keys_path(copy).exists()  # the key ring travels with it: the copy opens with a password
    restored, actor = accounts.log_in(copy, "head", HEAD_PASSWORD)
    assert restored.scalar("SELECT COUNT(*) FROM person") == demo_people["person"] + 1
    restored.close()


def test_each_users_password_opens_it_and_a_wrong_one_does_not(database, head):
    add_worker(database, head)
    for username, password in (("head", HEAD_PASSWORD), ("liu", "worker-pass1")):
        opened, actor = reopen(database, username, password)
        assert actor.username == username and opened.scalar("SELECT COUNT(*) FROM station") == 1
        opened.close()
    with pytest.raises(AuthError, match="用户名或密码不正确"):
        reopen(database, "liu", "worker-pass2")
    with pytest.raises(KnownError, match="需要用户登录"):
        StationDatabase.open(database.path)  # no password given, nothing unlocked in this process


def test_a_password_change_rewraps_only_that_users_copy(database, head):
    worker = add_worker(database, head)
    before = {e["name"]: e for e in KeyRing.load(keys_path(database.path)).entries}
    users.change_own_password(database, worker, "worker-pass1", "brand-new-pass7")
    after = {e["name"]: e for e in KeyRing.load(keys_path(database.path)).entries}
    assert after["head"] == before["head"] and after["liu"] != before["liu"]
    with pytest.raises(AuthError):
        reopen(database, "liu", "worker-pass1")
    opened, _ = reopen(database, "liu", "brand-new-pass7")
    opened.close()


def test_a_crash_between_key_ring_and_database_never_locks_the_user_out(database, head):
    worker = add_worker(database, head)
    ring = KeyRing.load(keys_path(database.path))
    ring.set_user("liu", "brand-new-pass7", database.require_key(), keep_previous=True)
    ring.save()  # ... and the PC died before the database took the new password
    opened, actor = reopen(database, "liu", "worker-pass1")
    assert actor.user_id == worker.user_id
    opened.close()
    assert len([e for e in KeyRing.load(keys_path(database.path)).entries if e["name"] == "liu"]) == 1


def test_a_disabled_user_loses_their_copy_and_a_reenabled_one_gets_a_new_one(database, head):
    worker = add_worker(database, head)
    users.disable(database, head, worker.user_id)
    assert "liu" not in KeyRing.load(keys_path(database.path)).usernames()
    with pytest.raises(AuthError, match="请站长为您重设密码"):
        reopen(database, "liu", "worker-pass1")
    database, _ = reopen(database, "head", HEAD_PASSWORD)
    users.enable(database, head, worker.user_id, "temporary-key-2")
    opened, actor = reopen(database, "liu", "temporary-key-2")
    assert users.must_change_password(opened, actor)
    opened.close()
    database.close()


def test_wrong_passwords_at_the_log_in_window_lock_the_account_and_are_audited(database, head):
    for _ in range(4):
        with pytest.raises(AuthError, match="^用户名或密码不正确$"):
            reopen(database, "head", "not-the-password")
    with pytest.raises(AuthError, match="连续输错5次，账号已锁定"):
        reopen(database, "head", "not-the-password")
    with pytest.raises(AuthError, match="账号已锁定"):
        reopen(database, "head", HEAD_PASSWORD)
    ring = KeyRing.load(keys_path(database.path))
    ring.failures["head"]["locked_until"] = "2000-01-01T00:00:00+00:00"  # the clock moved on
    ring.save()
    opened, _ = reopen(database, "head", HEAD_PASSWORD)
    noted = opened.query("SELECT changes FROM audit_log WHERE action = 'login_failed'")
    assert [json.loads(r["changes"]) for r in noted] == [{"attempts": 5}]
    opened.close()


def test_the_recovery_code_unlocks_and_gives_the_head_a_new_password(database, head):
    code = accounts.issue_recovery_code(database, JobState(), head)
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    forget_keys()
    with pytest.raises(AuthError, match="恢复码不正确"):
        accounts.recover(database.path, keyring.new_recovery_code(), "head-new-pass3")
    typed = code.lower().replace("-", " ").replace("0", "O").replace("1", "l")  # copied from paper by hand
    recovered, actor = accounts.recover(database.path, typed, "head-new-pass3")
    assert actor.username == "head"
    assert recovered.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'recovery_used'") == 1
    recovered.close()
    with pytest.raises(AuthError):
        reopen(database, "head", HEAD_PASSWORD)
    opened, _ = reopen(database, "head", "head-new-pass3")
    opened.close()


def test_a_new_recovery_code_voids_the_old_one(database, head):
    old = accounts.issue_recovery_code(database, JobState(), head)
    new = accounts.issue_recovery_code(database, JobState(), head)
    ring = KeyRing.load(keys_path(database.path))
    with pytest.raises(AuthError):
        ring.unlock_with_recovery(old)
    assert ring.unlock_with_recovery(new) == database.key


def test_the_county_escrow_copy_opens_only_with_the_countys_private_key(database, head):
    county = X25519PrivateKey.generate()
    public = county.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ring = KeyRing.load(keys_path(database.path))
    ring.seal_for_county(database.require_key(), public)
    ring.save()
    blob = keyring._unb64(KeyRing.load(keys_path(database.path)).escrow)
    assert keyring.open_sealed(blob, county) == database.key
    with pytest.raises(AuthError):
        keyring.open_sealed(blob, X25519PrivateKey.generate())


# -- an unencrypted database from before ---------------------------------------------------------


@pytest.fixture
def plaintext_station(tmp_path, demo_people, database, head):
    """The demo station as an older, unencrypted version left it: a plaintext file and backup."""
    data = tmp_path / "old"
    (data / "backups").mkdir(parents=True)
    add_worker(database, head)
    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = data / "station.db"
    database.conn.execute("ATTACH DATABASE ? AS plain KEY ''", [str(path)])  # an empty key: no encryption
    database.conn.execute("SELECT sqlcipher_export('plain')")
    database.conn.execute(f"PRAGMA plain.user_version = {migrations.latest_version()}")
    database.conn.execute("DETACH DATABASE plain")
    (data / "backups" / "station-20261001-080000.db").write_bytes(path.read_bytes())
    assert is_plaintext(path)
    return path


def counts(conn) -> dict[str, int]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_a_plaintext_database_is_refused_until_converted(plaintext_station):
    forget_keys()
    with pytest.raises(PlaintextDatabaseError, match="尚未加密"):
        StationDatabase.open(plaintext_station)


def test_conversion_keeps_every_record_and_the_audit_chain_and_removes_the_plaintext(plaintext_station):
    forget_keys()
    plain = sqlite3.connect(plaintext_station)
    expected, chain_end = counts(plain), plain.execute("SELECT MAX(seq), hash FROM audit_log").fetchone()
    plain.close()
    backups = plaintext_station.parent / "backups"

    with pytest.raises(AuthError, match="请由站长登录"):
        encryption.convert(plaintext_station, backups, "liu", "worker-pass1")
    actor, code = encryption.convert(plaintext_station, backups, "head", HEAD_PASSWORD)

    assert actor.username == "head" and code
    assert not is_plaintext(plaintext_station) and unreadable_without_key(plaintext_station)
    assert not plaintext_station.with_name("station.db.encrypting").exists()
    assert all(not is_plaintext(p) for p in backups.glob("*.db"))  # old plaintext backups too
    forget_keys()
    database, _ = accounts.log_in(plaintext_station, "head", HEAD_PASSWORD)
    after = counts(database.conn)
    assert {t: after[t] for t in expected if t != "audit_log"} == {t: n for t, n in expected.items() if t != "audit_log"}
    assert database.scalar("SELECT hash FROM audit_log WHERE seq = ?", [chain_end[0]]) == chain_end[1]
    assert audit_log.first_broken(database.conn) is None
    assert database.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'database_encrypted'") == 1
    database.close()
    with pytest.raises(AuthError, match="请站长为您重设密码"):  # others get in once the head resets them
        accounts.log_in(plaintext_station, "liu", "worker-pass1")
    assert KeyRing.load(keys_path(plaintext_station)).unlock_with_recovery(code)
