"""Small text normalisations that make input forgiving for people typing with a Chinese IME."""

from __future__ import annotations

import re

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
# Full-width letters and digits (and the ideographic space) only: in words a person writes, the
# full-width comma, full stop and brackets are Chinese punctuation, not typing slips.
_FULLWIDTH_ALNUM = {c: h for c, h in _FULLWIDTH.items() if chr(h).isalnum() or h == 0x20}


def to_halfwidth(text: str) -> str:
    """Turn full-width ASCII (１２３ＡＢＣ，ｘ) into ordinary characters."""
    return text.translate(_FULLWIDTH)


# Anything clean() would change; most values have none of it, and skip the work (bulk imports).
_UNCLEAN = re.compile(r"[\uff01-\uff5e\u3000]|\s\s|[^\S ]|^\s|\s$")


def clean(text: str | None, *, keep_punctuation: bool = False) -> str:
    """Half-width, trimmed, inner runs of whitespace collapsed to one space. Numbers, codes and
    dates are read this way (１，２００ is 1,200); words — names, addresses, reasons — keep their
    full-width punctuation as typed (`keep_punctuation`: 情况紧急，先行救助 stays as it is)."""
    if text is None:
        return ""
    text = str(text)
    if not _UNCLEAN.search(text):
        return text
    return " ".join(text.translate(_FULLWIDTH_ALNUM if keep_punctuation else _FULLWIDTH).split())


# What never belongs in what a person types: control characters (tab, newline and carriage return
# aside, which clean() turns into spaces where a line is expected) and the bidirectional overrides
# and isolates (U+202A–U+202E, U+2066–U+2069) that make a name display in another order than it
# is stored — a known way to disguise one name as another.
_HIDDEN_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# Half of a UTF-16 pair on its own: not a character at all, and not storable as UTF-8.
_SURROGATES = "\ud800-\udfff"
_HIDDEN = re.compile(f"[{_HIDDEN_CHARS}]")
_LONE_SURROGATE = re.compile(f"[{_SURROGATES}]")
# Either: text with neither (nearly all text) needs neither check.
_HIDDEN_OR_SURROGATE = re.compile(f"[{_HIDDEN_CHARS}{_SURROGATES}]")


def is_plain(text: str) -> bool:
    """Neither hidden characters nor lone surrogates: valid, visible text."""
    return _HIDDEN_OR_SURROGATE.search(text) is None


# Anything clean() would change (_UNCLEAN's cases, whitespace but the space alone first), a hidden
# character or a lone surrogate: text in which it finds nothing is stored as it is typed, nearly
# every value of a bulk import, which then needs no other look. One character class first: a third
# faster than trying _UNCLEAN's alternatives at every character.
UNUSUAL_TEXT = re.compile(f"[\uff01-\uff5e\u3000{_HIDDEN_CHARS}{_SURROGATES}]|[^\\S ]|  |^ | $")


def has_hidden(text: str) -> bool:
    return _HIDDEN.search(text) is not None


def strip_hidden(text: str) -> str:
    return _HIDDEN.sub("", text)


def is_valid_unicode(text: str) -> bool:
    return _LONE_SURROGATE.search(text) is None
