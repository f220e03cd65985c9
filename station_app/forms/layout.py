"""What every printed form shares: an A4 sheet (upright, or on its side for wide lists) with a title, boxed field tables, signature lines
(with the unit's seal and the date where the form is filed), opinion boxes signed at their foot, and a
footer; and the renderer that prints a batch of pages into one PDF.

A form module declares a `Sheet` once and prints one `Page` (the sheet plus one record's values)
per record. Everything on a sheet that does not depend on the record — grid, labels, signature
lines, the footer's station name and print time — is drawn once per PDF as a form XObject that
every page reuses, so a page costs only its values and its page number.

Cells are fixed, as on the paper forms they copy. A value too long for its cell wraps by character
(keeping digits and Latin words whole, and no line starting with a closing mark) and then shrinks;
only past the smallest legible size is it cut short with "…". Prose that may run long goes through
`flow`, which continues it on further pages instead, so nothing typed is lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from station_app.core.jobs import JobState
from station_app.forms import fonts

MARGIN_X = 20 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 20 * mm  # the footer sits inside it

# Chinese type sizes: 小二 for titles, 五号 for form text, 小五 for the footer.
TITLE_SIZE = 18.0
TEXT_SIZE = 10.5
SMALL_SIZE = 9.0
MIN_SIZE = 6.5
LEADING = 1.3  # line height, as a multiple of the size

ROW_HEIGHT = 9 * mm
SIGNATURE_LINE = 10 * mm
FILL = 0.0  # a row of this height takes whatever the page has left
PAD_X = 1.5 * mm
PAD_Y = 0.8 * mm
THIN = 0.5
FRAME = 1.0

# A CJK glyph's box runs from about -0.12 to 0.88 em: its middle sits this far above the baseline.
_GLYPH_MIDDLE = 0.38

Lines = tuple[str, ...]  # text already broken into lines, drawn top-down at TEXT_SIZE
Value = str | Lines
Output = str | os.PathLike[str] | BinaryIO


@dataclass(frozen=True)
class Signature:
    label: str
    date: bool = False  # blanks for 年 月 日 instead of a line to sign on
    seal: bool = False  # "（盖章）" after the line: the unit's seal goes over it
    dated: bool = False  # 年 月 日 after the line: signed, and dated by hand


@dataclass(frozen=True)
class Cell:
    text: str = ""  # printed on every page: a label
    key: str = ""  # filled in per page: the value under this key
    span: int = 1
    rows: int = 1
    centered: bool = True
    # An opinion box: its bottom line is for the signature (with the seal, and the date) of whoever
    # gives the opinion; the value fills the space above it.
    signed: Signature | None = None


def label(text: str, span: int = 1, rows: int = 1) -> Cell:
    return Cell(text=text, span=span, rows=rows)


def value(key: str, span: int = 1, rows: int = 1, centered: bool = False) -> Cell:
    return Cell(key=key, span=span, rows=rows, centered=centered)


def opinion(key: str, signer: str, span: int = 1, seal: bool = False) -> Cell:
    """An opinion box filled from `key`, signed at its foot by `signer`, dated, and sealed if `seal`."""
    return Cell(key=key, span=span, centered=False, signed=Signature(signer, seal=seal, dated=True))


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    height: float = ROW_HEIGHT


def row(*cells: Cell, height: float = ROW_HEIGHT) -> Row:
    return Row(cells, height)


@dataclass(frozen=True)
class Table:
    columns: tuple[float, ...]  # relative widths, scaled to the content width
    rows: tuple[Row, ...]


def table(columns: Sequence[float], *rows: Row) -> Table:
    return Table(tuple(columns), rows)


@dataclass(frozen=True)
class _Box:
    x: float
    y: float  # bottom edge
    width: float
    height: float
    centered: bool = False


@dataclass(frozen=True)
class _Plan:
    cells: tuple[tuple[float, float, float, float], ...]
    frame: tuple[float, float, float, float]
    rules: tuple[tuple[float, float, float, float], ...]  # lines to sign or write a date on
    title: _Box
    labels: tuple[tuple[_Box, str], ...]
    slots: dict[str, _Box]


@dataclass(frozen=True)
class Paper:
    width: float
    height: float

    @property
    def content_width(self) -> float:
        return self.width - 2 * MARGIN_X


PORTRAIT = Paper(*A4)
LANDSCAPE = Paper(A4[1], A4[0])  # for lists with more columns than an upright page holds


@dataclass(frozen=True, eq=False)
class Sheet:
    """The design of one kind of page. Tables stack top-down with shared borders, so a block may
    have columns of its own; signature lines sit under the last table, one tuple per line."""

    title: str
    tables: tuple[Table, ...]
    header: tuple[tuple[str, str], ...] = ()  # (label, key) pairs on the line under the title
    signatures: tuple[tuple[Signature, ...], ...] = ()
    paper: Paper = PORTRAIT

    @cached_property
    def plan(self) -> _Plan:
        return _plan(self)


@dataclass(frozen=True)
class Page:
    sheet: Sheet
    values: Mapping[str, Value]


def _plan(sheet: Sheet) -> _Plan:
    content_width = sheet.paper.content_width
    top = sheet.paper.height - MARGIN_TOP
    title = _Box(MARGIN_X, top - TITLE_SIZE * 2, content_width, TITLE_SIZE * 2, centered=True)
    labels: list[tuple[_Box, str]] = []
    slots: dict[str, _Box] = {}
    top = title.y
    if sheet.header:
        line = TEXT_SIZE * LEADING
        top -= line
        for (text, key), x in zip(sheet.header, _spread(len(sheet.header), content_width), strict=True):
            start = _caption(text, x, top, labels)
            slots[key] = _Box(start, top, x + content_width / len(sheet.header) - start - PAD_X, line)
        top -= 2 * mm

    bottom = MARGIN_BOTTOM + len(sheet.signatures) * SIGNATURE_LINE + (3 * mm if sheet.signatures else 0)
    heights = [r.height for t in sheet.tables for r in t.rows]
    stretch = top - bottom - sum(heights)
    if heights.count(FILL) > 1 or stretch < 0:
        raise ValueError(f"{sheet.title}: tables do not fit the page")

    cells: list[tuple[float, float, float, float]] = []
    rules: list[tuple[float, float, float, float]] = []
    table_top = top
    for t in sheet.tables:
        row_tops = [table_top]
        for r in t.rows:
            row_tops.append(row_tops[-1] - (r.height or stretch))
        for (x, y, w, h), cell in _cells(t, row_tops, content_width):
            cells.append((x, y, w, h))
            if cell.signed is not None:  # the foot of the box is the signer's
                baseline = y + PAD_Y + TEXT_SIZE * LEADING / 2 - _GLYPH_MIDDLE * TEXT_SIZE
                _signature(cell.signed, x + w / 4, baseline, w * 3 / 4, labels, rules)
                y, h = y + TEXT_SIZE * LEADING + PAD_Y, h - TEXT_SIZE * LEADING - PAD_Y
            inner = _Box(x + PAD_X, y + PAD_Y, w - 2 * PAD_X, h - 2 * PAD_Y, cell.centered)
            if cell.key:
                slots[cell.key] = inner
            elif cell.text:
                labels.append((inner, cell.text))
        table_top = row_tops[-1]

    for i, signatures in enumerate(sheet.signatures):
        baseline = table_top - (i + 1) * SIGNATURE_LINE
        for signature, x in zip(signatures, _spread(len(signatures), content_width), strict=True):
            _signature(signature, x, baseline, content_width / len(signatures), labels, rules)
    frame = (MARGIN_X, table_top, content_width, top - table_top)
    return _Plan(tuple(cells), frame, tuple(rules), title, tuple(labels), slots)


def _spread(count: int, width: float) -> list[float]:
    return [MARGIN_X + i * width / count for i in range(count)]


def _cells(t: Table, row_tops: list[float], width: float) -> list[tuple[tuple[float, float, float, float], Cell]]:
    """Place each cell like an HTML table: a cell takes the next column not covered from above."""
    scale = width / sum(t.columns)
    xs = [MARGIN_X]
    for w in t.columns:
        xs.append(xs[-1] + w * scale)
    covered: set[tuple[int, int]] = set()
    placed = []
    for r, table_row in enumerate(t.rows):
        c = 0
        for cell in table_row.cells:
            while (r, c) in covered:
                c += 1
            if c + cell.span > len(t.columns) or r + cell.rows > len(t.rows):
                raise ValueError(f"cell {cell.text or cell.key!r} runs off its table")
            covered.update((r + i, c + j) for i in range(cell.rows) for j in range(cell.span))
            x, y = xs[c], row_tops[r + cell.rows]
            placed.append(((x, y, xs[c + cell.span] - x, row_tops[r] - y), cell))
            c += cell.span
    return placed


def _caption(text: str, x: float, y: float, labels: list[tuple[_Box, str]]) -> float:
    """A "label：" on a one-line box whose bottom is y; returns where the blank after it starts."""
    text += "："
    used = fonts.width(text, TEXT_SIZE)
    labels.append((_Box(x, y, used, TEXT_SIZE * LEADING), text))
    return x + used


_SEAL = "（盖章）"
_DATE_WIDTH = 25 * mm + 3 * TEXT_SIZE  # the blanks and marks of "    年  月  日"


def _signature(
    signature: Signature,
    x: float,
    baseline: float,
    width: float,
    labels: list[tuple[_Box, str]],
    rules: list[tuple[float, float, float, float]],
) -> None:
    """"label：＿＿＿＿" in `width` from `x` on `baseline`, or "label：  年  月  日"; a signing line
    may be followed by the seal's place and the date's blanks."""
    bottom = baseline - (TEXT_SIZE * LEADING / 2 - _GLYPH_MIDDLE * TEXT_SIZE)
    end = x + width - 6 * mm
    if signature.label:
        x = _caption(signature.label, x, bottom, labels)
    if signature.date:
        _date_marks(x, bottom, labels)
        return
    line_end = end - (_DATE_WIDTH if signature.dated else 0) - \
        (fonts.width(_SEAL, TEXT_SIZE) + 2 * mm if signature.seal else 0)
    rules.append((x, baseline - 2, line_end, baseline - 2))
    x = line_end + 1 * mm
    if signature.seal:
        labels.append((_Box(x, bottom, fonts.width(_SEAL, TEXT_SIZE), TEXT_SIZE * LEADING), _SEAL))
        x += fonts.width(_SEAL, TEXT_SIZE) + 1 * mm
    if signature.dated:
        _date_marks(x, bottom, labels)


def _date_marks(x: float, bottom: float, labels: list[tuple[_Box, str]]) -> None:
    for mark in "年月日":
        x += 11 * mm if mark == "年" else 7 * mm
        labels.append((_Box(x, bottom, TEXT_SIZE, TEXT_SIZE * LEADING), mark))
        x += TEXT_SIZE


# A run of digits, Latin letters and ASCII signs is kept whole, and so is a short aside in
# brackets (a relation such as "（子/女）"); anything else breaks anywhere.
_TOKEN = re.compile(r"（[^（）\n]{1,4}）|[!-~]+|.")
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’…%,.;:?!)]}")
_NO_LINE_END = frozenset("（《「『【〔“‘([{")


@lru_cache(maxsize=8192)
def wrap(text: str, width: float, size: float = TEXT_SIZE) -> Lines:
    """Break text into lines no wider than `width`: by character, as Chinese is set."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line: list[str] = []
        used = 0.0
        for token in _tokens(paragraph, width, size):
            w = fonts.width(token, size)
            if not line or used + w <= width + 1e-6:
                line.append(token)
                used += w
                continue
            carry = []
            if len(line) > 1 and (token in _NO_LINE_START or line[-1] in _NO_LINE_END):
                carry.append(line.pop())
            lines.append("".join(line).rstrip())
            line = carry if token == " " else [*carry, token]
            used = sum(fonts.width(t, size) for t in line)
        lines.append("".join(line).rstrip())
    return tuple(lines)


def _tokens(paragraph: str, width: float, size: float) -> list[str]:
    tokens = []
    for token in _TOKEN.findall(paragraph):
        if len(token) > 1 and fonts.width(token, size) > width:
            tokens.extend(token)  # a run longer than the line: break it anywhere
        else:
            tokens.append(token)
    return tokens


@lru_cache(maxsize=8192)
def fit(text: str, width: float, height: float, size: float = TEXT_SIZE) -> tuple[float, Lines]:
    """The largest size up to `size` at which `text` fits the box, and its lines."""
    while True:
        lines = wrap(text, width, size)
        room = max(1, int((height + 1e-6) // (size * LEADING)))
        if len(lines) <= room:
            if len(lines) > 1 and len(text.splitlines()) == 1:
                # Even lines read better in a cell than a full line and a stray character.
                even = wrap(text, min(width, fonts.width(text, size) / len(lines) + size), size)
                lines = even if len(even) == len(lines) else lines
            return size, lines
        if size <= MIN_SIZE:
            return size, (*lines[: room - 1], _shorten(lines[room - 1], width, size))
        size = max(MIN_SIZE, size - 0.5)


def _shorten(line: str, width: float, size: float) -> str:
    while line and fonts.width(line + "…", size) > width:
        line = line[:-1]
    return line + "…"


def flow(text: str, key: str, first: Sheet, rest: Sheet, marker: str = "（续见下页）") -> list[Lines]:
    """Break prose into the lines for `key` on `first`, then on as many `rest` pages as it needs.

    Every part but the last ends with `marker`, so the reader knows the text goes on.
    """
    boxes = first.plan.slots[key], rest.plan.slots[key]
    lines = wrap(text, min(b.width for b in boxes), TEXT_SIZE)
    room = [max(1, int(b.height // (TEXT_SIZE * LEADING)) - 1) for b in boxes]  # one line for the marker
    parts: list[Lines] = []
    while len(lines) > room[bool(parts)] + 1:
        take = room[bool(parts)]
        parts.append((*lines[:take], marker))
        lines = lines[take:]
    parts.append(lines)
    return parts


class _Writer:
    """One text object per page (or template): positions, font switches and the text itself."""

    def __init__(self, canvas: Canvas) -> None:
        self.text: PDFTextObject = canvas.beginText()
        self._font: tuple[str, float] | None = None

    def line(self, x: float, baseline: float, text: str, size: float) -> None:
        self.text.setTextOrigin(x, baseline)
        for font, run in fonts.runs(text):
            if (font, size) != self._font:
                self.text.setFont(font, size)
                self._font = (font, size)
            self.text.textOut(run)

    def centered(self, x: float, baseline: float, text: str, size: float) -> None:
        self.line(x - fonts.width(text, size) / 2, baseline, text, size)

    def box(self, box: _Box, content: Value, size: float = TEXT_SIZE) -> None:
        """A string fits the box (wrapped, shrunk if need be) and is centred on its height;
        ready-made lines run from the top at `size`."""
        if isinstance(content, str):
            size, lines = fit(content, box.width, box.height, size)
            top = box.y + (box.height + len(lines) * size * LEADING) / 2
        else:
            lines, top = content, box.y + box.height
        step = size * LEADING
        for i, text in enumerate(lines):
            baseline = top - (i + 0.5) * step - _GLYPH_MIDDLE * size
            if box.centered:
                self.centered(box.x + box.width / 2, baseline, text, size)
            else:
                self.line(box.x, baseline, text, size)


_FOOTER_BASELINE = MARGIN_BOTTOM - 10 * mm


def _draw_template(canvas: Canvas, sheet: Sheet, name: str, station_name: str, printed_at: dt.datetime) -> None:
    plan = sheet.plan
    canvas.beginForm(name)
    canvas.setLineWidth(THIN)
    for x, y, w, h in plan.cells:
        canvas.rect(x, y, w, h)
    for x1, y1, x2, y2 in plan.rules:
        canvas.line(x1, y1, x2, y2)
    canvas.setLineWidth(FRAME)
    canvas.rect(*plan.frame)

    writer = _Writer(canvas)
    for box, text in plan.labels:
        writer.box(box, text)
    writer.line(MARGIN_X, _FOOTER_BASELINE, station_name, SMALL_SIZE)
    stamp = f"打印时间：{printed_at:%Y-%m-%d %H:%M}"
    writer.line(sheet.paper.width - MARGIN_X - fonts.width(stamp, SMALL_SIZE), _FOOTER_BASELINE, stamp, SMALL_SIZE)
    canvas.drawText(writer.text)

    # The font has no bold face: fill and stroke the outlines instead, as printed forms do.
    title = _Writer(canvas)
    title.text.setTextRenderMode(2)
    canvas.setLineWidth(TITLE_SIZE / 40)
    title.box(plan.title, sheet.title, TITLE_SIZE)
    canvas.drawText(title.text)
    canvas.endForm()


def render(
    pages: Sequence[Page],
    out: Output,
    *,
    station_name: str,
    printed_at: dt.datetime,
    state: JobState | None = None,
) -> None:
    """Print the pages into one PDF at `out` (a path or a binary file), numbered 第 N 页 共 M 页.

    A path is written only once the whole PDF is done, under a temporary name renamed into place:
    a cancelled or failed job leaves whatever was at `out` before untouched.
    """
    if not pages:
        raise ValueError("no pages to print")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(pages[0].sheet.title)
    canvas.setAuthor(station_name)
    templates: dict[int, str] = {}
    total = len(pages)
    if state:
        state.report(0, total)
    for number, page in enumerate(pages, 1):
        canvas.setPageSize((page.sheet.paper.width, page.sheet.paper.height))  # before a template: it is its bounds
        name = templates.get(id(page.sheet))
        if name is None:
            name = templates[id(page.sheet)] = f"sheet{len(templates)}"
            _draw_template(canvas, page.sheet, name, station_name, printed_at)
        canvas.doForm(name)
        writer = _Writer(canvas)
        for key, box in page.sheet.plan.slots.items():
            content = page.values.get(key)
            if content:
                writer.box(box, content)
        writer.centered(page.sheet.paper.width / 2, _FOOTER_BASELINE, f"第 {number} 页 共 {total} 页", SMALL_SIZE)
        canvas.drawText(writer.text)
        canvas.showPage()
        if state:
            state.report(number, total)
    canvas.save()
    _write(buffer.getvalue(), out)


def _write(data: bytes, out: Output) -> None:
    if not isinstance(out, str | os.PathLike):
        out.write(data)
        return
    target = Path(out)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
