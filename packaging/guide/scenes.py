"""What the user's guide shows, scene by scene, in the order of its chapters.

Each scene works the real program as the guide tells a worker to — the same page, the same button —
and saves the window the chapter shows under the scene's picture names (resources/guide/images/
NAME.png, used by resources/guide/index.html; tests/test_guide.py checks the two agree). Forms are
filled in to show what goes where, then left without saving unless the next picture needs the record.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QPoint
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QPlainTextEdit, QWidget
from stdnum.cn import ric

from station_app.core.jobs import JobState
from station_app.core.roles import Actor
from station_app.jobs import admin
from station_app.store import relief
from station_app.store.database import StationDatabase
from station_app.ui.child_dialogs import ChildVisitDialog
from station_app.ui.elder_dialogs import RoundDialog, VisitDialog
from station_app.ui.login import LoginDialog
from station_app.ui.main_window import MainWindow
from station_app.ui.operations import wait_for_jobs
from station_app.ui.person_dialog import PersonDialog
from station_app.ui.print_preview import PrintPreview
from station_app.ui.relief_dialog import ActionDialog, ReliefCaseDialog
from station_app.ui.session import Session
from station_app.ui.sync_page import EnrollDialog

D = TypeVar("D", bound=QDialog)


class Stage:
    """The running program on its demo station, and the camera."""

    def __init__(self, app: QApplication, data_dir: Path, database: StationDatabase, actor: Actor, out: Path,
                 review: Path | None) -> None:
        self.app, self.out, self.review = app, out, review
        self.saved: list[Path] = []
        out.mkdir(parents=True, exist_ok=True)
        if review is not None:
            review.mkdir(parents=True, exist_ok=True)
        self.session = Session(data_dir, database, actor)
        self.window = MainWindow(self.session)
        self.window.show_on_screen()
        self.window.set_database_check(admin.quick_check(database, JobState()))  # as the shell does at start
        self.settle(1.0)

    def settle(self, seconds: float = 0.4) -> None:
        """Let the program answer: queries and jobs end, their results are shown, painting is done."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.02)
        wait_for_jobs(60000)
        QCoreApplication.processEvents()

    def page(self, key: str, picture: str = "") -> QWidget:
        """Go to the page `key` (and save the window as `picture`, if named)."""
        from station_app.ui.main_window import PAGES

        self.window.show_page([p.key for p in PAGES].index(key))
        self.settle(0.8)
        page = self.window.page(key)
        assert page is not None
        if picture:
            self.shoot(self.window, picture)
        return page

    def press(self, button: QWidget) -> None:
        button.click()  # type: ignore[attr-defined]
        self.settle()

    def open(self, button: QWidget, kind: type[D]) -> D:
        """Press `button`; the dialog of `kind` it opens."""
        self.press(button)
        return self.dialog(kind)

    def dialog(self, kind: type[D], timeout: float = 30) -> D:
        """The dialog of `kind` the last press opened, once it is on screen."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
            if found:
                self.settle(0.5)
                return found[-1]
            self.settle(0.1)
        raise RuntimeError(f"{kind.__name__} did not open")

    def shoot(self, widget: QWidget, name: str, *, for_guide: bool = True) -> None:
        """Save `widget` as the guide's picture `name` (unless only `for_guide` False: a picture to
        review, not to ship), and the whole screen, when reviewing."""
        self.settle(0.3)
        if for_guide:
            path = self.out / f"{name}.png"
            widget.grab().save(str(path), "PNG", 0)  # the strongest compression: the pictures ship with the program
            self.saved.append(path)
        if self.review is not None:
            self.app.primaryScreen().grabWindow(0).save(str(self.review / f"{name}.png"))

    def close(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        self.window.close()
        self.settle(0.3)


SCENES: list[Callable[[Stage], None]] = []


def scene(function: Callable[[Stage], None]) -> Callable[[Stage], None]:
    SCENES.append(function)
    return function


def type_in(editor: QWidget, text: str) -> None:
    if isinstance(editor, QPlainTextEdit):
        editor.setPlainText(text)
    elif isinstance(editor, QComboBox):
        editor.setCurrentIndex(max(editor.findText(text), 1))
    else:
        assert isinstance(editor, QLineEdit)
        editor.setText(text)


def fill(dialog: QDialog, **typed: str) -> None:
    """Type into the dialog's line edits named by attribute."""
    for name, text in typed.items():
        type_in(getattr(dialog, name), text)


def select_first(page: QWidget) -> None:
    table = page.table  # type: ignore[attr-defined]
    table.setFocus()
    table.select_row(0)


# -- 1 登录 ------------------------------------------------------------------------------------------


@scene
def login(stage: Stage) -> None:
    dialog = LoginDialog(stage.session.db_path, stage.session.station["name"])
    dialog.show()
    fill(dialog, username="head", password="shegong")
    stage.shoot(dialog, "login")
    dialog.close()


# -- 2 人员档案 --------------------------------------------------------------------------------------


@scene
def people(stage: Stage) -> None:
    page = stage.page("people", "people")
    dialog = stage.open(page.add_button, PersonDialog)  # type: ignore[attr-defined]
    birth = "19580314"
    number = ric.compact(f"210411{birth}122" + ric.calc_check_digit(f"210411{birth}1220"))
    for name, text in (("name", "张秀兰"), ("id_number", number), ("phone", "13904131234"), ("ethnicity", "汉族"),
                       ("address", "前甸村3组12号")):
        type_in(dialog.form.editor(name), text)
    dialog.form.edited.emit("id_number")  # gender and birth date are read from the ID number
    for name in ("village_id", "health"):
        type_in(dialog.form.editor(name), "")
    stage.shoot(dialog, "person-new")
    dialog.reject()


# -- 3 留守儿童走访 ----------------------------------------------------------------------------------


def _list_and_visit(stage: Stage, key: str, kind: type[QDialog], typed: dict[str, str]) -> None:
    """A program's list with the first person chosen, then the visit form filled in for them."""
    page = stage.page(key)
    select_first(page)
    stage.shoot(stage.window, f"{key}-list")
    dialog = stage.open(page.visit_button, kind)  # type: ignore[attr-defined]
    for name, text in typed.items():
        type_in(dialog.form.editor(name), text)  # type: ignore[attr-defined]
        dialog.form.edited.emit(name)  # type: ignore[attr-defined]  # the next-due proposal follows
    stage.shoot(dialog, f"{key}-visit")
    dialog.reject()


@scene
def children(stage: Stage) -> None:
    _list_and_visit(stage, "child", ChildVisitDialog, {
        "findings": "孩子在家写作业，祖母身体尚可，家中整洁。", "problems": "数学成绩下滑，作业无人辅导。",
        "actions": "联系班主任，安排课后托管辅导。"})


# -- 4 老年人探访 ------------------------------------------------------------------------------------


@scene
def elders(stage: Stage) -> None:
    _list_and_visit(stage, "elder", VisitDialog, {"living_conditions": "独自居住，屋内取暖正常，存粮充足。",
                                                  "health_note": "血压偏高，按时服药。"})


# -- 5 待办提醒 --------------------------------------------------------------------------------------


@scene
def due(stage: Stage) -> None:
    page = stage.page("due", "due")
    dialog = stage.open(page.round_button, RoundDialog)  # type: ignore[attr-defined]
    next_week = (dt.date.today() + dt.timedelta(days=7)).isoformat()  # a round planned ahead, as typed
    dialog.day.setText(next_week)
    dialog.day.textEdited.emit(next_week)
    for index in range(dialog.village.count()):  # a village with someone to visit
        dialog.village.setCurrentIndex(index)
        stage.settle(0.2)
        if dialog.names.text():
            break
    stage.shoot(dialog, "route")
    dialog.reject()


# -- 6 临时救助与先行救助 ----------------------------------------------------------------------------


def _applicant(stage: Stage) -> dict:
    row = stage.session.database.query(
        "SELECT p.id FROM person p WHERE p.id_number IS NOT NULL AND p.household_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM relief_case c WHERE c.person_id = p.id) ORDER BY p.sort_name LIMIT 1")[0]
    return stage.session.store.get("person", row["id"])


@scene
def relief_case(stage: Stage) -> None:
    page = stage.page("relief")
    cases = page.cases  # type: ignore[attr-defined]
    dialog = stage.open(cases.new_button, ReliefCaseDialog)
    person = _applicant(stage)
    dialog.picker.search.setText(person["name"])  # found by name, as the guide says
    stage.settle()
    dialog.picker.results.setCurrentRow(0)
    for name, text in (("tier", "2"), ("incident_place", "前甸村3组"), ("reason", "房屋失火，衣物被褥和口粮烧毁，急需基本生活救助。")):
        type_in(dialog.form.editor(name), text)
    dialog.form.edited.emit("tier")
    stage.shoot(dialog, "relief-new")
    dialog.register()
    stage.settle(1.0)
    case_id = dialog.case_id
    assert case_id is not None
    cases.show_record(case_id)
    stage.settle(0.8)
    case = stage.open(cases.open_button, ReliefCaseDialog)
    advance = stage.open(case.action_buttons["advance"], ActionDialog)
    type_in(advance.form.editor("amount"), "1500")
    type_in(advance.form.editor("reason"), "情况紧急，先行救助解决基本生活，手续在5个工作日内补齐。")
    stage.shoot(advance, "relief-advance")
    stage.press(advance.ok_button)
    stage.settle(1.0)
    _approve(stage, case_id)
    stage.settle(1.0)
    stage.shoot(case, "relief-case")
    pay = stage.open(case.action_buttons["pay"], ActionDialog)
    stage.shoot(pay, "relief-pay")
    stage.press(pay.ok_button)
    stage.settle(1.0)
    case.accept()
    page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    stage.settle(0.8)
    stage.shoot(stage.window, "fund")
    page.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]


def _approve(stage: Stage, case_id: str) -> None:
    """Verification, the proposal and the head's approval, as the guide's text describes them."""
    store, today = stage.session.store, dt.date.today()
    for code, amount, reason in (("verify", None, "入户核实，情况属实"), ("submit", "3000", "房屋损失较大，按实际需要申报"),
                                 ("approve", "3000", "同意救助")):
        case = store.get("relief_case", case_id)
        relief.act(store, case_id, code, case["rev"], amount=amount, reason=reason, today=today)
    stage.session.changes.announce({"relief_case", "relief_step"})


# -- 7 打印 ------------------------------------------------------------------------------------------


@scene
def printing(stage: Stage) -> None:
    page = stage.page("people")
    select_first(page)
    preview = stage.open(page.print_button, PrintPreview)  # type: ignore[attr-defined]
    stage.settle(1.0)
    stage.shoot(preview, "print-preview")
    preview.reject()


# -- 8 同步与U盘数据包 -------------------------------------------------------------------------------


@scene
def sync(stage: Stage) -> None:
    page = stage.page("sync", "sync")
    dialog = stage.open(page.enroll_button, EnrollDialog)  # type: ignore[attr-defined]
    fill(dialog, url="https://192.168.1.20:8443", code="K7QM-2XHD-9PLR-4TWB", fingerprint="3F9A-C21B-77E0-D45C-08AB")
    stage.shoot(dialog, "enroll")
    dialog.reject()


# -- 9 备份 ------------------------------------------------------------------------------------------


@scene
def backup(stage: Stage) -> None:
    stage.page("people")
    bar = stage.window.menuBar()
    menu = bar.actions()[0].menu()
    menu.popup(bar.mapToGlobal(QPoint(0, bar.height())))
    stage.settle(0.5)
    stage.shoot(menu, "menu-file")
    menu.close()
