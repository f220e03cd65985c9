"""The due_from_entry migration moves the due list's never-visited people to the day they entered their roll
(纳入日期), leaving those with a visit due when that visit said."""

from __future__ import annotations

from station_app.store import migrations
from station_app.store.database import StationDatabase
from tests.helpers import version_before
from tests.test_business_dates_migration import row
from tests.test_migrations import connect


def test_never_visited_are_due_since_their_entry_date_after_the_upgrade(tmp_path, db_key):
    path = tmp_path / "station.db"
    conn = connect(path, db_key)
    for m in migrations.available()[:version_before("due_from_entry")]:
        migrations.apply(conn, m, None)
    at = "2026-03-01T04:00:00.000Z"
    for pid, name in (("p1", "甲"), ("p2", "乙"), ("p3", "丙")):
        row(conn, "person", at, pid, name=name, gender="F", birth_date="1940-01-01")
    # 甲 typed in on 3-01 but on the rounds since 2025-05-01, never visited; 乙 likewise, visited;
    # 丙 a child with no 纳入日期 at all.
    row(conn, "elder_profile", at, "e1", person_id="p1", categories='["alone"]', status="active",
        entered_on="2025-05-01")
    row(conn, "elder_profile", at, "e2", person_id="p2", categories='["alone"]', status="active",
        entered_on="2025-05-01")
    row(conn, "visit", at, "v1", program="elder", person_id="p2", visit_date="2026-02-20", visitor="刘",
        method="home", next_due="2026-03-20")
    row(conn, "child_profile", at, "c1", person_id="p3", category="left_behind", status="active")
    conn.executemany("INSERT INTO due_index (kind, person_id, due) VALUES (?, ?, ?)",
                     [("elder", "p1", "2026-03-01"), ("elder", "p2", "2026-03-20"), ("child", "p3", "2026-03-01")])
    conn.close()

    db = StationDatabase.open(path, db_key, backup_dir=tmp_path / "backups")
    due = {r["person_id"]: r["due"] for r in db.query("SELECT person_id, due FROM due_index")}
    assert due == {"p1": "2025-05-01", "p2": "2026-03-20", "p3": "2026-03-01"}
    db.close()
