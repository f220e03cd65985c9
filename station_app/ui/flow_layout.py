"""A row of buttons that wraps onto a second line when the window is narrow (after Qt's Flow
Layout example): on a 1024×768 screen every button keeps its whole label and stays in reach,
on a wide screen they stand in one row. A stretch item (`add_stretch`) pushes what follows it to
the right end of its line, as in a QHBoxLayout."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    # -- the items ----------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def add_stretch(self) -> None:
        self.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # -- sizes --------------------------------------------------------------------------------

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """All on one line."""
        shown = [i for i in self._visible() if not isinstance(i, QSpacerItem)]
        width = sum(i.sizeHint().width() for i in shown) + self.spacing() * max(len(shown) - 1, 0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width, height) + self._margins()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """As narrow as the widest button: the rest wraps."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        return size + self._margins()

    def _margins(self) -> QSize:
        m = self.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not (isinstance(i, QWidgetItem) and i.widget().isHidden())]

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Lay the items out in lines within `rect` (or only measure); the height they take. The
        buttons between two stretches are a group: a group that no longer fits on the line starts
        the next one whole, so related buttons stay together."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for group in self._groups():
            needed = sum(i.sizeHint().width() + self.spacing() for i in group if not isinstance(i, QSpacerItem))
            if lines[-1] and used + needed > area.width() + self.spacing():
                lines.append([])
                used = 0
            for item in group:
                width = 0 if isinstance(item, QSpacerItem) else item.sizeHint().width()
                if isinstance(item, QSpacerItem) and not lines[-1]:
                    continue  # a line does not start by pushing its buttons right
                if lines[-1] and used + width > area.width():
                    lines.append([])
                    used = 0
                lines[-1].append(item)
                used += width + self.spacing()
        y = area.y()
        for line in lines:
            height = max((i.sizeHint().height() for i in line), default=0)
            if apply:
                self._place(line, QRect(area.x(), y, area.width(), height))
            y += height + self.spacing()
        return y - self.spacing() - rect.y() + m.bottom() if lines[0] else m.top() + m.bottom()

    def _groups(self) -> list[list[QLayoutItem]]:
        """The visible items, split before each stretch (which leads its group)."""
        groups: list[list[QLayoutItem]] = [[]]
        for item in self._visible():
            if isinstance(item, QSpacerItem) and groups[-1]:
                groups.append([])
            groups[-1].append(item)
        return groups

    def _place(self, line: list[QLayoutItem], rect: QRect) -> None:
        """One line, left to right; a stretch takes what the line leaves over."""
        fixed = sum(i.sizeHint().width() for i in line if not isinstance(i, QSpacerItem))
        stretches = sum(isinstance(i, QSpacerItem) for i in line)
        spare = max(rect.width() - fixed - self.spacing() * (len(line) - 1), 0)
        x = rect.x()
        for item in line:
            if isinstance(item, QSpacerItem):
                x += spare // stretches + self.spacing()
                continue
            hint = item.sizeHint()
            item.setGeometry(QRect(QPoint(x, rect.y() + (rect.height() - hint.height()) // 2), hint))
            x += hint.width() + self.spacing()
