"""Python's cycle collector, run on the UI thread only.

The collector runs in whichever thread happens to allocate when a threshold is crossed; with jobs
in worker threads that may be a worker, and a widget kept alive only by a reference cycle would
then be destroyed there — Qt crashes. So automatic collection is off and a timer on the UI thread
collects the generations that are due (the pattern of pyqtgraph's GarbageCollector).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 1000


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start(interval_ms)

    def collect_due(self) -> None:
        """Collect the oldest generation whose count has passed its threshold, as gc would."""
        counts = gc.get_count()
        due = [generation for generation in range(3) if counts[generation] > self._thresholds[generation]]
        if due:
            gc.collect(max(due))

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
