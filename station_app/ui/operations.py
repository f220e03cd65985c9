"""Running work off the UI thread, with progress, a cancel button and one error path.

`run_job` is the only way the UI starts work that may take more than ~100 ms (Anki's
`CollectionOp` pattern). The job is a plain function from `jobs` or `store` taking
`(database, state, ...)`; it runs in a worker thread on its own SQLite connection (connections
belong to their thread), reports through `JobState`, and its result or error comes back to the
UI thread by a queued signal. No widget is ever touched from the worker. Given the session's
`Changes`, the record types the job wrote are announced there once it ends. `run_write` is the
same for a save: a dialog's write never waits for a busy database on the UI thread.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from station_app.core.errors import KnownError
from station_app.core.jobs import Cancelled, JobState
from station_app.core.roles import Actor
from station_app.store import audit_log
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore
from station_app.ui.changes import Changes
from station_app.ui.session import Session

log = logging.getLogger(__name__)

Job = Callable[..., Any]
NOTHING: frozenset[str] = frozenset()


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object, object)  # result, the entities written
    failed = Signal(object, str, object)  # error, its traceback, the entities written before it
    cancelled = Signal(object)  # the entities written (a job that commits as it goes)


class _Runnable(QRunnable):
    def __init__(self, db_path: Path | None, job: Job, args: tuple[Any, ...], state: JobState, signals: _Signals,
                 track: bool) -> None:
        super().__init__()
        self._db_path, self._job, self._args, self._state, self._signals = db_path, job, args, state, signals
        self._track = track

    def run(self) -> None:
        database, mark = None, None
        try:
            if self._db_path is None:
                result = self._job(self._state, *self._args)
            else:
                database = StationDatabase.open(self._db_path, check=False).for_one_job()
                mark = audit_log.mark(database.conn) if self._track else None
                result = self._job(database, self._state, *self._args)
        except Cancelled:
            self._signals.cancelled.emit(self._touched(database, mark))
        except Exception as exc:  # every failure must reach the UI thread, never vanish with the thread
            self._signals.failed.emit(exc, traceback.format_exc(), self._touched(database, mark))
        else:
            self._signals.finished.emit(result, self._touched(database, mark))
        finally:
            if database is not None:
                database.close()

    @staticmethod
    def _touched(database: StationDatabase | None, mark: audit_log.Mark | None) -> frozenset[str]:
        return NOTHING if database is None or mark is None else audit_log.touched_since(database.conn, mark)


class JobHandle(QObject):
    """A job under way. It lives in the UI thread, so the worker's signals reach its slots queued:
    callbacks and widgets are only ever touched from the UI thread. It belongs to the application,
    not to the window that started it: what a job wrote is announced even when that window has
    gone (its callbacks are then not called). Qt owns it, so Python's garbage collector (which may
    run on a worker thread) never deletes it; once ended it lets go of every widget it knew."""

    def __init__(self, owner: QWidget | None, dialog: QProgressDialog | None,
                 on_done: Callable[[Any], None] | None, on_error: Callable[[BaseException, str], None] | None,
                 changes: Changes | None) -> None:
        super().__init__(QCoreApplication.instance())
        self.state = JobState(self._relay)
        self.signals = _Signals()
        self._owner, self._dialog, self._on_done, self._on_error = owner, dialog, on_done, on_error
        self._changes = changes
        self.signals.progress.connect(self._progress)
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        self.signals.cancelled.connect(self._cancelled)
        if dialog is not None:
            dialog.canceled.connect(self.cancel)

    def _relay(self, done: int, total: int, message: str) -> None:  # worker thread
        self.signals.progress.emit(done, total, message)

    @Slot()
    def cancel(self) -> None:
        self.state.cancel()

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total else 0)
            if message:
                self._dialog.setLabelText(message)

    def _end(self) -> bool:
        """Close the progress dialog; True if the window that started the job is still there."""
        _running.discard(self)
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.close()
            self._dialog.deleteLater()
        self.deleteLater()
        return self._owner is None or shiboken6.isValid(self._owner)

    def _announce_and_forget(self, touched: frozenset[str]) -> None:
        """Announce what the job wrote, then let go of the window and the callbacks: a finished
        handle lingering for the garbage collector must hold no widget (the collector may run on a
        worker thread, and a widget must only ever be deleted on the UI thread)."""
        if self._changes is not None:
            self._changes.announce(touched)
        self._owner = self._dialog = self._on_done = self._on_error = self._changes = None

    @Slot(object)
    def _cancelled(self, touched: frozenset[str]) -> None:
        self._end()
        self._announce_and_forget(touched)

    @Slot(object, object)
    def _finished(self, result: Any, touched: frozenset[str]) -> None:
        if self._end() and self._on_done is not None:
            self._on_done(result)
        self._announce_and_forget(touched)  # after on_done: a dialog says what it saved before the lists re-read

    @Slot(object, str, object)
    def _failed(self, exc: BaseException, details: str, touched: frozenset[str]) -> None:
        if self._end() and self._on_error is not None:
            self._on_error(exc, details)
        self._announce_and_forget(touched)


_running: set[JobHandle] = set()


def run_job(
    parent: QWidget | None,
    title: str,
    job: Job,
    *args: Any,
    db_path: Path | None = None,
    changes: Changes | None = None,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    show_progress: bool = True,
) -> JobHandle:
    """Start `job` in the thread pool. With `db_path` it is called as job(database, state, *args),
    otherwise as job(state, *args). A progress dialog with 取消 appears if the job takes a moment.
    With `changes` (a job that writes), the entities it wrote are announced there when it ends.

    If `parent` is deleted before the job ends, `on_done`/`on_error` are never called. With no
    parent the callbacks always run, so they must not assume a widget still exists."""
    dialog = None
    if show_progress:
        dialog = QProgressDialog(title, "取消", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)  # quick jobs finish without a flash of dialog
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)

    def error(exc: BaseException, details: str) -> None:
        if on_error is not None:
            on_error(exc)
        else:
            show_error(parent, exc, details)

    handle = JobHandle(parent, dialog, on_done, error, changes)
    _running.add(handle)
    QThreadPool.globalInstance().start(_Runnable(db_path, job, args, handle.state, handle.signals,
                                                 changes is not None))
    return handle


def run_write(parent: QWidget, session: Session, write: Job, *args: Any, busy: QWidget | None = None,
              on_done: Callable[[Any], None] | None = None,
              on_refused: Callable[[KnownError], None] | None = None) -> JobHandle:
    """A save: `write(store, *args)` runs in a worker on its own connection as the session's user,
    so waiting on a database busy with another writer (a sync, a backup) never freezes the window.
    `busy` (the save button) is disabled meanwhile; `on_done` gets what the write returned; the
    entities it touched are announced on the session's change signal. A refusal the person can act
    on (KnownError) goes to `on_refused`, or is told calmly; anything else gets the crash dialog."""
    if busy is not None:
        busy.setEnabled(False)

    def enable() -> None:
        if busy is not None and shiboken6.isValid(busy):
            busy.setEnabled(True)

    def done(result: Any) -> None:
        enable()
        if on_done is not None:
            on_done(result)

    def failed(exc: BaseException) -> None:
        enable()
        if isinstance(exc, KnownError) and on_refused is not None:
            on_refused(exc)
        else:
            show_error(parent, exc)

    return run_job(parent, "正在保存…", _as_actor, session.actor, write, *args, db_path=session.db_path,
                   changes=session.changes, on_done=done, on_error=failed, show_progress=False)


def _as_actor(database: StationDatabase, state: JobState, actor: Actor, write: Job, *args: Any) -> Any:
    return write(RecordStore(database, actor), *args)


def show_error(parent: QWidget | None, exc: BaseException, details: str = "") -> None:
    """A KnownError is told calmly; anything else is a bug: logged in full, shown with details."""
    if isinstance(exc, KnownError):
        QMessageBox.warning(parent, "提示", exc.message)
        return
    log.error("unexpected error: %s\n%s", exc, details or "".join(traceback.format_exception(exc)))
    box = QMessageBox(QMessageBox.Icon.Critical, "程序出错",
                      "程序遇到意外错误，您的数据已保存到出错之前的状态。\n"
                      "请把日志文件（数据目录下 logs/station.log）发给县民政局技术人员。", parent=parent)
    box.setDetailedText(details or "".join(traceback.format_exception(exc)))
    box.exec()


def wait_for_jobs(timeout_ms: int = 30000) -> bool:
    """Let running jobs end (at exit, and in tests); True if they all did."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
