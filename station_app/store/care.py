"""Care for dispersed 特困 people in the store: care agreements (照料服务协议: who cares, what for,
for how much, from when to when) and care visits, recorded like the elderly rounds' visits (one
`visit` entity, program 'care'), with the next visit proposed from the county's interval.

An agreement is in force from the day it was signed to its last day; one not yet signed is a
draft to print for signature. The due list warns of an agreement about to end (store.due).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core import ledger
from station_app.core.entities import ENTITIES
from station_app.store import program_records, reference_data
from station_app.store.database import StationDatabase
from station_app.store.people import PersonFilter, person_ids
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore

PROGRAM = "care"
_AGREEMENT = ENTITIES["care_agreement"]
DRAFT, VALID, EXPIRING, EXPIRED = "draft", "valid", "expiring", "expired"
STATUS_LABELS = {DRAFT: "待签字", VALID: "有效", EXPIRING: "将到期", EXPIRED: "已到期"}


def rules(database: StationDatabase, on: dt.date) -> dict[str, Any]:
    return reference_data.value(database, ledger.RULES_KEY, on)


def save_agreement(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
                   ) -> dict[str, Any]:
    if record is None:
        return store.create("care_agreement", values)
    return store.update("care_agreement", record["id"], values, record["rev"])


def draft(database: StationDatabase, person_id: str, today: dt.date) -> dict[str, Any]:
    """A new agreement: the previous one's carer and terms if there was one, else the model
    duties; a term of the county's default length from today."""
    previous = agreements(database, person_id)
    base = {k: v for k, v in previous[0].items() if k in _AGREEMENT.field_names} if previous else {}
    return {**base, "person_id": person_id, "duties": base.get("duties") or ledger.CARE_DUTIES, "signed_on": None,
            "expires_on": ledger.care_term_end(today, rules(database, today)).isoformat()}


def agreements(database: StationDatabase, person_id: str) -> list[dict[str, Any]]:
    """The person's care agreements, newest first (drafts first of all)."""
    rows = database.query("SELECT * FROM care_agreement WHERE person_id = ? AND deleted = 0"
                          " ORDER BY COALESCE(signed_on, '9999') DESC, created_at DESC", [person_id])
    return [decode(_AGREEMENT, r) for r in rows]


def status(agreement: Mapping[str, Any], today: dt.date, warn_days: int) -> str:
    if not agreement.get("signed_on"):
        return DRAFT
    end = agreement.get("expires_on")
    if end is None or end > (today + dt.timedelta(days=warn_days)).isoformat():
        return VALID
    return EXPIRED if end < today.isoformat() else EXPIRING


# -- care visits -----------------------------------------------------------------------------------


def suggested_next_due(database: StationDatabase, visit_date: dt.date) -> dt.date:
    return visit_date + dt.timedelta(days=int(rules(database, visit_date).get("care_visit_days", 30)))


def save_visit(store: RecordStore, values: Mapping[str, Any], record: Mapping[str, Any] | None = None
               ) -> dict[str, Any]:
    """Record (or correct) a care visit; without a next-due date typed in, the county's interval gives it."""
    return program_records.save_visit(store, PROGRAM, values, record,
                                      lambda _data, day: suggested_next_due(store.database, day))


def person_visits(database: StationDatabase, person_id: str) -> list[dict[str, Any]]:
    return program_records.person_visits(database, PROGRAM, person_id)


# -- the list --------------------------------------------------------------------------------------

_SORTS = {"name": "p.sort_name", "village": "v.code", "signed_on": "r.signed_on",
          "expires_on": "COALESCE(r.expires_on, '9999-12-31')"}


def agreement_ids(database: StationDatabase, sort: str, descending: bool, *, text: str = "",
                  village_id: str | None = None) -> list[str]:
    """Agreements, their people found by the people search and filtered by their village."""
    where, params = ["r.deleted = 0"], []
    if text.strip():
        matching = person_ids(database, PersonFilter(text=text))
        if not matching:
            return []
        where.append("r.person_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(matching))
    if village_id:
        where.append("p.village_id = ?")
        params.append(village_id)
    direction = " DESC" if descending else ""
    order = ", ".join(f"{c}{direction}" for c in dict.fromkeys((_SORTS.get(sort, "p.sort_name"), "p.sort_name", "r.id")))
    return [r[0] for r in database.conn.execute(
        f"""SELECT r.id FROM care_agreement r JOIN person p ON p.id = r.person_id LEFT JOIN village v ON v.id = p.village_id
            WHERE {' AND '.join(where)} ORDER BY {order}""", params)]


def agreement_rows(database: StationDatabase, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The agreements with their person (name, gender, birth date, village) and latest care visit."""
    if not ids:
        return {}
    rows = database.query(
        f"""SELECT r.*, p.name, p.gender, p.birth_date, v.name AS village_name,
                   (SELECT MAX(c.visit_date) FROM visit c WHERE c.person_id = r.person_id AND c.program = 'care'
                    AND c.deleted = 0) AS last_visit
            FROM care_agreement r JOIN person p ON p.id = r.person_id LEFT JOIN village v ON v.id = p.village_id
            WHERE r.id IN ({', '.join('?' * len(ids))})""", list(ids))
    extras = ("name", "gender", "birth_date", "village_name", "last_visit")
    return {r["id"]: {**decode(_AGREEMENT, r), **{k: r[k] for k in extras}} for r in rows}
