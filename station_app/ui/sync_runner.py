"""Background sync: a run now and then on a worker thread, backing off while the server is away.

The UI never waits on the network: each run is a job on the thread pool with its own database
connection; the window only hears `changed` when a run ends, and reads the state from the database.
What a run brought down from the county (decisions, reference data, corrections) is announced on
the session's change signal, so the pages showing it refresh.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from station_app.core.errors import KnownError
from station_app.core.jobs import JobState
from station_app.store import sync_state
from station_app.store.database import StationDatabase
from station_app.sync import client, status
from station_app.ui.operations import run_job, show_error
from station_app.ui.session import Session

log = logging.getLogger(__name__)
FIRST_RUN_MS = 3000


def _sync(database: StationDatabase, state: JobState) -> client.Report:
    return client.sync(database, state)


class SyncRunner(QObject):
    changed = Signal()  # a run ended (either way): re-read the state
    done = Signal(object)  # the Report of a run that succeeded

    def __init__(self, session: Session, parent: QObject | None = None, *, background: bool = True) -> None:
        super().__init__(parent)
        self.session = session
        self.failures = 0
        self.running = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(lambda: self.sync_now(manual=False))
        self.background = background
        if background and sync_state.enrollment(session.database) is not None:
            self.timer.start(FIRST_RUN_MS)

    def sync_now(self, manual: bool = True) -> bool:
        """Start a run unless one is going or the station is not enrolled; True if started."""
        if self.running or sync_state.enrollment(self.session.database) is None:
            return False
        self.running = True
        parent = self.parent() if manual else None
        run_job(parent, "正在同步…", _sync, db_path=self.session.db_path, changes=self.session.changes,
                show_progress=manual, on_done=self._finished, on_error=lambda exc: self._failed(exc, manual))
        self.changed.emit()
        return True

    def _finished(self, report: client.Report) -> None:
        self.running = False
        self.failures = 0
        self._schedule(status.next_delay(0))
        self.done.emit(report)
        self.changed.emit()

    def _failed(self, exc: BaseException, manual: bool) -> None:
        self.running = False
        self.failures += 1
        delay = status.next_delay(self.failures)
        self._schedule(delay)
        log.info("sync failed (%s); next try in %d s", exc, delay)
        if manual or not isinstance(exc, KnownError):
            show_error(None, exc)
        self.changed.emit()

    def _schedule(self, seconds: int) -> None:
        if self.background:
            self.timer.start(seconds * 1000)

    def stop(self) -> None:
        self.timer.stop()
