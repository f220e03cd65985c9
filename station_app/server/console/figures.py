"""统计: a month's figures per township and the county total, charts, Excel export, each figure
traced to the records behind it, and each township's submitted versions.

A township's row is the report it submitted (上报) for the month, its latest version, marked
已上报 or 已更正; a township that has not submitted is marked 未上报 and shows the county's own count
from the synced records (server.store.county_figures), labelled as the live count (未上报的实时数)
it is. The county total adds up the submitted reports, and, while some townships have not
submitted, also the live counts with them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from starlette.responses import Response

from station_app.core import county_roles
from station_app.core.errors import NotFound, ValidationError
from station_app.core.report_versions import NOT_SUBMITTED
from station_app.core.reports import KINDS, Figure, FigureKind, previous_month
from station_app.server.console import web
from station_app.server.console.charts import Chart, bar_chart
from station_app.server.console.web import Ask
from station_app.server.store import audit, county_figures, county_queries, county_reports
from station_app.server.store.county_reports import Version

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
LIVE = "未上报的实时数"
LIVE_MARK = "*"


@dataclass(frozen=True)
class Row:
    """One township's month: what it submitted, and the county's own count of its synced records."""

    name: str
    station_id: str
    versions: list[Version]  # oldest first
    live: list[Figure]

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def state(self) -> str:
        return county_reports.state(self.versions)

    @property
    def figures(self) -> list[Figure]:
        """The figures the table shows: the latest submitted version's, else the live count."""
        return self.latest.figures if self.latest else self.live

    def cell(self, kind: FigureKind) -> Figure | None:
        return find(self.figures, kind.key)


@dataclass(frozen=True)
class Total:
    label: str
    figures: list[Figure]
    live: bool  # adds in townships' live counts

    def cell(self, kind: FigureKind) -> Figure | None:
        return find(self.figures, kind.key)


def find(figures: Iterable[Figure], key: str) -> Figure | None:
    return next((f for f in figures if f.key == key), None)


def _month(ask: Ask) -> str:
    month = ask.value("month") or previous_month(dt.date.today())
    if not _MONTH.match(month):
        raise ValidationError({"month": "月份应写成 2026-11 这样的格式"})
    return month


def _rows(ask: Ask, month: str, owner: str | None = None) -> list[Row]:
    """Every township (or `owner`) in name order, with its submitted versions and live count."""
    live = county_figures.month_figures(ask.store, month, owner)
    submitted = county_reports.versions(ask.store, month, owner)
    names = county_queries.station_names(ask.store)
    return sorted((Row(names[s], s, submitted.get(s, []), figures) for s, figures in live.items() if s in names),
                  key=lambda r: r.name)


def _totals(rows: list[Row]) -> list[Total]:
    """The submitted reports added up; while some township has not submitted, with their live count too."""
    done = [r for r in rows if r.latest]
    out = []
    if done:
        out.append(Total(f"全县合计：已上报的 {len(done)} 个乡镇", county_figures.total(r.figures for r in done), False))
    if len(done) < len(rows):
        out.append(Total(f"全县合计：含 {len(rows) - len(done)} 个乡镇{LIVE}", county_figures.total(r.figures for r in rows),
                         True))
    return out


def _charts(rows: list[Row]) -> list[Chart]:
    """A township drawn from its live count is starred (the page's note says why): its bar is not
    a figure it signed."""
    def name(row: Row) -> str:
        return row.name if row.latest else f"{row.name}{LIVE_MARK}"

    def rate(key: str) -> list[tuple[str, float, str]]:
        out = []
        for row in rows:
            f = find(row.figures, key)
            share = f.value / f.of if f and f.of else 0.0
            out.append((name(row), share, f"{share:.1%}" if f and f.of else "—"))
        return out

    paid = [(name(r), sum(f.value for f in r.figures if f.key.startswith("relief.money.")) / 100) for r in rows]
    return [bar_chart("特殊困难老年人本月探访完成率", rate("elders.done"), 1),
            bar_chart("委托照护协议签订率", rate("children.agreements"), 1),
            bar_chart("本月支出临时救助金（元，含先行救助）", [(n, v, f"{v:,.2f}") for n, v in paid])]


def page(ask: Ask) -> Response:
    try:
        month = _month(ask)
    except ValidationError as exc:
        return ask.render("figures.html", 422, section="/figures", month=ask.value("month"), rows=[], totals=[],
                          kinds=KINDS, charts=[], error=exc.errors["month"], live=LIVE)
    rows = _rows(ask, month)
    return ask.render("figures.html", section="/figures", month=month, rows=rows, totals=_totals(rows), kinds=KINDS,
                      charts=_charts(rows) if rows else [], error="", live=LIVE, live_mark=LIVE_MARK)


def _text(figure: Figure | None) -> str:
    return figure.text if figure else "—"


def workbook(month: str, rows: list[Row], totals: list[Total]) -> bytes:
    """The whole table as Excel: a header row of sections, one of labels, a row per township with
    its state (a live count says so) and the totals."""
    book = Workbook()
    sheet = book.active
    sheet.title = "各乡镇月报"
    sheet.append([f"各乡镇（街道）社工站月报汇总（{month[:4]}年{int(month[5:])}月）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["", "", *(k.section for k in KINDS)])
    sheet.append(["社工站", "上报情况", *(k.label for k in KINDS)])
    for row in (2, 3):
        for cell in sheet[row]:
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E3E8EE")
    for r in rows:
        state = f"{r.state}（第{r.latest.version}版）" if r.latest else f"{NOT_SUBMITTED}（{LIVE}）"
        sheet.append([r.name, state, *(_text(r.cell(k)) for k in KINDS)])
    for t in totals:
        sheet.append([t.label, "", *(_text(t.cell(k)) for k in KINDS)])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(ask: Ask) -> Response:
    month = _month(ask)
    rows = _rows(ask, month)
    audit.record_view(ask.store, ask.actor, "导出统计表", month, f"{len(rows)} 个社工站", ask.client)
    return Response(workbook(month, rows, _totals(rows)),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={**web.HEADERS, "Content-Disposition": web.attachment(f"社工站月报汇总-{month}.xlsx")})


def _township(ask: Ask, month: str) -> Row:
    station = ask.value("station")
    found = _rows(ask, month, station) if station in county_queries.station_names(ask.store) else []
    if not found:
        raise NotFound("没有这个社工站")
    return found[0]


def versions(ask: Ask) -> Response:
    """A township's month: every submitted version with who, when and why, whether its digest still
    holds, each figure version by version, and beside them the county's live count."""
    month = _month(ask)
    row = _township(ask, month)
    checked = {v.version: county_reports.digest_holds(v, county_reports.records(ask.store, v)) for v in row.versions}
    return ask.render("figure_versions.html", section="/figures", month=month, row=row, kinds=_kinds(row),
                      checked=checked, live=LIVE)


def _kinds(row: Row) -> list[FigureKind]:
    """The catalogue's figures, then any a version holds that this server does not know (a newer app's)."""
    known = {k.key for k in KINDS}
    extra = {f.key: FigureKind(f.key, f.section, f.label, f.unit, f.entity, f.of is not None)
             for v in row.versions for f in v.figures if f.key not in known}
    return [*KINDS, *extra.values()]


def trace(ask: Ask) -> Response:
    """The records behind one township's figure: as a version listed them (`version`), else as the
    county counts them now; a POST (CSRF-checked, logged) shows full numbers."""
    month = _month(ask)
    row = _township(ask, month)
    key, number = ask.value("key"), ask.value("version")
    version = next((v for v in row.versions if str(v.version) == number), None)
    if number and version is None:
        raise NotFound("没有这个上报版本")
    figure = _figure(version.figures if version else row.live, key)
    entity, ids = county_reports.records(ask.store, version).get(key, (figure.entity, ())) if version \
        else (figure.entity, figure.ids)
    reveal = ask.request.method == "POST"
    if reveal:
        ask.actor.require(county_roles.UNMASK)
    source = f"第{version.version}版上报" if version else LIVE
    target = f"{row.name} {month} {figure.label}（{source}）"
    audit.record_view(ask.store, ask.actor, "查看完整号码" if reveal else "查看统计明细", target, None, ask.client)
    return ask.render("records.html", section="/figures",
                      title=f"{row.name} · {month} · {figure.label}：{figure.text}（{source}）",
                      listed=county_queries.listing(ask.store, entity, ids), reveal=reveal,
                      back=f"/figures?month={month}", unmask_form=True)


def _figure(figures: Iterable[Figure], key: str) -> Figure:
    found = find(figures, key)
    if found is None:
        raise NotFound("没有这项统计")
    return found
