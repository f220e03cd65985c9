"""Forms that are lists: a header row of column titles and a fixed number of lines per page (the
route sheet, the monthly roster, the reserve-fund ledger, the disbursement roster). Lines are
filled in order and the list runs on over as many pages as it needs; the last page keeps its empty
lines, for entries added by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from station_app.core.dates import age
from station_app.forms.layout import (PORTRAIT, ROW_HEIGHT, Page, Paper, Sheet, Signature, Value, label, row, table,
                                     value)


@dataclass(frozen=True)
class ListColumn:
    title: str
    key: str
    width: float  # relative, as in layout.table
    centered: bool = False


def age_text(birth: str | None, on: dt.date) -> str:
    """"86岁" for a stored birth date, on the day the form is about; "" when unknown."""
    years = age(birth, on)
    return "" if years is None else f"{years}岁"


def date_text(stored: str | None) -> str:
    """"2026年3月5日" for a stored date; blanks to write one in by hand when there is none."""
    if not stored:
        return "    年  月  日"
    day = dt.date.fromisoformat(stored)
    return f"{day.year}年{day.month}月{day.day}日"


def contact_lines(contacts: Sequence[Mapping[str, str]] | None, phone_apart: bool = False) -> list[str]:
    """Emergency contacts in calling order: "1.李建国（儿子）13800001111"; with `phone_apart` the
    number goes on a line of its own, so a narrow cell never breaks it in two."""
    gap = "\n" if phone_apart else " "
    return [f"{i}.{c['name']}" + (f"（{c['relation']}）" if c.get("relation") else "") + f"{gap}{c['phone']}"
            for i, c in enumerate(contacts or [], 1)]


def slot(line: int, key: str) -> str:
    return f"line{line}_{key}"


def listing_sheet(title: str, columns: Sequence[ListColumn], lines: int, line_height: float = ROW_HEIGHT, *,
                  header: tuple[tuple[str, str], ...] = (),
                  signatures: tuple[tuple[Signature, ...], ...] = (),
                  common: tuple[str, str] | None = None, paper: Paper = PORTRAIT) -> Sheet:
    """A sheet of `lines` list lines under a row of column titles; `common` (label, key) adds a
    row above the lines for what holds for every line, said once instead of on each."""
    body = [row(*(label(c.title) for c in columns))]
    if common:
        body.append(row(label(common[0], span=2), value(common[1], span=len(columns) - 2)))
    for i in range(lines):
        body.append(row(*(value(slot(i, c.key), centered=c.centered) for c in columns), height=line_height))
    return Sheet(title, header=header, tables=(table([c.width for c in columns], *body),), signatures=signatures,
                 paper=paper)


def listing_pages(sheet: Sheet, lines: int, items: Sequence[Mapping[str, Value]],
                  header_values: Mapping[str, Value]) -> list[Page]:
    """Pages of `sheet` holding `items` in order, `lines` per page; at least one page."""
    pages = []
    for start in range(0, max(len(items), 1), lines):
        values: dict[str, Value] = dict(header_values)
        for i, item in enumerate(items[start:start + lines]):
            values.update({slot(i, key): text for key, text in item.items()})
        pages.append(Page(sheet, values))
    return pages
