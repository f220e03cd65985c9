"""Long jobs as plain functions that report progress and honour cancellation.

A job (batch print, demo data, backup, import, sync) takes a `JobState` and calls `report()`
as it goes. `report()` raises `Cancelled` once someone asked to stop, so the job unwinds through
its own transaction and leaves nothing half-done. The UI drives the same functions from a worker
thread; tests drive them with a bare JobState and no widget (Orange3's `run(..., state)` pattern).
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The user pressed 取消; the job stopped and rolled back."""


Listener = Callable[[int, int, str], None]


class JobState:
    def __init__(self, listener: Listener | None = None) -> None:
        self._cancel = threading.Event()
        self._listener = listener
        self.done = 0
        self.total = 0
        self.message = ""

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int, message: str = "") -> None:
        """Record progress (done of total); raise Cancelled if the job should stop now."""
        self.done, self.total, self.message = done, total, message or self.message
        if self._listener is not None:
            self._listener(done, total, self.message)
        if self._cancel.is_set():
            raise Cancelled()
