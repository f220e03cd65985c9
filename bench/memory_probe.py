"""Run by bench.run in a process of its own: the app's peak memory after every page has been shown once.

The real program's shell (the start-up check and the automatic backup behind it) and main window,
offscreen, logged in as the station head; each page is shown in turn and left to load (its queries
run in worker threads) before the next. The last line printed is the peak resident set (VmHWM).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThreadPool  # noqa: E402

from station_app import paths  # noqa: E402
from station_app.jobs import accounts  # noqa: E402
from station_app.ui.app import Shell, make_application  # noqa: E402
from station_app.ui.main_window import PAGES  # noqa: E402

SETTLE_S = 0.5  # a page counts as loaded when no worker has run for this long


def settle(app: object, limit_s: float = 120) -> None:
    """Process events until the workers have been idle for SETTLE_S (or `limit_s` passed)."""
    pool = QThreadPool.globalInstance()
    started = quiet_since = time.monotonic()
    while time.monotonic() - started < limit_s:
        app.processEvents()  # type: ignore[attr-defined]
        if pool.activeThreadCount():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= SETTLE_S:
            return
        time.sleep(0.01)


def peak_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(data_dir: str, username: str, password: str) -> None:
    app = make_application()
    database, actor = accounts.log_in(paths.database_path(Path(data_dir)), username, password)
    shell = Shell(app, Path(data_dir), database)
    shell.start(actor)
    settle(app)
    assert shell.window is not None
    for index in range(len(PAGES)):
        shell.window.show_page(index)
        settle(app)
    print(f"pages={len(PAGES)} built={len(shell.window.pages)}", flush=True)
    print(peak_rss_kib(), flush=True)
    os._exit(0)  # the figure is read; tearing the window down would only add time


if __name__ == "__main__":
    main(*sys.argv[1:4])
