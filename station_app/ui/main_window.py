"""The main window: navigation on the left, the chosen page on the right, state at the bottom.

Pages are built on first visit (the window opens at once, and QtCharts or the print engine load
only when someone goes there); after that each page keeps itself current from the session's change
signal (ui.changes), so the window needs nothing from a page but the widget. Ctrl+1…Ctrl+9 and
Ctrl+0 switch pages. The status bar says who is working, at which station, and how the database is: the
start-up check's verdict (red if it failed) and the state of sync with the county (synced, N waiting,
offline since …, error with the reason); a background runner syncs while the window is open.
"""

from __future__ import annotations

import datetime as dt

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from station_app import __version__, paths
from station_app.core.roles import ROLE_LABELS
from station_app.jobs import admin
from station_app.store import children, restoring, sync_state
from station_app.sync import status as sync_status
from station_app.ui.restore_dialog import describe
from station_app.ui.operations import run_job, show_error
from station_app.ui.screen_fit import available, fit, is_small_screen
from station_app.ui.session import Session
from station_app.ui.sync_runner import SyncRunner

GEOMETRY_KEY = "main/geometry"
DEFAULT_SIZE = (1200, 760)  # on a screen larger than SMALL_SCREEN, before the person resizes it
PAGE_KEY = "main/page"
STATUS_REFRESH_MS = 60_000
SYNC_STYLE = {sync_status.OK: "color: #2e7d32;", sync_status.WAITING: "", sync_status.OFFLINE: "color: #ef6c00;",
              sync_status.ERROR: "color: #c62828; font-weight: bold;"}  # the pending count also changes through work in dialogs


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str
    icon: str
    module: str  # under station_app.ui, imported on first visit
    cls: str
    program: str | None = None  # for the program list pages

    def create(self, session: Session, parent: QWidget) -> QWidget:
        page_class = getattr(importlib.import_module(f"station_app.ui.{self.module}"), self.cls)
        return page_class(session, self.program, parent) if self.program else page_class(session, parent)


PAGES = (
    PageSpec("people", "人员档案", "fa6s.address-book", "people_page", "PeoplePage"),
    PageSpec("child", "留守儿童", "fa6s.children", "child_page", "ChildPage"),
    PageSpec("elder", "老年人探访", "fa6s.person-cane", "elder_page", "ElderPage"),
    PageSpec("relief", "临时救助", "fa6s.hand-holding-heart", "relief_page", "ReliefPage"),
    PageSpec("due", "待办提醒", "fa6s.bell", "due_page", "DuePage"),
    PageSpec("sync", "同步", "fa6s.rotate", "sync_page", "SyncPage"),
    PageSpec("stats", "统计", "fa6s.chart-column", "stats_page", "StatsPage"),
    PageSpec("settings", "设置", "fa6s.gear", "settings_page", "SettingsPage"),
    # After the first eight, so the shortcuts workers already know (Ctrl+1…Ctrl+8) keep their pages.
    PageSpec("intake", "主动发现", "fa6s.bullhorn", "intake_page", "IntakePage"),
    PageSpec("ledger", "站务台账", "fa6s.book-open", "ledger_page", "LedgerPage"),
)


class MainWindow(QMainWindow):
    lock_requested = Signal()
    # The head confirmed restoring this backup: the shell closes everything that uses the database first.
    restore_requested = Signal(Path)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.station_name = session.station["name"]
        self.setWindowTitle(f"社工站 — {self.station_name}")
        self.setMinimumSize(960, 600)
        self.pages: dict[int, QWidget] = {}
        self._check_problems: list[str] | None = None  # None while the start-up check runs
        self._guide: QDialog | None = None

        self.nav = QListWidget()
        self.nav.setIconSize(QSize(24, 24))
        nav_font = self.nav.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.2)
        self.nav.setFont(nav_font)
        self.nav.setSpacing(3)
        self.nav.setStyleSheet("QListWidget { padding-top: 6px; }")
        self.stack = QStackedWidget()
        for number, spec in enumerate(PAGES, start=1):
            key = f"Ctrl+{number % 10}"  # the tenth page is Ctrl+0, as the keys lie on the keyboard
            item = QListWidgetItem(qta.icon(spec.icon, color="#37474f"), spec.label)
            item.setToolTip(f"{spec.label}（{key}）")
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # a placeholder until the page is first visited
            QShortcut(QKeySequence(key), self, lambda i=number - 1: self.show_page(i))
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 40)
        self.nav.currentRowChanged.connect(self._activate)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.sync_runner = SyncRunner(session, self)
        self.sync_runner.changed.connect(self.update_status)
        session.changes.changed.connect(self.update_status)
        self._build_menus()
        self._build_status_bar()
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(self.update_status)
        self._status_timer.start(STATUS_REFRESH_MS)

        stored = QSettings()
        geometry = stored.value(GEOMETRY_KEY)
        self._restored = geometry is not None and self.restoreGeometry(geometry)
        keys = [p.key for p in PAGES]
        last = stored.value(PAGE_KEY, "people")
        self.show_page(keys.index(last) if last in keys else 0)

    def show_on_screen(self) -> None:
        """Open where the person left it (within this screen: it may be smaller than the last);
        the first time maximised on a small screen (1366×768 or less), else at a comfortable size."""
        if self._restored:
            fit(self)
            self.show()
        elif is_small_screen(self):
            fit(self, *available(self).size().toTuple())  # the whole screen even where nothing maximises
            self.showMaximized()
        else:
            fit(self, *DEFAULT_SIZE)
            self.show()

    # -- pages -------------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    @property
    def current_key(self) -> str:
        return PAGES[self.stack.currentIndex()].key

    def page(self, key: str) -> QWidget | None:
        """The page for `key` if it has been built (tests and the shell look at pages)."""
        return self.pages.get([p.key for p in PAGES].index(key))

    def _activate(self, index: int) -> None:
        if index < 0:
            return
        if index not in self.pages:
            self._create(index)
        self.stack.setCurrentIndex(index)
        self.update_status()

    def _create(self, index: int) -> None:
        try:
            page = PAGES[index].create(self.session, self.stack)
        except Exception as exc:  # one broken page must not take the window down; try again next visit
            show_error(self, exc)
            return
        placeholder = self.stack.widget(index)
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.pages[index] = page

    # -- menus -------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self._action(file_menu, "备份数据库…", self.backup, "fa6s.floppy-disk")
        if self.session.actor.can_manage_users:
            self._action(file_menu, "从备份恢复…", self.restore, "fa6s.clock-rotate-left")
        self._action(file_menu, "检查数据库", self.check_database, "fa6s.stethoscope")
        self._action(file_menu, "锁定", self.lock_requested.emit, "fa6s.lock", QKeySequence("Ctrl+L"))
        file_menu.addSeparator()
        self._action(file_menu, "退出", self.close, "fa6s.right-from-bracket", QKeySequence("Ctrl+Q"))
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self._action(help_menu, "用户手册", self.show_guide, "fa6s.book-open",
                     QKeySequence(QKeySequence.StandardKey.HelpContents))
        self._action(help_menu, "关于", self.about, "fa6s.circle-info")

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object], icon: str,
                shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(qta.icon(icon, color="#37474f"), text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def backup(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择备份位置（可以是U盘）",
                                                  str(paths.backups_dir(self.session.data_dir)))
        if not folder:
            return
        run_job(self, "正在备份数据库…", admin.backup, self.session.actor, Path(folder), db_path=self.session.db_path,
                on_done=lambda path: QMessageBox.information(self, "备份完成", f"数据库已备份到：\n{path}"))

    def restore(self) -> None:
        """Put a backup in place of the database (the head only): check it, say what it holds and
        ask; the shell then keeps a copy of the current data, restores and closes the program."""
        chosen, _filter = QFileDialog.getOpenFileName(self, "选择要恢复的备份", str(paths.backups_dir(self.session.data_dir)),
                                                      "社工站数据库备份 (*.db)")
        if chosen:
            run_job(self, "正在检查备份…", admin.inspect_backup, Path(chosen), db_path=self.session.db_path,
                    on_done=self._confirm_restore)

    def _confirm_restore(self, info: restoring.BackupInfo) -> None:
        if QMessageBox.question(
                self, "从备份恢复",
                describe(info) + "\n\n恢复后，当前数据库会被这份备份替换；替换前会先把当前数据库另存一份到备份文件夹。"
                "恢复完成后程序将关闭，请重新打开并登录。确定恢复吗？") != QMessageBox.StandardButton.Yes:
            return
        self.restore_requested.emit(info.path)

    def check_database(self) -> None:
        run_job(self, "正在检查数据库…", admin.check_database, db_path=self.session.db_path, on_done=self._checked)

    def _checked(self, report: admin.CheckReport) -> None:
        self.set_database_check(report.problems)
        if report.ok:
            QMessageBox.information(self, "检查数据库",
                                    f"检查通过：数据库完整，审计日志 {report.audit_entries:,} 条记录的哈希链完整。")
        else:
            QMessageBox.warning(self, "检查数据库", "检查发现问题：\n" + "\n".join(report.problems[:10]) +
                                "\n\n请先备份数据库，并联系县民政局技术人员。")

    def show_guide(self) -> None:
        """The user's guide, beside the window (one of it, brought to the front when open)."""
        from station_app.ui.guide_window import GuideDialog  # QTextBrowser and the guide: when asked for

        if self._guide is None:
            self._guide = GuideDialog(self)
        self._guide.bring_up()

    def about(self) -> None:
        QMessageBox.about(self, "关于社工站",
                          f"<b>社工站 Station</b> {__version__}<br>乡镇（街道）社会工作和社会救助服务站工作平台<br><br>"
                          f"数据库：{self.session.db_path}")

    # -- status bar --------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        actor = self.session.actor
        self.user_label = QLabel(f"用户：{actor.display_name}（{ROLE_LABELS.get(actor.role, actor.role)}）")
        self.station_label = QLabel(self.station_name)
        self.database_label = QLabel()
        # Late protection steps are the one thing nobody may miss: named on every page.
        self.protection_label = QLabel()
        self.protection_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.protection_label.setToolTip("儿童保护个案的下一环节已超过县里规定的办理时限：请在“待办提醒”中打开处置")
        self.statusBar().addWidget(self.protection_label)
        self.sync_label = QLabel()
        for label in (self.user_label, self.station_label, self.database_label, self.sync_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)
        self.update_status()

    def set_database_check(self, problems: list[str]) -> None:
        """The verdict of a database check ([] when sound), shown until the next check."""
        self._check_problems = list(problems)
        self.update_status()

    def update_status(self) -> None:
        if self._check_problems is None:
            state, color = "正在检查数据库…", ""
        elif self._check_problems:
            state, color = "数据库检查发现问题", "color: #c62828; font-weight: bold;"
        else:
            state, color = "数据库正常", ""
        self.database_label.setText(state)
        self.database_label.setStyleSheet(color)
        self.database_label.setToolTip("\n".join(self._check_problems or []))
        late = len(children.late_cases(self.session.database, dt.datetime.now()))
        self.protection_label.setText(f"⚠ 儿童保护个案超过办理时限 {late} 件" if late else "")
        text, level = sync_status.describe(sync_state.status(self.session.database))
        if self.sync_runner.running:
            text = "正在同步… · " + text
        self.sync_label.setText(text)
        self.sync_label.setStyleSheet(SYNC_STYLE[level])

    # -- closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        stored = QSettings()
        stored.setValue(GEOMETRY_KEY, self.saveGeometry())
        stored.setValue(PAGE_KEY, self.current_key)
        self._status_timer.stop()
        self.sync_runner.stop()
        super().closeEvent(event)
