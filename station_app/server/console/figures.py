"""统计: a month's figures per township and the county total, charts, Excel export, and each
figure traced to the records behind it."""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from starlette.responses import Response

from station_app.core import county_roles
from station_app.core.errors import NotFound, ValidationError
from station_app.server.console import web
from station_app.server.console.charts import Chart, bar_chart
from station_app.server.console.web import Ask
from station_app.server.store import audit, county_figures, county_queries
from station_app.store.monthly_report import Figure, previous_month

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _month(ask: Ask) -> str:
    month = ask.value("month") or previous_month(dt.date.today())
    if not _MONTH.match(month):
        raise ValidationError({"month": "月份应写成 2026-11 这样的格式"})
    return month


def _table(ask: Ask, month: str) -> tuple[list[tuple[str, str, list[Figure]]], list[Figure]]:
    """(station name, station id, figures) per township in name order, and the county total."""
    columns = county_figures.month_figures(ask.store, month)
    names = county_queries.station_names(ask.store)
    rows = sorted(((names[s], s, figures) for s, figures in columns.items()), key=lambda r: r[0])
    return rows, county_figures.total(columns.values())


def _charts(rows: list[tuple[str, str, list[Figure]]]) -> list[Chart]:
    def rate(label: str) -> list[tuple[str, float, str]]:
        out = []
        for name, _id, figures in rows:
            f = next(f for f in figures if f.label == label)
            out.append((name, f.value / f.of if f.of else 0.0, f"{f.value / f.of:.1%}" if f.of else "—"))
        return out

    paid = [(name, sum(f.value for f in figures if f.label.startswith("发放")) / 100, "")
            for name, _id, figures in rows]
    return [bar_chart("特殊困难老年人本月探访完成率", rate("本月探访完成（次，按应访次数计）"), 1),
            bar_chart("委托照护协议签订率", rate("委托照护协议签订率（需签订协议的儿童）"), 1),
            bar_chart("本月发放临时救助金额（元）", [(n, v, f"{v:,.2f}") for n, v, _ in paid])]


def page(ask: Ask) -> Response:
    try:
        month = _month(ask)
    except ValidationError as exc:
        return ask.render("figures.html", 422, section="/figures", month=ask.value("month"), rows=[], total=[],
                          charts=[], error=exc.errors["month"])
    rows, total = _table(ask, month)
    return ask.render("figures.html", section="/figures", month=month, rows=rows, total=total,
                      charts=_charts(rows) if rows else [], error="")


def workbook(month: str, rows: list[tuple[str, str, list[Figure]]], total: list[Figure]) -> bytes:
    """The whole table as Excel: a header row of sections, one of labels, a row per township and the total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "各乡镇月报"
    sheet.append([f"各乡镇（街道）社工站月报汇总（{month[:4]}年{int(month[5:])}月）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["", *(f.section for f in total)])
    sheet.append(["社工站", *(f.label for f in total)])
    for row in (2, 3):
        for cell in sheet[row]:
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E3E8EE")
    for name, _id, figures in rows:
        sheet.append([name, *(f.text for f in figures)])
    sheet.append(["全县合计", *(f.text for f in total)])
    sheet.column_dimensions["A"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(ask: Ask) -> Response:
    month = _month(ask)
    rows, total = _table(ask, month)
    audit.record_view(ask.store, ask.actor, "导出统计表", month, f"{len(rows)} 个社工站", ask.client)
    return Response(workbook(month, rows, total),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={**web.HEADERS, "Content-Disposition": web.attachment(f"社工站月报汇总-{month}.xlsx")})


def trace(ask: Ask) -> Response:
    """The records behind one township's figure; a POST (CSRF-checked, logged) shows full numbers."""
    month, station = _month(ask), ask.value("station")
    names = county_queries.station_names(ask.store)
    if station not in names:
        raise NotFound("没有这个社工站")
    figures = county_figures.month_figures(ask.store, month, owner=station)[station]
    try:
        figure = figures[int(ask.value("n"))]
    except (ValueError, IndexError):
        raise NotFound("没有这项统计") from None
    reveal = ask.request.method == "POST"
    if reveal:
        ask.actor.require(county_roles.UNMASK)
    target = f"{names[station]} {month} {figure.label}"
    audit.record_view(ask.store, ask.actor, "查看完整号码" if reveal else "查看统计明细", target, None, ask.client)
    return ask.render("records.html", section="/figures", title=f"{names[station]} · {month} · {figure.label}：{figure.text}",
                      listed=county_queries.listing(ask.store, figure.entity, figure.ids), reveal=reveal,
                      back=f"/figures?month={month}", unmask_form=True)
