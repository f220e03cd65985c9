"""A station's synced audit log (站点管理 → 操作日志): newest first, a page at a time, by person and
days, the runs the county refused (suspected tampering) above it. Seeing a station's log is itself a
sensitive view, written to the county's audit log with the filter used."""

from __future__ import annotations

import datetime as dt
import json
import math

from starlette.responses import Response

from station_app.core.audit import ACTION_LABELS
from station_app.core.entities import ENTITIES
from station_app.server.console.web import Ask
from station_app.server.store import audit, county_stations, station_audit


def _day(ask: Ask, name: str, errors: dict[str, str]) -> dt.date | None:
    text = ask.value(name)
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        errors[name] = "日期格式应为 2026-11-23"
        return None


def _fields(entity_name: str | None, changes: str | None) -> str:
    """Which fields an entry changed, by their labels; not the values (personal data, not needed to
    see who did what when)."""
    try:
        names = list(json.loads(changes)) if changes else []
    except (ValueError, TypeError):
        return ""
    labels = {f.name: f.label for f in ENTITIES[entity_name].fields} if entity_name in ENTITIES else {}
    return "、".join(labels.get(n, str(n)) for n in names[:8]) + ("等" if len(names) > 8 else "")


def page(ask: Ask) -> Response:
    name = ask.param("name")
    found = county_stations.station(ask.store, name)
    errors: dict[str, str] = {}
    person, day_from, day_to = ask.value("person"), _day(ask, "from", errors), _day(ask, "to", errors)
    number = int(ask.value("page")) if ask.value("page").isdigit() else 1
    station_id = found["station_id"] or ""
    rows, total = station_audit.listing(ask.store, station_id, person, day_from, day_to, number)
    shown = f"第 {number} 页；人员：{person or '全部'}；日期：{day_from or '不限'} 至 {day_to or '不限'}"
    audit.record_view(ask.store, ask.actor, "查看社工站操作日志", name, shown, ask.client)
    entries = [{**r, "action": ACTION_LABELS.get(r["action"], r["action"]),
                "entity": ENTITIES[r["entity"]].label if r["entity"] in ENTITIES else (r["entity"] or ""),
                "fields": _fields(r["entity"], r["changes"])} for r in rows]
    return ask.render("station_log.html", 422 if errors else 200, section="/stations", station=found,
                      entries=entries, total=total, number=number, pages=max(1, math.ceil(total / station_audit.PAGE)),
                      person=person, people=station_audit.people(ask.store, station_id), errors=errors,
                      day_from=ask.value("from"), day_to=ask.value("to"),
                      refusals=station_audit.refusals(ask.store, station_id))

