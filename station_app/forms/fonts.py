"""The typefaces of the printed forms.

Chinese is set in Droid Sans Fallback, which reportlab subsets and embeds (FontFile2), so a form
prints correctly on a PC with no Chinese fonts. That font has no Latin glyphs at all — not even
digits — so digits, Latin letters and Western punctuation are set in Helvetica, one of the standard
PDF fonts that every viewer and printer supplies. Text is therefore measured and drawn as runs,
each in the face that has its glyphs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from station_app.paths import resource

CJK = "StationCJK"
LATIN = "Helvetica"
FONT_FILE = ("fonts", "DroidSansFallbackFull.ttf")


@dataclass(frozen=True)
class _Faces:
    cjk_codes: frozenset[int]
    cjk_widths: dict[int, float]
    cjk_default: float
    latin: pdfmetrics.Font


_lock = threading.Lock()
_faces: _Faces | None = None
# Widths in thousandths of the font size, per character; filled as characters turn up, because
# both faces are only ever asked about the few thousand characters that forms actually contain.
_char_widths: dict[str, float] = {}


def _load() -> _Faces:
    global _faces
    with _lock:
        if _faces is None:
            # Loading parses a 4 MB font (~0.15 s): once per process, and never twice when two
            # print jobs start together.
            # asciiReadable=False: the face has no ASCII, so reserving codes 32–127 in the first
            # subset would only waste them and split the embedded font into more pieces.
            font = TTFont(CJK, str(resource(*FONT_FILE)), asciiReadable=False, shapable=False)
            pdfmetrics.registerFont(font)
            face = font.face
            # Spaces go with the Latin face, so a space is measured in the face it is drawn in.
            cjk_codes = frozenset(face.charToGlyph).difference((0x20, 0xA0))
            _faces = _Faces(cjk_codes, face.charWidths, face.defaultWidth, pdfmetrics.getFont(LATIN))
    return _faces


def ensure_registered() -> None:
    """Load the Chinese font now (e.g. at start-up, off the UI thread) instead of at the first print."""
    _load()


def _char_width(ch: str) -> float:
    width = _char_widths.get(ch)
    if width is None:
        faces = _faces or _load()
        code = ord(ch)
        if code in faces.cjk_codes:
            width = faces.cjk_widths.get(code, faces.cjk_default)
        else:
            width = faces.latin.stringWidth(ch, 1000)
        _char_widths[ch] = width
    return width


def width(text: str, size: float) -> float:
    """Printed width of `text` in points at `size`."""
    return sum(map(_char_width, text)) * size / 1000


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font name, text) runs, each in the face that has its glyphs."""
    codes = (_faces or _load()).cjk_codes
    result: list[tuple[str, str]] = []
    start = 0
    current = ""
    for i, ch in enumerate(text):
        font = CJK if ord(ch) in codes else LATIN
        if font != current:
            if i:
                result.append((current, text[start:i]))
            start, current = i, font
    if text:
        result.append((current, text[start:]))
    return result
