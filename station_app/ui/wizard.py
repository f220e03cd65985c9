"""First run: a two-step wizard that sets up the station and its head's account.

Step one takes the station's details through the same entity declaration the store validates
(the 9-digit township code is checked per GB/T 2260 there); step two the head's account. Mistakes
are shown at their fields and keep the wizard on the page. Finishing calls
`jobs.admin.set_up_station` off the UI thread (it hashes the password), and the wizard closes only
once the station and the head exist.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from station_app.core.errors import ValidationError
from station_app.core.passwords import RULE_TEXT
from station_app.core.roles import Actor
from station_app.core.validation import validate
from station_app.jobs import admin
from station_app.store.database import StationDatabase
from station_app.ui.fieldform import FieldForm
from station_app.ui.operations import run_job, show_error
from station_app.ui.plain_form import PlainForm, note_label
from station_app.ui.screen_fit import FitScroll

STATION_FIELDS = ("name", "township", "county", "admin_code", "phone", "address")


class StationPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("第一步：社工站信息")
        # One line of subtitle: the wizard's header does not grow for a second one on every screen.
        self.setSubTitle("这些信息会印在打印的表格上，并随数据报送县民政局。")
        self.form = FieldForm("station", STATION_FIELDS)
        layout = QVBoxLayout(self)
        layout.addWidget(FitScroll(self.form))  # the wizard keeps its size: messages under fields scroll
        layout.addWidget(note_label("乡镇区划代码是9位数字（如 210411101），可向县民政局询问。"))
        layout.addStretch(1)

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        try:
            validate("station", self.form.values())
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            return False
        return True


class HeadPage(QWizardPage):
    def __init__(self, database: StationDatabase, station_page: StationPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._station_page = station_page
        self._busy = False
        self.actor: Actor | None = None
        self.recovery_code: str | None = None
        self.setTitle("第二步：站长账号")
        self.setSubTitle("站长可以管理用户账号、修改系统设置和备份数据。")
        self.form = PlainForm()
        self.form.add_line("username", "用户名", placeholder="登录时使用，如 wangzz", max_length=40)
        self.form.add_line("display_name", "姓名", placeholder="如 王志正", max_length=30)
        self.form.add_line("password", "密码", password=True, max_length=128)
        self.form.add_line("confirm", "再输入一次密码", password=True, max_length=128)
        self.form.add_note(RULE_TEXT)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(FitScroll(self.form))
        layout.addWidget(note_label("设置完成后即以站长身份进入。"))
        layout.addWidget(self.status)
        layout.addStretch(1)

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        if self.actor is not None:
            return True  # set-up finished in the worker: let the wizard close
        if self._busy:
            return False
        values = self.form.values()
        if values["password"] != values["confirm"]:
            self.form.show_errors({"confirm": "两次输入的密码不一致"})
            return False
        self._set_busy(True)
        run_job(self, "正在创建社工站", admin.set_up_station, self._station_page.form.values(), values["username"],
                values["display_name"], values["password"], db_path=self._database.path, show_progress=False,
                on_done=self._created, on_error=self._failed)
        return False

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.status.setText("正在创建社工站和站长账号…" if busy else "")
        for button in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
                       QWizard.WizardButton.CancelButton):
            self.wizard().button(button).setEnabled(not busy)

    def _created(self, result: tuple[Actor, str]) -> None:
        self._set_busy(False)
        self.actor, self.recovery_code = result
        self._database.forget_station_id()
        self.wizard().accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            if self.form.show_errors(exc.errors):
                return
            if self._station_page.form.show_errors(exc.errors):
                self.wizard().back()
                return
        show_error(self, exc)


class SetupWizard(QWizard):
    """Accepted once the station and its head exist; `actor` is then the head, logged in."""

    def __init__(self, database: StationDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("社工站 — 首次设置")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setMinimumSize(640, 520)
        for button, text in ((QWizard.WizardButton.NextButton, "下一步"), (QWizard.WizardButton.BackButton, "上一步"),
                             (QWizard.WizardButton.FinishButton, "完成"), (QWizard.WizardButton.CancelButton, "取消")):
            self.setButtonText(button, text)
        self.station_page = StationPage()
        self.head_page = HeadPage(database, self.station_page)
        self.addPage(self.station_page)
        self.addPage(self.head_page)

    @property
    def actor(self) -> Actor | None:
        return self.head_page.actor

    @property
    def recovery_code(self) -> str | None:
        return self.head_page.recovery_code
