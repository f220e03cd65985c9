"""Every window and dialog fits a 1024×768 screen with its buttons in reach (tests/conftest.py gives
Qt a screen of that size).

The main window is opened as the program opens it, on a station with demo data; then every page is
shown and every button on it pressed, as a curious person would, and so on inside each dialog that
opens (two levels down). Every window that appears on the way — our dialogs, the question boxes,
Qt's file and print dialogs — is measured: the window within the screen, each button and field
within it (or within a scroll area that is), no button label or line of text cut short. Each of our dialogs is
measured again with an error shown under every field, as after a refused save. A dialog added
later is found the same way, through the button that opens it; the walk fails for a dialog class
that nothing opened (the few shown before the main window are opened directly), so none slips past
unmeasured.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSettings, QTimer  # noqa: E402
from PySide6.QtPrintSupport import QAbstractPrintDialog  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QWidget,
)

import station_app.ui  # noqa: E402
from station_app.jobs import admin  # noqa: E402
from station_app.store import children, relief, sync_state  # noqa: E402
from station_app.core.status_roster import ROSTER  # noqa: E402
from station_app.ui.app import make_application  # noqa: E402
from station_app.ui.fieldform import FieldForm  # noqa: E402
from station_app.ui.import_dialog import ImportDialog  # noqa: E402
from station_app.ui.first_start import FirstStartDialog  # noqa: E402
from station_app.ui.login import LockDialog, LoginDialog  # noqa: E402
from station_app.ui.main_window import GEOMETRY_KEY, PAGES, MainWindow  # noqa: E402
from station_app.ui.operations import wait_for_jobs  # noqa: E402
from station_app.ui.people_page import PeoplePage  # noqa: E402
from station_app.ui.person_dialog import PersonDialog  # noqa: E402
from station_app.ui.plain_form import PlainForm  # noqa: E402
from station_app.ui.record_list import RecordTable  # noqa: E402
from station_app.ui.screen_fit import FitScroll  # noqa: E402
from station_app.ui.rebuild_dialog import RebuildDialog  # noqa: E402
from station_app.ui.recovery import RecoverDialog, RecoveryCodeDialog  # noqa: E402
from station_app.ui.restore_dialog import RestoreDialog  # noqa: E402
from station_app.sync import protocol  # noqa: E402
from station_app.ui.sync_page import ConflictDialog, EnrollDialog, SyncPage  # noqa: E402
from station_app.ui.wizard import SetupWizard  # noqa: E402
from tests.conftest import SCREEN  # noqa: E402
from tests.ui_helpers import press_refused, wait_shown  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]
pytestmark = pytest.mark.gui

# What Qt opens with exec() (a nested loop): measured and answered "no" while the click is still running.
BLOCKING = (QMessageBox, QFileDialog, QInputDialog, QAbstractPrintDialog)
# Buttons that finish a dialog (measured, never pressed: a save would end the walk) or leave the program.
FINISHING = ("保存", "确定", "取消", "关闭", "返回", "导入(&I)", "用其他程序打开")
MENU_SKIP = ("退出", "锁定")
LONG_ERROR = "这一项填写得不对：请按提示修改后再保存（这是一条故意写长的错误提示，看它会不会把别的内容挤出屏幕）"
DEPTH = 2


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def _reach(widget: QWidget, window: QWidget) -> QRect:
    """Where a person can get at `widget`: its own place, or a scroll area's window onto it."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea):
            return _global_rect(parent.viewport())
        parent = parent.parentWidget()
    return _global_rect(widget)


def _name(window: QWidget) -> str:
    return f"{type(window).__name__}「{window.windowTitle()}」"


def out_of_reach(window: QWidget) -> list[str]:
    """What of `window` a person on the 1024×768 screen could not see or press."""
    screen = window.screen().availableGeometry()
    name = _name(window)
    problems = [] if screen.contains(window.frameGeometry()) else [f"{name} 超出屏幕：{window.frameGeometry()}"]
    controls = window.findChildren(QAbstractButton) + window.findChildren(QLineEdit) + \
        window.findChildren(QPlainTextEdit) + window.findChildren(QComboBox)
    for control in controls:
        if control.window() is not window or not control.isVisibleTo(window) or control.width() <= 1 \
                or isinstance(control.parentWidget(), QAbstractSpinBox | QComboBox):  # their inner line edit
            continue
        what = control.text() if isinstance(control, QAbstractButton) else control.objectName() or type(control).__name__
        if not screen.contains(_reach(control, window)):
            problems.append(f"{name}：「{what}」在屏幕外 {_reach(control, window)}")
        if isinstance(control, QPushButton) and control.text() and control.width() < control.sizeHint().width() - 2:
            problems.append(f"{name}：按钮「{what}」的文字被截断")
        if isinstance(control, QLineEdit | QComboBox) and control.height() < control.minimumSizeHint().height() - 2:
            problems.append(f"{name}：「{what}」被压扁")
    for label in window.findChildren(QLabel):
        if label.window() is not window or not label.isVisibleTo(window) or not label.text():
            continue
        cut = label.height() < label.heightForWidth(label.width()) - 2 if label.wordWrap() \
            else label.width() < label.sizeHint().width() - 2  # one line wider than its room: its end is lost
        if cut:
            problems.append(f"{name}：文字「{label.text()[:16]}…」显示不全")
    return problems


def settle() -> None:
    """Let what was pressed happen: its jobs end, their answers arrive, the layouts follow."""
    for _ in range(3):
        QCoreApplication.processEvents()
    assert wait_for_jobs(20000)
    for _ in range(3):  # a job's answer changes text, which asks for a new layout, which may move more
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def windows() -> set[QWidget]:
    return {w for w in QApplication.topLevelWidgets() if w.isVisible() and isinstance(w, QDialog | QMainWindow)}


class Walk:
    """Press everything, measure every window that opens, close it again."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: set[str] = set()
        # What was pressed, by id; the objects are kept so that no later one can take a freed id.
        self.pressed: dict[int, QWidget] = {}
        self._watch = QTimer()
        self._watch.setInterval(30)
        self._watch.timeout.connect(self._answer_blocking)
        self._watch.start()

    def _answer_blocking(self) -> None:
        for window in windows():
            if isinstance(window, BLOCKING):
                self.measure(window)
                window.reject()

    def measure(self, window: QWidget) -> None:
        self.seen.add(type(window).__name__)
        self.problems += out_of_reach(window)
        for _tab in self._each_tab(window):
            self.problems += out_of_reach(window)

    @staticmethod
    def _each_tab(window: QWidget) -> Iterator[int]:
        """Show each tab of each tab widget of `window` in turn, then the one shown before."""
        for tabs in window.findChildren(QTabWidget):
            if tabs.window() is not window or not tabs.isVisibleTo(window):
                continue
            shown = tabs.currentIndex()
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                QCoreApplication.processEvents()
                yield index
            tabs.setCurrentIndex(shown)

    def measure_with_errors(self, window: QWidget) -> None:
        """As after a refused save: a long message under every field of every form."""
        forms = [f for f in window.findChildren(FieldForm) + window.findChildren(PlainForm) if f.window() is window]
        for form in forms:
            form.show_errors(dict.fromkeys(form.values(), LONG_ERROR))
        if forms:
            QCoreApplication.processEvents()
            self.problems += [f"（显示错误提示时）{p}" for p in out_of_reach(window)]

    def explore(self, window: QWidget, depth: int) -> None:
        self.measure(window)
        if isinstance(window, QDialog):
            self.measure_with_errors(window)
        if depth >= DEPTH:
            return
        self._press_all(window, depth)
        for _tab in self._each_tab(window):
            self._press_all(window, depth)

    def _press_all(self, window: QWidget, depth: int) -> None:
        """Open the first record of each list (as a double click does), then press each button
        with that record selected."""
        tables = [t for t in window.findChildren(RecordTable)
                  if t.window() is window and t.isVisibleTo(window) and t.model().rowCount()]
        for table in tables:
            if id(table) not in self.pressed:
                self.pressed[id(table)] = table
                self.press(lambda t=table: t.doubleClicked.emit(t.model().index(0, 0)), depth)
            table.select_row(0)
        for button in self._buttons(window):
            self.press(button.click, depth)

    def _buttons(self, window: QWidget) -> Iterator[QPushButton]:
        for button in window.findChildren(QPushButton):
            if button.window() is not window or id(button) in self.pressed or not button.isEnabled() \
                    or not button.isVisibleTo(window) or button.isDefault() \
                    or button in (getattr(window, "save_button", None), getattr(window, "ok_button", None)) \
                    or isinstance(button.parentWidget(), QDialogButtonBox) \
                    or button.text().replace("&", "").startswith(FINISHING):
                continue
            self.pressed[id(button)] = button
            yield button

    def press(self, act, depth: int) -> None:
        before = windows()
        act()
        settle()
        for window in windows() - before:
            if isinstance(window, QDialog) and not isinstance(window, BLOCKING):
                self.explore(window, depth + 1)
                window.reject()
                settle()


# Dialogs shown before the main window exists (log-in, set-up) or only for rare data: opened directly below.
DIRECT = {"LoginDialog", "LockDialog", "SetupWizard", "RecoveryCodeDialog", "RecoverDialog", "ConflictDialog",
          "FirstStartDialog", "RestoreDialog", "RebuildDialog", "ImportDialog"}


def dialog_classes() -> set[str]:
    """Every dialog class the interface defines, bases that only others build on left out."""
    for module in pkgutil.iter_modules(station_app.ui.__path__):
        importlib.import_module(f"station_app.ui.{module.name}")
    found: set[type] = set()
    stack = [QDialog]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("station_app.ui"):
                found.add(sub)
    return {c.__name__ for c in found if not any(o in found for o in c.__subclasses__())} | (
        {c.__name__ for c in found} & DIRECT)


@pytest.fixture(autouse=True)
def as_the_program_looks(qapp):
    """The program's own font (at least 11 pt) and Chinese Qt texts, whichever test ran before, and
    a main window opened for the first time (no size kept from a window another test closed)."""
    make_application()
    QSettings().remove(GEOMETRY_KEY)


@pytest.fixture
def demo_window(qtbot, session):
    admin.load_demo(session.database, session.actor, 120)
    applicant = next(p for p in session.database.query("SELECT id FROM person WHERE id_number IS NOT NULL"))
    relief.register(session.store, {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                    "reason": "房屋失火"})  # newest on the list: a case with every action open
    child = next(p for p in session.database.query("SELECT person_id FROM child_profile"))
    reported = (dt.datetime.now() - dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    children.open_report(session.store, {"person_id": child["person_id"], "source": "学校老师", "reporter": "王老师",
                                         "reported_at": reported, "urgency": "normal",
                                         "description": "孩子身上多处淤青"})  # late: the red alerts show
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show_on_screen()
    settle()
    yield window
    for leftover in windows() - {window}:
        leftover.reject() if isinstance(leftover, QDialog) else leftover.close()
    settle()


def test_the_main_window_opens_maximised_on_a_small_screen_and_everything_fits(qtbot, demo_window):
    assert demo_window.isMaximized() and QApplication.primaryScreen().size().toTuple() == SCREEN
    walk = Walk()
    for index in range(demo_window.stack.count()):
        demo_window.show_page(index)
        settle()
        walk.explore(demo_window, 0)
    for menu in demo_window.menuBar().actions():
        for action in menu.menu().actions():
            if action.text() and not action.text().startswith(MENU_SKIP):
                walk.press(action.trigger, 0)
    assert not walk.problems, "\n".join(walk.problems)
    covered = walk.seen | DIRECT
    unopened = dialog_classes() - covered
    assert not unopened, f"nothing opened {sorted(unopened)}: give them a way in, or open them in the test below"


def test_the_dialogs_before_the_main_window_and_for_rare_data_fit_too(qtbot, session, tmp_path):
    mine = session.store.create("person", {"name": "刘小雨", "gender": "F", "birth_date": "2016-03-02"})
    conflict = sync_state.Conflict(1, "person", mine["id"], "record", mine, {**mine, "name": "刘晓雨", "rev": 2}, 2,
                                   ["name"], None, "2026-11-23T09:00:00+00:00")
    opened = [LoginDialog(session.db_path, "前甸镇社会工作服务站"),
              LockDialog(session.database, session.actor),
              SetupWizard(session.database),
              RecoveryCodeDialog("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789", "前甸镇社会工作服务站"),
              RecoverDialog(session.db_path),
              ConflictDialog(session, conflict),
              FirstStartDialog(tmp_path),  # a new PC: an empty data folder
              RestoreDialog(tmp_path),
              RebuildDialog(tmp_path),
              ImportDialog(session, kind=ROSTER)]  # behind the 从Excel导入 button's menu, which the walk does not open
    walk = Walk()
    for dialog in opened:
        qtbot.addWidget(dialog)
        dialog.show()  # as the program shows them (exec, or present for the last two)
        settle()
        walk.measure(dialog)
        walk.measure_with_errors(dialog)
        dialog.hide()
    assert {type(d).__name__ for d in opened} == DIRECT
    assert not walk.problems, "\n".join(walk.problems)


def assert_in_view(table: RecordTable, headers: tuple[str, ...]) -> None:
    viewport = table.viewport().width()
    for header in headers:
        column = [c.header for c in table.model().columns].index(header)
        left = table.columnViewportPosition(column)
        assert 0 <= left and left + table.columnWidth(column) <= viewport, f"{header} 需要横向滚动才能看到"


@pytest.mark.parametrize(("page", "headers"), [("child", ("下次走访", "最近走访", "委托协议")),
                                               ("elder", ("下次走访", "最近走访", "风险等级")),
                                               ("relief", ("办理状态", "补办期限", "批准金额"))])
def test_lists_show_what_is_due_without_scrolling_sideways(qtbot, demo_window, page, headers):
    demo_window.show_page([p.key for p in PAGES].index(page))
    settle()
    shown = demo_window.page(page)
    assert_in_view(shown.cases.table if page == "relief" else shown.table, headers)


def test_the_reserve_fund_ledger_shows_its_amounts_and_who_without_scrolling_sideways(qtbot, demo_window):
    demo_window.show_page([p.key for p in PAGES].index("relief"))
    relief_page = demo_window.page("relief")
    relief_page.tabs.setCurrentIndex(1)
    settle()
    assert_in_view(relief_page.fund.table, ("收入（元）", "支出（元）", "余额（元）", "经办人"))


def test_a_window_kept_from_a_larger_screen_opens_within_this_one(qtbot, session):
    bigger = MainWindow(session)
    qtbot.addWidget(bigger)
    bigger.setGeometry(100, 80, 1600, 1000)  # as it was on the county's wide monitor
    bigger.close()  # remembers its geometry
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show_on_screen()
    settle()
    assert QApplication.primaryScreen().availableGeometry().contains(window.frameGeometry())


def test_the_enrollment_dialog_shows_a_whole_key_fingerprint(qtbot, session):
    page = SyncPage(session)
    qtbot.addWidget(page)
    page.enroll_button.click()
    dialog = wait_shown(qtbot, EnrollDialog)
    typed = protocol.fingerprint(protocol.b64(bytes(range(32))))
    dialog.fingerprint.setText(typed)
    field = dialog.fingerprint
    assert field.width() >= field.fontMetrics().horizontalAdvance(typed) + 8  # read whole, not scrolled
    dialog.reject()


def test_a_form_grows_to_show_its_errors_while_the_screen_has_room(qtbot, session):
    page = PeoplePage(session)
    qtbot.addWidget(page)
    page.show()
    page.add_button.click()
    dialog = wait_shown(qtbot, PersonDialog)
    press_refused(qtbot, dialog)  # nothing typed: a message under each required field
    assert dialog.form.error_text("name") and dialog.form.error_text("birth_date")
    QCoreApplication.processEvents()
    scroll = dialog.findChild(FitScroll)
    assert scroll.verticalScrollBar().maximum() == 0  # all of it in view: 备注 too, not scrolled off
    assert dialog.screen().availableGeometry().contains(dialog.frameGeometry())
    dialog.reject()
