"""Migration 10 gives the records a database of version 9 holds their business dates from what they
hold: the earliest visit, agreement or archive for entering a roll, the audit log for leaving it,
the approving step for a relief case."""

from __future__ import annotations

from station_app.store import migrations
from station_app.store.database import StationDatabase
from tests.test_migrations import connect

SYSTEM = "'s', 1, '{at}', '{at}', 'u', 'u'"


def row(conn, table: str, at: str, record_id: str, **values: object) -> None:
    names = ["id", "station_id", "rev", "created_at", "updated_at", "created_by", "updated_by", *values]
    conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES (?, {SYSTEM.format(at=at)},"
                 f" {', '.join('?' * len(values))})", [record_id, *values.values()])


def test_version_9_records_get_their_business_dates(tmp_path, db_key):
    path = tmp_path / "station.db"
    conn = connect(path, db_key)
    for m in migrations.available()[:9]:
        migrations.apply(conn, m, None)
    for pid, name, born in (("p1", "甲", "2015-01-01"), ("p2", "乙", "2014-01-01"), ("p3", "赵", "1940-01-01"),
                            ("p4", "钱", "1941-01-01"), ("p5", "孙", "1960-01-01")):
        row(conn, "person", "2026-01-05T04:00:00.000Z", pid, name=name, gender="M", birth_date=born)
    # 甲: archive made 3-01, but visited since 2-10 and her agreement signed 1-20.
    row(conn, "child_profile", "2026-03-01T04:00:00.000Z", "c1", person_id="p1", category="left_behind",
        status="active")
    row(conn, "visit", "2026-03-01T04:00:00.000Z", "v1", program="child", person_id="p1", visit_date="2026-02-10",
        visitor="刘", method="home")
    row(conn, "agreement", "2026-03-01T04:00:00.000Z", "a1", child_profile_id="c1", guardian_name="甲父",
        caregiver_name="奶奶", signed_date="2026-01-20")
    # 乙: left the roll; the audit log saw it on 5-05, and the row was touched again later.
    row(conn, "child_profile", "2026-02-01T04:00:00.000Z", "c2", person_id="p2", category="left_behind",
        status="exited", exit_reason="父母返乡")
    conn.execute("UPDATE child_profile SET updated_at = '2026-06-09T04:00:00.000Z' WHERE id = 'c2'")
    conn.execute("INSERT INTO audit_log (seq, at, user_id, username, action, entity, record_id, changes, prev_hash,"
                 " hash) VALUES (1, '2026-05-05T04:00:00.000Z', 'u', 'u', 'update', 'child_profile', 'c2',"
                 " '{\"status\":[\"active\",\"exited\"]}', '0', '0')")
    # 赵 on the rounds from an elder visit before the profile; 钱 left, seen only by updated_at.
    row(conn, "elder_profile", "2026-04-01T04:00:00.000Z", "e1", person_id="p3", categories='["alone"]',
        status="active")
    row(conn, "visit", "2026-04-01T04:00:00.000Z", "v2", program="elder", person_id="p3", visit_date="2026-03-15",
        visitor="刘", method="home")
    row(conn, "elder_profile", "2026-02-01T04:00:00.000Z", "e2", person_id="p4", categories='["alone"]',
        status="exited", exit_reason="去世")
    conn.execute("UPDATE elder_profile SET updated_at = '2026-06-01T04:00:00.000Z' WHERE id = 'e2'")
    # A relief case approved on 4-03.
    row(conn, "relief_case", "2026-04-01T04:00:00.000Z", "r1", person_id="p5", case_type="emergency",
        reason="火灾", status="paid", applied_on="2026-04-01")
    row(conn, "relief_step", "2026-04-03T04:00:00.000Z", "s1", relief_case_id="r1", action="approve",
        from_status="review", to_status="approved", actor_name="王站长", decided_on="2026-04-03")
    conn.close()

    db = StationDatabase.open(path, db_key, backup_dir=tmp_path / "backups")
    dates = {r["id"]: (r["entered_on"], r["exited_on"]) for r in
             db.query("SELECT id, entered_on, exited_on FROM child_profile UNION ALL "
                      "SELECT id, entered_on, exited_on FROM elder_profile")}
    assert dates == {"c1": ("2026-01-20", None), "c2": ("2026-02-01", "2026-05-05"),
                     "e1": ("2026-03-15", None), "e2": ("2026-02-01", "2026-06-01")}
    assert db.scalar("SELECT approved_on FROM relief_case WHERE id = 'r1'") == "2026-04-03"
