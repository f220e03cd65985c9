"""Case numbers as the county's forms carry them: the township's division code, the year the case
was applied for, and a four-digit sequence (e.g. 21041110120260007).

Numbers run on per station and year and are never given twice: the next is one more than the
highest ever given that year, deleted cases included, so a number on a filed paper form always
leads back to one case.
"""

from __future__ import annotations

SEQUENCE_DIGITS = 4


def prefix(township_code: str, applied_on: str) -> str:
    return f"{township_code}{applied_on[:4]}"


def following(prefix_text: str, highest: str | None) -> str:
    """The number after `highest` (the greatest given so far under `prefix_text`, None if none)."""
    last = int(highest[len(prefix_text):]) if highest else 0
    if last + 1 >= 10**SEQUENCE_DIGITS:
        raise ValueError(f"case numbers under {prefix_text} are used up")
    return f"{prefix_text}{last + 1:0{SEQUENCE_DIGITS}d}"
