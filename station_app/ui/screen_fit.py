"""Windows that fit the screen they open on: township PCs still run at 1024×768 and 1366×768.

Every window is sized from what its layout asks for, never beyond the screen's available area
(less a title bar and borders, which Windows draws outside the window), and kept on that screen.
`present` fits every dialog as it opens; a dialog whose content grows (an error shown under a
field) grows with it up to the screen, and a form too long for the screen sits in a `FitScroll`,
which asks for the whole form but scrolls when the screen is smaller.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QStyle, QWidget

# A window manager's title bar and borders around a window's client area (Windows 10 at 96 dpi:
# 31 px of title bar, 8 px borders): reserved before the window is shown and the real frame known.
FRAME = QSize(16, 40)
# At or below this, the main window opens maximised: every pixel counts.
SMALL_SCREEN = QSize(1366, 768)


def available(widget: QWidget) -> QRect:
    """The area of the screen `widget` is on (or the primary screen) that windows may use."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def is_small_screen(widget: QWidget) -> bool:
    area = available(widget)
    return area.width() <= SMALL_SCREEN.width() and area.height() <= SMALL_SCREEN.height()


def _room(window: QWidget) -> QSize:
    """The largest client size a window may have on its screen, its frame taken off."""
    frame = window.frameGeometry().size() - window.geometry().size() if window.isVisible() else FRAME
    return available(window).size() - frame


def fit(window: QWidget, width: int = 0, height: int = 0) -> None:
    """Size `window` as its layout asks (or as it was sized already), at least `width`×`height`,
    but never beyond the screen; a shown window is moved back onto the screen if it left it."""
    asked = window.size() if window.testAttribute(Qt.WidgetAttribute.WA_Resized) else window.sizeHint()
    window.resize(asked.expandedTo(QSize(width, height)).boundedTo(_room(window)))
    if window.isVisible():
        keep_on_screen(window)


def grow(widget: QWidget) -> None:
    """The window of `widget` has more to show (an error appeared): let it grow, up to the screen,
    so nothing it holds is squeezed or pushed out of sight."""
    window = widget.window()
    layout = window.layout()
    if layout is None or not window.isVisible():
        return  # a window not shown yet is sized from its content when it is
    # The messages just shown ask for room; every layout between them and the window must hear it
    # now (a scroll area does not pass its content's hint on by itself), so the hint counts them.
    inner: QWidget | None = widget
    while inner is not None and inner is not window:
        inner.updateGeometry()
        inner = inner.parentWidget()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    wanted = window.sizeHint()
    if layout.hasHeightForWidth():  # wrapped text: as tall as it needs at the window's width
        wanted.setHeight(max(wanted.height(), layout.totalHeightForWidth(window.width())))
    window.resize(window.size().expandedTo(wanted).boundedTo(_room(window)))
    keep_on_screen(window)


def keep_on_screen(window: QWidget) -> None:
    """Move a shown window so that all of it, frame included, lies on its screen's available area."""
    area, frame = available(window), window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.x()), max(y, area.y()))


class FitScroll(QScrollArea):
    """A frameless scroll area that asks for its whole content: the window gets the content's size
    where the screen allows, and scroll bars only where it does not."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        content = self.widget().sizeHint() if self.widget() is not None else QSize()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return content + QSize(bar + 2, 2)
