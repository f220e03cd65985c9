"""A record's change history (the audit log) as a list a worker can read.

Each change becomes one line per field: when, who, what happened, which field, and old → new,
with labels from the entity declaration, codes shown as their Chinese labels, references by
name, and ID numbers masked for an actor who may not see them in full.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QWidget

from station_app.core import fields as fk
from station_app.core.audit import ACTION_LABELS
from station_app.core.entities import entity
from station_app.core.errors import NotFound
from station_app.store import users
from station_app.ui.models import Column, ListTableModel, field_text
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session

EMPTY = "（空）"
COLUMNS = (
    Column("时间", "at", sample="2026-11-23 14:05"),
    Column("操作人", "user", sample="王站长站长"),
    Column("操作", "action", sample="修改"),
    Column("项目", "field", sample="与儿童关系（照护人）"),
    Column("内容", "change", sample="王秀英家（前甸村3组12号） → 王建国家（前甸村3组12号）"),
)


def local_time(stamp: str) -> str:
    """A stored UTC timestamp in the PC's local time, to the minute."""
    return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


class _Describer:
    """Turns stored values into text, naming referenced records (looked up once each)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._names: dict[tuple[str, str], str] = {}

    def __call__(self, f: fk.Field, value: Any) -> str:
        if f.kind == fk.REF and value:
            return self._ref_name(f.ref or "", value)
        return field_text(f, value, full_id=self._session.actor.can_see_full_id) or EMPTY

    def _ref_name(self, entity_name: str, record_id: str) -> str:
        key = (entity_name, record_id)
        if key not in self._names:
            try:
                record = self._session.store.get(entity_name, record_id, include_deleted=True)
            except NotFound:
                self._names[key] = "（已不存在的记录）"
            else:
                name = record.get("name") or record.get("head_name") or ""
                self._names[key] = f"{name}家" if entity_name == "household" else name
        return self._names[key]


def history_rows(session: Session, entity_name: str, record_id: str) -> list[dict[str, str]]:
    """Lines for the history list, newest change first."""
    spec = entity(entity_name)
    order = {name: i for i, name in enumerate(spec.field_names)}
    people = {u["username"]: u["display_name"] for u in users.list_users(session.database)}
    describe = _Describer(session)
    rows: list[dict[str, str]] = []
    for entry in reversed(session.store.history(entity_name, record_id)):
        base = {"at": local_time(entry["at"]), "user": people.get(entry["username"], entry["username"]),
                "action": ACTION_LABELS.get(entry["action"], entry["action"])}
        if entry["action"] == "delete":
            rows.append({**base, "field": "", "change": f"删除了这条{spec.label}记录"})
            continue
        for name in sorted(entry["changes"], key=lambda n: order.get(n, len(order))):
            if name not in order:  # a field since retired: nothing to label it with
                continue
            old, new = entry["changes"][name]
            f = spec.field(name)
            change = describe(f, new) if entry["action"] == "create" else f"{describe(f, old)} → {describe(f, new)}"
            rows.append({**base, "field": f.label, "change": change})
    return rows


def history_table(session: Session, entity_name: str, record_id: str, parent: QWidget | None = None) -> RecordTable:
    """A read-only table of the record's history."""
    table = RecordTable(parent)
    table.setModel(ListTableModel(COLUMNS, history_rows(session, entity_name, record_id), key="at", parent=table))
    return table
