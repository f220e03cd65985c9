"""Bar charts drawn by the server as SVG (templates/chart.html draws the shapes): no script library,
nothing fetched from elsewhere, and they print as sharply as the table beside them."""

from __future__ import annotations

from dataclasses import dataclass

ROW = 22  # px per bar
LABEL_WIDTH = 96
BAR_WIDTH = 230
VALUE_WIDTH = 84  # fits three charts side by side at 1366 px and two at 1024 px, unscaled


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as the table writes it
    y: int
    length: float


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    width: int = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    label_width: int = LABEL_WIDTH
    row: int = ROW

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW + 8


def bar_chart(title: str, items: list[tuple[str, float, str]], maximum: float | None = None) -> Chart:
    """Horizontal bars for (label, value, text), largest first; `maximum` fixes the scale (1 for rates)."""
    ordered = sorted(items, key=lambda item: -item[1])
    top = maximum or max((value for _, value, _ in ordered), default=0) or 1
    return Chart(title, tuple(Bar(label, text, 4 + i * ROW, round(BAR_WIDTH * max(0.0, value) / top, 1))
                              for i, (label, value, text) in enumerate(ordered)))
