"""Business dates filled in beside the write path (migration 10) reach the county once: migration 17
marks the records, the first log-in after the upgrade sends them through the write path, a real county
server process on 127.0.0.1 receives them, and the next sync sends nothing more."""

from __future__ import annotations

from station_app.jobs import accounts
from station_app.store import migrations
from station_app.sync import client
from tests.conftest import HEAD_PASSWORD
from tests.helpers import count
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)


def test_dates_filled_in_beside_the_write_path_reach_the_county_once(county, database, store, village):
    enrolled(county, database, "前甸镇")
    person = store.create("person", {"name": "刘小满", "gender": "F", "birth_date": "2016-06-01",
                                     "village_id": village["id"]})
    child = store.create("child_profile", {"person_id": person["id"], "category": "left_behind", "status": "active"})
    untouched = store.create("person", {"name": "王大爷", "gender": "M", "birth_date": "1940-01-01"})
    elder = store.create("elder_profile", {"person_id": untouched["id"], "categories": ["alone"], "status": "active",
                                           "entered_on": "2025-05-01"})
    client.sync(database)
    # What migration 10 did, beside the write path; then migration 17 as the upgrade runs it, alone
    # (the later migrations have run already and need not be safe to run twice).
    database.conn.execute("UPDATE child_profile SET entered_on = '2025-03-01' WHERE id = ?", [child["id"]])
    database.conn.execute("DROP TABLE resend_pending")
    [resend] = [m for m in migrations.available() if m.path.name.endswith("_resend_business_dates.sql")]
    migrations.apply(database.conn, resend, None)
    database.conn.execute(f"PRAGMA user_version = {migrations.latest_version()}")
    path = database.path
    database.close()

    upgraded, head = accounts.log_in(path, "head", HEAD_PASSWORD)
    assert count(upgraded, "resend_pending") == 0
    report = client.sync(upgraded)
    on_server = {r["record_id"]: r["payload"] for r in county.store.records(owner=upgraded.station_id)}
    assert on_server[child["id"]]["entered_on"] == "2025-03-01"
    assert on_server[elder["id"]]["entered_on"] == "2025-05-01"
    assert (report.counts["sent"], report.counts["applied"]) == (1, 1)  # only the child: the elder was sent whole
    [entry] = upgraded.query("SELECT username, changes FROM audit_log WHERE record_id = ? AND action = 'update'",
                             [child["id"]])
    assert entry["username"] == "head" and '"entered_on":[null,"2025-03-01"]' in entry["changes"]
    upgraded.close()

    again, _head = accounts.log_in(path, "head", HEAD_PASSWORD)  # a second log-in sends nothing again
    assert client.sync(again).counts["sent"] == 0
    again.close()
