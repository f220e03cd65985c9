"""What 站点管理 and 冲突 read and keep: the stations with their state, one station's history, the
return bundles made for bundles imported in the console, and the conflicts the server kept."""

from __future__ import annotations

import base64
import json
from typing import Any

from station_app.core.entities import entity
from station_app.core.ids import now_iso
from station_app.core.errors import NotFound
from station_app.server.store.storage import ServerStore
from station_app.sync import protocol as p


def stations(store: ServerStore) -> list[dict[str, Any]]:
    return store.read("SELECT name, station_id, created_at, enrolled_at, revoked_at, high_water, last_bundle,"
                      " return_number, last_seen_at, last_via, app_version, sign_public,"
                      " (SELECT COUNT(*) FROM conflicts c WHERE c.station_id = s.station_id) AS conflicts,"
                      " (SELECT COUNT(*) FROM station_audit_refusals a WHERE a.station_id = s.station_id) AS audit_refusals"
                      " FROM stations s ORDER BY name")


def station(store: ServerStore, name: str) -> dict[str, Any]:
    found = [s for s in store.read("SELECT * FROM stations WHERE name = ?", [name])]
    if not found:
        raise NotFound(f"没有名为“{name}”的社工站")
    row = found[0]
    row["fingerprint"] = p.fingerprint(row["sign_public"]) if row["sign_public"] else None
    return row


def events(store: ServerStore, name: str) -> list[dict[str, Any]]:
    """The station's history, newest first."""
    return store.read("SELECT at, kind, detail, by_name FROM station_events WHERE station_name = ? ORDER BY id DESC",
                      [name])


def keep_return_bundle(store: ServerStore, station_name: str, number: int, file_name: str, data: bytes) -> int:
    """Keep a return bundle in the database (any worker can serve its download); its id."""
    with store.transaction() as conn:
        return int(conn.execute("INSERT INTO return_bundles (station_name, number, created_at, file_name, data)"
                                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                                (station_name, number, now_iso(), file_name, base64.b64encode(data).decode())
                                ).fetchone()["id"])


def return_bundle(store: ServerStore, bundle_id: int) -> tuple[str, str, bytes]:
    """(station name, file name, bytes) of a kept return bundle."""
    rows = store.read("SELECT station_name, file_name, data FROM return_bundles WHERE id = ?", [bundle_id])
    if not rows:
        raise NotFound("没有这个回执包")
    return rows[0]["station_name"], rows[0]["file_name"], base64.b64decode(rows[0]["data"])


def return_bundles(store: ServerStore, name: str) -> list[dict[str, Any]]:
    return store.read("SELECT id, number, created_at, file_name FROM return_bundles WHERE station_name = ?"
                      " ORDER BY id DESC", [name])


def conflicts(store: ServerStore, station_id: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Changes the server kept as conflicts (the station's version against the server's revision),
    newest first, with the fields that differ from the server's current record."""
    where, params = ("WHERE c.station_id = ?", [station_id]) if station_id else ("", [])
    rows = store.read(f"SELECT c.*, s.name AS station_name, r.payload AS current, r.rev AS current_rev"
                      f" FROM conflicts c LEFT JOIN stations s ON s.station_id = c.station_id"
                      f" LEFT JOIN records r ON r.entity = c.entity AND r.record_id = c.record_id"
                      f" {where} ORDER BY c.id DESC LIMIT ?", [*params, limit])
    out = []
    for r in rows:
        theirs, current = json.loads(r["payload"]), json.loads(r["current"]) if r["current"] else {}
        spec = entity(r["entity"])
        fields = [spec.field(k).label for k in spec.field_names if theirs.get(k) != current.get(k)]
        out.append({**r, "entity_label": spec.label, "fields": fields,
                    "resolved": bool(current) and (current.get("rev") or 0) > r["server_rev"]})
    return out
