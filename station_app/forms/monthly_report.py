"""社工站月报: the month's figures for the county, one line each, with the station's signatures.

The figures come from store.monthly_report (each traceable to its records in the app and in the
Excel version); the paper carries the totals a county office files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from station_app.core.reports import Figure
from station_app.forms.layout import Output, Signature, render
from station_app.forms.listing import ListColumn, listing_pages, listing_sheet

TITLE = "社工站工作月报"
LINES = 22

COLUMNS = (
    ListColumn("序号", "number", 8, centered=True),
    ListColumn("项目", "section", 32),
    ListColumn("指标", "label", 52),
    ListColumn("数值", "value", 38, centered=True),
)
SHEET = listing_sheet(TITLE, COLUMNS, LINES, header=(("报告月份", "month"),),
                      signatures=((Signature("填报人", dated=True), Signature("站长", dated=True)),
                                  (Signature("乡镇人民政府", seal=True), Signature("报送日期", date=True))))


def render_monthly_report(figures: Sequence[Figure], month: str, out: Output, *, station_name: str,
                          printed_at: dt.datetime) -> None:
    lines = [{"number": str(n), "section": f.section, "label": f.label, "value": f.text}
             for n, f in enumerate(figures, 1)]
    render(listing_pages(SHEET, LINES, lines, {"month": f"{month[:4]}年{int(month[5:])}月"}), out,
           station_name=station_name, printed_at=printed_at)
