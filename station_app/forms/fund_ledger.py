"""临时救助备用金台账: the reserve-fund ledger for a period, as the auditors read it.

The first line brings the balance forward from before the period, every entry follows in the
order it was made with its running balance, and the last lines give the period's totals and the
closing balance. Amounts are yuan with fen, exactly as stored.
"""

from __future__ import annotations

import datetime as dt

from station_app.core.entities import FUND_ENTRY_KINDS
from station_app.core.fields import format_money
from station_app.core.jobs import JobState
from station_app.core.relief_views import Ledger
from station_app.forms.layout import Output, Signature, render
from station_app.forms.listing import ListColumn, listing_pages, listing_sheet

TITLE = "临时救助备用金台账"
ROWS_PER_PAGE = 24
COLUMNS = (
    ListColumn("日期", "date", 20, centered=True),
    ListColumn("类型", "kind", 16, centered=True),
    ListColumn("摘要", "reason", 56),
    ListColumn("申请人", "person", 15, centered=True),
    ListColumn("收入（元）", "income", 20, centered=True),
    ListColumn("支出（元）", "outgo", 20, centered=True),
    ListColumn("余额（元）", "balance", 22, centered=True),
)
SHEET = listing_sheet(TITLE, COLUMNS, ROWS_PER_PAGE, header=(("期间", "period"),),
                       signatures=((Signature("记账人"), Signature("审核人"), Signature("站长")),))
_KINDS = dict(FUND_ENTRY_KINDS)


def _money(fen: int | None) -> str:
    return format_money(fen) if fen is not None else ""


def ledger_lines(ledger: Ledger) -> list[dict[str, str]]:
    """Brought forward, the entries, the totals and the closing balance, as printed."""
    lines = [{"date": ledger.start.isoformat(), "reason": "上期结转", "balance": _money(ledger.opening)}]
    for e in ledger.entries:
        lines.append({"date": e["entry_date"], "kind": _KINDS.get(e["kind"], e["kind"]), "reason": e["reason"],
                      "person": e["person_name"] or "", "income": _money(e["income"]), "outgo": _money(e["outgo"]),
                      "balance": _money(e["balance"])})
    lines.append({"date": ledger.end.isoformat(), "reason": "本期合计", "income": _money(ledger.total_in),
                  "outgo": _money(ledger.total_out), "balance": _money(ledger.closing)})
    return lines


def render_fund_ledger(ledger: Ledger, out: Output, *, station_name: str, printed_at: dt.datetime,
                       state: JobState | None = None) -> None:
    period = f"{ledger.start:%Y年%m月%d日} 至 {ledger.end:%Y年%m月%d日}"
    pages = listing_pages(SHEET, ROWS_PER_PAGE, ledger_lines(ledger), {"period": period})
    render(pages, out, station_name=station_name, printed_at=printed_at, state=state)
