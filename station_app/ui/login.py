"""Logging in, the idle-lock screen, and changing one's password.

Logging in opens the encrypted database: the password unwraps the user's copy of the key, then
the user table checks the account. That costs two argon2 hashes (~0.3 s here, more on an old PC)
and, after a program upgrade, the schema migration, so it runs off the UI thread; the dialog stays
responsive and says what is happening. Messages come from the store (wrong password, locked with
the unlock time, disabled account, missing key file) and are shown as they are. A user whose
password the head reset must choose a new one before getting in. A database left unencrypted by
an older version is converted at the head's log-in, who then receives the recovery code; a head
who forgot the password gets in with the recovery code (忘记密码).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app.core import passwords
from station_app.core.errors import KnownError
from station_app.core.roles import ROLE_LABELS, Actor
from station_app.store import users
from station_app.store.database import StationDatabase
from station_app.store.driver import is_plaintext
from station_app.ui.dialogs import present
from station_app.ui.fieldform import ERROR_STYLE
from station_app.ui.operations import run_job, show_error
from station_app.ui.plain_form import FormDialog, PlainForm

USERNAME_KEY = "login/username"
CURTAIN_COLOR = QColor("#eceff1")

if TYPE_CHECKING:
    from station_app.ui.recovery import RecoverDialog  # which imports this module


def _title(text: str, size: float = 1.6) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * size)
    font.setBold(True)
    label.setFont(font)
    return label


class LoginDialog(QDialog):
    """Asks for username and password; `actor` holds who logged in once the dialog is accepted."""

    def __init__(self, path: Path, station_name: str = "", parent: QWidget | None = None, *,
                 database: StationDatabase | None = None) -> None:
        super().__init__(parent)
        self._path = Path(path)
        # Opened (on this thread) once someone logged in, unless the caller already holds it.
        self.database = database
        self._busy = False
        self.actor: Actor | None = None
        self.recovery_code: str | None = None
        self.setWindowTitle("登录 — 社工站")
        self.setMinimumWidth(440)

        self.heading = _title("社工站")
        self.subheading = QLabel(station_name)
        self.form = PlainForm()
        self.username = self.form.add_line("username", "用户名", max_length=40)
        self.password = self.form.add_line("password", "密码", password=True, max_length=128)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.login_button = QPushButton("登录")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self._submit)
        self.quit_button = QPushButton("退出")
        self.quit_button.clicked.connect(self.reject)
        self.forgot_button = QPushButton("忘记密码…")
        self.forgot_button.setFlat(True)
        self.forgot_button.setToolTip("站长忘记密码时，用保管在站内的恢复码重设密码")
        self.forgot_button.clicked.connect(self._recover)

        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.forgot_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.login_button)
        self.buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addSpacing(8)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addLayout(self.buttons)

        remembered = str(QSettings().value(USERNAME_KEY, "") or "")
        self.username.setText(remembered)
        (self.password if remembered else self.username).setFocus()

    # -- logging in --------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.message.setText(text)

    def _submit(self) -> None:
        if self._busy:
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self.say("请输入用户名")
            self.username.setFocus()
            return
        if not password:
            self.say("请输入密码")
            self.password.setFocus()
            return
        self._set_busy(True)
        self.say("")
        from station_app.jobs import accounts  # after the window shows: it pulls in the cryptography

        run_job(self, "登录", accounts.log_in_converting, self._path, username, password,
                show_progress=is_plaintext(self._path),
                on_done=lambda result: self._authenticated(*result, password), on_error=self._failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.login_button.setEnabled(not busy)
        self.login_button.setText("正在登录…" if busy else "登录")

    def _authenticated(self, actor: Actor, recovery_code: str | None, password: str) -> None:
        if self.database is None:
            self.database = StationDatabase.open(self._path, check=False)
        if recovery_code is None:
            self._check_password(actor, password)
            return
        from station_app.ui.recovery import RecoveryCodeDialog

        self.recovery_code = recovery_code
        present(RecoveryCodeDialog(recovery_code, self.subheading.text(), self, converted=True),
                on_finished=lambda _dialog, _result: self._check_password(actor, password))  # closes once kept

    def _check_password(self, actor: Actor, password: str) -> None:
        """A password the head set must be changed before going in."""
        assert self.database is not None
        if not users.must_change_password(self.database, actor):
            self._signed_in(actor)
            return
        present(ChangePasswordDialog(self.database, actor, self, current_password=password, forced=True),
                on_finished=lambda _dialog, result: self._password_changed(actor, result))

    def _password_changed(self, actor: Actor, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._signed_in(actor)
            return
        self._set_busy(False)
        self.password.clear()
        self.say("需要先设置新密码才能继续使用。")

    def _signed_in(self, actor: Actor) -> None:
        QSettings().setValue(USERNAME_KEY, actor.username)
        self.actor = actor
        self.accept()

    def _recover(self) -> None:
        from station_app.ui.recovery import RecoverDialog

        present(RecoverDialog(self._path, self), self._recovered)

    def _recovered(self, dialog: RecoverDialog) -> None:
        if dialog.actor is not None:
            self.username.setText(dialog.actor.username)
            self.say(f"已用恢复码为站长 {dialog.actor.display_name} 设置新密码，请用新密码登录。")
            self.password.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password.setFocus()
        if isinstance(exc, KnownError):
            self.say(exc.message)
        else:
            show_error(self, exc)


class LockDialog(LoginDialog):
    """The idle-lock screen: the same person re-enters the password, or someone else logs in.

    It cannot be closed without a password (only 退出程序 leaves), so the session stays protected.
    After acceptance, `actor` is whoever logged in; the caller compares it with the locked one.
    """

    def __init__(self, database: StationDatabase, locked: Actor, parent: QWidget | None = None) -> None:
        super().__init__(database.path, parent=parent, database=database)
        self.forgot_button.hide()
        self.quit_requested = False
        self.setWindowTitle("已锁定 — 社工站")
        self.heading.setText("已锁定")
        self.subheading.setText(f"{locked.display_name}（{ROLE_LABELS.get(locked.role, locked.role)}）"
                                "的工作已锁定，请输入密码继续。")
        self.subheading.setWordWrap(True)
        self.username.setText(locked.username)
        self.username.setReadOnly(True)
        self.password.setFocus()
        self.switch_button = QPushButton("换其他用户登录")
        self.switch_button.clicked.connect(self._switch_user)
        self.buttons.insertWidget(0, self.switch_button)
        self.quit_button.setText("退出程序")
        self.quit_button.clicked.disconnect()
        self.quit_button.clicked.connect(self._quit)

    def _switch_user(self) -> None:
        self.username.setReadOnly(False)
        self.username.clear()
        self.password.clear()
        self.username.setFocus()
        self.say("")
        self.subheading.setText("请另一位用户输入自己的用户名和密码。当前用户的窗口将关闭（已保存的数据不受影响）。")
        self.switch_button.hide()

    def _quit(self) -> None:
        self.quit_requested = True
        super().reject()

    def reject(self) -> None:
        """Esc and the window's close button do nothing: a locked screen opens only by password."""


class ChangePasswordDialog(FormDialog):
    """Change one's own password. `forced` after a reset by the head: the password just used to
    log in serves as the old one, and the dialog says why it appeared."""

    def __init__(self, database: StationDatabase, actor: Actor, parent: QWidget | None = None, *,
                 current_password: str | None = None, forced: bool = False) -> None:
        intro = (f"{actor.display_name}，站长为您设置了临时密码。请设置一个只有您自己知道的新密码，然后继续。"
                 if forced else "")
        super().__init__("设置新密码" if forced else "修改密码", database.path, parent, intro)
        self._actor, self._current = actor, current_password
        if current_password is None:
            self.form.add_line("old_password", "原密码", password=True, max_length=128)
        self.form.add_line("new_password", "新密码", password=True, max_length=128)
        self.form.add_line("confirm", "再输入一次", password=True, max_length=128)
        self.form.add_note(passwords.RULE_TEXT)

    def submit(self) -> None:
        if not self.passwords_match("new_password", "confirm"):
            return
        values = self.form.values()
        old = self._current if self._current is not None else values["old_password"]
        from station_app.jobs import accounts

        self.run("修改密码", accounts.change_own_password, self._actor, old, values["new_password"])


class Curtain(QWidget):
    """Hides a window's contents while the session is locked: records of minors must not stay
    readable on an unattended screen. The window itself stays open, so nothing typed is lost."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, CURTAIN_COLOR)
        self.setPalette(palette)
        self.setAutoFillBackground(True)  # opaque: nothing of the window shows through
        label = QLabel("已锁定", self)
        label.setStyleSheet("color: #90a4ae;")
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(label, 0, Qt.AlignmentFlag.AlignCenter)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())  # type: ignore[attr-defined]
        return False


def cover_windows() -> list[Curtain]:
    """A curtain over every visible window of the application."""
    return [Curtain(w) for w in QApplication.topLevelWidgets() if w.isVisible()]
