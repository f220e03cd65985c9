"""Long work off the UI thread: results, errors, cancellation, and windows that go away meanwhile."""

import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from station_app.core.errors import KnownError
from station_app.core.jobs import Cancelled, JobState
from station_app.ui.operations import run_job, wait_for_jobs

pytestmark = pytest.mark.gui


def test_result_comes_back_to_the_ui_thread(qtbot, database):
    seen = []

    def job(db, state: JobState, n: int) -> tuple[int, bool]:
        state.report(1, 1)
        return n * 2, threading.current_thread() is not threading.main_thread()

    run_job(None, "计算", job, 21, db_path=database.path, show_progress=False,
            on_done=lambda result: seen.append((result, threading.current_thread() is threading.main_thread())))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [((42, True), True)]  # ran in a worker, answered on the UI thread


def test_a_known_error_reaches_on_error(qtbot):
    errors = []

    def job(state: JobState) -> None:
        raise KnownError("磁盘已满")

    run_job(None, "保存", job, show_progress=False, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert errors[0].message == "磁盘已满"


def test_cancel_stops_the_job_and_calls_nothing(qtbot):
    started, done, errors = threading.Event(), [], []
    release = threading.Event()

    def job(state: JobState) -> str:
        started.set()
        release.wait(5)
        for i in range(100):
            state.report(i, 100)  # raises Cancelled once cancelled
        return "finished"

    handle = run_job(None, "导出", job, show_progress=False, on_done=done.append, on_error=errors.append)
    assert started.wait(5)
    handle.cancel()
    release.set()
    assert wait_for_jobs(5000)
    qtbot.wait(50)
    assert done == [] and errors == []
    with pytest.raises(Cancelled):
        handle.state.report(0, 1)


def test_no_callback_after_its_window_was_deleted(qtbot):
    window = QWidget()
    release, done = threading.Event(), []

    def job(state: JobState) -> str:
        release.wait(5)
        return "late"

    run_job(window, "检查", job, show_progress=False, on_done=done.append)
    window.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))
    release.set()
    assert wait_for_jobs(5000)
    qtbot.wait(50)
    assert done == []
