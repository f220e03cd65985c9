"""Small text normalisations that make input forgiving for people typing with a Chinese IME."""

from __future__ import annotations

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def to_halfwidth(text: str) -> str:
    """Turn full-width ASCII (１２３ＡＢＣ，ｘ) into ordinary characters."""
    return text.translate(_FULLWIDTH)


def clean(text: str | None) -> str:
    """Half-width, trimmed, inner runs of whitespace collapsed to one space."""
    if text is None:
        return ""
    return " ".join(to_halfwidth(str(text)).split())
