"""Submitted monthly reports (上报): the rules a version keeps, its digest, and a month's state.

The head submits a month's figures once the month is over; they are frozen as a `report_version`
(the figures) with one `report_figure` per figure (the records it counted), and travel to the county
as synced records, inside the signed batch or bundle like every change. Nothing is ever changed: a
correction is the next version, with its reason. Declared on the entity, the store's write path
holds every caller to it: versions of a month are numbered 1, 2, 3 … without gaps, a correction
says why, and only a month that has ended is submitted.

The digest (SHA-256 over the canonical JSON of the month, the version, the figures and each
figure's records) lets the county check that the figures and the lists it holds are the ones the
station froze.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core.behaviour import CREATE, Behaviour, Storage, Write
from station_app.core.errors import ValidationError

NOT_SUBMITTED, SUBMITTED, CORRECTED = "未上报", "已上报", "已更正"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# The shapes of a version's figures and of a figure's records, checked wherever a version is written
# or received (core.validation), so the county reads every submitted report it holds.
FIGURES = {"type": "array", "title": "上报数字", "maxItems": 500, "items": {
    "type": "object", "required": ["key", "section", "label", "value", "unit", "of"],
    "properties": {"key": {"type": "string", "title": "指标代码", "minLength": 1, "maxLength": 60},
                   "section": {"type": "string", "title": "项目", "maxLength": 100},
                   "label": {"type": "string", "title": "指标", "maxLength": 100},
                   "unit": {"type": "string", "title": "单位", "maxLength": 4},
                   "value": {"type": "integer", "title": "数值"},
                   "of": {"type": ["integer", "null"], "title": "总数"}}}}
IDS = {"type": "array", "title": "统计的记录", "items": {"type": "string", "minLength": 1, "maxLength": 64}}


def digest(month: str, version: int, figures: Sequence[Mapping[str, Any]],
           records: Mapping[str, Sequence[str] | None]) -> str:
    """SHA-256 (hex) of what a version freezes; `records` maps each figure's key to its ids."""
    content = {"month": month, "version": version, "figures": list(figures),
               "records": {key: list(ids or ()) for key, ids in sorted(records.items())}}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def state(versions: Sequence[Mapping[str, Any]]) -> str:
    """未上报, 已上报 (version 1) or 已更正 (a later version) for a month's submitted versions."""
    if not versions:
        return NOT_SUBMITTED
    return SUBMITTED if max(v["version"] for v in versions) == 1 else CORRECTED


def month_problem(month: str, today: dt.date) -> str | None:
    """Why `month` ("YYYY-MM") cannot be submitted on `today`, or None."""
    m = _MONTH.match(month or "")
    if not m:
        return "报告月份应为 2026-10 这样的年月"
    if (int(m[1]), int(m[2])) >= (today.year, today.month):
        return "只能上报已经结束的月份"
    return None


def _check_versions(writes: Sequence[Write], storage: Storage) -> None:
    latest: dict[str, int] = {}
    for w in writes:
        if not w.local or w.op != CREATE:
            continue
        month, version = w.after["month"], w.after["version"]
        problem = month_problem(month, storage.today)
        if problem:
            raise ValidationError({"month": problem})
        if month not in latest:
            latest[month] = max((v["version"] for v in storage.living("report_version", "month", [month])), default=0)
        if version != latest[month] + 1:
            raise ValidationError({"version": f"{month[:4]}年{int(month[5:])}月已上报到第{latest[month]}版，"
                                              f"本次应为第{latest[month] + 1}版"})
        if version > 1 and not (w.after.get("reason") or "").strip():
            raise ValidationError({"reason": "更正已上报的月报时请写明更正原因"})
        latest[month] = version


VERSION = Behaviour(checks=(_check_versions,))
