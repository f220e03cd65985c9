"""The monthly figures of intake (主动发现 / 一门受理): the reports the township took in a period, and
how many of them were triaged within the county's time limit. One function per figure, each
returning the records it counted, beside the other figure functions of the monthly report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from station_app.store.database import StationDatabase

Rows = list[dict[str, Any]]


def reports_received(database: StationDatabase, first: dt.date, last: dt.date) -> Rows:
    """Reports received (by 受理时间) from `first` to `last`, with where they went and when."""
    return database.query(
        """SELECT id, channel, triage, triaged_at, triage_due FROM intake_report
           WHERE deleted = 0 AND substr(received_at, 1, 10) BETWEEN ? AND ? ORDER BY received_at""",
        [first.isoformat(), last.isoformat()])


def triaged_in_time(reports: Rows, last: dt.date) -> Rows:
    """Of `reports`, those triaged by the end of `last` within their time limit."""
    end = f"{last.isoformat()} 23:59"
    return [r for r in reports if r["triage"] and r["triaged_at"] <= end and r["triaged_at"] <= r["triage_due"]]
