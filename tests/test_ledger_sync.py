"""The station ledger reaches the county like every record: each kind through the existing protocol,
on a real server on 127.0.0.1 (SQLite and PostgreSQL), applied exactly once; a malformed one is
rejected with its reason and the rest goes on."""

from __future__ import annotations

import datetime as dt

from station_app.core import ledger
from station_app.store import activities, care, network
from station_app.sync import client
from station_app.sync import protocol as p
from tests.helpers import count, id_number
from tests.sync_fixtures import county, enrolled, postgres  # noqa: F401 (fixtures)

LEDGER_ENTITIES = {"staff", "training", "training_attendance", "service_activity", "activity_participant",
                   "activity_staff", "volunteer", "volunteer_service", "care_agreement"}


def a_ledger(store, village) -> None:
    today = dt.date.today().isoformat()
    director = network.save_staff(store, {"name": "张丽", "role": ledger.CHILD_DIRECTOR, "village_id": village["id"],
                                          "status": "active", "entered_on": "2024-03-01"})
    network.save_training(store, {"held_on": today, "topic": "儿童关爱保护政策", "hours": "2.5"}, None, [director["id"]])
    person = store.create("person", {"name": "王桂兰", "id_number": id_number("19410302", 102)})
    volunteer = activities.save_volunteer(store, {"name": "李娜", "status": "active"})
    activities.save_activity(store, {"held_on": today, "kind": "home", "title": "入户理发"}, None, [person["id"]],
                             [director["id"]], {volunteer["id"]: "1.5"})
    care.save_agreement(store, {"person_id": person["id"], "carer_name": "刘玉芬", "duties": ledger.CARE_DUTIES,
                                "fee": "400", "signed_on": today})
    care.save_visit(store, {"person_id": person["id"], "visit_date": today, "visitor": "刘晓梅", "method": "home"})


def test_every_kind_of_ledger_record_reaches_the_county_once(county, database, store, village):  # noqa: F811
    enrolled(county, database, "前甸镇")
    a_ledger(store, village)
    report = client.sync(database)
    assert report.counts["applied"] == report.counts["sent"] and count(database, "outbox WHERE acked_at IS NULL") == 0
    on_server = {r["entity"] for r in county.store.records(owner=database.station_id)}
    assert LEDGER_ENTITIES <= on_server
    [hours] = [r["payload"]["hours"] for r in county.store.records(entity_name="volunteer_service")]
    assert hours == 15  # tenths of an hour, exact at both ends
    assert client.sync(database).counts.get("sent", 0) == 0  # nothing left to send, nothing sent twice


def test_a_change_the_county_cannot_accept_is_rejected_with_its_reason(store, village):
    staff = network.save_staff(store, {"name": "张丽", "role": "child_director", "village_id": village["id"],
                                       "status": "active"})
    change = {"seq": 1, "change_id": "c1", "entity": "staff", "record_id": staff["id"], "op": "upsert",
              "base_rev": 0, "rev": 1, "payload": {**staff, "role": "mayor"}}
    assert "请从列表中选择：儿童主任" in p.change_problem(change)
    service = {**change, "entity": "volunteer_service", "payload": {**staff, "activity_id": "a", "volunteer_id": "v",
                                                                     "hours": 300}}
    assert "24小时" in p.change_problem(service)
    assert p.change_problem({**change, "payload": staff}) is None
