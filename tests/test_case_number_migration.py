"""Migration 13 numbers the relief cases a database of version 12 holds, as the county's form does:
per year, in the order they were applied for, each number given once."""

from __future__ import annotations

from station_app.store import migrations
from station_app.store.database import StationDatabase
from tests.test_migrations import connect


def test_version_12_cases_get_county_case_numbers_by_year_in_order_applied(tmp_path, db_key):
    path = tmp_path / "station.db"
    conn = connect(path, db_key)
    for m in migrations.available()[:12]:
        migrations.apply(conn, m, None)
    system = "'s', 1, '2026-01-05T04:00:00.000Z', '2026-01-05T04:00:00.000Z', 'u', 'u'"
    conn.execute(f"INSERT INTO station (id, station_id, rev, created_at, updated_at, created_by, updated_by, name,"
                 f" township, county, admin_code) VALUES ('s', {system}, '前甸镇社工站', '前甸镇', '顺城区', '210411101')")
    conn.execute(f"INSERT INTO person (id, station_id, rev, created_at, updated_at, created_by, updated_by, name, gender,"
                 f" birth_date) VALUES ('p', {system}, '甲', 'M', '1960-01-01')")
    for case_id, applied in (("c", "2026-03-02"), ("a", "2025-12-30"), ("b", "2026-01-15"), ("d", "2026-03-02")):
        conn.execute(f"INSERT INTO relief_case (id, station_id, rev, created_at, updated_at, created_by, updated_by,"
                     f" person_id, case_type, reason, status, applied_on) VALUES"
                     f" (?, {system}, 'p', 'emergency', '火灾', 'applied', ?)", (case_id, applied))
    conn.close()

    db = StationDatabase.open(path, db_key, backup_dir=tmp_path / "backups")
    numbers = dict(db.conn.execute("SELECT id, case_no FROM relief_case").fetchall())
    assert numbers == {"a": "21041110120250001", "b": "21041110120260001", "c": "21041110120260002",
                       "d": "21041110120260003"}
    db.close()
