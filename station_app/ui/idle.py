"""Locking an unattended session: an application-wide filter that notices keyboard and mouse use.

Station PCs stand in shared offices, and the records include minors' sensitive data, so a session
left alone locks itself after the station's configured minutes (settings.IDLE_LOCK_MINUTES).
The filter sees every event of the application, so it only compares the event type and restarts
one single-shot timer: no per-event allocation, no Python work beyond a set lookup.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    """Emits `idle` once when no input arrived for the interval; `start()` arms it again."""

    idle = Signal()

    def __init__(self, app: QCoreApplication, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app.installEventFilter(self)

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(minutes * 60_000)

    def set_interval_ms(self, interval_ms: int) -> None:
        """Change the timeout; a running countdown starts over with the new length."""
        self._timer.setInterval(interval_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        """While locked (or before login) nothing counts down."""
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False
