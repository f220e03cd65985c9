"""首页: every station at a glance, and the records behind each number."""

from __future__ import annotations

import datetime as dt

from starlette.responses import Response

from station_app.core.errors import NotFound, ValidationError
from station_app.core.fields import Field, MONEY, FieldError, ParseContext, parse_value
from station_app.server.console.web import Ask
from station_app.server.store import county_queries as q

DEFAULT_LOW_FUND = 500_000  # fen: a reserve fund under 5,000 yuan cannot pay one large advance
_THRESHOLD = Field("below", "备用金提醒线", MONEY)


def _threshold(ask: Ask) -> tuple[int, str]:
    raw = ask.value("below")
    if not raw:
        return DEFAULT_LOW_FUND, ""
    try:
        return int(parse_value(_THRESHOLD, raw, ParseContext(dt.date.today()))), ""
    except FieldError as exc:
        return DEFAULT_LOW_FUND, str(exc)


def overview(ask: Ask) -> Response:
    today, now = dt.date.today(), dt.datetime.now()
    rows = q.overview(ask.store, today, now)
    below, error = _threshold(ask)
    totals = {key: sum(r[key] for r in rows) for key in (*q.COUNTED, "changes_today")}
    return ask.render("overview.html", rows=rows, totals=totals, below=below, error=error,
                      indicators=[q.INDICATORS[k] for k in q.COUNTED], today=today)


def records(ask: Ask) -> Response:
    key, station = ask.value("what"), ask.value("station")
    if key not in q.INDICATORS:
        raise ValidationError({"what": "没有这项统计"})
    names = q.station_names(ask.store)
    if station not in names:
        raise NotFound("没有这个社工站")
    indicator = q.INDICATORS[key]
    ids = q.indicator_ids(ask.store, key, station, dt.date.today(), dt.datetime.now())
    return ask.render("records.html", title=f"{names[station]} · {indicator.label}",
                      listed=q.listing(ask.store, indicator.entity, ids), back="/")
