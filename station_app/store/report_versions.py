"""Submitting a month's report (上报) and reading what was submitted.

`submit` freezes the month's figures as the report shows them (store.monthly_report) into a
`report_version` and one `report_figure` per figure with the records it counted, in one
transaction through the single write path: outbox and audit included, so the version travels to
the county with the next sync or USB bundle, signed like every batch, and the county keeps each
version as a record of its own. A correction is the next version with its reason; nothing
submitted is ever changed (core.report_versions holds the rules).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from station_app.core import report_versions
from station_app.core.child_rules import format_time
from station_app.core.entities import entity
from station_app.core.errors import ValidationError
from station_app.store import monthly_report
from station_app.store.database import StationDatabase
from station_app.core.reports import Figure
from station_app.store.record_rows import decode
from station_app.store.records import RecordStore

_VERSION = entity("report_version")
_FIGURE = entity("report_figure")


@dataclass(frozen=True)
class Submitted:
    """One submitted version with its figures (and their records) as frozen."""

    version: dict[str, Any]
    figures: list[Figure]


def versions(database: StationDatabase, month: str) -> list[dict[str, Any]]:
    """The month's submitted versions, oldest first."""
    rows = database.query("SELECT * FROM report_version WHERE month = ? AND deleted = 0 ORDER BY version", [month])
    return [decode(_VERSION, r) for r in rows]


def state(database: StationDatabase, month: str) -> str:
    """未上报, 已上报 or 已更正."""
    return report_versions.state(versions(database, month))


def latest(database: StationDatabase, month: str) -> Submitted | None:
    """The month's newest submitted version, or None if it was never submitted."""
    found = versions(database, month)
    if not found:
        return None
    version = found[-1]
    ids = {r["key"]: r for r in (decode(_FIGURE, row) for row in database.query(
        "SELECT * FROM report_figure WHERE report_version_id = ? AND deleted = 0", [version["id"]]))}
    return Submitted(version, [Figure(f["section"], f["label"], f["value"], f["unit"], ids[f["key"]]["entity"],
                                      tuple(ids[f["key"]]["ids"] or ()), f["of"], f["key"])
                                for f in version["figures"]])


def changed(current: list[Figure], submitted: Submitted) -> list[str]:
    """Keys of the figures whose number or records differ from the submitted version. A figure the
    version does not have (the report gained it in a later version of the program) is no change
    of what was submitted: it goes up with the next correction, if there is one."""
    before = {f.key: f for f in submitted.figures}
    return [f.key for f in current if f.key in before and (f.value, f.of, f.ids) !=
            (before[f.key].value, before[f.key].of, before[f.key].ids)]


def submit(store: RecordStore, month: str, reason: str | None = None) -> dict[str, Any]:
    """Submit the month's figures as they stand now: version 1, or the next version (a correction,
    with `reason`) when the figures differ from the last one submitted. The head's (站长) to do."""
    database = store.database
    with database.transaction():
        found = monthly_report.figures(database, month)
        previous = latest(database, month)
        if previous is not None and not changed(found, previous):
            raise ValidationError({"reason": f"数字与已上报的第{previous.version['version']}版相同，无需更正"})
        version = previous.version["version"] + 1 if previous else 1
        summary = [f.summary() for f in found]
        records = {f.key: f.ids for f in found}
        header = store.create("report_version", {
            "month": month, "version": version, "figures": summary, "reason": (reason or "").strip() or None,
            "submitted_by": store.actor.display_name, "submitted_at": format_time(dt.datetime.now()),
            "digest": report_versions.digest(month, version, summary, records)})
        store.create_many("report_figure", [{"report_version_id": header["id"], "key": f.key, "entity": f.entity,
                                             "ids": list(f.ids) or None} for f in found])
    return header
