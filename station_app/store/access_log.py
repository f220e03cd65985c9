"""Who looked at or exported sensitive personal data, and when.

Opening a child's archive, a protection case or a relief case's details, and every export of
personal data, is appended to the audit log's hash chain (so a deleted or altered entry breaks
the chain as any other would); the head reads them back here. Reading leaves the record's own
history alone: that shows changes only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from station_app.core.entities import entity
from station_app.core import privacy
from station_app.core.errors import PermissionDenied
from station_app.core.roles import HEAD, Actor
from station_app.store import audit_log
from station_app.store.database import StationDatabase

VIEW, EXPORT = audit_log.READ_ACTIONS


def viewed(database: StationDatabase, actor: Actor, entity_name: str, record: Mapping[str, Any]) -> bool:
    """Log that `actor` opened `record`'s details, if they are sensitive (core.privacy); True if logged."""
    if not privacy.is_sensitive(entity_name, record):
        return False
    with database.transaction() as conn:
        audit_log.append(conn, actor, [audit_log.Event(VIEW, entity_name, record["id"])])
    return True


def exported(database: StationDatabase, actor: Actor, list_name: str, rows: int, purpose: str, full_values: bool,
             file_name: str) -> None:
    with database.transaction() as conn:
        audit_log.append(conn, actor, [audit_log.Event(EXPORT, changes={
            "list": list_name, "rows": rows, "purpose": purpose, "full_values": full_values, "file": file_name})])


def entries(database: StationDatabase, actor: Actor, limit: int = 2000) -> list[dict[str, Any]]:
    """The newest views and exports first, in words a head reads; only the head may read them."""
    if actor.role != HEAD:
        raise PermissionDenied("只有站长可以查看访问日志。")
    rows = database.query(
        f"SELECT seq, at, username, action, entity, record_id, changes FROM audit_log WHERE action IN {audit_log.READ_ACTIONS}"
        " ORDER BY seq DESC LIMIT ?", [limit])
    return [{**r, "what": _describe(r)} for r in rows]


def _describe(row: dict[str, Any]) -> str:
    if row["action"] == VIEW:
        return f"查看{entity(row['entity']).label}" if row["entity"] else "查看"
    c = json.loads(row["changes"] or "{}")
    full = "，含完整身份证号/电话" if c.get("full_values") else ""
    return f"导出“{c.get('list', '')}”{c.get('rows', 0)}行（用途：{c.get('purpose', '')}{full}）→ {c.get('file', '')}"
