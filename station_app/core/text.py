"""Small text normalisations that make input forgiving for people typing with a Chinese IME."""

from __future__ import annotations

import re

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def to_halfwidth(text: str) -> str:
    """Turn full-width ASCII (１２３ＡＢＣ，ｘ) into ordinary characters."""
    return text.translate(_FULLWIDTH)


# Anything clean() would change; most values have none of it, and skip the work (bulk imports).
_UNCLEAN = re.compile(r"[\uff01-\uff5e\u3000]|\s\s|[^\S ]|^\s|\s$")


def clean(text: str | None) -> str:
    """Half-width, trimmed, inner runs of whitespace collapsed to one space."""
    if text is None:
        return ""
    text = str(text)
    if not _UNCLEAN.search(text):
        return text
    return " ".join(to_halfwidth(text).split())
