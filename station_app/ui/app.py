"""Starting the desktop application: fonts, the database, first-run set-up or log-in, the window.

Start-up is kept short (target: the log-in window within 1 s of launching): the database is
encrypted, so nothing of it is opened before the log-in (the station's name on the log-in window
comes from the key ring file); the password opens it in a worker, and SQLite's integrity check
then runs in another while the main window appears (on a large database it takes longer than
everything else together); the set-up wizard, the main window and qtawesome are imported only
when they are needed.

`Shell` owns what outlives one main window: the database, the idle lock, and the switch to
another user from the lock screen.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from station_app import paths
from station_app.core.errors import KnownError
from station_app.core.roles import Actor
from station_app.store import settings
from station_app.store.database import StationDatabase
from station_app.store.keyring import KeyRing, keys_path, new_key
from station_app.ui.garbage import UiThreadCollector
from station_app.ui.idle import IdleWatcher
from station_app.ui.login import Curtain, LockDialog, LoginDialog, cover_windows
from station_app.ui.operations import run_job, show_error, wait_for_jobs
from station_app.ui.qt_translation import CatchUpTranslator
from station_app.ui.session import Session

if TYPE_CHECKING:
    from station_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

FONT_FILE = "DroidSansFallbackFull.ttf"
SETUP_DB_FILENAME = "station-setup.db"
# Chinese UI fonts used where installed (Windows; Debian with fonts-noto-cjk); the bundled font
# is the last resort, so Chinese renders even on a PC without any CJK font.
CJK_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei")
MIN_POINT_SIZE = 11.0  # readable on the old 1366×768 monitors of township offices


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists, as in tests), named for QSettings, with fonts."""
    QApplication.setOrganizationName("Station")
    QApplication.setApplicationName("Station")
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setFont(ui_font(app.font()))
    install_qt_translation(app)
    return app


def install_qt_translation(app: QApplication) -> bool:
    """Qt's own words (是/否, the file dialog's 保存/取消) in Chinese, from Qt's bundled translations."""
    if app.property("station_translated"):
        return True
    chinese = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(chinese)  # dates in Qt's own views (the file dialog's 修改日期) as a Chinese reader writes them
    translator = CatchUpTranslator(app)
    found = translator.load(chinese, "qtbase", "_",
                            QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if found:
        app.installTranslator(translator)
        app.setProperty("station_translated", True)
    else:
        log.warning("Qt's Chinese translation (qtbase_zh_CN.qm) was not found; standard buttons stay in English")
    return found


def ui_font(base: QFont) -> QFont:
    """The system's UI font with Chinese fallbacks, at a readable size."""
    font_id = QFontDatabase.addApplicationFont(str(paths.resource("fonts", FONT_FILE)))
    bundled = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not bundled:
        log.warning("could not load the bundled font %s", FONT_FILE)
    font = QFont(base)
    # Qt tries the families in order for each character: Latin from the system font, Chinese
    # from the first CJK family present.
    font.setFamilies([base.family(), *CJK_FAMILIES, *bundled])
    font.setPointSizeF(max(base.pointSizeF(), MIN_POINT_SIZE))
    return font


class ExceptHook:
    """sys.excepthook: an exception nothing caught gets the error dialog and the log, never a silent
    crash. One that happens while the dialog is up is only logged, so dialogs cannot pile up."""

    def __init__(self) -> None:
        self.showing = False

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        if self.showing or QApplication.instance() is None:
            log.error("uncaught exception\n%s", details)
            return
        if isinstance(exc, KnownError):
            log.info("uncaught known error: %s", exc.message)
        self.showing = True
        try:
            show_error(QApplication.activeWindow(), exc, details)  # logs the details of a bug
        finally:
            self.showing = False


def sign_in(data_dir: Path) -> tuple[StationDatabase, Actor] | None:
    """First-run set-up or a log-in: the opened database and who is working, or None if they gave up."""
    path = paths.database_path(data_dir)
    if not path.exists():
        return _first_run(data_dir)
    try:
        station_name = KeyRing.load(keys_path(path)).label
    except KnownError as exc:
        QMessageBox.critical(None, "无法打开数据库", exc.message)
        return None
    login = LoginDialog(path, station_name)
    if os.environ.get(STARTUP_PROBE):
        login.installEventFilter(_StartupProbe(login))
    if login.exec() != QDialog.DialogCode.Accepted or login.actor is None or login.database is None:
        if login.database is not None:
            login.database.close()
        return None
    return login.database, login.actor


def _first_run(data_dir: Path) -> tuple[StationDatabase, Actor] | None:
    """The first-start window: a new station, or one restored from its backup (then the log-in)."""
    from station_app.ui.first_start import FirstStartDialog  # first run only

    choice = FirstStartDialog(data_dir)
    if choice.exec() != QDialog.DialogCode.Accepted:
        return None
    return sign_in(data_dir) if choice.restored else _set_up(data_dir)


def _set_up(data_dir: Path) -> tuple[StationDatabase, Actor] | None:
    """The set-up wizard on a scratch database that becomes the station's only once complete,
    so a set-up abandoned half-way (or a PC switched off) leaves nothing that needs a password."""
    from station_app.jobs import admin
    from station_app.ui.recovery import RecoveryCodeDialog
    from station_app.ui.wizard import SetupWizard  # first run only

    scratch = data_dir / SETUP_DB_FILENAME
    admin.discard_new_database(scratch)
    database = StationDatabase.open(scratch, new_key(), backup_dir=paths.backups_dir(data_dir))
    wizard = SetupWizard(database)
    if wizard.exec() != QDialog.DialogCode.Accepted or wizard.actor is None or wizard.recovery_code is None:
        database.close()
        admin.discard_new_database(scratch)
        return None
    station_name = KeyRing.load(keys_path(scratch)).label
    RecoveryCodeDialog(wizard.recovery_code, station_name).exec()
    key = database.require_key()
    database.close()
    final = admin.adopt_new_database(scratch, paths.database_path(data_dir))
    return StationDatabase.open(final, key, check=False), wizard.actor


BACKUP_CHECK_MS = 60 * 60 * 1000  # hourly: a PC left on overnight takes the next day's copy in the morning


# Set by bench/run.py to time a cold start: the log-in window's first paint prints a line and
# closes the program.
STARTUP_PROBE = "STATION_STARTUP_PROBE"


class _StartupProbe(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            print("login-window-painted", flush=True)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, watched.reject)
        return False


class Shell(QObject):
    """One station database, a succession of logged-in sessions, and the lock between them."""

    def __init__(self, app: QApplication, data_dir: Path, database: StationDatabase) -> None:
        super().__init__()
        self.app, self.data_dir, self.database = app, data_dir, database
        self.window: MainWindow | None = None
        self.check_problems: list[str] | None = None
        self.lock_dialog: LockDialog | None = None
        self._curtains: list[Curtain] = []
        self.idle = IdleWatcher(app, settings.get_int(database, settings.IDLE_LOCK_MINUTES), self)
        self.idle.idle.connect(self.lock)

    def start(self, actor: Actor) -> None:
        """The main window for whoever signed in, with the database check and today's automatic
        backup running behind it (and a backup every day after, while the program stays open)."""
        self.start_check()
        self.open_session(actor)
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self.automatic_backup)
        self.backup_timer.start()
        self.automatic_backup()

    def automatic_backup(self) -> None:
        from station_app.jobs import admin  # after the window shows

        run_job(None, "自动备份", admin.automatic_backup, db_path=self.database.path, show_progress=False,
                on_done=self._backed_up, on_error=self._backup_failed)

    def _backed_up(self, made: Path | None) -> None:
        if made is not None and self.window is not None and shiboken6.isValid(self.window):
            self.window.statusBar().showMessage(f"已自动备份：{made.name}", 15000)

    def _backup_failed(self, exc: BaseException) -> None:
        log.error("automatic backup failed: %s", exc)
        if self.window is not None and shiboken6.isValid(self.window):
            self.window.statusBar().showMessage(f"自动备份失败：{exc}（请用“文件 → 备份数据库”手动备份）")

    def start_check(self) -> None:
        """SQLite's quick check in a worker; its verdict goes to the status bar (and a warning)."""
        from station_app.jobs import admin  # after the window shows

        run_job(None, "检查数据库", admin.quick_check, db_path=self.database.path, show_progress=False,
                on_done=self._checked, on_error=lambda exc: self._checked([f"检查未能完成：{exc}"]))

    def _checked(self, problems: list[str]) -> None:
        self.check_problems = problems
        if problems:
            log.error("start-up database check failed: %s", problems)
        if self.window is not None:
            self.window.set_database_check(problems)
        if problems:
            QMessageBox.critical(QApplication.activeWindow(), "数据库检查发现问题",
                                 "启动时的数据库检查发现问题：\n" + "\n".join(problems[:5]) +
                                 "\n\n请先用“文件 → 备份数据库”备份，并联系县民政局技术人员；在此之前请尽量不要登记新数据。")

    # -- sessions ----------------------------------------------------------------------------

    def open_session(self, actor: Actor) -> None:
        """A main window for `actor`; the previous session's window (if any) closes after it opens."""
        from station_app.ui.main_window import MainWindow  # pulls in qtawesome: after the log-in window

        session = Session(self.data_dir, self.database, actor)
        window = MainWindow(session)
        if self.check_problems is not None:
            window.set_database_check(self.check_problems)
        window.lock_requested.connect(self.lock)
        window.restore_requested.connect(self.restore_from)
        session.changes.changed.connect(self._settings_changed)
        window.show_on_screen()  # before the old one closes, or Qt would quit on the last window closed
        previous, self.window = self.window, window
        if previous is not None:
            previous.close()
            previous.deleteLater()
        self.idle.set_minutes(settings.get_int(self.database, settings.IDLE_LOCK_MINUTES))
        self.idle.start()

    def _settings_changed(self, entities: frozenset[str]) -> None:
        """The head saved the security settings: the running idle lock takes the new minutes."""
        if "settings" in entities:
            self.idle.set_minutes(settings.get_int(self.database, settings.IDLE_LOCK_MINUTES))

    def restore_from(self, backup: Path) -> None:
        """Replace the database with `backup`, then quit. Every connection to the file closes first
        (the window, its jobs, ours): SQLite must not have the old file's WAL open while it goes."""
        key, path = self.database.require_key(), self.database.path
        self.idle.stop()
        self.backup_timer.stop()
        window, self.window = self.window, None
        if window is not None:
            window.close()
            window.deleteLater()
        wait_for_jobs()
        self.database.close()
        from station_app.jobs import admin  # after the window shows

        run_job(None, "正在从备份恢复…", admin.restore, path, key, backup, on_done=self._restored,
                on_error=self._restore_failed)

    def _restored(self, kept: Path) -> None:
        QMessageBox.information(None, "恢复完成", f"已从备份恢复。恢复前的数据已另存为：\n{kept}\n\n"
                                "程序将关闭，请重新打开并登录。")
        self.app.quit()

    def _restore_failed(self, exc: BaseException) -> None:
        show_error(None, exc)
        self.app.quit()  # the database was closed for the restore: start again from a clean log-in

    def lock(self) -> None:
        """Cover every window and ask for a password; the session stays as it was underneath."""
        if self.window is None or self.lock_dialog is not None:
            return
        self.idle.stop()
        self._curtains = cover_windows()
        dialog = LockDialog(self.database, self.window.session.actor, self.window)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.finished.connect(self._lock_finished)
        self.lock_dialog = dialog
        dialog.open()  # not exec(): a lock that fires inside another dialog must not nest loops

    def _lock_finished(self, _result: int) -> None:
        dialog, self.lock_dialog = self.lock_dialog, None
        assert dialog is not None and self.window is not None
        dialog.deleteLater()
        for curtain in self._curtains:
            if shiboken6.isValid(curtain):  # a window closed meanwhile (a finished job's progress) took its own
                curtain.deleteLater()
        self._curtains = []
        if dialog.quit_requested:
            self.window.close()
            return
        actor = dialog.actor
        assert actor is not None
        if actor.user_id == self.window.session.actor.user_id:
            self.idle.start()
            return
        # Someone else logs in: the locked person's open dialogs close unsaved (they were away),
        # then their window gives way to the new person's.
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        self.open_session(actor)


def run_gui(data_dir: Path) -> int:
    """The desktop application, from start to exit; the exit code for the process."""
    app = make_application()
    UiThreadCollector(app)  # jobs run in workers: a collection there could delete a widget off the UI thread
    sys.excepthook = ExceptHook()
    data_dir.mkdir(parents=True, exist_ok=True)
    signed_in = sign_in(data_dir)
    if signed_in is None:
        wait_for_jobs()
        return 0
    database, actor = signed_in
    try:
        shell = Shell(app, data_dir, database)
        shell.start(actor)
        return app.exec()
    finally:
        wait_for_jobs()
        database.close()
