"""What the county console reads about the stations' records: the overview, the records behind
each number, search across townships, and one person with what concerns them.

Everything here reads the read tables (store.read_tables) and, for the few records a page shows
in full, their payloads in `records`. Each number on the overview is an `Indicator`: one query that
yields the records behind it, counted per station for the overview and listed for one station when
someone clicks the number, so the count and the list cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from station_app.core import assistance, child_rules, reference
from station_app.core.entities import FUND_OUTFLOWS, PERSON_LINKS, entity
from station_app.core.errors import NotFound
from station_app.core.fields import MONEY, format_money
from station_app.core.relief import OPEN_AT_STATION
from station_app.core.search import parse_query
from station_app.server.store.read_tables import READ_COLUMNS, live_person
from station_app.server.store.storage import WAITING_SQL, ServerStore

_OPEN = ", ".join(f"'{s}'" for s in sorted(OPEN_AT_STATION))
_OUT = ", ".join(f"'{k}'" for k in sorted(FUND_OUTFLOWS))


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    entity: str  # the kind of record listed behind the number
    # rows (owner, record_id, day) of every record behind the number; `day` orders the list
    sql: str
    params: Callable[[dt.date, dt.datetime], list[Any]]


def _overdue(program: str) -> str:
    """People on a program whose next visit is overdue, as the station's due list counts them: due
    from the latest visit's next-due date, or since they were enrolled when never visited."""
    return f"""
        SELECT e.owner, e.person_id AS record_id,
               CASE WHEN l.visit_id IS NULL THEN e.since ELSE COALESCE(l.next_due, '~') END AS day
        FROM (SELECT owner, person_id, MIN(substr(created_at, 1, 10)) AS since FROM read_{program}_profile
              WHERE deleted = 0 AND status = 'active' GROUP BY owner, person_id) e
        LEFT JOIN read_visit_latest l ON l.person_id = e.person_id AND l.program = '{program}'
        WHERE (CASE WHEN l.visit_id IS NULL THEN e.since ELSE COALESCE(l.next_due, '~') END) < ? AND {live_person('e')}"""


INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("waiting", "待县审批", "relief_case", WAITING_SQL, lambda today, now: []),
    Indicator("late_protection", "保护环节超时", "child_report", f"""
        SELECT r.owner, r.id AS record_id, r.step_due AS day FROM read_child_report r
        WHERE r.deleted = 0 AND r.stage != 'closed' AND r.step_due IS NOT NULL AND r.step_due < ? AND {live_person('r')}""",
              lambda today, now: [child_rules.format_time(now)]),
    Indicator("overdue_child", "儿童走访逾期", "person", _overdue("child"), lambda today, now: [today.isoformat()]),
    Indicator("overdue_elder", "老人探访逾期", "person", _overdue("elder"), lambda today, now: [today.isoformat()]),
    Indicator("late_advance", "先行救助逾期未补办", "relief_case", f"""
        SELECT r.owner, r.id AS record_id, r.paperwork_due AS day FROM read_relief_case r
        WHERE r.deleted = 0 AND r.advance_amount > 0 AND r.status IN ({_OPEN}) AND r.paperwork_due < ?
          AND {live_person('r')}""",
              lambda today, now: [today.isoformat()]),
    Indicator("fund", "备用金台账", "reserve_fund_entry", """
        SELECT owner, id AS record_id, entry_date AS day FROM read_reserve_fund_entry WHERE deleted = 0""",
              lambda today, now: []),
)}
COUNTED = ("waiting", "late_protection", "overdue_child", "overdue_elder", "late_advance")


def _local_midnight_utc(today: dt.date) -> str:
    """Today's start as the UTC stamp the server writes (received_at), for "changes received today"."""
    start = dt.datetime.combine(today, dt.time()).astimezone()
    return start.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def overview(store: ServerStore, today: dt.date, now: dt.datetime) -> list[dict[str, Any]]:
    """One row per station: how and when it last synced, what came in today, and the counts that
    need the county's attention, with the reserve fund's balance (fen)."""
    rows = {r["station_id"] or r["name"]: {**r, **dict.fromkeys(COUNTED, 0), "changes_today": 0, "fund_balance": 0}
            for r in store.read("SELECT name, station_id, enrolled_at, revoked_at, last_seen_at, last_via, app_version"
                                " FROM stations ORDER BY name")}
    for key in COUNTED:
        indicator = INDICATORS[key]
        for r in store.read(f"SELECT x.owner, COUNT(*) AS n FROM ({indicator.sql}) x GROUP BY x.owner",
                            indicator.params(today, now)):
            if r["owner"] in rows:
                rows[r["owner"]][key] = r["n"]
    for r in store.read("SELECT station_id, COUNT(*) AS n FROM changes WHERE received_at >= ? GROUP BY station_id",
                        [_local_midnight_utc(today)]):
        if r["station_id"] in rows:
            rows[r["station_id"]]["changes_today"] = r["n"]
    for r in store.read(f"SELECT owner, SUM(CASE WHEN kind IN ({_OUT}) THEN -amount ELSE amount END) AS balance"
                        " FROM read_reserve_fund_entry WHERE deleted = 0 GROUP BY owner"):
        if r["owner"] in rows:
            rows[r["owner"]]["fund_balance"] = int(r["balance"] or 0)
    return list(rows.values())


def indicator_ids(store: ServerStore, key: str, owner: str, today: dt.date, now: dt.datetime,
                  limit: int = 1000) -> list[str]:
    """The ids of the records behind one station's number, in the order a person works them."""
    indicator = INDICATORS[key]
    rows = store.read(f"SELECT x.record_id FROM ({indicator.sql}) x WHERE x.owner = ? ORDER BY x.day, x.record_id"
                      " LIMIT ?", [*indicator.params(today, now), owner, limit])
    return [r["record_id"] for r in rows]


# -- the records behind a number, one line each ----------------------------------------------------

# What each kind of record shows in a list: (header, field) of the record, or of its person ("p.").
LIST_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "person": (("姓名", "p.name"), ("身份证号", "p.id_number"), ("出生日期", "p.birth_date"), ("联系电话", "p.phone")),
    "child_profile": (("姓名", "p.name"), ("身份证号", "p.id_number"), ("类别", "category"), ("状态", "status")),
    "child_report": (("姓名", "p.name"), ("报告时间", "reported_at"), ("紧急程度", "urgency"), ("当前环节", "stage"),
                     ("下一环节时限", "step_due")),
    "visit": (("姓名", "p.name"), ("项目", "program"), ("走访日期", "visit_date"), ("走访人", "visitor")),
    "relief_case": (("姓名", "p.name"), ("身份证号", "p.id_number"), ("申请日期", "applied_on"), ("救助类型", "case_type"),
                    ("办理状态", "status"), ("拟救助金额（元）", "amount_proposed"), ("发放金额（元）", "amount_paid"),
                    ("补办手续期限", "paperwork_due")),
    "reserve_fund_entry": (("日期", "entry_date"), ("类型", "kind"), ("金额（元）", "amount"), ("事由", "reason")),
    "household": (("户主（申请人）", "head_name"), ("住址", "address")),
    # A household's status is listed under its head's name (see listing).
    "assistance_status": (("姓名（户主）", "p.name"), ("身份证号", "p.id_number"), ("类别", "kind"),
                          ("等级或档次", "level"), ("起始日期", "starts_on"), ("终止日期", "ends_on"),
                          ("证书编号", "certificate_no")),
}


def payloads(store: ServerStore, entity_name: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The full records of `ids` as the stations sent them."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for r in store.read(f"SELECT record_id, owner, payload FROM records WHERE entity = ? AND record_id IN"
                            f" ({', '.join('?' * len(chunk))})", [entity_name, *chunk]):
            found[r["record_id"]] = {**json.loads(r["payload"]), "owner": r["owner"]}
    return found


def shown(entity_name: str, name: str, value: Any) -> Any:
    """A stored value as a person reads it: choice labels, yuan for fen; numbers stay raw (masked by the page)."""
    if value is None or value == "":
        return ""
    spec = entity(entity_name).field(name)
    if spec.choices:
        return "、".join(spec.choice_label(v) for v in value) if isinstance(value, list) else spec.choice_label(value)
    if spec.kind == MONEY:
        return format_money(value)
    return value


@dataclass(frozen=True)
class Listed:
    """Records as lines: headers, and per record (id, person id, owner, cells by header)."""

    entity: str
    headers: tuple[str, ...]
    lines: list[dict[str, Any]]


def listing(store: ServerStore, entity_name: str, ids: Sequence[str]) -> Listed:
    if entity_name not in LIST_COLUMNS:
        raise NotFound("这类记录无法在县级平台列出")
    columns = LIST_COLUMNS[entity_name]
    records = payloads(store, entity_name, ids)
    if entity_name == "household":  # an applicant registered without a household is a household of their own
        records.update({i: {**p, "head_name": p.get("name")}
                        for i, p in payloads(store, "person", [i for i in ids if i not in records]).items()})
    people = records if entity_name == "person" else payloads(
        store, "person", sorted({r["person_id"] for r in records.values() if r.get("person_id")}))

    def holder(record_id: str, record: dict[str, Any]) -> dict[str, Any] | None:
        return people.get(record_id if entity_name == "person" else record.get("person_id") or "")

    # A record no person holds (a household's 低保) is read under the household's head.
    heads = payloads(store, "household", sorted(
        {r["household_id"] for i, r in records.items() if r.get("household_id") and holder(i, r) is None}))
    if entity_name == "assistance_status":  # the station stores the code of the county's list
        rule = reference_values(store, [assistance.KINDS], dt.date.today())[assistance.KINDS]
        records = {i: {**r, "kind": assistance.kind_label(rule, r["kind"])} for i, r in records.items()}
    names = station_names(store)
    lines = []
    for record_id in ids:
        record = records.get(record_id)
        if record is None:
            continue
        person = holder(record_id, record) or {"name": heads.get(record.get("household_id") or "", {}).get("head_name")}
        cells = {header: shown("person", field[2:], person.get(field[2:])) if field.startswith("p.")
                 else shown(entity_name, field, record.get(field)) for header, field in columns}
        lines.append({"id": record_id, "person_id": person.get("id"), "owner": record["owner"],
                      "station": names.get(record["owner"], record["owner"]), "cells": cells})
    return Listed(entity_name, tuple(h for h, _ in columns), lines)


def station_names(store: ServerStore) -> dict[str, str]:
    return {r["station_id"]: r["name"] for r in store.read("SELECT station_id, name FROM stations WHERE station_id IS NOT NULL")}


# -- search ------------------------------------------------------------------------------------------

def search(store: ServerStore, text: str, limit: int = 50) -> list[str]:
    """Ids of people in every township matching a name, pinyin (initials) or ID number, as the
    station's search reads what was typed (core.search), in pinyin order."""
    query = parse_query(text)
    if query.empty:
        return []
    parts, params = [], []
    for low, high in query.key_ranges:
        parts.append("SELECT person_id FROM read_person_key WHERE key >= ? AND key < ?")
        params += [low, high]
    if query.id_number_range:
        parts.append("SELECT id FROM read_person WHERE id_number >= ? AND id_number < ?")
        params += list(query.id_number_range)
    rows = store.read(f"SELECT p.id FROM read_person p WHERE p.deleted = 0 AND p.id IN ({' UNION '.join(parts)})"
                      " ORDER BY p.sort_name, p.id LIMIT ?", [*params, limit])
    return [r["id"] for r in rows]


_CASE_NO = re.compile(r"^\d{17}$")  # division code (9) + year + sequence: the 审批表's 案件编号
_ID_TAIL = re.compile(r"^[0-9a-fA-F]{8}$")  # what forms printed before cases had numbers


def case_by_number(store: ServerStore, text: str) -> list[str]:
    """Relief cases whose 案件编号 is `text`, or (forms printed before cases were numbered) whose id
    ends with those 8 characters."""
    number = text.strip().lower()
    if _CASE_NO.match(number):
        where, param = "case_no = ?", number
    elif _ID_TAIL.match(number):
        where, param = "id LIKE ?", "%" + number
    else:
        return []
    return [r["id"] for r in store.read(f"SELECT id FROM read_relief_case WHERE deleted = 0 AND {where}", [param])]


def person_records(store: ServerStore, person_id: str) -> dict[str, list[str]]:
    """Ids of the records that concern a person (profiles, reports, visits, relief cases), by kind:
    those the county keeps read tables for (intake reports and care agreements it does not yet)."""
    out: dict[str, list[str]] = {}
    for entity_name, _field in PERSON_LINKS:
        if entity_name not in READ_COLUMNS:
            continue
        order = {"visit": "visit_date DESC", "relief_case": "applied_on DESC", "child_report": "reported_at DESC"}
        rows = store.read(f"SELECT id FROM read_{entity_name} WHERE person_id = ? AND deleted = 0"
                          f" ORDER BY {order.get(entity_name, 'created_at DESC')}", [person_id])
        out[entity_name] = [r["id"] for r in rows]
    return out


def village_names(store: ServerStore, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {r["id"]: r["name"] for r in store.read(
        f"SELECT id, name FROM read_village WHERE id IN ({', '.join('?' * len(wanted))})", wanted)}



def reference_values(store: ServerStore, keys: Sequence[str], on: dt.date) -> dict[str, Any]:
    """The county's rules `keys` in force on `on`, by key (the software's default where the county
    published none), as a station reads them."""
    versions = reference_versions(store)
    found = {}
    for key in keys:
        value = reference.in_force(((v["effective_from"], v["value"]) for v in versions if v["key"] == key), on)
        found[key] = value if value is not None else reference.default(key)
    return found


def reference_versions(store: ServerStore, owner: str | None = "county") -> list[dict[str, Any]]:
    """Reference-data versions held on the server (the county's own by default; None: everyone's),
    oldest first as the stations order them, each with its owner."""
    where, params = ("AND owner = ?", [owner]) if owner else ("", [])
    rows = store.read(f"SELECT owner, payload FROM records WHERE entity = 'reference_value' AND deleted = 0 {where}",
                      params)
    found = [{**json.loads(r["payload"]), "owner": r["owner"]} for r in rows]
    return sorted(found, key=lambda v: (v["effective_from"], v["id"]))
