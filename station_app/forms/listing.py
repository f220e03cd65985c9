"""Registers printed as tables: a header row of column titles, then a fixed number of ruled rows
per page, continued on as many pages as the entries need (the reserve-fund ledger, the
disbursement roster). Built on `layout`: one `Sheet` per register, one `Page` per page of rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from station_app.forms.layout import Page, Sheet, Signature, label, row, table, value


@dataclass(frozen=True)
class ListColumn:
    title: str
    key: str
    width: float  # relative
    centered: bool = False


def register_sheet(title: str, columns: Sequence[ListColumn], rows_per_page: int,
                   header: tuple[tuple[str, str], ...] = (),
                   signatures: tuple[tuple[Signature, ...], ...] = ()) -> Sheet:
    """A sheet with `rows_per_page` ruled rows under the column titles; values are keyed "key.N"."""
    titles = row(*(label(c.title) for c in columns))
    body = [row(*(value(f"{c.key}.{n}", centered=c.centered) for c in columns)) for n in range(rows_per_page)]
    return Sheet(title, header=header, tables=(table([c.width for c in columns], titles, *body),),
                 signatures=signatures)


def register_pages(sheet: Sheet, columns: Sequence[ListColumn], rows_per_page: int,
                   entries: Sequence[Mapping[str, str]], header_values: Mapping[str, str]) -> list[Page]:
    """The entries spread over as many pages as they need (at least one, even if empty)."""
    pages = []
    for start in range(0, max(len(entries), 1), rows_per_page):
        values = dict(header_values)
        for n, entry in enumerate(entries[start:start + rows_per_page]):
            values.update({f"{c.key}.{n}": entry.get(c.key, "") for c in columns})
        pages.append(Page(sheet, values))
    return pages
