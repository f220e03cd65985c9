"""The application shell as a station's staff meet it: first-run set-up, log-in and lock-out,
the forced password change, the main window, the idle lock, and user management."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import logging  # noqa: E402
import sqlite3  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import shiboken6  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel, QLineEdit, QMessageBox  # noqa: E402

from station_app import paths  # noqa: E402
from station_app.core.errors import KnownError  # noqa: E402
from station_app.core.roles import Actor  # noqa: E402
from station_app.store import settings, users  # noqa: E402
from station_app.store.database import StationDatabase, forget_keys  # noqa: E402
from station_app.store.driver import is_plaintext  # noqa: E402
from station_app.store.keyring import KeyRing, keys_path  # noqa: E402
from station_app.store.records import RecordStore  # noqa: E402
from station_app.ui import print_preview  # noqa: E402
from station_app.ui import app as app_module  # noqa: E402
from station_app.ui.app import ExceptHook, Shell, sign_in, ui_font  # noqa: E402
from station_app.ui.idle import IdleWatcher  # noqa: E402
from station_app.ui.login import CURTAIN_COLOR, ChangePasswordDialog, Curtain, LoginDialog  # noqa: E402
from station_app.ui.main_window import MainWindow  # noqa: E402
from station_app.ui.operations import wait_for_jobs  # noqa: E402
from station_app.ui.session import Session  # noqa: E402
from station_app.ui.settings_page import AddUserDialog, ResetPasswordDialog, SettingsPage  # noqa: E402
from station_app.ui.wizard import SetupWizard  # noqa: E402
from tests.conftest import HEAD_PASSWORD  # noqa: E402
from tests.ui_helpers import column_texts, shown, wait_for_list, wait_shown, when_modal  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]
pytestmark = pytest.mark.gui

WORKER_PASSWORD = "worker-pass1"
GOOD_STATION = {"name": "前甸镇社会工作服务站", "township": "前甸镇", "county": "抚顺市顺城区", "admin_code": "210411101"}


@pytest.fixture(autouse=True)
def own_qsettings(tmp_path):
    """Remembered usernames and window positions go to the test's folder, not the real profile."""
    QCoreApplication.setOrganizationName("StationTest")
    QCoreApplication.setApplicationName("StationTest")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    QSettings().clear()


@pytest.fixture
def worker(database, head) -> Actor:
    row = users.create_user(database, head, "liu", "刘晓梅", "worker", WORKER_PASSWORD)
    return Actor(row["id"], row["username"], row["display_name"], row["role"])


@pytest.fixture
def said(monkeypatch) -> list[str]:
    """What the static message boxes would have said (they would block a test)."""
    texts: list[str] = []

    def say(_parent, _title, text, *_args, **_kwargs):
        texts.append(text)
        return QMessageBox.StandardButton.Yes

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(say))
    return texts


def log_in(qtbot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.show()
    dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter logs in
    assert not dialog.login_button.isEnabled()  # the password is being checked in a worker
    qtbot.waitUntil(lambda: dialog.login_button.isEnabled() or dialog.result() == QDialog.DialogCode.Accepted,
                    timeout=10000)


# -- first run -------------------------------------------------------------------------------


def fill_station(wizard: SetupWizard, values: dict[str, str]) -> None:
    for name, value in values.items():
        wizard.station_page.form.editor(name).setText(value)


def test_wizard_refuses_a_bad_township_code_at_the_field_then_sets_up_station_and_head(qtbot, database):
    wizard = SetupWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_station(wizard, {**GOOD_STATION, "admin_code": "123456789"})
    wizard.next()
    assert wizard.currentPage() is wizard.station_page
    assert "不是有效的县级行政区划代码" in wizard.station_page.form.error_text("admin_code")

    wizard.station_page.form.editor("admin_code").setText("210411101")
    wizard.next()
    assert wizard.currentPage() is wizard.head_page
    head_form = wizard.head_page.form
    for name, value in {"username": "wangzz", "display_name": "王志正", "password": "qiandian2026",
                        "confirm": "qiandian2026"}.items():
        head_form.editor(name).setText(value)
    with qtbot.waitSignal(wizard.accepted, timeout=10000):
        wizard.button(wizard.WizardButton.FinishButton).click()

    assert wizard.actor is not None and wizard.actor.role == "head"
    assert database.station_id is not None
    assert users.authenticate(database, "wangzz", "qiandian2026").display_name == "王志正"


def test_wizard_head_page_keeps_mistakes_at_their_fields(qtbot, database):
    wizard = SetupWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_station(wizard, GOOD_STATION)
    wizard.next()
    form = wizard.head_page.form
    for name, value in {"username": "wangzz", "display_name": "王志正", "password": "short", "confirm": "other"}.items():
        form.editor(name).setText(value)
    wizard.button(wizard.WizardButton.FinishButton).click()
    assert form.error_text("confirm") == "两次输入的密码不一致"

    form.editor("confirm").setText("short")
    wizard.button(wizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: form.error_text("password") != "", timeout=10000)
    assert "至少8位" in form.error_text("password")
    assert wizard.isVisible() and database.station_id is None

    # The head's password follows the same rule as everyone's: a top-ten password is refused.
    for name in ("password", "confirm"):
        form.editor(name).setText("12345678")
    wizard.button(wizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: "常见密码" in form.error_text("password"), timeout=10000)
    assert wizard.isVisible() and database.station_id is None


# -- logging in ------------------------------------------------------------------------------


def test_wrong_password_says_so_and_clears_the_field(qtbot, database, head):
    dialog = LoginDialog(database.path, "前甸镇社会工作服务站")
    qtbot.addWidget(dialog)
    log_in(qtbot, dialog, "head", "not-my-password")
    assert dialog.message.text() == "用户名或密码不正确"
    assert dialog.password.text() == "" and dialog.result() != QDialog.DialogCode.Accepted


def test_repeated_wrong_passwords_lock_the_account_and_the_dialog_says_until_when(qtbot, database, head):
    dialog = LoginDialog(database.path)
    qtbot.addWidget(dialog)
    for _ in range(settings.get_int(database, settings.LOCKOUT_THRESHOLD)):
        log_in(qtbot, dialog, "head", "not-my-password")
    assert "账号已锁定" in dialog.message.text()
    log_in(qtbot, dialog, "head", HEAD_PASSWORD)  # even the right password, until the lock ends
    assert "账号已锁定，请在" in dialog.message.text() and "后再试" in dialog.message.text()
    assert dialog.actor is None


def test_disabled_account_is_told_to_ask_the_head(qtbot, database, head, worker):
    users.disable(database, head, worker.user_id)
    dialog = LoginDialog(database.path)
    qtbot.addWidget(dialog)
    log_in(qtbot, dialog, "liu", WORKER_PASSWORD)
    assert "已停用" in dialog.message.text()


def test_login_remembers_the_username_for_next_time(qtbot, database, head):
    dialog = LoginDialog(database.path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        log_in(qtbot, dialog, "head", HEAD_PASSWORD)
    assert dialog.actor is not None and dialog.actor.username == "head"
    again = LoginDialog(database.path)
    qtbot.addWidget(again)
    assert again.username.text() == "head"


def test_after_a_reset_the_user_must_choose_a_new_password_before_getting_in(qtbot, database, head, worker):
    users.reset_password(database, head, worker.user_id, "temporary-key-47")
    dialog = LoginDialog(database.path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("liu")
    dialog.password.setText("temporary-key-47")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    forced = wait_shown(qtbot, ChangePasswordDialog)  # the log-in waits for it
    assert dialog.actor is None
    forced.form.editor("new_password").setText("my-own-pass9")
    forced.form.editor("confirm").setText("my-own-pass9")
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        forced.ok_button.click()
    assert not users.must_change_password(database, worker)
    assert users.authenticate(database, "liu", "my-own-pass9").username == "liu"


# -- the main window -------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, session) -> MainWindow:
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    return win


def test_main_window_status_bar_names_user_station_and_database_state(window, session):
    assert "王站长（站长）" in window.user_label.text()
    assert window.station_label.text() == session.station["name"]
    assert "正在检查数据库" in window.database_label.text()
    window.set_database_check([])
    assert window.database_label.text() == "数据库正常"
    assert "条变更待同步" in window.sync_label.text()  # set-up itself is a change for the county
    window.set_database_check(["*** in database main ***\nPage 5: never used"])
    assert window.database_label.text().startswith("数据库检查发现问题")
    assert "c62828" in window.database_label.styleSheet()


def test_ctrl_number_switches_pages_and_builds_each_on_first_visit(qtbot, window):
    assert window.current_key == "people"
    assert window.page("child") is None
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "child" and window.page("child") is not None
    assert window.nav.currentRow() == 1
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "due"
    wait_for_jobs()


def test_check_database_from_the_menu_reports_and_updates_the_status_bar(qtbot, window, said):
    window.check_database()
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    assert said[0].startswith("检查通过") and "哈希链完整" in said[0]
    assert window.database_label.text().startswith("数据库正常")


def test_backup_from_the_menu_writes_a_copy_where_chosen(qtbot, window, said, monkeypatch, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_args: str(stick)))
    window.backup()
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    copies = list(stick.glob("station-*.db"))
    assert len(copies) == 1 and str(copies[0]) in said[0]


def test_the_window_reopens_on_the_page_it_was_closed_on(qtbot, session):
    first = MainWindow(session)
    qtbot.addWidget(first)
    first.show_page(5)
    first.close()
    second = MainWindow(session)
    qtbot.addWidget(second)
    assert second.current_key == "sync"
    wait_for_jobs()


# -- the idle lock ---------------------------------------------------------------------------


def test_idle_watcher_fires_after_the_interval_and_input_postpones_it(qtbot):
    watcher = IdleWatcher(QApplication.instance(), 10)
    assert watcher.interval_ms == 600_000
    watcher.set_interval_ms(150)
    watcher.start()
    with qtbot.waitSignal(watcher.idle, timeout=2000):
        pass
    assert not watcher.active  # fires once; the lock arms it again on unlock

    widget = QDialog()
    qtbot.addWidget(widget)
    widget.show()
    watcher.set_interval_ms(1000)
    watcher.start()
    qtbot.wait(600)
    qtbot.keyClick(widget, Qt.Key.Key_A)  # someone is at the keyboard: the countdown starts over
    with qtbot.assertNotEmitted(watcher.idle, wait=600):
        pass
    with qtbot.waitSignal(watcher.idle, timeout=3000):
        pass
    watcher.deleteLater()


@pytest.fixture
def shell(qtbot, data_dir, database, head):
    shell = Shell(QApplication.instance(), data_dir, database)
    shell.open_session(head)  # the shell owns its windows: it closes and deletes them itself
    yield shell
    shell.idle.stop()
    if shell.lock_dialog is not None:
        shell.lock_dialog.done(0)
    shell.window.close()
    wait_for_jobs()
    shell.deleteLater()


def unlock(qtbot, shell: Shell, username: str | None, password: str) -> None:
    dialog = shell.lock_dialog
    assert dialog is not None
    if username is not None:
        dialog.switch_button.click()
        dialog.username.setText(username)
    dialog.password.setText(password)
    dialog.login_button.click()
    qtbot.waitUntil(lambda: shell.lock_dialog is None, timeout=10000)


def test_idle_session_locks_covers_the_window_and_reopens_with_the_password(qtbot, shell):
    window = shell.window
    shell.idle.set_interval_ms(100)
    qtbot.waitUntil(lambda: shell.lock_dialog is not None, timeout=3000)
    assert shell.lock_dialog.isVisible()
    assert window.findChildren(Curtain) and window.findChildren(Curtain)[0].isVisible()
    shown = window.grab().toImage()  # what someone passing by sees: the curtain, not the records
    for x, y in ((5, 5), (shown.width() // 3, shown.height() // 2), (shown.width() - 5, shown.height() - 5)):
        assert shown.pixelColor(x, y) == CURTAIN_COLOR

    shell.lock_dialog.reject()  # Esc does not open a locked screen
    assert shell.lock_dialog.isVisible()
    shell.lock_dialog.password.setText("not-my-password")
    shell.lock_dialog.login_button.click()
    qtbot.waitUntil(lambda: shell.lock_dialog.message.text() != "", timeout=10000)
    assert shell.lock_dialog.message.text() == "用户名或密码不正确"

    shell.idle.set_interval_ms(60_000)
    unlock(qtbot, shell, None, HEAD_PASSWORD)
    qtbot.waitUntil(lambda: not window.findChildren(Curtain), timeout=3000)
    assert shell.window is window and shell.idle.active


def test_another_user_can_log_in_at_the_lock_screen_and_gets_their_own_window(qtbot, shell, worker):
    old = shell.window
    shell.lock()
    unlock(qtbot, shell, "liu", WORKER_PASSWORD)
    assert shell.window is not old
    assert shell.window.session.actor.username == "liu"
    assert "刘晓梅（社工）" in shell.window.user_label.text()
    assert shell.window.isVisible()
    qtbot.waitUntil(lambda: not shiboken6.isValid(old), timeout=3000)  # the locked session is gone


def test_unlocking_returns_to_a_half_filled_dialog_as_it_was(qtbot, shell):
    dialog = QDialog(shell.window)
    typed = QLineEdit("张三 13912345678", dialog)
    dialog.open()
    shell.lock()
    assert dialog.findChildren(Curtain)  # every window is covered, not only the main one
    unlock(qtbot, shell, None, HEAD_PASSWORD)
    assert dialog.isVisible() and typed.text() == "张三 13912345678"


def test_a_window_that_closes_while_locked_does_not_break_the_unlock(qtbot, shell):
    progress = QDialog(shell.window)
    progress.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as a finished job's progress dialog
    progress.show()
    shell.lock()
    progress.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(progress), timeout=3000)
    unlock(qtbot, shell, None, HEAD_PASSWORD)
    assert shell.idle.active


def test_another_users_log_in_closes_the_locked_sessions_dialogs(qtbot, shell, worker):
    dialog = QDialog(shell.window)
    dialog.open()
    shell.lock()
    unlock(qtbot, shell, "liu", WORKER_PASSWORD)
    assert shell.window.session.actor.username == "liu"
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=3000)


def test_quitting_from_the_lock_screen_closes_the_window(qtbot, shell):
    shell.lock()
    shell.lock_dialog.quit_button.click()
    assert shell.lock_dialog is None and not shell.window.isVisible()


def test_idle_minutes_set_by_the_head_reach_the_running_lock(qtbot, shell, said):
    window = shell.window
    window.show_page(7)
    page = window.page("settings")
    page.security.spins[settings.IDLE_LOCK_MINUTES.key].setValue(3)
    page.security.save()
    qtbot.waitUntil(lambda: bool(said), timeout=10000)  # saved in a worker, then announced to the idle lock
    assert settings.get_int(shell.database, settings.IDLE_LOCK_MINUTES) == 3
    assert shell.idle.interval_ms == 3 * 60_000
    assert said == ["设置已保存。"]


# -- users and settings ----------------------------------------------------------------------


def test_head_adds_a_user_who_can_then_log_in(qtbot, session):
    page = SettingsPage(session)
    qtbot.addWidget(page)
    assert page.user_admin is not None and page.user_admin.model.rowCount() == 1
    page.user_admin.add_button.click()
    dialog = shown(AddUserDialog)
    for name, value in {"username": "zhangl", "display_name": "张丽", "password": "zhangli-2026",
                        "confirm": "zhangli-2026"}.items():
        dialog.form.editor(name).setText(value)
    with qtbot.waitSignal(session.changes.changed, timeout=10000):  # the list follows the announced change
        dialog.ok_button.click()
    assert page.user_admin.model.rowCount() == 2
    assert [page.user_admin.model.row(r)["username"] for r in range(2)] == ["head", "zhangl"]
    assert users.authenticate(session.database, "zhangl", "zhangli-2026").role == "worker"


def test_add_user_shows_the_stores_refusal_at_the_field(qtbot, session, worker):
    dialog = AddUserDialog(session)
    qtbot.addWidget(dialog)
    for name, value in {"username": "liu", "display_name": "另一个刘", "password": "another-pass1",
                        "confirm": "another-pass1"}.items():
        dialog.form.editor(name).setText(value)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.form.error_text("username") != "", timeout=10000)
    assert dialog.form.error_text("username") == "该用户名已被使用"


def test_head_disables_and_re_enables_a_user(qtbot, session, worker, said):
    page = SettingsPage(session)
    qtbot.addWidget(page)
    admin = page.user_admin
    admin.table.select_row(1)
    assert admin.toggle_button.text() == "停用"
    with qtbot.waitSignal(session.changes.changed, timeout=10000):
        admin.toggle_button.click()
    assert admin.model.row(1)["active"] == 0 and admin.toggle_button.text() == "启用"
    assert "已停用" in admin.model.index(1, 3).data()
    assert not users.has_key(session.database, "liu")  # their copy of the database key is gone

    admin.toggle_button.click()
    dialog = shown(ResetPasswordDialog)  # re-enabling asks for a temporary password
    dialog.form.editor("password").setText("temporary-key-9")
    dialog.form.editor("confirm").setText("temporary-key-9")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: admin.model.row(1)["active"] == 1, timeout=10000)
    assert "下次登录须改密码" in admin.model.index(1, 3).data()
    assert users.has_key(session.database, "liu")


def test_a_worker_sees_their_own_account_but_no_user_management(qtbot, data_dir, database, worker):
    page = SettingsPage(Session(data_dir, database, worker))
    qtbot.addWidget(page)
    assert page.user_admin is None and page.security is None
    assert any("刘晓梅（社工）" in label.text() for label in page.findChildren(QLabel))


# -- start-up --------------------------------------------------------------------------------


def test_a_database_from_a_newer_program_is_refused_at_log_in_with_a_message(qtbot, database, head):
    database.conn.execute("PRAGMA user_version = 999")
    dialog = LoginDialog(database.path)
    qtbot.addWidget(dialog)
    log_in(qtbot, dialog, "head", HEAD_PASSWORD)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "更新版本" in dialog.message.text()


def test_a_missing_key_file_is_explained_not_taken_for_a_wrong_password(qtbot, database, head):
    keys_path(database.path).unlink()
    dialog = LoginDialog(database.path)
    qtbot.addWidget(dialog)
    log_in(qtbot, dialog, "head", HEAD_PASSWORD)
    assert "找不到密钥文件" in dialog.message.text()


def test_the_bundled_font_backs_the_ui_font_up(qapp):
    font = ui_font(qapp.font())
    assert "Droid Sans Fallback" in font.families()
    assert font.pointSizeF() >= app_module.MIN_POINT_SIZE


def test_an_uncaught_error_is_shown_and_logged_not_a_silent_crash(qapp, monkeypatch, caplog):
    shown: list[BaseException] = []
    monkeypatch.setattr(app_module, "show_error", lambda _parent, exc, _details="": shown.append(exc))
    hook = ExceptHook()
    try:
        raise KnownError("磁盘已满")
    except KnownError as exc:
        with caplog.at_level(logging.INFO):
            hook(type(exc), exc, exc.__traceback__)
    assert [str(e) for e in shown] == ["磁盘已满"]
    assert "磁盘已满" in caplog.text
    hook.showing = True  # an error while the dialog is up is logged, not stacked
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR):
            hook(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1 and "boom" in caplog.text


def test_the_background_start_up_check_reaches_the_status_bar(qtbot, shell, said, monkeypatch):
    monkeypatch.setattr(StationDatabase, "quick_check", lambda self: ["Page 7 is never used"])
    shell.start_check()
    qtbot.waitUntil(lambda: shell.check_problems is not None, timeout=10000)
    assert shell.window.database_label.text().startswith("数据库检查发现问题")
    assert any("Page 7 is never used" in text for text in said)


def test_after_logging_in_the_main_window_lists_the_demo_people(qtbot, data_dir, database, head, demo_people):
    dialog = LoginDialog(database.path, "前甸镇社会工作服务站")
    qtbot.addWidget(dialog)
    log_in(qtbot, dialog, "head", HEAD_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted

    shell = Shell(QApplication.instance(), data_dir, database)
    shell.open_session(dialog.actor)
    try:
        window = shell.window
        assert window.isVisible() and window.current_key == "people"
        people_page = window.page("people")
        wait_for_list(qtbot, people_page.model)
        assert people_page.model.rowCount() == demo_people["person"] == 300
        names = column_texts(people_page.model, "姓名")
        assert len(set(names)) > 200 and all(names)
        assert "王站长（站长）" in window.user_label.text()
    finally:
        shell.idle.stop()
        shell.window.close()
        wait_for_jobs()
        shell.deleteLater()


# -- encryption at first run and after an upgrade -------------------------------------------------


def choose_new_station() -> None:
    """The first-start window's 新建社工站, once it is up."""
    from station_app.ui.first_start import FirstStartDialog

    when_modal(FirstStartDialog, lambda dialog: dialog.new_button.click())


def test_first_run_sets_up_an_encrypted_station_and_shows_the_recovery_code_once(qtbot, tmp_path, monkeypatch):
    from station_app.ui.recovery import RecoveryCodeDialog

    monkeypatch.setattr(print_preview, "show_printed", lambda _parent, _pdf, keep: None)
    data = tmp_path / "new-station"
    data.mkdir()
    shown: list[str] = []
    printed: list[Path] = []

    def fill_wizard(wizard):
        fill_station(wizard, GOOD_STATION)
        wizard.next()
        for name, value in {"username": "wangzz", "display_name": "王志正", "password": "qiandian2026",
                            "confirm": "qiandian2026"}.items():
            wizard.head_page.form.editor(name).setText(value)
        when_modal(RecoveryCodeDialog, keep_code)
        wizard.button(wizard.WizardButton.FinishButton).click()

    def keep_code(dialog):
        shown.append(dialog.code_label.text())
        assert not dialog.close_button.isEnabled()  # not before the head says the code is kept
        dialog.print_button.click()
        qtbot.waitUntil(lambda: dialog.printed is not None, timeout=10000)
        printed.append(dialog.printed)
        dialog.kept.setChecked(True)
        dialog.close_button.click()

    choose_new_station()
    when_modal(SetupWizard, fill_wizard)
    database, actor = sign_in(data)
    try:
        assert actor.username == "wangzz" and database.path == paths.database_path(data)
        files = {p.name for p in data.iterdir() if p.is_file()}
        assert {"station.db", "station.keys"} <= files <= {"station.db", "station.db-wal", "station.db-shm", "station.keys"}
        code = shown[0]
        # The sheet was printed from outside the data folder, and nothing in it holds the code.
        assert code in PdfReader(printed[0]).pages[0].extract_text() and not printed[0].is_relative_to(data)
        assert not any(code.encode() in f.read_bytes() for f in data.rglob("*") if f.is_file())
        assert not list(data.rglob("*.pdf"))
        assert KeyRing.load(keys_path(database.path)).unlock_with_recovery(code) == database.key
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(database.path).execute("SELECT * FROM station").fetchall()
    finally:
        database.close()


def test_the_recovery_sheets_preview_offers_no_copy_and_deletes_the_sheet_when_closed(qtbot):
    from station_app.ui.recovery import RecoveryCodeDialog

    dialog = RecoveryCodeDialog("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ", "前甸镇社会工作服务站")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.printed is not None, timeout=10000)
    preview = next(w for w in dialog.findChildren(print_preview.PrintPreview))
    assert preview.ready and preview.print_button.isVisible()
    assert not preview.save_button.isVisible() and not preview.open_button.isVisible()
    assert dialog.printed.exists()
    preview.close()
    assert not dialog.printed.exists() and not dialog.printed.parent.exists()


def test_an_abandoned_first_run_leaves_nothing_behind(qtbot, tmp_path):
    data = tmp_path / "new-station"
    data.mkdir()
    choose_new_station()
    when_modal(SetupWizard, lambda wizard: wizard.reject())
    assert sign_in(data) is None
    assert list(data.iterdir()) == []


def test_the_heads_log_in_converts_an_unencrypted_database(qtbot, database, head, tmp_path):
    from station_app.ui.recovery import RecoveryCodeDialog

    database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    old = tmp_path / "old" / "station.db"
    old.parent.mkdir()
    database.conn.execute("ATTACH DATABASE ? AS plain KEY ''", [str(old)])
    database.conn.execute("SELECT sqlcipher_export('plain')")
    database.conn.execute(f"PRAGMA plain.user_version = {database.user_version}")
    database.conn.execute("DETACH DATABASE plain")
    people = database.scalar("SELECT COUNT(*) FROM person")
    forget_keys()

    def keep_code(dialog):
        assert "已转换为加密" in dialog.findChildren(QLabel)[0].text()
        dialog.kept.setChecked(True)
        dialog.close_button.click()

    dialog = LoginDialog(old)
    qtbot.addWidget(dialog)
    when_modal(RecoveryCodeDialog, keep_code)
    log_in(qtbot, dialog, "head", HEAD_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.recovery_code
    assert not is_plaintext(old)
    assert dialog.database.scalar("SELECT COUNT(*) FROM person") == people
    dialog.database.close()


def test_qts_own_buttons_speak_chinese(qapp):
    assert app_module.install_qt_translation(qapp)
    box = QMessageBox(QMessageBox.Icon.Question, "t", "x", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert box.button(QMessageBox.StandardButton.Yes).text().startswith("是")


def test_the_shell_takes_todays_automatic_backup_once(qtbot, data_dir, database, head):
    shell = Shell(QApplication.instance(), data_dir, database)
    shell.start(head)
    try:
        folder = paths.backups_dir(data_dir)
        qtbot.waitUntil(lambda: folder.exists() and any(folder.glob("auto-*.db")), timeout=10000)
        qtbot.waitUntil(lambda: "已自动备份" in shell.window.statusBar().currentMessage(), timeout=10000)
        shell.automatic_backup()  # the hourly check: nothing more today
        assert wait_for_jobs(10000)
        assert len(list(folder.glob("auto-*.db"))) == 1
    finally:
        shell.backup_timer.stop()
        shell.idle.stop()
        shell.window.close()
        assert wait_for_jobs(10000)
        shell.deleteLater()


def test_the_head_restores_a_backup_from_the_file_menu(qtbot, data_dir, database, head, monkeypatch):
    store = RecordStore(database, head)
    store.create("person", {"name": "备份前", "gender": "M", "birth_date": "1950-01-01"})
    copy = database.backup_to(paths.backups_dir(data_dir) / "station-manual.db")
    store.create("person", {"name": "备份后", "gender": "M", "birth_date": "1950-01-01"})
    key = database.require_key()
    said, quit_called = [], []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(copy), "")))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: said.append(a[2]) or QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a: said.append(a[2])))
    shell = Shell(QApplication.instance(), data_dir, database)
    monkeypatch.setattr(shell.app, "quit", lambda: quit_called.append(True))
    shell.start(head)
    shell.window.restore()
    qtbot.waitUntil(lambda: bool(quit_called), timeout=10000)
    assert "在册人员：1 人" in said[0]
    assert "恢复前的数据已另存为" in said[-1]
    assert shell.window is None
    again = StationDatabase.open(database.path, key)
    assert [r["name"] for r in again.query("SELECT name FROM person")] == ["备份前"]
    again.close()
    shell.deleteLater()
