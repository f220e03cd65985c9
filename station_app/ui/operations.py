"""Running long work off the UI thread, with progress, a cancel button and one error path.

`run_job` is the only way the UI starts work that may take more than ~100 ms (Anki's
`CollectionOp` pattern). The job is a plain function from `admin`, `forms` or `store` taking
`(database, state, ...)`; it runs in a worker thread on its own SQLite connection (connections
belong to their thread), reports through `JobState`, and its result or error comes back to the
UI thread by a queued signal. No widget is ever touched from the worker.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from station_app.core.errors import KnownError
from station_app.core.jobs import Cancelled, JobState
from station_app.store.database import StationDatabase

log = logging.getLogger(__name__)

Job = Callable[..., Any]


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, db_path: Path | None, job: Job, args: tuple[Any, ...], state: JobState, signals: _Signals) -> None:
        super().__init__()
        self._db_path, self._job, self._args, self._state, self._signals = db_path, job, args, state, signals

    def run(self) -> None:
        database = None
        try:
            if self._db_path is not None:
                database = StationDatabase.open(self._db_path, check=False)
                result = self._job(database, self._state, *self._args)
            else:
                result = self._job(self._state, *self._args)
        except Cancelled:
            self._signals.cancelled.emit()
        except Exception as exc:  # every failure must reach the UI thread, never vanish with the thread
            self._signals.failed.emit(exc, traceback.format_exc())
        else:
            self._signals.finished.emit(result)
        finally:
            if database is not None:
                database.close()


class JobHandle(QObject):
    """A job under way. It lives in the UI thread, so the worker's signals reach its slots queued:
    callbacks and widgets are only ever touched from the UI thread."""

    def __init__(self, parent: QObject | None, dialog: QProgressDialog | None,
                 on_done: Callable[[Any], None] | None, on_error: Callable[[BaseException, str], None]) -> None:
        super().__init__(parent)
        self.state = JobState(self._relay)
        self.signals = _Signals()
        self._dialog, self._on_done, self._on_error = dialog, on_done, on_error
        self.signals.progress.connect(self._progress)
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        self.signals.cancelled.connect(self._end)
        if dialog is not None:
            dialog.canceled.connect(self.cancel)

    def _relay(self, done: int, total: int, message: str) -> None:  # worker thread
        self.signals.progress.emit(done, total, message)

    @Slot()
    def cancel(self) -> None:
        self.state.cancel()

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        if self._dialog is not None:
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total else 0)
            if message:
                self._dialog.setLabelText(message)

    @Slot()
    def _end(self) -> None:
        _running.discard(self)
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
        self.deleteLater()

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self._end()
        if self._on_done is not None:
            self._on_done(result)

    @Slot(object, str)
    def _failed(self, exc: BaseException, details: str) -> None:
        self._end()
        self._on_error(exc, details)


_running: set[JobHandle] = set()


def run_job(
    parent: QWidget | None,
    title: str,
    job: Job,
    *args: Any,
    db_path: Path | None = None,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    show_progress: bool = True,
) -> JobHandle:
    """Start `job` in the thread pool. With `db_path` it is called as job(database, state, *args),
    otherwise as job(state, *args). A progress dialog with 取消 appears if the job takes a moment.

    The job's handle is a Qt child of `parent`: if the parent widget is deleted before the job
    ends, the handle goes with it and `on_done`/`on_error` are never called. With no parent the
    callbacks always run, so they must not assume a widget still exists."""
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

    handle = JobHandle(parent, dialog, on_done, error)
    _running.add(handle)
    QThreadPool.globalInstance().start(_Runnable(db_path, job, args, handle.state, handle.signals))
    return handle


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
