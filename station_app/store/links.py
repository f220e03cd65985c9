"""What the ledger's editors share in the store: saving a record together with the records that
link it to others (a training's attendance, an activity's people, staff and volunteers), deleting
it with them, and finding people on a named roster (staff, volunteers) by what finds a person.

Every write goes through `RecordStore`, so each link is validated, checked by its entity's rules
(one per pair), audited and synced; a record and its links are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from station_app.core import search
from station_app.core.entities import ENTITIES
from station_app.store.database import StationDatabase
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore


@dataclass(frozen=True)
class Links:
    """Records of `entity` joining a record (by `parent`) to one on the other side (by `member`)."""

    entity: str
    parent: str
    member: str


def living_links(database: StationDatabase, links: Links, parent_id: str) -> list[dict[str, Any]]:
    rows = database.query(f"SELECT * FROM {links.entity} WHERE {links.parent} = ? AND deleted = 0 ORDER BY rowid",
                          [parent_id])
    return [decode(ENTITIES[links.entity], r) for r in rows]


def replace_links(store: RecordStore, links: Links, parent_id: str, wanted: Mapping[str, Mapping[str, Any]]) -> None:
    """Make the record's living links exactly `wanted` (member id -> the link's other values):
    links no longer wanted are deleted, new ones created, the values of the others updated."""
    current = {r[links.member]: r for r in living_links(store.database, links, parent_id)}
    for member, link in current.items():
        if member not in wanted:
            store.delete(links.entity, link["id"], link["rev"])
    for member, values in wanted.items():
        if member in current and values:
            store.update(links.entity, current[member]["id"], values, current[member]["rev"])
    new = [{links.parent: parent_id, links.member: member, **values}
           for member, values in wanted.items() if member not in current]
    if new:
        store.create_many(links.entity, new)


def save_with_links(store: RecordStore, entity_name: str, values: Mapping[str, Any], record: Mapping[str, Any] | None,
                    wanted: Mapping[Links, Mapping[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """Create or update the record and set its links of each kind, all or nothing."""
    with store.database.transaction():
        saved = (store.create(entity_name, values) if record is None
                 else store.update(entity_name, record["id"], values, record["rev"]))
        for links, members in wanted.items():
            replace_links(store, links, saved["id"], members)
    return saved


def delete_with_links(store: RecordStore, entity_name: str, record: Mapping[str, Any], kinds: tuple[Links, ...]
                      ) -> dict[str, Any]:
    """Delete the record and its links (tombstones, so the deletions sync), all or nothing."""
    with store.database.transaction():
        for links in kinds:
            replace_links(store, links, record["id"], {})
        return store.delete(entity_name, record["id"], record["rev"])


def ledger_ids(database: StationDatabase, table: str, sorts: Mapping[str, str], sort: str, descending: bool, *,
               text: str, village_id: str | None, tie: str, matches: tuple[str, list[Any]] | None = None) -> list[str]:
    """Ids of the living records of a ledger list, filtered by the typed text (`matches`, else the
    roster's own search) and village, sorted by `sorts[sort]` then `tie` (SQL over the record `r`
    and, for records with a village, the village `v`)."""
    where, params = ["r.deleted = 0"], []
    if text.strip():
        matches = matches or roster_matches(table, text)
        if matches is None:
            return []
        where.append(matches[0])
        params += matches[1]
    has_village = "village_id" in ENTITIES[table].field_names
    if village_id and has_village:
        where.append("r.village_id = ?")
        params.append(village_id)
    join = "LEFT JOIN village v ON v.id = r.village_id" if has_village else ""
    direction = " DESC" if descending else ""
    order = ", ".join(f"{column}{direction}" for column in dict.fromkeys((sorts.get(sort, tie), tie, "r.id")))
    return [row[0] for row in database.conn.execute(
        f"SELECT r.id FROM {table} r {join} WHERE {' AND '.join(where)} ORDER BY {order}", params)]


def roster_matches(entity_name: str, text: str) -> tuple[str, list[Any]] | None:
    """SQL over the roster's record `r` for the typed text (name, given name, pinyin, initials,
    the tail of an ID number), with its parameters; None when the text can match nothing."""
    query = search.parse_query(text)
    if not query.key_ranges:
        return None
    ranges = " UNION ALL ".join(f"SELECT {entity_name}_id FROM {entity_name}_search WHERE key >= ? AND key < ?"
                                for _ in query.key_ranges)
    return f"r.id IN ({ranges})", [bound for pair in query.key_ranges for bound in pair]


def text_matches(text: str, *columns: str) -> tuple[str, list[Any]]:
    """SQL finding the typed text anywhere in any of `columns` of the record `r`."""
    like = f"%{text.strip()}%"
    return "(" + " OR ".join(f"r.{c} LIKE ?" for c in columns) + ")", [like] * len(columns)
